"""Operations helper apid added: a request for quotes e-mailed to a supplier, bank statements imported from files and
the bank matching rules, the full-costing settings and the sales budget lines, a receipt added to a draft expense
report — each through the page's form and service (the e-mail in Django's locmem outbox), the pages' refusals (422
in French, nothing written), the roles refused."""

import base64
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from pilote.api.tests.days import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def suppliers(structure, personas):
    from pilote.contacts.models import Contact

    return [Contact.objects.create(name="Bureau Plus", is_supplier=True, email="devis@bureauplus.fr"),
            Contact.objects.create(name="Papeterie Alpine", is_supplier=True)]  # fmt: skip


def test_a_request_for_quotes_is_emailed_to_each_supplier(call, suppliers, personas):
    from pilote.purchases import rfq
    from pilote.purchases.models import QuoteAnswer

    asked = rfq.create_request(actor=personas["direction"], title="Ramettes", date=day(3, 2), suppliers=suppliers,
                               reply_by=day(3, 20), lines=[rfq.RequestedLine("Ramette A4", Decimal(10))])  # fmt: skip
    first, second = (asked.answers.get(supplier=supplier) for supplier in suppliers)
    url = f"/api/v1/demandes-de-prix/{asked.pk}/reponses"
    assert call("auditeur", "post", f"{url}/{first.pk}/envoi", {}).status_code == 403
    assert call("salarie", "post", f"{url}/{first.pk}/envoi", {}).status_code == 403
    no_address = call("commercial", "post", f"{url}/{second.pk}/envoi", {})
    assert no_address.status_code == 422 and "to" in no_address.json()["erreurs"]
    assert call("commercial", "post", f"{url}/{second.pk + 1000}/envoi", {}).status_code == 404
    assert not mail.outbox and not QuoteAnswer.objects.filter(sent_at__isnull=False).exists()
    sent = call("commercial", "post", f"{url}/{first.pk}/envoi", {})
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent"
    assert [a["sent_at"] is not None for a in sent.json()["answers"]] == [True, False]
    (message,) = mail.outbox
    assert message.to == ["devis@bureauplus.fr"] and asked.number in message.subject
    assert "avant le 20/03/" in message.body
    assert message.attachments[0][0] == f"Demande-de-prix-{asked.number}.pdf"
    other = call("commercial", "post", f"{url}/{second.pk}/envoi", {"to": "contact@alpine.fr", "subject": "DP",
                                                                    "body": "Bonjour"})  # fmt: skip
    assert other.status_code == 200 and mail.outbox[1].to == ["contact@alpine.fr"] and mail.outbox[1].body == "Bonjour"
    rfq.cancel_request(actor=personas["direction"], request=asked, version=asked.__class__.objects.get().version)
    closed = call("commercial", "post", f"{url}/{first.pk}/envoi", {})
    assert closed.status_code == 409 and len(mail.outbox) == 2


# --- bank statements and rules -------------------------------------------------------------------------------

BANK_FILES = Path(__file__).resolve().parents[2] / "ledger/tests/bank_files"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def bank_account(structure, personas):
    from pilote.ledger import bank
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    # the IBAN of the CAMT.053 v08 sample (SOURCES.md in the ledger's bank_files)
    return bank.create_bank_account(actor=personas["comptable"], name="Crédit Lyonnais",
                                    iban="FR7630003036200005012345668", journal_code="BQ9")  # fmt: skip


