"""Operations helper apibuy added: a statement line booked directly, the reconciliation's pairs listed and reconciled
in bulk, a customer payment settled from a bank credit — each through the page's service, with the pages' refusals
(409/422 in French, nothing written) and the roles refused; the pages still work through the services they now
share with the API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.api.tests.days import day, iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(structure, personas):
    from pilote.sales.tests.factories import make_books

    return make_books(structure)


def _statement_line(bank, personas, amount, label, when=None, n=1):
    from pilote.ledger.models_bank import StatementImport, StatementLine

    statement, _ = StatementImport.objects.get_or_create(
        bank_account=bank, file_hash="c" * 64,
        defaults={"filename": "r.csv", "file_format": "csv", "imported_by": personas["comptable"]},
    )  # fmt: skip
    return StatementLine.objects.create(bank_account=bank, statement=statement, booking_date=when or day(3, 5),
                                        amount=Decimal(amount), label=label, fingerprint=f"apibuy-{n}")  # fmt: skip


def _bank_entry(bank, personas, amount, when=None):
    """A posted bank entry: a payment of `amount` (credit of the bank account) against 6061."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account

    lines = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(amount), label="Achat"),
             ledger.LineInput(account=bank.account, credit=Decimal(amount), label="Achat")]  # fmt: skip
    entry = ledger.create_entry(actor=personas["comptable"], journal=bank.journal, date=when or day(3, 5),
                                label="Achat", lines=lines, post=True)  # fmt: skip
    return entry.lines.get(account=bank.account)


def test_a_statement_line_is_booked_directly_with_a_rule(call, bank, personas):
    from pilote.ledger.models import Entry
    from pilote.ledger.models_bank import BankRule

    line = _statement_line(bank, personas, "-12", "COMMISSION CB MARS")
    url = f"/api/v1/lignes-releve/{line.pk}/comptabilisation"
    body = {"account": "6278", "label": "Commission carte", "rule_text": "COMMISSION CB"}
    entries = Entry.objects.count()
    assert call("direction", "post", url, body).status_code == 403  # ledger.edit: the accountant's
    unknown = call("comptable", "post", url, {**body, "account": "9999"})
    assert unknown.status_code == 409 and unknown.json()["detail"] == "Compte 9999 inconnu du plan comptable."
    no_aux = call("comptable", "post", url, {**body, "auxiliary": "ZZZ"})
    assert no_aux.status_code == 409 and no_aux.json()["detail"] == "Compte auxiliaire ZZZ inconnu."
    assert call("comptable", "post", url, {**body, "account": ""}).status_code == 422
    line.refresh_from_db()
    assert line.entry_line_id is None and Entry.objects.count() == entries and not BankRule.objects.exists()
    booked = call("comptable", "post", url, body)
    assert booked.status_code == 200, booked.content
    line.refresh_from_db()
    assert booked.json()["entry_line_id"] == line.entry_line_id is not None
    entry = line.entry_line.entry
    assert entry.status == "posted" and entry.journal_id == bank.journal_id and entry.label == "Commission carte"
    assert entry.lines.get(account__code="6278").debit == Decimal(12)
    rule = BankRule.objects.get()
    assert (rule.label_contains, rule.account.code, rule.bank_account_id) == ("COMMISSION CB", "6278", bank.pk)
    again = call("comptable", "post", url, body)
    assert again.status_code == 409 and "déjà rapprochée" in again.json()["detail"]
    assert BankRule.objects.count() == 1  # all or nothing: no second rule for a refused booking


def test_the_page_books_a_line_through_the_same_service(client_as, bank, personas):
    from pilote.ledger.models_bank import BankRule

    line = _statement_line(bank, personas, "-5", "AGIOS")
    url = reverse("ledger:statement-line-book", args=[line.pk])
    client = client_as("comptable")
    refused = client.post(url, {"account": "9999", "label": "Agios"}, follow=True)
    assert "Compte 9999 inconnu du plan comptable." in refused.content.decode()
    client.post(url, {"account": "661", "label": "Agios", "make_rule": "on", "rule_text": "AGIOS"})
    line.refresh_from_db()
    assert line.entry_line.account.code == bank.account.code and BankRule.objects.get().label_contains == "AGIOS"


