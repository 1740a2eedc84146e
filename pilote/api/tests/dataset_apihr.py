"""The small data set's rows for the operations helper apihr added (interviews and annual reviews, the skills matrix,
checklists, a trainee's evaluation, the leave information, the schedule, announcements, an employee's analytic
split, the expense reports' transfer and a receipt): `rows` adds them to the ids of `dataset.small_dataset`; BODIES,
IDS and OBJECT_RULES are merged into the data set's own. Dates only through `days` and the local today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.hr.checklists import ARRIVAL
    from pilote.hr.models import Employee
    from pilote.hr.services import absences, announcements, checklists, expenses, interviews, skills, training, worktime
    from pilote.lib.dates import local_today

    rh, today = personas["rh"], local_today()

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    employee = Employee.objects.get(user=personas["salarie"])
    other = Employee.objects.get(pk=ids["other_employee_id"])
    interview = interviews.record_interview(actor=rh, employee=employee, kind="professionnel",
                                            held_on=ago(3), summary="Projet d'évolution")  # fmt: skip
    review = training.record_review(actor=rh, employee=employee, held_on=ago(2),
                                    assessment="Bonne année", objectives="Former un collègue")  # fmt: skip
    skill = skills.create_skill(actor=rh, name="Accueil client", family="Relation")
    skills.require_skill(actor=rh, job=employee.job, skill=skill, level=3)
    checklists.open_checklist(actor=rh, employee=employee, kind=ARRIVAL)
    followed = training.create_action(actor=rh, title="Tableur", provider="Organisme", kind="developpement",
                                      funding="plan", start=ago(6),
                                      end=ago(5), hours=Decimal(7), cost=Decimal(0), employees=[employee])  # fmt: skip
    training.complete_action(actor=rh, action=followed, attended=[employee.pk])
    sick = absences.record_absence(actor=rh, employee=other, kind="maladie", start=ago(12),
                                   end=ago(8))  # fmt: skip
    shift = worktime.plan_shift(actor=rh, employee=other, day=today + dt.timedelta(days=7), start=dt.time(8),
                                end=dt.time(12), break_minutes=0, note="Accueil")  # fmt: skip
    notice = announcements.publish(actor=rh, title="Fermeture", body="Fermé le pont de l'Ascension.")
    Employee.objects.filter(pk=employee.pk).update(iban="FR7630006000011234567890189")  # paid back by transfer
    report = expenses.create_report(actor=personas["salarie"], employee=employee, title="Justificatif")
    line = expenses.add_line(actor=personas["salarie"], report=report, spent_on=today, category="repas",
                             description="Déjeuner", amount=Decimal("18.00"), vat=Decimal("1.64"),
                             receipt=SimpleUploadedFile("ticket.png", PNG))  # fmt: skip
    return {"interview_id": interview.pk, "review_id": review.pk, "skill_id": skill.pk,
            "step_id": employee.checklist.order_by("position").first().pk,
            "attendance_id": followed.attendees.get().pk, "ended_sickness_id": sick.pk, "shift_id": shift.pk,
            "announcement_id": notice.pk, "receipt_line_id": line.pk}  # fmt: skip


BODIES = {
    ("post", "/salaries/{employee_id}/entretiens-professionnels"): {"kind": "professionnel", "held_on": "today",
                                                                   "summary": "Souhaite évoluer"},
    ("post", "/salaries/{employee_id}/entretiens-annuels"): {"held_on": "today", "assessment": "Objectifs atteints",
                                                            "objectives": "Piloter un projet\nSe former"},
    ("post", "/competences"): {"name": "Soudure", "family": "Atelier"},
    ("post", "/competences/{skill_id}/exigences"): {"job": "Employée", "level": 2},
    ("patch", "/salaries/{employee_id}/competences"): {"levels": [{"skill": "skill_id", "level": 3}]},
    ("post", "/salaries/{employee_id}/parcours"): {"kind": "arrivee"},
    ("patch", "/etapes-parcours/{step_id}"): {"done": True},
    ("post", "/participations-formation/{attendance_id}/evaluation"): {"rating": 4, "comment": "Utile"},
    ("post", "/absences/{absence_id}/information-conges"): {"given_on": "today"},
    ("post", "/plages-travail"): {"employee": "other_employee_id", "day": "tomorrow", "start": "13:00",
                                  "end": "17:00", "break_minutes": 0},
    ("post", "/recopies-planning"): {"semaine": ""},
    ("post", "/annonces"): {"title": "Inventaire", "body": "Inventaire annuel vendredi."},
    ("put", "/salaries/{employee_id}/ventilation-analytique/{axis_id}"): {"shares": [{"section": "section_id",
                                                                                       "percent": "100"}]},
    ("post", "/virements-notes-de-frais"): {"reports": ["posted_report_id"], "on": "today",
                                            "bank_account": "bank_account_id"},
}  # fmt: skip

IDS = {
    ("post", "/absences/{absence_id}/information-conges"): {"absence_id": "ended_sickness_id"},
    ("get", "/justificatifs-depenses/{expense_line_id}"): {"expense_line_id": "receipt_line_id"},
}

# Roles holding the permission that the object's own rule still refuses, as on the pages.
NOT_HR = ("comptable", "commercial", "assistant")
OBJECT_RULES = {
    # someone else's participation (the attendee is the salarie persona; rh and direction evaluate anyone's)
    ("post", "/participations-formation/{attendance_id}/evaluation"): {role: 404 for role in NOT_HR},
    # a person the caller does not plan: not among the form's choices (422), their shift not seen (404)
    # (the shift is the assistant persona's own: they see it, never plan it)
    ("post", "/plages-travail"): {role: 422 for role in (*NOT_HR, "salarie")},
    ("get", "/plages-travail/{shift_id}"): {"comptable": 404, "commercial": 404, "salarie": 404},
    ("delete", "/plages-travail/{shift_id}"): {role: 404 for role in (*NOT_HR, "salarie")},
    # a receipt is served to whoever opens its report: the employee, their manager, rh, direction, the accountant
    ("get", "/justificatifs-depenses/{expense_line_id}"): {"commercial": 404, "assistant": 404},
}

# The addresses of apihr's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (r"entretiens-professionnels|entretiens-annuels|echeances-entretiens|/competences|matrice-competences"
               r"|parcours|recopies-planning|mes-formations|participations-formation|information-conges|/planning$|plages-travail"
               r"|heures-supplementaires$|/annonces|ventilation-analytique$|ventilation-analytique/\{axis_id\}"
               r"|notes-de-frais-a-virer|virements-notes-de-frais|justificatifs-depenses")  # fmt: skip