def test_a_camt053_statement_is_imported_once_and_a_bad_file_writes_nothing(call, bank_account):
    from pilote.ledger.models_bank import StatementImport, StatementLine

    url = f"/api/v1/comptes-bancaires/{bank_account.pk}/imports-releves"
    camt = (BANK_FILES / "camt053_v08.xml").read_bytes()
    body = {"file_name": "releve.xml", "content_base64": _b64(camt)}
    assert call("auditeur", "post", url, body).status_code == 403
    assert call("commercial", "post", url, body).status_code == 403
    broken = call("comptable", "post", url, {"file_name": "releve.xml", "content_base64": _b64(camt[:-200])})
    assert broken.status_code == 422 and broken.json()["erreurs"]["content_base64"], broken.content
    junk = call("comptable", "post", url, {"file_name": "releve.xml", "content_base64": "pas du base64 !"})
    assert junk.status_code == 422 and "base64" in junk.json()["erreurs"]["content_base64"][0]
    other = (BANK_FILES / "ofx220.ofx").read_bytes()  # another account's statement
    assert call("comptable", "post", url, {"file_name": "r.ofx", "content_base64": _b64(other)}).status_code in (
        409,
        422,
    )
    assert not StatementImport.objects.exists() and not StatementLine.objects.exists()
    made = call("comptable", "post", url, body)
    assert made.status_code == 201, made.content
    record = made.json()
    assert record["file_format"] == "camt053" and record["line_count"] == StatementLine.objects.count() > 0
    assert record["bank_account_id"] == bank_account.pk and record["skipped_count"] == 0
    again = call("comptable", "post", url, body)
    assert again.status_code == 409 and "déjà été importé" in again.json()["detail"]
    assert call("comptable", "post", "/api/v1/comptes-bancaires/999999/imports-releves", body).status_code == 404
    listed = call("auditeur", "get", f"/api/v1/comptes-bancaires/{bank_account.pk}/releves?etat=a-rapprocher")
    assert listed.json()["count"] == record["line_count"]


def test_a_csv_statement_needs_columns_that_fit_its_header(call, bank_account):
    from pilote.ledger.models_bank import BankAccount, StatementLine

    url = f"/api/v1/comptes-bancaires/{bank_account.pk}/imports-releves"
    today = day(3, 2).strftime("%d/%m/%Y")
    csv = f"Date;Libellé;Montant\n{today};PRLV ASSURANCE;-45,10\n{today};VIR CLIENT ACME;1 250,00\n".encode()
    body = {"file_name": "releve.csv", "content_base64": _b64(csv)}
    blind = call("comptable", "post", url, body)
    assert blind.status_code == 422 and "csv_layout" in blind.json()["erreurs"]
    wrong = call("comptable", "post", url, {**body, "csv_layout": {"date_column": "Date", "label_column": "Libellé",
                                                                   "amount_column": "Solde"}})  # fmt: skip
    assert wrong.status_code == 422 and "csv_layout.amount_column" in wrong.json()["erreurs"]
    neither = call("comptable", "post", url, {**body, "csv_layout": {"date_column": "Date", "label_column": "Libellé"}})
    assert neither.status_code == 422 and "Débit et Crédit" in neither.json()["erreurs"]["csv_layout"][0]
    assert not StatementLine.objects.exists()
    layout = {"date_column": "Date", "label_column": "Libellé", "amount_column": "Montant"}
    made = call("comptable", "post", url, {**body, "csv_layout": layout})
    assert made.status_code == 201, made.content
    assert sorted(StatementLine.objects.values_list("amount", flat=True)) == [Decimal("-45.10"), Decimal("1250.00")]
    assert BankAccount.objects.get(pk=bank_account.pk).csv_mapping["amount_column"] == "Montant"  # saved, as the page
    later = f"Date;Libellé;Montant\n{day(3, 9):%d/%m/%Y};FRAIS;-7,00\n".encode()
    again = call("comptable", "post", url, {"file_name": "avril.csv", "content_base64": _b64(later)})
    assert again.status_code == 201 and again.json()["line_count"] == 1  # the saved layout read it


