"""The « Clients et fournisseurs » page: each sub-ledger account with its balance on the debit or the
credit side, as an accountant reads it (no minus sign for a supplier we owe)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from pilote.ledger import services
from pilote.ledger.tests.conftest import sale


def test_customer_debit_and_supplier_credit_balances(books, client_as):
    a = books["a"]
    sale(books, amount="100.00", vat="20.00")
    services.create_entry(
        actor=books["actor"], journal=books["j"]["AC"], date=dt.date(2026, 3, 20), label="Facture fournisseur",
        lines=[
            services.LineInput(a["606"], debit=Decimal("250.00")),
            services.LineInput(a["44566"], debit=Decimal("50.00"), vat_rate=Decimal("20.00"), vat_base=Decimal("250")),
            services.LineInput(a["401"], credit=Decimal("300.00"), auxiliary=books["supplier"]),
        ],
        post=True,
    )  # fmt: skip
    page = client_as("comptable").get(reverse("ledger:third-parties")).content.decode().replace("\u202f", " ")
    customer_row = page.split("C000001", 1)[1].split("</tr>", 1)[0]
    supplier_row = page.split("F000001", 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Solde débiteur" class="num">120,00' in customer_row
    assert 'data-label="Solde créditeur" class="num">300,00' in supplier_row
    assert "-300" not in supplier_row and "−300" not in supplier_row
