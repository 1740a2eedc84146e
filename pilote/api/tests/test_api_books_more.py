"""Loans, break-even, bank reconciliation and intervention invoicing over the API (apia): the pages' refusals through
the API (422/409 in French, nothing written), the happy paths through the services, the roles refused."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import day, iso, year

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(structure, personas):
    from pilote.sales.tests.factories import make_books

    return make_books(structure)


def test_a_loan_is_added_with_its_schedule_then_removed(call, bank):
    from pilote.finance.models import Loan

    body = {"label": "Camion", "principal": "12000", "annual_rate": "0", "months": 12, "first_due": iso(5, 5)}
    assert call("comptable", "post", "/api/v1/emprunts", {**body, "months": 0}).status_code == 422
    negative = call("comptable", "post", "/api/v1/emprunts", {**body, "principal": "-5"})
    assert negative.status_code == 422 and "positif" in negative.content.decode()  # the form's field, as on the page
    repaid = call("comptable", "post", "/api/v1/emprunts", {**body, "first_due": iso(1, 5, years=-2)})
    assert repaid.status_code == 422 and "déjà remboursé" in str(repaid.json())
    assert call("auditeur", "post", "/api/v1/emprunts", body).status_code == 403
    assert call("commercial", "get", "/api/v1/emprunts").status_code == 403
    assert not Loan.objects.exists()
    made = call("direction", "post", "/api/v1/emprunts", body)
    assert made.status_code == 201, made.content
    schedule = made.json()["schedule"]
    assert len(schedule) == 12 and schedule[0]["payment"] == "1000.00" and schedule[-1]["remaining"] == "0.00"
    assert schedule[1]["day"] == iso(6, 5)
    loan = made.json()["id"]
    assert call("auditeur", "get", f"/api/v1/emprunts/{loan}").json()["schedule"][0]["interest"] == "0.00"
    assert call("auditeur", "delete", f"/api/v1/emprunts/{loan}").status_code == 403
    assert call("comptable", "delete", f"/api/v1/emprunts/{loan}").status_code == 204
    assert not Loan.objects.exists()


def test_break_even_reads_the_variable_share_set_through_the_api(call, bank, personas):
    from pilote.finance.models import CostBehaviour
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    lines = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(400)),
             ledger.LineInput(account=Account.objects.get(code="530"), credit=Decimal(400))]  # fmt: skip
    ledger.create_entry(actor=personas["comptable"], journal=Journal.objects.get(code="OD"), date=day(3, 2),
                        label="Fournitures", lines=lines, post=True)  # fmt: skip
    url = "/api/v1/seuil-de-rentabilite/part-variable"
    assert call("comptable", "put", url, {"compte": "706", "part": "50"}).status_code == 422  # not a cost account
    unknown = call("comptable", "put", url, {"compte": "6999999", "part": "50"})
    assert unknown.status_code == 422 and "inconnu" in str(unknown.json()["erreurs"]["compte"])
    assert call("comptable", "put", url, {"compte": "6061", "part": "150"}).status_code == 422
    assert call("auditeur", "put", url, {"compte": "6061", "part": "10"}).status_code == 403
    assert not CostBehaviour.objects.exists()
    assert call("comptable", "put", url, {"compte": "6061", "part": "25"}).status_code == 200
    report = call("auditeur", "get", f"/api/v1/seuil-de-rentabilite?exercice={year()}")
    assert report.status_code == 200, report.content
    line = next(row for row in report.json()["lines"] if row["code"] == "6061")
    assert (line["share"], line["variable"], line["fixed"]) == ("25.00", "100.00", "300.00")
    assert report.json()["variable_costs"] == "100.00" and report.json()["fixed_costs"] == "300.00"
    assert call("auditeur", "get", "/api/v1/seuil-de-rentabilite?exercice=1999").status_code == 409
    assert call("auditeur", "get", "/api/v1/seuil-de-rentabilite?exercice=abc").status_code == 422


def test_a_statement_line_is_matched_with_its_suggestion_then_unmatched(call, bank, personas):
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account
    from pilote.ledger.models_bank import StatementImport, StatementLine

    accountant = personas["comptable"]
    lines = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(7), label="Frais"),
             ledger.LineInput(account=bank.account, credit=Decimal(7), label="Frais")]  # fmt: skip
    entry = ledger.create_entry(actor=accountant, journal=bank.journal, date=day(3, 5), label="Frais",
                                lines=lines, post=True)  # fmt: skip
    nine = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(9)),
            ledger.LineInput(account=bank.account, credit=Decimal(9))]  # fmt: skip
    other = ledger.create_entry(actor=accountant, journal=bank.journal, date=day(3, 5), label="Autre",
                                lines=nine, post=True)  # fmt: skip
    statement = StatementImport.objects.create(bank_account=bank, filename="r.csv", file_format="csv",
                                               file_hash="b" * 64, imported_by=accountant)  # fmt: skip
    line = StatementLine.objects.create(bank_account=bank, statement=statement, booking_date=day(3, 5),
                                        amount=Decimal(-7), label="FRAIS", fingerprint="t-1")  # fmt: skip
    bank_line = entry.lines.get(account=bank.account)
    listed = call("auditeur", "get", f"/api/v1/comptes-bancaires/{bank.pk}/releves?etat=a-rapprocher&sens=debit")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [line.pk]
    assert call("auditeur", "get", f"/api/v1/comptes-bancaires/{bank.pk}/releves?etat=toutes").status_code == 422
    shown = call("auditeur", "get", f"/api/v1/lignes-releve/{line.pk}")
    assert bank_line.pk in [row["entry_line_id"] for row in shown.json()["suggestions"]], shown.content
    url = f"/api/v1/lignes-releve/{line.pk}/rapprochement"
    wrong = call("comptable", "post", url, {"entry_line": other.lines.get(account=bank.account).pk})
    assert wrong.status_code == 409, wrong.content
    assert call("direction", "post", url, {"entry_line": bank_line.pk}).status_code == 403  # ledger.edit: comptable
    line.refresh_from_db()
    assert line.entry_line_id is None
    matched = call("comptable", "post", url, {"entry_line": bank_line.pk})
    assert matched.status_code == 200 and matched.json()["entry_line_id"] == bank_line.pk, matched.content
    again = call("comptable", "post", url, {"entry_line": bank_line.pk})
    assert again.status_code == 409 and "déjà rapprochée" in again.json()["detail"]
    undone = call("comptable", "post", f"/api/v1/lignes-releve/{line.pk}/annulation-rapprochement")
    assert undone.status_code == 200 and undone.json()["entry_line_id"] is None


def test_a_done_intervention_is_invoiced_once(call, bank, personas):
    from pilote.catalog.models import Product
    from pilote.contacts.models import Contact
    from pilote.operations.services import interventions
    from pilote.sales.models import Invoice

    customer = Contact.objects.create(name="Syndic du Lac", is_customer=True)
    technician = personas["salarie"]
    planned, _ = interventions.plan(actor=personas["direction"], customer=customer, kind="repair", subject="Vanne",
                                    address="4 rue du Lac, Annecy", technician=technician, day=day(1, 15, years=1),
                                    at=dt.time(9), minutes=60)  # fmt: skip
    visit = planned[0]
    url = f"/api/v1/interventions/{visit.pk}/facturation"
    early = call("commercial", "post", url)
    assert early.status_code == 409 and "réalisée" in early.json()["detail"]
    from django.utils import timezone

    interventions.arrive(actor=technician, visit=visit, at=timezone.now() - dt.timedelta(hours=1, minutes=30))
    interventions.finish(actor=technician, visit=visit, report="Vanne changée", signed_by="M. Lac")
    no_rate = call("commercial", "post", url)
    assert no_rate.status_code == 409 and interventions.HOURLY_PRODUCT in no_rate.json()["detail"]
    Product.objects.create(reference=interventions.HOURLY_PRODUCT, name="Intervention", unit_price=Decimal(60))
    assert call("comptable", "post", url).status_code == 403
    assert call("salarie", "post", url).status_code == 403
    assert not Invoice.objects.exists()
    made = call("assistant", "post", url)
    assert made.status_code == 201 and made.json()["status"] == "draft", made.content
    assert made.json()["customer_id"] == customer.pk and Decimal(made.json()["total_net"]) > 0
    twice = call("assistant", "post", url)
    assert twice.status_code == 409 and "déjà facturée" in twice.json()["detail"]


def test_an_account_is_distributed_on_an_axis_then_the_year_applied(call, bank, personas):
    from pilote.ledger import analytics
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, AnalyticDefault, AnalyticLine, FiscalYear, Journal

    owner = personas["comptable"]
    axis = analytics.create_axis(actor=owner, code="SITE", label="Sites")
    lyon = analytics.create_section(actor=owner, axis=axis, code="LYON", label="Lyon")
    annecy = analytics.create_section(actor=owner, axis=axis, code="ANNECY", label="Annecy")
    lines = [ledger.LineInput(account=Account.objects.get(code="6061"), debit=Decimal(100)),
             ledger.LineInput(account=Account.objects.get(code="530"), credit=Decimal(100))]  # fmt: skip
    ledger.create_entry(actor=owner, journal=Journal.objects.get(code="OD"), date=day(3, 2), label="Achat",
                        lines=lines, post=True)  # fmt: skip
    url = f"/api/v1/axes-analytiques/{axis.pk}/ventilation"
    parts = [{"section": lyon.pk, "percent": "60"}, {"section": annecy.pk, "percent": "40"}]
    short = call("comptable", "put", url, {"compte": "6061", "parts": [parts[0]]})
    assert short.status_code == 409 and "100" in short.json()["detail"], short.content
    stranger = call("comptable", "put", url, {"compte": "6061", "parts": [{"section": 999999, "percent": "100"}]})
    assert stranger.status_code == 422
    assert call("comptable", "put", url, {"compte": "512", "parts": parts}).status_code == 409
    assert call("comptable", "put", url, {"compte": "9999999", "parts": parts}).status_code == 422
    assert call("auditeur", "put", url, {"compte": "6061", "parts": parts}).status_code == 403
    assert not AnalyticDefault.objects.exists()
    made = call("comptable", "put", url, {"compte": "6061", "parts": parts})
    assert made.status_code == 200 and made.json()["parts"] == {"LYON": "60", "ANNECY": "40"}, made.content
    apply = "/api/v1/ventilation-analytique/application"
    assert call("auditeur", "post", apply, {"exercice": FiscalYear.objects.get().pk}).status_code == 403
    assert call("comptable", "post", apply, {"exercice": 999999}).status_code == 422
    applied = call("direction", "post", apply, {"exercice": FiscalYear.objects.get().pk})
    assert applied.status_code == 200 and applied.json()["lines"] == 2, applied.content
    assert sorted(AnalyticLine.objects.values_list("debit", flat=True)) == [Decimal(40), Decimal(60)]