def test_bank_rules_are_listed_created_changed_and_deleted(call, bank_account):
    from pilote.core.models import AuditEvent
    from pilote.ledger.models import Account
    from pilote.ledger.models_bank import BankRule

    fees = Account.objects.get(code="6278") if Account.objects.filter(code="6278").exists() else None
    fees = fees or Account.objects.get(code="6061")
    url = "/api/v1/regles-bancaires"
    body = {"label_contains": "FRAIS TENUE", "account": fees.pk, "bank_account": bank_account.pk,
            "entry_label": "Frais bancaires"}  # fmt: skip
    assert call("auditeur", "post", url, body).status_code == 403
    empty = call("comptable", "post", url, {**body, "label_contains": "   "})
    assert empty.status_code in (409, 422) and not BankRule.objects.exists()
    unknown = call("comptable", "post", url, {**body, "account": 999999})
    assert unknown.status_code == 422 and "account" in unknown.json()["erreurs"]
    made = call("comptable", "post", url, body)
    assert made.status_code == 201, made.content
    rule = made.json()
    assert rule["account_code"] == fees.code and rule["bank_account_id"] == bank_account.pk
    call("comptable", "post", url, {"label_contains": "URSSAF", "account": fees.pk})
    listed = call("auditeur", "get", f"{url}?q=frais&compte_bancaire={bank_account.pk}")
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["results"]] == [rule["id"]]
    assert call("auditeur", "get", f"{url}?tri=-texte").json()["results"][0]["label_contains"] == "URSSAF"
    changed = call("comptable", "patch", f"{url}/{rule['id']}", {"label_contains": "FRAIS", "bank_account": None})
    assert changed.status_code == 200, changed.content
    assert changed.json()["label_contains"] == "FRAIS" and changed.json()["bank_account_id"] is None
    assert changed.json()["entry_label"] == "Frais bancaires"
    assert AuditEvent.objects.filter(action="ledger.bank_rule.changed").exists()
    assert call("auditeur", "delete", f"{url}/{rule['id']}").status_code == 403
    assert call("comptable", "delete", f"{url}/{rule['id']}").status_code == 204
    assert call("comptable", "get", f"{url}/{rule['id']}").status_code == 404
    assert BankRule.objects.count() == 1


# --- finance: full-costing settings, sales budgeted per article ---------------------------------------------


@pytest.fixture
def year(structure, personas):
    from pilote.ledger.models import FiscalYear
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    return FiscalYear.objects.get(start_date=day(1, 1))


def test_full_costing_settings_are_saved_whole_through_the_pages_service(call, year, personas):
    from pilote.finance.models import CostingSetup
    from pilote.ledger import analytics

    owner = personas["direction"]
    centres = analytics.create_axis(actor=owner, code="CTR", label="Centres")
    for code, kind in (("ENTRETIEN", "auxiliary"), ("ATELIER", "main"), ("MONTAGE", "main")):
        analytics.create_section(actor=owner, axis=centres, code=code, label=code.capitalize(), kind=kind)
    products = analytics.create_axis(actor=owner, code="PRD", label="Produits")
    analytics.create_section(actor=owner, axis=products, code="TABLE", label="Tables")
    url = f"/api/v1/exercices/{year.pk}/couts-complets"
    assert call("comptable", "get", url).status_code == 404  # nothing saved yet
    body = {"centres_axis": centres.pk, "products_axis": products.pk,
            "keys": [{"auxiliary": "ENTRETIEN", "target": "ATELIER", "percent": "60"},
                     {"auxiliary": "ENTRETIEN", "target": "MONTAGE", "percent": "30"}],
            "units": [{"centre": "ATELIER", "label": "Heure machine", "number": "1000",
                       "usage": [{"product": "TABLE", "units": "400"}]}]}  # fmt: skip
    assert call("auditeur", "put", url, body).status_code == 403
    short = call("comptable", "put", url, body)
    assert short.status_code == 409 and "ENTRETIEN font 90" in short.json()["detail"]
    body["keys"][1]["percent"] = "40"
    stranger = call(
        "comptable",
        "put",
        url,
        {**body, "keys": [*body["keys"], {"auxiliary": "ATELIER", "target": "MONTAGE", "percent": "100"}]},
    )
    assert stranger.status_code == 409 and "pas un centre auxiliaire" in stranger.json()["detail"]
    unknown = call(
        "comptable",
        "put",
        url,
        {**body, "units": [{"centre": "ATELIER", "number": "10", "usage": [{"product": "CHAISE", "units": "4"}]}]},
    )
    assert unknown.status_code == 409 and "CHAISE" in unknown.json()["detail"]
    same = call("comptable", "put", url, {**body, "products_axis": centres.pk})
    assert same.status_code == 409 and "deux axes différents" in same.json()["detail"]
    assert call("comptable", "put", url, {**body, "centres_axis": 999999}).status_code == 422
    assert not CostingSetup.objects.exists()
    saved = call("comptable", "put", url, body)
    assert saved.status_code == 200, saved.content
    found = saved.json()
    keys = [(k["target"], Decimal(k["percent"])) for k in found["keys"]]
    assert keys == [("ATELIER", Decimal(60)), ("MONTAGE", Decimal(40))]
    assert found["units"][0]["label"] == "Heure machine" and Decimal(found["units"][0]["usage"][0]["units"]) == 400
    setup = CostingSetup.objects.get()
    assert {target: Decimal(value) for target, value in setup.keys["ENTRETIEN"].items()} == dict(keys)
    assert call("auditeur", "get", url).json()["id"] == setup.pk
    listed = call("auditeur", "get", f"/api/v1/couts-complets/parametres?exercice={year.pk}")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [setup.pk]


