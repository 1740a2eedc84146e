"""Interviews due: for each person present (trainees apart), the next professional interview and review under
the configured rule — one query whatever the staff size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q

from pilote.core.listing import Column
from pilote.core.permissions import role_can
from pilote.hr import interviews
from pilote.hr.models import TRAINEE_TYPES, Employee

# The €3,000 CPF top-up for a missed review applies from 50 employees (FRENCH-RULES §7).
PENALTY_HEADCOUNT = 50


def rule() -> interviews.Rule:
    return interviews.RULES.get(getattr(settings, "PILOTE_HR_INTERVIEW_RULE", "2025"), interviews.RULES["2025"])


@dataclass
class Row:
    employee: Employee
    interview: interviews.Due
    review: interviews.Due
    last: dt.date | None


def present(today: dt.date):
    return (
        Employee.objects.filter(entry_date__lte=today)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=today))
        .exclude(contract_type__in=TRAINEE_TYPES)
    )


def due_rows(today: dt.date, employees=None) -> list[Row]:
    """One query: each person with the day of their last interview and of their last review (aggregates)."""
    people = employees if employees is not None else present(today)
    people = people.annotate(
        last_held=Max("interviews__held_on"),
        last_review=Max("interviews__held_on", filter=Q(interviews__kind=interviews.REVIEW)),
    ).order_by("last_name", "first_names", "pk")
    rows = []
    for employee in people:
        interview, review = interviews.next_due_after(employee.entry_date, employee.last_held, employee.last_review,
                                                      rule())  # fmt: skip
        rows.append(Row(employee, interview, review, employee.last_held))
    return rows


def for_user(user, today: dt.date):
    """Whose interviews `user` follows: everyone for rh and direction, else the people reporting to them."""
    if role_can(user.role, "hr.view"):
        return present(today)
    return present(today).filter(manager__user=user)


EXPORT_COLUMNS = [
    Column("Salarié", lambda r: r.employee.full_name),
    Column("Entrée", lambda r: r.employee.entry_date),
    Column("Dernier entretien", lambda r: r.last),
    Column("Prochain entretien avant le", lambda r: r.interview.due),
    Column("État des lieux avant le", lambda r: r.review.due),
]
