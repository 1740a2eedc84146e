"""HR over the API beyond the files: a manager decides on their team's expense reports (never their own, never
another team's), as « À valider » on the expenses page."""

import datetime as dt

import pytest

from pilote.api.tests.test_api_people import _hire
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


def _submitted(personas, employee, who: str):
    from decimal import Decimal

    from pilote.hr.services import expenses

    report = expenses.create_report(actor=personas[who], employee=employee, title="Salon")
    expenses.add_line(actor=personas[who], report=report, spent_on=local_today(), category="kilometrique",
                      description="Trajet", vehicle="voiture", horsepower=5, distance=Decimal("42"))  # fmt: skip
    return expenses.submit_report(actor=personas[who], report=report)


def test_a_manager_decides_on_their_teams_expense_reports_only(call, personas):
    from pilote.hr.models import ExpenseReport

    boss = _hire(personas, "commercial")
    member = _submitted(personas, _hire(personas, "salarie", manager=boss), "salarie")
    own = _submitted(personas, boss, "commercial")
    other = _submitted(personas, _hire(personas, "assistant"), "assistant")
    waiting = call("commercial", "get", "/api/v1/validations-notes-de-frais").json()
    assert [row["id"] for row in waiting["results"]] == [member.pk]
    assert call("auditeur", "get", "/api/v1/validations-notes-de-frais").status_code == 403
    for report in (own, other):  # not theirs to decide: as if it did not exist
        assert call("commercial", "post", f"/api/v1/validations-notes-de-frais/{report.pk}",
                    {"decision": "accepter"}).status_code == 404  # fmt: skip
    url = f"/api/v1/validations-notes-de-frais/{member.pk}"
    no_reason = call("commercial", "post", url, {"decision": "refuser", "note": ""})
    assert no_reason.status_code == 409 and "motif du refus" in no_reason.json()["detail"]
    odd = call("commercial", "post", url, {"decision": "peut-être"})
    assert odd.status_code == 422
    assert ExpenseReport.objects.get(pk=member.pk).status == "soumise"
    approved = call("commercial", "post", url, {"decision": "accepter"})
    assert approved.status_code == 200 and approved.json()["status"] == "approuvee", approved.content
    assert call("commercial", "post", url, {"decision": "accepter"}).status_code == 404  # decided: no longer waiting
    assert [row["id"] for row in call("rh", "get", "/api/v1/validations-notes-de-frais").json()["results"]] == [
        own.pk, other.pk]  # fmt: skip


def test_an_expense_report_with_its_receipt_through_the_upload_checks(call, personas):
    import base64

    from pilote.hr.models import ExpenseReport

    _hire(personas, "salarie")
    meal = {"spent_on": local_today().isoformat(), "category": "repas", "description": "Déjeuner client",
            "amount": "24.00", "vat": "2.18"}  # fmt: skip
    body = {"title": "Salon", "soumettre": True, "lines": [meal]}
    unproven = call("salarie", "post", "/api/v1/mes-notes-de-frais", body)
    assert unproven.status_code == 409 and "sans justificatif" in unproven.json()["detail"]
    garbled = call("salarie", "post", "/api/v1/mes-notes-de-frais",
                   {**body, "lines": [{**meal, "receipt_name": "t.png", "receipt_base64": "%%%"}]})  # fmt: skip
    assert garbled.status_code == 422 and "base64" in str(garbled.json()["erreurs"])
    script = base64.b64encode(b"#!/bin/sh\necho ticket").decode()
    fake = call("salarie", "post", "/api/v1/mes-notes-de-frais",
                {**body, "lines": [{**meal, "receipt_name": "ticket.png", "receipt_base64": script}]})  # fmt: skip
    assert fake.status_code in (409, 422) and not ExpenseReport.objects.exists(), fake.content
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()
    made = call("salarie", "post", "/api/v1/mes-notes-de-frais",
                {**body, "lines": [{**meal, "receipt_name": "ticket.png", "receipt_base64": png}]})  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "soumise", made.content
    line = ExpenseReport.objects.get().lines.get()
    assert line.receipt_name == "ticket.png" and line.receipt.read().startswith(b"\x89PNG")


def test_the_providers_payroll_journal_posted_once_for_a_validated_month(call, structure, personas):
    import base64

    from pilote.api.tests.days import day
    from pilote.hr.services import payroll
    from pilote.ledger.models import Entry
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    _hire(personas, "salarie")
    month = payroll.prepare_month(actor=personas["rh"], month=day(2, 1))
    url = f"/api/v1/paie/{month.pk}/journal"

    def journal(text: str, name: str = "journal.csv") -> dict:
        return {"file_name": name, "content_base64": base64.b64encode(text.encode()).decode()}

    good = journal("compte;libelle;debit;credit\n641100;Salaires;2100,00;\n421000;Net à payer;;2100,00\n")
    assert call("comptable", "post", url, good).status_code == 403
    early = call("rh", "post", url, good)
    assert early.status_code == 409 and "Validez les variables" in early.json()["detail"]
    payroll.validate_month(actor=personas["rh"], payroll_month=month)
    unbalanced = call("rh", "post", url, journal("compte;libelle;debit;credit\n641100;Salaires;2100,00;\n"))
    assert unbalanced.status_code == 409 and not Entry.objects.filter(piece_ref__startswith="PAIE").exists()
    program = call("rh", "post", url, {"file_name": "journal.exe", "content_base64": "TVqQAA=="})
    assert program.status_code == 409  # not a CSV journal: the page's French refusal (409), nothing posted
    assert any(words in program.json()["detail"] for words in ("journal CSV lisible", "Colonnes introuvables"))
    garbled = call("rh", "post", url, {"file_name": "journal.csv", "content_base64": "%%%"})
    assert garbled.status_code == 422 and "base64" in str(garbled.json()["erreurs"])
    assert not Entry.objects.filter(piece_ref__startswith="PAIE").exists()
    posted = call("rh", "post", url, good)
    assert posted.status_code == 200 and posted.json()["entry_id"], posted.content
    entry = Entry.objects.get(pk=posted.json()["entry_id"])
    assert entry.piece_ref == f"PAIE{day(2, 1):%Y%m}" and entry.date == day(3, 1) - dt.timedelta(days=1)
    twice = call("rh", "post", url, good)
    assert twice.status_code == 409 and "déjà comptabilisée" in twice.json()["detail"]
