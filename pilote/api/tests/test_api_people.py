"""People, quality and settings over the API keep the pages' refusals and confidentiality: the same forms and services,
in French, nothing written when refused."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import ago, day, iso, year

pytestmark = pytest.mark.django_db


# --- settings and users ---------------------------------------------------------------------------------------


def test_settings_changed_by_direction_through_the_page_form(call, structure):
    from pilote.core.models import Structure

    read = call("comptable", "get", "/api/v1/parametres")
    assert read.status_code == 200 and read.json()["siren"] == structure.siren
    version = read.json()["version"]
    assert call("comptable", "patch", "/api/v1/parametres", {"city": "Lyon"}).status_code == 403
    assert call("salarie", "get", "/api/v1/parametres").status_code == 403
    wrong = {"siren": "123456789", "iban": "FR7630006000011234567890188"}
    bad = call("direction", "patch", "/api/v1/parametres", wrong)
    assert bad.status_code == 422
    errors = bad.json()["erreurs"]
    assert "siren" in errors and "iban" in errors
    assert Structure.objects.get().city == structure.city
    ok = call("direction", "patch", "/api/v1/parametres", {"city": "Lyon", "version": version})
    assert ok.status_code == 200, ok.content
    assert ok.json()["city"] == "Lyon" and ok.json()["version"] == version + 1
    stale = call("direction", "patch", "/api/v1/parametres", {"city": "Bron", "version": version})
    assert stale.status_code == 409 and Structure.objects.get().city == "Lyon"


def test_users_managed_by_direction_only_and_the_last_direction_kept(call, personas):
    from pilote.core.models import User

    made = call("direction", "post", "/api/v1/utilisateurs", {"username": "lea", "role": "assistant",
                                                             "password": "1234567890"})  # fmt: skip
    assert made.status_code == 422 and "password" in made.json()["erreurs"]
    assert not User.objects.filter(username="lea").exists()
    made = call("direction", "post", "/api/v1/utilisateurs", {"username": "lea", "role": "assistant",
                                                             "password": "Tartempion-Velo-92"})  # fmt: skip
    assert made.status_code == 201, made.content
    assert "password" not in made.json() and made.json()["role"] == "assistant"
    assert User.objects.get(username="lea").check_password("Tartempion-Velo-92")
    for role in ("comptable", "rh", "assistant", "auditeur", "salarie", "commercial"):
        assert call(role, "get", "/api/v1/utilisateurs").status_code == 403
    listed = call("direction", "get", "/api/v1/utilisateurs?role=assistant&actif=1").json()
    assert {u["username"] for u in listed["results"]} == {"lea", "assistant"}
    assert all("password" not in u for u in listed["results"])
    boss = personas["direction"]
    own = call("direction", "patch", f"/api/v1/utilisateurs/{boss.pk}", {"is_active": False})
    assert own.status_code == 409 and "propre accès" in own.json()["detail"]
    # A second direction account may not remove the last other one either.
    call("direction", "patch", f"/api/v1/utilisateurs/{made.json()['id']}", {"role": "direction"})
    User.objects.filter(role="direction").exclude(pk__in=[boss.pk, made.json()["id"]]).update(is_active=False)
    User.objects.filter(pk=made.json()["id"]).update(is_active=False)
    last = call("direction", "patch", f"/api/v1/utilisateurs/{boss.pk}", {"role": "comptable"})
    assert last.status_code == 409
    assert User.objects.get(pk=boss.pk).role == "direction"
    off = call("direction", "patch", f"/api/v1/utilisateurs/{personas['salarie'].pk}", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False


# --- human resources ------------------------------------------------------------------------------------------


def _hire(personas, role: str, manager=None):
    import datetime as dt

    from pilote.hr.services import employees

    return employees.hire_employee(actor=personas["rh"], last_name=role.capitalize(), first_names="Test", sex="F",
                                   birth_date=dt.date(1990, 1, 1), job="Employée", entry_date=day(1, 6, years=-1),
                                   user=personas[role], manager=manager)  # fmt: skip


def test_contracts_for_human_resources_only_and_salary_reads_audited(call, personas):
    from pilote.core.models import AuditEvent

    employee = _hire(personas, "salarie")
    url = f"/api/v1/salaries/{employee.pk}/contrats"
    for role in ("commercial", "comptable", "assistant", "salarie", "auditeur"):
        assert call(role, "get", url).status_code == 403
        assert call(role, "post", url, {"effective_from": iso(1, 6, years=-1), "monthly_gross": "1"}).status_code == 403
    early = call("rh", "post", url, {"effective_from": iso(12, 1, years=-2), "monthly_gross": "2100.00"})
    assert early.status_code == 409 and "avant l'entrée" in early.json()["detail"]
    signed = call("rh", "post", url, {"effective_from": iso(1, 6, years=-1), "monthly_gross": "2100.00"})
    assert signed.status_code == 201, signed.content
    assert signed.json()["version"] == 1 and signed.json()["kind"] == "cdi" and signed.json()["job"] == "Employée"
    no_reason = call("rh", "post", url, {"effective_from": iso(1, 1), "monthly_gross": "2200.00"})
    assert no_reason.status_code == 409 and "objet" in no_reason.json()["detail"]
    amended = call("rh", "post", url, {"effective_from": iso(1, 1), "monthly_gross": "2200.00",
                                       "reason": "Augmentation"})  # fmt: skip
    assert amended.status_code == 201 and amended.json()["version"] == 2 and amended.json()["kind"] == "cdi"
    before = AuditEvent.objects.filter(action="hr.salary.read").count()
    listed = call("direction", "get", url).json()
    assert [c["monthly_gross"] for c in listed] == ["2200.00", "2100.00"]
    assert AuditEvent.objects.filter(action="hr.salary.read", actor=personas["direction"]).count() == before + 1
    event = AuditEvent.objects.get(action="hr.contract.amended")
    assert "2200" not in str(event.after)  # the trail names the salary, never writes it


def test_expense_reports_own_for_each_decided_by_hr_posted_and_paid(call, personas, structure):
    from pilote.hr.models import ExpenseReport
    from pilote.ledger.models_bank import BankAccount
    from pilote.lib.dates import local_today
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    _hire(personas, "salarie")
    _hire(personas, "commercial")
    today = local_today().isoformat()
    taxi = {"spent_on": today, "category": "transport", "description": "Taxi", "amount": "24.00"}
    unproved = call("salarie", "post", "/api/v1/mes-notes-de-frais", {"title": "Salon", "lines": [taxi],
                                                                      "soumettre": True})  # fmt: skip
    assert unproved.status_code == 409 and "justificatif" in unproved.json()["detail"]
    assert not ExpenseReport.objects.exists()  # all or nothing
    trip = {"spent_on": today, "category": "kilometrique", "vehicle": "voiture", "horsepower": 5}
    missing = call("salarie", "post", "/api/v1/mes-notes-de-frais", {"title": "Salon", "lines": [trip]})
    assert missing.status_code == 422 and "distance" in missing.json()["erreurs"]
    made = call("salarie", "post", "/api/v1/mes-notes-de-frais", {"title": "Salon", "soumettre": True,
                                                                  "lines": [{**trip, "distance": "100"}]})  # fmt: skip
    assert made.status_code == 201, made.content
    report = made.json()
    assert report["status"] == "soumise" and len(report["lines"]) == 1 and Decimal(report["total"]) > 0
    call("commercial", "post", "/api/v1/mes-notes-de-frais", {"title": "Client", "lines": [taxi]})
    mine = call("salarie", "get", "/api/v1/mes-notes-de-frais").json()
    assert [r["title"] for r in mine["results"]] == ["Salon"]  # only the caller's own
    assert call("salarie", "get", "/api/v1/notes-de-frais").status_code == 403
    assert call("salarie", "get", f"/api/v1/notes-de-frais/{report['id']}").status_code == 403
    assert call("commercial", "get", f"/api/v1/notes-de-frais/{report['id']}").status_code == 403
    assert call("comptable", "get", "/api/v1/notes-de-frais?statut=soumise").json()["count"] == 1
    url = f"/api/v1/notes-de-frais/{report['id']}"
    assert call("salarie", "post", f"{url}/decision", {"decision": "accepter"}).status_code == 403
    refused = call("rh", "post", f"{url}/decision", {"decision": "refuser"})
    assert refused.status_code == 409 and "motif" in refused.json()["detail"]
    assert call("comptable", "post", f"{url}/comptabilisation").status_code == 409  # not approved yet
    approved = call("rh", "post", f"{url}/decision", {"decision": "accepter"})
    assert approved.status_code == 200 and approved.json()["status"] == "approuvee"
    assert call("rh", "post", f"{url}/comptabilisation").status_code == 403
    posted = call("comptable", "post", f"{url}/comptabilisation")
    assert posted.status_code == 200, posted.content
    bank = BankAccount.objects.get().pk
    early = call("comptable", "post", f"{url}/remboursement", {"on": "2020-01-01", "bank_account": bank})
    assert early.status_code == 409
    paid = call("comptable", "post", f"{url}/remboursement", {"on": today, "bank_account": bank})
    assert paid.status_code == 200 and paid.json()["status"] == "remboursee" and paid.json()["paid_on"] == today


def test_training_plan_through_its_services(call, personas):
    employee = _hire(personas, "salarie")
    other = _hire(personas, "assistant")
    body = {"title": "Excel", "provider": "CCI", "funding": "opco", "start": ago(10), "end": ago(11),
            "hours": "14", "employees": [employee.pk]}  # fmt: skip
    assert call("comptable", "post", "/api/v1/formations", body).status_code == 403
    backwards = call("rh", "post", "/api/v1/formations", body)
    assert backwards.status_code in (409, 422)
    made = call("rh", "post", "/api/v1/formations", {**body, "end": ago(9)})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert [a["employee_id"] for a in made.json()["attendees"]] == [employee.pk]
    enrolled = call("rh", "post", f"/api/v1/formations/{pk}/inscriptions", {"employees": [other.pk]})
    assert enrolled.status_code == 200 and len(enrolled.json()["attendees"]) == 2
    done = call("direction", "post", f"/api/v1/formations/{pk}/realisation", {"attended": [employee.pk]})
    assert done.status_code == 200 and done.json()["status"] == "realisee"
    assert {a["employee_id"]: a["attended"] for a in done.json()["attendees"]} == {employee.pk: True, other.pk: False}
    late = call("rh", "post", f"/api/v1/formations/{pk}/inscriptions", {"employees": [other.pk]})
    assert late.status_code == 409
    plan = call("rh", "get", f"/api/v1/formations?annee={year()}&statut=realisee").json()
    assert plan["count"] == 1


def test_payroll_inputs_for_human_resources_only(call, personas):
    employee = _hire(personas, "salarie")
    assert call("comptable", "get", "/api/v1/paie").status_code == 403
    assert call("salarie", "post", "/api/v1/paie", {"month": iso(3, 1)}).status_code == 403
    month = call("rh", "post", "/api/v1/paie", {"month": iso(3, 17)})
    assert month.status_code == 200, month.content
    assert month.json()["month"] == iso(3, 1) and len(month.json()["variables"]) == 1
    variable = month.json()["variables"][0]
    assert variable["employee_id"] == employee.pk
    url = f"/api/v1/paie/variables/{variable['id']}"
    negative = call("rh", "patch", url, {"bonus": "-5.00"})
    assert negative.status_code in (409, 422)
    typed = call("rh", "patch", url, {"bonus": "150.00", "version": variable["version"]})
    assert typed.status_code == 200 and typed.json()["bonus"] == "150.00"
    stale = call("rh", "patch", url, {"bonus": "200.00", "version": variable["version"]})
    assert stale.status_code == 409
    done = call("direction", "post", f"/api/v1/paie/{month.json()['id']}/validation")
    assert done.status_code == 200 and done.json()["status"] == "validee"
    late = call("rh", "patch", url, {"bonus": "300.00"})
    assert late.status_code == 409 and "validée" in late.json()["detail"]


# --- quality --------------------------------------------------------------------------------------------------


def test_duerp_assessed_on_the_page_scales(call, personas):
    from pilote.quality.models import Hazard

    unit = call("rh", "post", "/api/v1/duerp/unites", {"name": "Cuisine", "exposed": 3})
    assert unit.status_code == 201, unit.content
    pk = unit.json()["id"]
    assert call("comptable", "post", "/api/v1/duerp/unites", {"name": "X"}).status_code == 403
    off_scale = call("rh", "post", f"/api/v1/duerp/unites/{pk}/risques", {"family": "burns", "description": "Four",
                                                                         "frequency": 9, "severity": 2})  # fmt: skip
    assert off_scale.status_code == 422 and "frequency" in off_scale.json()["erreurs"]
    assert not Hazard.objects.exists()
    hazard = call("rh", "post", f"/api/v1/duerp/unites/{pk}/risques", {"family": "manual_handling",
                                                                      "description": "Bacs", "frequency": 4,
                                                                      "severity": 3})  # fmt: skip
    assert hazard.status_code == 201, hazard.content
    action = call(
        "rh",
        "post",
        f"/api/v1/duerp/risques/{hazard.json()['id']}/actions",
        {"title": "Chariot", "owner": personas["rh"].pk, "due_on": iso(1, 15, years=1), "cost": "250.00"},
    )
    assert action.status_code == 201 and action.json()["cost"] == "250.00"
    read = call("salarie", "get", f"/api/v1/duerp/unites/{pk}").json()  # the DUERP is open to every worker
    assert read["hazards"][0]["priority"] >= 1 and read["hazards"][0]["actions"][0]["title"] == "Chariot"
    plan = call("auditeur", "get", f"/api/v1/duerp/actions?unite={pk}").json()
    assert plan["count"] == 1


def test_procedures_audits_surveys_and_watch(call, personas):
    boss = personas["direction"].pk
    procedure = {"code": "pr-acc-01", "title": "Accueil", "kind": "procedure", "owner": boss,
                 "approver_role": "direction", "body": "Accueillir."}  # fmt: skip
    made = call("assistant", "post", "/api/v1/procedures", procedure)
    assert made.status_code == 201, made.content
    assert made.json()["code"] == "PR-ACC-01" and made.json()["versions"][0]["status"] == "draft"
    twice = call("assistant", "post", "/api/v1/procedures", procedure)
    assert twice.status_code == 409 and "déjà le code" in twice.json()["detail"]
    assert call("commercial", "post", "/api/v1/procedures", procedure).status_code == 403
    audit = call("rh", "post", "/api/v1/audits", {"title": "Audit RH", "kind": "internal", "scope": "Registre",
                                                 "planned_on": iso(3, 2), "lead": boss})  # fmt: skip
    assert audit.status_code == 201, audit.content
    item = call("rh", "post", f"/api/v1/audits/{audit.json()['id']}/questions", {"question": "Registre ?"})
    assert item.status_code == 201
    early = call("rh", "post", f"/api/v1/audits/constats/{item.json()['id']}", {"result": "conform"})
    assert early.status_code == 409 and "en cours" in early.json()["detail"]
    survey = call(
        "assistant",
        "post",
        "/api/v1/enquetes",
        {
            "title": "Satisfaction",
            "audience": "customers",
            "questions": [{"text": "Note", "kind": "scale5"}, {"text": "Canal", "kind": "single"}],
        },
    )
    assert survey.status_code in (409, 422)  # a choice question without its choices, nothing written
    assert call("assistant", "get", "/api/v1/enquetes").json()["count"] == 0
    survey = call(
        "assistant",
        "post",
        "/api/v1/enquetes",
        {"title": "Satisfaction", "audience": "customers", "questions": [{"text": "Note", "kind": "scale5"}]},
    )
    assert survey.status_code == 201 and survey.json()["status"] == "draft"
    results = call("auditeur", "get", f"/api/v1/enquetes/{survey.json()['id']}/resultats").json()
    assert results["responses"] == 0 and results["rows"][0]["question"] == "Note"
    source = call("assistant", "post", "/api/v1/veille-sources", {"name": "Flux", "url": "ftp://x"})
    assert source.status_code in (409, 422)
    assert call("salarie", "post", "/api/v1/veille-sources", {"name": "F", "url": "https://a.fr/rss"}
                ).status_code == 403  # fmt: skip
