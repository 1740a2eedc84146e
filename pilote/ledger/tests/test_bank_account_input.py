"""A bank account is created from the IBAN as printed on a RIB (spaces or dashes); a wrong IBAN is refused
with its reason, not a generic message."""

import html

from django.urls import reverse

from pilote.ledger.models import BankAccount


def test_bank_account_from_a_spaced_or_dashed_iban(books, client_as):
    client = client_as("comptable")
    page = client.get(reverse("ledger:bank-list")).content.decode()
    assert 'maxlength="40"' not in page
    client.post(reverse("ledger:bank-create"), {"name": "BNP", "iban": "FR76 3000 4000 0100 0123 4567 830",
                                                 "account_code": "512"})  # fmt: skip
    assert BankAccount.objects.get().iban == "FR7630004000010001234567830"
    response = client.post(
        reverse("ledger:bank-create"),
        {"name": "Autre", "iban": "FR76-3000-4000-0100-0123-4567-831", "account_code": "512"},
        follow=True,
    )
    assert "IBAN invalide" in html.unescape(response.content.decode())
    assert BankAccount.objects.count() == 1
