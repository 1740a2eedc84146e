"""Operations helper apihr added keep the pages' services, refusals and HR confidentiality: interviews and annual
reviews, the skills matrix, checklists, the schedule and overtime, announcements, an employee's analytic split, the
expense reports' transfer file and a receipt, a trainee's evaluation and the leave information — French messages,
nothing written when refused, HR data for rh and direction only (an employee reads their own)."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import ago, day
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOT_HR = ("comptable", "commercial", "assistant", "salarie", "auditeur")


def _hire(personas, role: str, manager=None):
    from pilote.hr.services import employees

    return employees.hire_employee(actor=personas["rh"], last_name=role.capitalize(), first_names="Test", sex="F",
                                   birth_date=dt.date(1990, 1, 1), job="Employée", entry_date=day(1, 6, years=-1),
                                   user=personas[role], manager=manager)  # fmt: skip


def test_interviews_and_annual_reviews_for_hr_each_reads_their_own(call, personas):
    from pilote.hr.models import AnnualReview, CareerInterview

    employee, other = _hire(personas, "salarie"), _hire(personas, "commercial")
    url = f"/api/v1/salaries/{employee.pk}/entretiens-professionnels"
    for role in NOT_HR:
        assert call(role, "get", "/api/v1/entretiens-professionnels").status_code == 403
        assert call(role, "post", url, {"held_on": ago(1)}).status_code == 403
    future = call("rh", "post", url, {"held_on": (local_today() + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 409 and "à venir" in future.json()["detail"]
    assert not CareerInterview.objects.exists()
    held = call("rh", "post", url, {"held_on": ago(1), "summary": "Souhaite évoluer"})
    assert held.status_code == 201, held.content
    assert held.json()["kind"] == "professionnel" and held.json()["training_followed"] is False  # as the page proposes
    assert held.json()["held_by"] == "Ressources Test" or held.json()["held_by"]
    listed = call("direction", "get", f"/api/v1/entretiens-professionnels?salarie={employee.pk}").json()
    assert [row["id"] for row in listed["results"]] == [held.json()["id"]]
    due = call("rh", "get", "/api/v1/echeances-entretiens").json()
    assert {row["employee_id"] for row in due["results"]} == {employee.pk, other.pk}
    assert next(r for r in due["results"] if r["employee_id"] == employee.pk)["last_held_on"] == ago(1)

    reviews = f"/api/v1/salaries/{employee.pk}/entretiens-annuels"
    assert call("salarie", "post", reviews, {"held_on": ago(1)}).status_code == 403
    early = call("rh", "post", reviews, {"held_on": "2000-01-03"})
    assert early.status_code == 409 and "précéder l'entrée" in early.json()["detail"]
    made = call("rh", "post", reviews, {"held_on": ago(1), "assessment": "Très bien", "objectives": "Former\n- Vendre"})
    assert made.status_code == 201 and made.json()["objectives"] == ["Former", "Vendre"]
    assert AnnualReview.objects.count() == 1
    assert call("salarie", "get", "/api/v1/entretiens-annuels").status_code == 403
    assert [r["id"] for r in call("salarie", "get", "/api/v1/mes-entretiens-annuels").json()["results"]] == [
        made.json()["id"]
    ]
    assert call("commercial", "get", "/api/v1/mes-entretiens-annuels").json()["count"] == 0  # never someone else's


def test_skills_matrix_through_the_services(call, personas):
    from pilote.hr.models import EmployeeSkill, Skill

    employee = _hire(personas, "salarie")
    assert call("salarie", "post", "/api/v1/competences", {"name": "Soudure"}).status_code == 403
    made = call("rh", "post", "/api/v1/competences", {"name": "Soudure", "family": "Atelier"})
    assert made.status_code == 201, made.content
    twice = call("direction", "post", "/api/v1/competences", {"name": "soudure"})
    assert twice.status_code == 409 and "existe déjà" in twice.json()["detail"] and Skill.objects.count() == 1
    skill = made.json()["id"]
    unknown_job = call("rh", "post", f"/api/v1/competences/{skill}/exigences", {"job": "Pilote", "level": 3})
    assert unknown_job.status_code == 422 and "job" in unknown_job.json()["erreurs"]
    required = call("rh", "post", f"/api/v1/competences/{skill}/exigences", {"job": "Employée", "level": 3})
    assert required.json()["requirements"] == [{"job": "Employée", "level": 3}]
    url = f"/api/v1/salaries/{employee.pk}/competences"
    too_high = call("rh", "patch", url, {"levels": [{"skill": skill, "level": 5}]})
    assert too_high.status_code == 422 and not EmployeeSkill.objects.exists()
    stranger = call("rh", "patch", url, {"levels": [{"skill": skill + 99, "level": 1}]})
    assert stranger.status_code == 422 and "inconnue" in stranger.json()["erreurs"]["levels"][0]
    assessed = call("rh", "patch", url, {"levels": [{"skill": skill, "level": 1}]})
    assert assessed.status_code == 200 and assessed.json()[0]["level"] == 1 and assessed.json()[0]["required"] == 3
    assert call("salarie", "get", url).status_code == 403
    matrix = call("direction", "get", "/api/v1/matrice-competences").json()["results"]
    assert matrix == [{"employee_id": employee.pk, "employee": "Test Salarie", "job": "Employée", "gaps": 1,
                       "levels": [{"skill_id": skill, "required": 3, "level": 1}]}]  # fmt: skip


def test_checklists_opened_and_ticked_by_hr(call, personas):
    employee = _hire(personas, "salarie")
    url = f"/api/v1/salaries/{employee.pk}/parcours"
    assert call("salarie", "post", url, {"kind": "arrivee"}).status_code == 403
    leaving = call("rh", "post", url, {"kind": "depart"})
    assert leaving.status_code == 409 and "sortie" in leaving.json()["detail"]
    opened = call("rh", "post", url, {"kind": "arrivee"})
    assert opened.status_code == 201 and opened.json() and all(i["kind"] == "arrivee" for i in opened.json())
    again = call("rh", "post", url, {"kind": "arrivee"})
    assert len(again.json()) == len(opened.json())  # the steps already opened are kept, never doubled
    first = opened.json()[0]["id"]
    assert call("assistant", "patch", f"/api/v1/etapes-parcours/{first}", {"done": True}).status_code == 403
    done = call("rh", "patch", f"/api/v1/etapes-parcours/{first}", {"done": True})
    assert done.json()["done_on"] == local_today().isoformat() and done.json()["done_by"]
    todo = call("direction", "get", f"/api/v1/etapes-parcours?salarie={employee.pk}&a_faire=true").json()
    assert todo["count"] == len(opened.json()) - 1
    undone = call("rh", "patch", f"/api/v1/etapes-parcours/{first}", {"done": False})
    assert undone.json()["done_on"] is None and undone.json()["done_by"] == ""


def test_the_schedule_as_each_one_plans_and_sees_it(call, personas):
    from pilote.hr.models import WorkShift

    boss = _hire(personas, "commercial")
    employee = _hire(personas, "salarie", manager=boss)
    other = _hire(personas, "assistant")
    when = (local_today() + dt.timedelta(days=7)).isoformat()
    shift = {"employee": employee.pk, "day": when, "start": "08:00", "end": "12:00", "break_minutes": 0}
    # a manager plans their team, nobody else; an employee plans no one
    not_mine = call("commercial", "post", "/api/v1/plages-travail", {**shift, "employee": other.pk})
    assert not_mine.status_code == 422 and "employee" in not_mine.json()["erreurs"]
    assert call("salarie", "post", "/api/v1/plages-travail", shift).status_code == 422
    planned = call("commercial", "post", "/api/v1/plages-travail", shift)
    assert planned.status_code == 201, planned.content
    assert planned.json()["start"] == "08:00" and planned.json()["hours"] == "4.00"
    overlap = call("rh", "post", "/api/v1/plages-travail", {**shift, "start": "11:00", "end": "14:00"})
    assert overlap.status_code == 409 and "chevauche" in overlap.json()["detail"]
    assert WorkShift.objects.count() == 1
    pk = planned.json()["id"]
    assert call("salarie", "get", f"/api/v1/plages-travail/{pk}").status_code == 200  # their own
    assert call("assistant", "get", f"/api/v1/plages-travail/{pk}").status_code == 404
    assert call("salarie", "delete", f"/api/v1/plages-travail/{pk}").status_code == 404  # seen, not planned
    week = f"{local_today() + dt.timedelta(days=7):%G-W%V}"
    mine = call("salarie", "get", f"/api/v1/planning?semaine={week}").json()
    assert [r["employee_id"] for r in mine["rows"]] == [employee.pk]
    assert mine["rows"][0]["worked"] == "4.00" and not mine["rows"][0]["can_plan"]
    team = call("commercial", "get", f"/api/v1/planning?semaine={week}").json()["rows"]
    assert {r["employee_id"]: r["can_plan"] for r in team} == {boss.pk: False, employee.pk: True}
    assert call("rh", "get", "/api/v1/planning?semaine=2026-45").status_code == 422
    following = f"{local_today() + dt.timedelta(days=14):%G-W%V}"
    copied = call("commercial", "post", "/api/v1/recopies-planning", {"semaine": following})
    assert copied.status_code == 200 and copied.json()["created"] == 1
    assert call("commercial", "get", "/api/v1/heures-supplementaires").status_code == 403
    year = call("rh", "get", f"/api/v1/heures-supplementaires?annee={local_today().year}").json()
    assert year["count"] in (0, 1)  # a week ending next year is counted there
    assert call("commercial", "delete", f"/api/v1/plages-travail/{pk}").status_code == 204
    assert WorkShift.objects.filter(pk=pk).count() == 0


def test_announcements_read_by_everyone_published_by_hr(call, personas):
    from pilote.hr.models import Announcement

    assert call("salarie", "post", "/api/v1/annonces", {"title": "Pont", "body": "Fermé"}).status_code == 403
    past = call("rh", "post", "/api/v1/annonces", {"title": "Pont", "body": "Fermé", "until": ago(1)})
    assert past.status_code == 409 and "passée" in past.json()["detail"] and not Announcement.objects.exists()
    blank = call("rh", "post", "/api/v1/annonces", {"title": "", "body": "Fermé"})
    assert blank.status_code == 422 and "title" in blank.json()["erreurs"]
    made = call("rh", "post", "/api/v1/annonces", {"title": "Pont", "body": "Fermé vendredi"})
    assert made.status_code == 201 and made.json()["published_on"] == local_today().isoformat()
    old = Announcement.objects.create(title="Ancienne", body="…", published_on=day(1, 2, years=-1),
                                      until=day(1, 3, years=-1), author="rh")  # fmt: skip
    assert [a["title"] for a in call("salarie", "get", "/api/v1/annonces").json()["results"]] == ["Pont"]
    assert call("salarie", "get", f"/api/v1/annonces/{old.pk}").status_code == 404
    assert call("direction", "get", "/api/v1/annonces").json()["count"] == 2  # rh and direction see them all
    assert call("salarie", "delete", f"/api/v1/annonces/{made.json()['id']}").status_code == 403
    assert call("rh", "delete", f"/api/v1/annonces/{made.json()['id']}").status_code == 204
    assert list(Announcement.objects.values_list("title", flat=True)) == ["Ancienne"]


def test_an_employees_analytic_split_for_hr_only(call, personas):
    from pilote.hr.models import EmployeeAnalytic
    from pilote.ledger import analytics

    employee = _hire(personas, "salarie")
    axis = analytics.create_axis(actor=personas["direction"], code="SRV", label="Services")
    office = analytics.create_section(actor=personas["direction"], axis=axis, code="ADM", label="Administration")
    shop = analytics.create_section(actor=personas["direction"], axis=axis, code="ATL", label="Atelier")
    elsewhere = analytics.create_axis(actor=personas["direction"], code="PRD", label="Produits")
    foreign = analytics.create_section(actor=personas["direction"], axis=elsewhere, code="TBL", label="Tables")
    url = f"/api/v1/salaries/{employee.pk}/ventilation-analytique"
    body = {"shares": [{"section": office.pk, "percent": "60"}, {"section": shop.pk, "percent": "30"}]}
    assert call("comptable", "put", f"{url}/{axis.pk}", body).status_code == 403
    assert call("salarie", "get", url).status_code == 403
    short = call("rh", "put", f"{url}/{axis.pk}", body)
    assert short.status_code == 409 and "au lieu de 100" in short.json()["detail"]
    wrong = call("rh", "put", f"{url}/{axis.pk}", {"shares": [{"section": foreign.pk, "percent": "100"}]})
    assert wrong.status_code == 409 and "SRV" in wrong.json()["detail"]
    assert not EmployeeAnalytic.objects.exists()
    body["shares"][1]["percent"] = "40"
    done = call("rh", "put", f"{url}/{axis.pk}", body)
    assert done.status_code == 200, done.content
    assert [(s["section"], s["percent"]) for s in done.json()] == [("ADM", "60.00"), ("ATL", "40.00")]
    assert call("direction", "get", url).json() == done.json()
    cleared = call("direction", "put", f"{url}/{axis.pk}", {"shares": []})
    assert cleared.status_code == 200 and cleared.json() == []


def test_expense_reports_paid_by_transfer_and_a_receipt_served(call, personas, structure):
    from pilote.hr.models import ExpenseStatus
    from pilote.hr.services import expenses
    from pilote.ledger.models_bank import BankAccount
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    employee, _other = _hire(personas, "salarie"), _hire(personas, "commercial")
    rh = personas["rh"]
    report = expenses.create_report(actor=personas["salarie"], employee=employee, title="Salon")
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = expenses.add_line(actor=personas["salarie"], report=report, spent_on=local_today(), category="repas",
                             description="Déjeuner", amount=Decimal("18.00"), vat=Decimal("1.64"),
                             receipt=SimpleUploadedFile("ticket.png", PNG))  # fmt: skip
    receipt = f"/api/v1/justificatifs-depenses/{line.pk}"
    mine = call("salarie", "get", receipt)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PNG
    assert call("comptable", "get", receipt).status_code == 200
    assert call("commercial", "get", receipt).status_code == 404  # not a report they may open
    expenses.submit_report(actor=personas["salarie"], report=report)
    expenses.decide_report(actor=rh, report=report, approve=True)
    expenses.post_report(actor=personas["comptable"], report=report)
    listed = call("comptable", "get", "/api/v1/notes-de-frais-a-virer").json()
    assert [(r["id"], r["iban_known"]) for r in listed["results"]] == [(report.pk, False)]
    bank = BankAccount.objects.get().pk
    body = {"reports": [report.pk], "on": local_today().isoformat(), "bank_account": bank}
    assert call("rh", "post", "/api/v1/virements-notes-de-frais", body).status_code == 403
    no_iban = call("comptable", "post", "/api/v1/virements-notes-de-frais", body)
    assert no_iban.status_code == 409 and "IBAN inconnu pour" in no_iban.json()["detail"]
    stranger = call("comptable", "post", "/api/v1/virements-notes-de-frais", {**body, "reports": [report.pk + 50]})
    assert stranger.status_code == 422 and "reports" in stranger.json()["erreurs"]
    report.refresh_from_db()
    assert report.status == ExpenseStatus.POSTED  # nothing written
    employee.iban = "FR7630006000011234567890189"
    employee.save(update_fields=["iban"])
    paid = call("comptable", "post", "/api/v1/virements-notes-de-frais", body)
    assert paid.status_code == 200 and paid["Content-Type"] == "application/xml"
    assert b"pain.001.001.09" in paid.content and b"FR7630006000011234567890189" in paid.content
    report.refresh_from_db()
    assert report.status == ExpenseStatus.PAID
    twice = call("comptable", "post", "/api/v1/virements-notes-de-frais", body)
    assert twice.status_code == 422  # no longer proposed


def test_a_trainee_evaluates_and_the_leave_information_is_recorded(call, personas):
    from pilote.hr.services import absences, training

    rh = personas["rh"]
    employee, other = _hire(personas, "salarie"), _hire(personas, "commercial")
    action = training.create_action(actor=rh, title="Tableur", provider="CCI", kind="developpement", funding="plan",
                                    start=dt.date.fromisoformat(ago(6)), end=dt.date.fromisoformat(ago(5)),
                                    hours=Decimal(7), cost=Decimal(0), employees=[employee, other])  # fmt: skip
    training.complete_action(actor=rh, action=action, attended=[employee.pk])
    mine = call("salarie", "get", "/api/v1/mes-formations").json()["results"]
    assert [(t["title"], t["attended"]) for t in mine] == [("Tableur", True)]
    attendance = mine[0]["id"]
    url = f"/api/v1/participations-formation/{attendance}/evaluation"
    assert call("commercial", "post", url, {"rating": 1}).status_code == 404  # someone else's
    assert call("salarie", "post", url, {"rating": 6}).status_code == 422
    rated = call("salarie", "post", url, {"rating": 4, "comment": "Utile"})
    assert rated.status_code == 200 and rated.json()["rating"] == 4
    absent = call("commercial", "get", "/api/v1/mes-formations").json()["results"][0]["id"]
    refused = call("commercial", "post", f"/api/v1/participations-formation/{absent}/evaluation", {"rating": 3})
    assert refused.status_code == 409 and "suivi la formation" in refused.json()["detail"]

    sick = absences.record_absence(actor=rh, employee=employee, kind="maladie", start=dt.date.fromisoformat(ago(12)),
                                   end=dt.date.fromisoformat(ago(8)))  # fmt: skip
    url = f"/api/v1/absences/{sick.pk}/information-conges"
    assert call("salarie", "post", url, {"given_on": ago(0)}).status_code == 403
    early = call("rh", "post", url, {"given_on": ago(10)})
    assert early.status_code == 409 and "au retour" in early.json()["detail"]
    given = call("rh", "post", url, {"given_on": ago(1)})
    assert given.status_code == 200 and given.json()["leave_information_on"] == ago(1)
    again = call("direction", "post", url, {"given_on": ago(0)})
    assert again.status_code == 409 and "déjà été remise" in again.json()["detail"]