def test_sales_budget_lines_are_set_changed_and_removed_in_the_structures_budget_only(call, year, personas):
    from pilote.catalog.models import Product
    from pilote.finance import services
    from pilote.finance.models import BudgetSalesLine
    from pilote.ledger import analytics

    owner = personas["direction"]
    table = Product.objects.create(reference="TAB", name="Table", unit_price=Decimal(300))
    budget = services.create_budget(actor=owner, fiscal_year=year, name="Budget initial")
    url = f"/api/v1/budgets/{budget.pk}/ventes-articles"
    march = {"article": table.pk, "month": day(3, 15).isoformat(), "quantity": "10", "amount": "3000.00"}
    assert call("commercial", "post", url, march).status_code == 403
    no_quantity = call("direction", "post", url, {**march, "quantity": "0"})
    assert no_quantity.status_code == 409 and "indiquez la quantité" in no_quantity.json()["detail"]
    elsewhere = call("direction", "post", url, {**march, "month": day(3, 15, years=1).isoformat()})
    assert elsewhere.status_code == 422 and "month" in elsewhere.json()["erreurs"]
    missing = call("direction", "post", url, {**march, "article": 999999})
    assert missing.status_code == 422 and "article actif" in missing.json()["erreurs"]["article"][0]
    made = call("direction", "post", url, march)
    assert made.status_code == 201, made.content
    (line,) = made.json()
    assert line["month"] == day(3, 1).isoformat() and line["quantity"] == "10.000" and line["amount"] == "3000.00"
    april = call("direction", "post", url, {**march, "month": day(4, 2).isoformat(), "quantity": "5",
                                            "amount": "1500.00"})  # fmt: skip
    assert [row["month"][5:7] for row in april.json()] == ["03", "04"]
    assert [row["id"] for row in call("auditeur", "get", f"{url}?mois={day(4, 20)}").json()["results"]] == [
        april.json()[1]["id"]]  # fmt: skip
    line_url = f"/api/v1/ventes-articles-budget/{line['id']}"
    changed = call("direction", "patch", line_url, {"amount": "3300.00"})
    assert changed.status_code == 200 and changed.json()["id"] == line["id"] and changed.json()["amount"] == "3300.00"
    assert changed.json()["quantity"] == "10.000"
    assert call("direction", "patch", line_url, {"quantity": "0", "amount": "0"}).status_code == 422
    assert call("direction", "delete", line_url).status_code == 204
    assert list(BudgetSalesLine.objects.values_list("month", flat=True)) == [day(4, 1)]  # April kept
    year_long = call("direction", "post", url, {"article": table.pk, "quantity": "120", "amount": "36000.00"})
    assert year_long.status_code == 201 and len(year_long.json()) == 12
    assert sum(Decimal(row["amount"]) for row in year_long.json()) == Decimal("36000.00")
    axis = analytics.create_axis(actor=owner, code="SIT", label="Sites")
    site = analytics.create_section(actor=owner, axis=axis, code="LYON", label="Lyon", kind="main")
    centre = services.create_budget(actor=owner, fiscal_year=year, name="Lyon", section=site)
    refused = call("direction", "post", f"/api/v1/budgets/{centre.pk}/ventes-articles", march)
    assert refused.status_code == 409 and "budget de la structure" in refused.json()["detail"]


# --- HR: an expense with its receipt added to a draft report -------------------------------------------------


