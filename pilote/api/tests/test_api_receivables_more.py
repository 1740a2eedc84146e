"""Receivables over the API beyond dunning runs (apia): dunning levels, a customer's authorised outstanding and
doubtful debts — the pages' refusals through the API (422/409 in French, nothing written), the happy paths through the
receivables services, the roles refused."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import day, iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(structure, personas):
    from pilote.contacts.models import Contact
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    return Contact.objects.create(
        name="Boulangerie Martin",
        is_customer=True,
        siren="732829320",
        address_line1="1 place du Marché",
        postal_code="38000",
        city="Grenoble",
    )


@pytest.fixture
def issued(customer, personas):
    from pilote.sales import issuing
    from pilote.sales import services as sales

    line = sales.LineSpec(description="Prestation", quantity=Decimal(1), unit_price=Decimal(1000))
    draft = sales.create_invoice(actor=personas["comptable"], customer=customer, date=day(1, 5),
                                 lines=[line])  # fmt: skip
    return issuing.issue_invoice(actor=personas["comptable"], invoice=draft, render_pdf=False)


LEVEL = {
    "rank": 9,
    "title": "Mise en demeure finale",
    "days_after_due": 90,
    "channel": "letter",
    "email_subject": "Relance {client}",
    "email_body": "Reste dû : {total_du}",
    "letter_body": "Madame, Monsieur",
}


def test_dunning_levels_are_written_with_their_texts_checked(call, customer):
    from pilote.receivables.models import DunningLevel

    count = DunningLevel.objects.count()
    unknown = call("comptable", "post", "/api/v1/niveaux-relance", {**LEVEL, "email_body": "Dû : {montant}"})
    assert unknown.status_code == 422 and "montant" in str(unknown.json()["erreurs"]["email_body"])
    taken = call("comptable", "post", "/api/v1/niveaux-relance", {**LEVEL, "rank": 1})
    assert taken.status_code in (409, 422) and "déjà ce rang" in str(taken.json())
    assert call("auditeur", "post", "/api/v1/niveaux-relance", LEVEL).status_code == 403
    assert call("rh", "get", "/api/v1/niveaux-relance").status_code == 403
    assert DunningLevel.objects.count() == count
    made = call("commercial", "post", "/api/v1/niveaux-relance", LEVEL)
    assert made.status_code == 201, made.content
    level = made.json()
    assert level["rank"] == 9 and level["channel"] == "letter" and level["version"] == 1
    url = f"/api/v1/niveaux-relance/{level['id']}"
    stale = call("comptable", "patch", url, {"title": "Dernier rappel", "version": 5})
    assert stale.status_code == 409
    changed = call("comptable", "patch", url, {"title": "Dernier rappel", "version": 1})
    assert changed.status_code == 200 and changed.json()["title"] == "Dernier rappel", changed.content
    assert changed.json()["letter_body"] == "Madame, Monsieur" and changed.json()["version"] == 2
    assert [row["rank"] for row in call("comptable", "get", "/api/v1/niveaux-relance").json()][-1] == 9


def test_a_credit_limit_is_set_and_removed(call, issued, customer):
    from pilote.receivables.models import CreditLimit

    url = f"/api/v1/clients/{customer.pk}/encours-autorise"
    shown = call("comptable", "get", url).json()
    assert shown["amount"] is None and shown["open_balance"] == "1200.00"
    assert call("comptable", "put", url, {"amount": "-1"}).status_code == 422
    assert call("auditeur", "put", url, {"amount": "5000"}).status_code == 403
    assert not CreditLimit.objects.exists()
    made = call("commercial", "put", url, {"amount": "5000"})
    assert made.status_code == 200 and made.json()["amount"] == "5000.00" and made.json()["version"] == 1
    assert call("commercial", "put", url, {"amount": "6000", "version": 4}).status_code == 409
    removed = call("commercial", "put", url, {"amount": None, "version": 1})
    assert removed.status_code == 200 and removed.json()["amount"] is None and not CreditLimit.objects.exists()


def test_a_doubtful_debt_is_classed_written_down_then_written_off(call, issued, customer, structure):
    from pilote.ledger.models import Entry
    from pilote.receivables.models import DoubtfulDebt

    url = f"/api/v1/factures/{issued.pk}/creance-douteuse"
    assert call("commercial", "post", url, {"day": iso(3, 10)}).status_code == 403
    assert call("comptable", "post", url, {"day": "2026-02-31"}).status_code == 422
    before_invoice = call("comptable", "post", url, {"day": iso(12, 1, years=-1)})
    assert before_invoice.status_code == 409, before_invoice.content
    assert not DoubtfulDebt.objects.exists()
    entries = Entry.objects.count()
    made = call("comptable", "post", url, {"day": iso(3, 10), "reason": "Redressement judiciaire"})
    assert made.status_code == 201, made.content
    debt = made.json()
    assert (debt["amount_gross"], debt["amount_net"], debt["status"]) == ("1200.00", "1000.00", "doubtful")
    assert Entry.objects.count() == entries + 1
    again = call("comptable", "post", url, {"day": iso(3, 11)})
    assert again.status_code == 409 and "déjà classée douteuse" in again.json()["detail"]
    debt_url = f"/api/v1/creances-douteuses/{debt['id']}"
    assert call("comptable", "post", f"{debt_url}/depreciation", {"day": iso(3, 31), "rate": "120"}).status_code == 422
    provided = call("direction", "post", f"{debt_url}/depreciation", {"day": iso(3, 31), "rate": "50"})
    assert provided.status_code == 200 and provided.json()["provision"] == "500.00", provided.content
    no_proof = call("comptable", "post", f"{debt_url}/perte", {"day": iso(6, 30), "proof": ""})
    assert no_proof.status_code == 422 and "proof" in no_proof.json()["erreurs"]
    lost = call("comptable", "post", f"{debt_url}/perte", {"day": iso(6, 30), "proof": "Clôture pour insuffisance"})
    assert lost.status_code == 200 and lost.json()["status"] == "written_off", lost.content
    listed = call("comptable", "get", f"/api/v1/creances-douteuses?statut=written_off&client={customer.pk}")
    assert [row["id"] for row in listed.json()["results"]] == [debt["id"]]
    assert call("comptable", "get", "/api/v1/creances-douteuses?statut=perdue").status_code == 422
    assert call("auditeur", "get", "/api/v1/creances-douteuses").status_code == 403