def test_the_proposed_pairs_are_listed_and_reconciled_in_bulk_then_undone(call, bank, personas):
    paid = _bank_entry(bank, personas, 7)
    _bank_entry(bank, personas, 9)  # in the books only
    line = _statement_line(bank, personas, "-7", "PRLV FOURNISSEUR")
    _statement_line(bank, personas, "-3", "FRAIS", n=2)  # on the statement only
    url = f"/api/v1/comptes-bancaires/{bank.pk}/rapprochement"
    report = call("auditeur", "get", f"{url}?au={iso(3, 31)}")
    assert report.status_code == 200, report.content
    figures = report.json()
    assert (figures["pair_count"], figures["bank_only_count"], figures["book_only_count"]) == (1, 1, 1)
    assert (figures["pairs_total"], figures["bank_only_total"], figures["book_only_total"]) == ("-7.00", "-3.00",
                                                                                              "-9.00")  # fmt: skip
    assert call("commercial", "get", f"{url}?au={iso(3, 31)}").status_code == 403
    pairs = call("auditeur", "get", f"{url}/paires?au={iso(3, 31)}").json()
    assert pairs["count"] == 1
    pair = pairs["results"][0]
    assert pair["key"] == f"{line.pk}-{paid.pk}" and pair["statement_line"]["id"] == line.pk
    assert pair["book_line"]["id"] == paid.pk and "même montant" in pair["reasons"]
    body = {"au": iso(3, 31), "paires": [pair["key"], "999999-999999", "n'importe quoi"]}
    assert call("auditeur", "post", f"{url}/paires", body).status_code == 403
    line.refresh_from_db()
    assert line.entry_line_id is None
    done = call("comptable", "post", f"{url}/paires", body)
    assert done.status_code == 200 and done.json() == {"reconciled": 1}, done.content
    line.refresh_from_db()
    assert line.entry_line_id == paid.pk
    assert call("comptable", "post", f"{url}/paires", body).json() == {"reconciled": 0}  # no longer proposed
    assert call("auditeur", "get", f"{url}?au={iso(3, 31)}").json()["pair_count"] == 0
    undone = call("comptable", "post", f"/api/v1/lignes-releve/{line.pk}/annulation-rapprochement")
    assert undone.status_code == 200 and undone.json()["entry_line_id"] is None
    assert call("auditeur", "get", f"{url}/paires?au={iso(3, 31)}").json()["count"] == 1  # proposed again


def test_a_customer_payment_is_settled_from_a_bank_credit(call, structure, personas):
    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.sales.models import Payment
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    invoice = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=day(3, 2),
                                   lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(2))])  # fmt: skip
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    credit = _statement_line(shop["bank"], personas, invoice.total_gross, f"VIR MARTIN {invoice.number}", day(3, 9))
    debit = _statement_line(shop["bank"], personas, "-4", "PRLV", day(3, 9), n=2)
    listed = call("comptable", "get", "/api/v1/encaissements-releve")
    assert listed.status_code == 200, listed.content
    row = next(r for r in listed.json()["results"] if r["statement_line"]["id"] == credit.pk)
    assert row["invoices"][0]["invoice_id"] == invoice.pk and "même montant" in row["invoices"][0]["reasons"]
    assert debit.pk not in [r["statement_line"]["id"] for r in listed.json()["results"]]
    assert call("commercial", "get", "/api/v1/encaissements-releve").status_code == 403  # sales.payments
    url = f"/api/v1/lignes-releve/{credit.pk}/reglement-client"
    assert call("commercial", "post", url, {"invoice": invoice.pk}).status_code == 403
    wrong = call("comptable", "post", f"/api/v1/lignes-releve/{debit.pk}/reglement-client", {"invoice": invoice.pk})
    assert (
        wrong.status_code == 409 and wrong.json()["detail"] == "Seul un crédit du relevé peut être un règlement client."
    )
    missing = call("comptable", "post", url, {"invoice": 999999})
    assert missing.status_code == 422 and missing.json()["erreurs"]["invoice"] == ["Facture introuvable."]
    assert not Payment.objects.exists()
    settled = call("comptable", "post", url, {"invoice": invoice.pk})
    assert settled.status_code == 201, settled.content
    payment = settled.json()
    assert payment["amount"] == f"{invoice.total_gross:.2f}" and payment["allocations"][0]["invoice_id"] == invoice.pk
    invoice.refresh_from_db()
    credit.refresh_from_db()
    assert invoice.balance_due == 0 and credit.entry_line_id is not None
    again = call("assistant", "post", url, {"invoice": invoice.pk})
    assert again.status_code == 409 and "déjà rapprochée" in again.json()["detail"]
    assert Payment.objects.count() == 1
