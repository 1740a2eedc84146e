"""Reads on the schedule: who a user sees (rh and direction everyone, a manager their team and themselves, anyone
else themselves), a week's grid with each person's hours, overtime and alerts (12 weeks read for the average), and
the year's overtime against the quota. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from pilote.core.listing import Column
from pilote.core.permissions import role_can
from pilote.hr import worktime
from pilote.hr.models import Employee, WorkShift

DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]


def visible(user, start: dt.date, end: dt.date, team: Employee | None = None):
    present = Employee.objects.filter(entry_date__lte=end).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=start))
    present = present.exclude(contract_type="stage").select_related("manager")
    if role_can(user.role, "hr.view"):
        return present.filter(Q(manager=team) | Q(pk=team.pk)) if team else present
    return present.filter(Q(manager__user=user) | Q(user=user))


def plannable(user, monday: dt.date, team: Employee | None = None) -> list[Employee]:
    """The people of the week starting `monday` that `user` sees and plans (rh and direction everyone, a manager
    their team), as the week's grid marks them."""
    from pilote.hr.services.worktime import can_plan

    people = visible(user, monday, monday + dt.timedelta(days=6), team).order_by("last_name", "first_names")
    return [person for person in people if can_plan(user, person)]


@dataclass
class Row:
    employee: Employee
    days: list[list[WorkShift]] = field(default_factory=list)
    week: worktime.Week | None = None
    alerts: list[worktime.Alert] = field(default_factory=list)
    can_plan: bool = False


def week_grid(user, monday: dt.date, team: Employee | None = None) -> list[Row]:
    from pilote.hr.services.worktime import can_plan, complementary_limit, part_time_hours

    end = monday + dt.timedelta(days=6)
    people = list(visible(user, monday, end, team).order_by("last_name", "first_names"))
    history: dict[int, list[WorkShift]] = {}
    since = monday - dt.timedelta(weeks=worktime.AVERAGE_WEEKS - 1)
    for shift in WorkShift.objects.filter(employee__in=people, day__gte=since - dt.timedelta(days=2),
                                          day__lte=end + dt.timedelta(days=2)).order_by("day", "start"):  # fmt: skip
        history.setdefault(shift.employee_id, []).append(shift)
    rows, limit = [], complementary_limit()
    for person in people:
        shifts = history.get(person.pk, [])
        row = Row(person, [[s for s in shifts if s.day == monday + dt.timedelta(days=i)] for i in range(7)],
                  can_plan=can_plan(user, person))  # fmt: skip
        in_week = [s.shift for s in shifts if monday <= s.day <= end]
        contract = part_time_hours(person)
        row.week = worktime.weeks(in_week, contract_hours=contract).get(monday)
        row.alerts = [a for a in worktime.alerts([s.shift for s in shifts], since=monday, contract_hours=contract,
                                                 limit=limit) if a.day <= end]  # fmt: skip
        rows.append(row)
    return rows


@dataclass(frozen=True)
class YearRow:
    employee: Employee
    worked: Decimal
    overtime_25: Decimal
    overtime_50: Decimal
    quota: Decimal

    @property
    def overtime(self) -> Decimal:
        return self.overtime_25 + self.overtime_50

    @property
    def left(self) -> Decimal:
        return worktime.quota_status(self.overtime, self.quota)[0]

    @property
    def beyond(self) -> Decimal:
        return worktime.quota_status(self.overtime, self.quota)[1]


def year_overtime(year: int, quota: Decimal) -> list[YearRow]:
    """Each person's overtime of the weeks ending in the year (their Sunday), against the yearly quota. Two queries."""
    first = worktime.monday(dt.date(year, 1, 1))  # its Sunday is in the year
    last = dt.date(year, 12, 31)
    by_person: dict[int, list[worktime.Shift]] = {}
    rows = WorkShift.objects.filter(day__gte=first, day__lte=last)
    for row in rows.values_list("employee_id", "day", "start", "end", "break_minutes"):
        by_person.setdefault(row[0], []).append(worktime.Shift(*row[1:]))
    people = Employee.objects.in_bulk(list(by_person))
    rows = []
    for pk, shifts in by_person.items():
        weeks = [w for w in worktime.weeks(shifts).values() if (w.start + dt.timedelta(days=6)).year == year]
        rows.append(YearRow(people[pk], sum((w.worked for w in weeks), Decimal(0)),
                            sum((w.overtime_25 for w in weeks), Decimal(0)),
                            sum((w.overtime_50 for w in weeks), Decimal(0)), quota))  # fmt: skip
    return sorted(rows, key=lambda r: (-r.overtime, r.employee.last_name))


YEAR_COLUMNS = [
    Column("Salarié", lambda r: r.employee.full_name),
    Column("Heures travaillées", lambda r: r.worked),
    Column("Heures supplémentaires à 25 %", lambda r: r.overtime_25),
    Column("Heures supplémentaires à 50 %", lambda r: r.overtime_50),
    Column("Total", lambda r: r.overtime),
    Column("Contingent restant", lambda r: r.left),
    Column("Au-delà du contingent", lambda r: r.beyond),
]


def planned_hours(user_id: int, day) -> list:
    """The shifts the schedule plans for the employee who is this Pilote user on `day` (core.registry: the
    intervention planning reads them to check a visit against the person's working hours)."""
    from pilote.hr.models import WorkShift

    return [(s.start, s.end) for s in WorkShift.objects.filter(employee__user_id=user_id, day=day).order_by("start")]
