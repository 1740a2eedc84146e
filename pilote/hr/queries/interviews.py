"""Interviews due: for each person present (trainees apart), the next professional interview and review under
the configured rule — two queries whatever the staff size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from pilote.core.listing import Column
from pilote.core.permissions import role_can
from pilote.hr import interviews
from pilote.hr.models import TRAINEE_TYPES, CareerInterview, Employee

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
    people = list((employees if employees is not None else present(today)).order_by("last_name", "first_names", "pk"))
    held: dict[int, list[tuple[str, dt.date]]] = {}
    for employee_id, kind, day in CareerInterview.objects.filter(employee__in=[e.pk for e in people]).values_list(
        "employee_id", "kind", "held_on"
    ):
        held.setdefault(employee_id, []).append((kind, day))
    rows = []
    for employee in people:
        mine = held.get(employee.pk, [])
        interview, review = interviews.next_due(employee.entry_date, mine, rule())
        rows.append(Row(employee, interview, review, max((day for _, day in mine), default=None)))
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