def test_an_expense_with_its_receipt_is_added_to_a_draft_report_only(call, personas):
    from pilote.api.tests.test_api_people import _hire
    from pilote.hr.models import ExpenseReport
    from pilote.hr.services import expenses
    from pilote.lib.dates import local_today

    employee = _hire(personas, "salarie")
    _hire(personas, "assistant")
    report = expenses.create_report(actor=personas["salarie"], employee=employee, title="Salon")
    url = f"/api/v1/notes-de-frais/{report.pk}/depenses"
    png = _b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    meal = {"spent_on": local_today().isoformat(), "category": "repas", "description": "Déjeuner client",
            "amount": "24.00", "vat": "2.18", "receipt_name": "ticket.png", "receipt_base64": png}  # fmt: skip
    assert call("assistant", "post", url, meal).status_code == 404  # another employee's report
    assert call("auditeur", "post", url, meal).status_code == 403
    garbled = call("salarie", "post", url, {**meal, "receipt_base64": "%%%"})
    assert garbled.status_code == 422 and "base64" in str(garbled.json()["erreurs"])
    fake = call("salarie", "post", url, {**meal, "receipt_base64": _b64(b"#!/bin/sh\necho ticket")})
    assert fake.status_code in (409, 422) and not report.lines.exists(), fake.content
    made = call("salarie", "post", url, meal)
    assert made.status_code == 201, made.content
    assert made.json()["total"] == "24.00" and len(made.json()["lines"]) == 1
    line = report.lines.get()
    assert line.receipt_name == "ticket.png" and line.receipt.read().startswith(b"\x89PNG")
    by_hr = call("rh", "post", url, {**meal, "description": "Taxi", "category": "transport", "vat": "0"})
    assert by_hr.status_code == 201 and len(by_hr.json()["lines"]) == 2
    extra = report.lines.get(description="Taxi")
    assert call("assistant", "delete", f"/api/v1/depenses-notes-de-frais/{extra.pk}").status_code == 404
    assert call("salarie", "delete", f"/api/v1/depenses-notes-de-frais/{extra.pk}").status_code == 204
    expenses.submit_report(actor=personas["salarie"], report=ExpenseReport.objects.get(pk=report.pk))
    late = call("salarie", "post", url, meal)
    assert late.status_code == 409 and "ne change plus" in late.json()["detail"]
    assert report.lines.count() == 1


def test_the_rules_book_the_lines_within_the_filters_only(call, bank_account, personas):
    from pilote.ledger import bank
    from pilote.ledger.models import Account
    from pilote.ledger.models_bank import StatementImport, StatementLine

    bank.create_rule(actor=personas["comptable"], bank_account=None, label_contains="FRAIS TENUE",
                     account=Account.objects.get(code="6061"))  # fmt: skip
    statement = StatementImport.objects.create(bank_account=bank_account, filename="r.csv", file_format="csv",
                                               file_hash="b" * 64, imported_by=personas["comptable"])  # fmt: skip
    for number, month in ((1, 3), (2, 4)):
        StatementLine.objects.create(
            bank_account=bank_account,
            statement=statement,
            booking_date=day(month, 5),
            amount=Decimal(-7),
            label="FRAIS TENUE DE COMPTE",
            fingerprint=f"f{number}",
        )
    StatementLine.objects.create(bank_account=bank_account, statement=statement, booking_date=day(3, 6),
                                 amount=Decimal(-9), label="CARTE BOULANGERIE", fingerprint="f3")  # fmt: skip
    url = f"/api/v1/comptes-bancaires/{bank_account.pk}/application-regles"
    assert call("auditeur", "post", url, {}).status_code == 403
    wrong = call("comptable", "post", url, {"du": day(4, 1).isoformat(), "au": day(3, 1).isoformat()})
    assert wrong.status_code in (200, 422)
    march = call("comptable", "post", url, {"au": day(3, 31).isoformat()})
    assert march.status_code == 200 and march.json() == {"booked": 1}, march.content
    assert StatementLine.objects.filter(entry_line__isnull=False).count() == 1
    rest = call("comptable", "post", url, {})
    assert rest.json() == {"booked": 1} and StatementLine.objects.filter(entry_line__isnull=True).count() == 1
