"""The schedule (planning): shifts planned by rh, direction, or the employee's manager; a week copied onto the next;
the hours of the weeks ending in a month for the payroll variables. Each write audited (who, whose, which day)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.permissions import role_can
from pilote.core.registry import worked_time
from pilote.hr import worktime
from pilote.hr.models import Absence, AbsenceKind, AbsenceStatus, Employee, WorkShift


def _author(actor) -> str:
    return (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote"


def can_plan(actor, employee: Employee) -> bool:
    """rh and direction plan everyone; a manager the people reporting to them."""
    if role_can(actor.role, "hr.edit"):
        return True
    return employee.manager_id is not None and employee.manager.user_id == actor.pk


def quota() -> Decimal:
    return Decimal(str(getattr(settings, "PILOTE_HR_OVERTIME_QUOTA", worktime.DEFAULT_QUOTA)))


def complementary_limit() -> Fraction:
    """The complementary-hours limit: a third of the contract's hours by collective agreement (L3123-20, default),
    or « 1/10 » without one (L3123-28), from PILOTE_HR_COMPLEMENTARY_LIMIT."""
    value = getattr(settings, "PILOTE_HR_COMPLEMENTARY_LIMIT", None)
    return Fraction(value) if value else worktime.DEFAULT_COMPLEMENTARY_LIMIT


def part_time_hours(employee: Employee) -> Decimal | None:
    """The contract's weekly hours of a part-timer (under 35 h), None for a full-timer."""
    hours = Decimal(employee.weekly_hours)
    return hours if hours < worktime.FULL_TIME else None


def _check(employee: Employee, day: dt.date, start: dt.time, end: dt.time, break_minutes: int,
           exclude: int | None = None) -> None:  # fmt: skip
    problems = worktime.check_shift(start, end, break_minutes)
    if problems:
        raise DomainError(" ".join(problems))
    if not employee.is_present(day):
        raise DomainError(f"{employee.full_name} n'est pas dans la structure le {day:%d/%m/%Y}.")
    new = worktime.Shift(day, start, end, break_minutes)
    around = WorkShift.objects.filter(employee=employee, day__gte=day - dt.timedelta(days=1),
                                      day__lte=day + dt.timedelta(days=1)).exclude(pk=exclude)  # fmt: skip
    for other in around:
        if other.shift.begins < new.ends and new.begins < other.shift.ends:
            raise DomainError(f"Cette plage chevauche celle du {other.day:%d/%m/%Y} de {other.start:%H:%M} à "
                              f"{other.end:%H:%M}.")  # fmt: skip
    on_leave = Absence.objects.filter(employee=employee, status=AbsenceStatus.APPROVED, start__lte=day, end__gte=day)
    if on_leave.exists():
        raise DomainError(f"{employee.full_name} est absent(e) le {day:%d/%m/%Y}.")
    if (contract := part_time_hours(employee)) is not None:  # L3123-9, L3123-20/-28: refused beyond the limits
        start_week = worktime.monday(day)
        week = WorkShift.objects.filter(employee=employee, day__gte=start_week,
                                        day__lte=start_week + dt.timedelta(days=6)).exclude(pk=exclude)  # fmt: skip
        worked = sum((s.shift.hours for s in week), new.hours)
        if problem := worktime.check_part_time_week(start_week, worked, contract, complementary_limit()):
            raise DomainError(f"Temps partiel de {employee.full_name} : {problem}")


@transaction.atomic
def plan_shift(*, actor, employee: Employee, day: dt.date, start: dt.time, end: dt.time, break_minutes: int = 0,
               note: str = "") -> WorkShift:  # fmt: skip
    if not can_plan(actor, employee):
        raise DomainError("Vous ne planifiez que les personnes de votre équipe.")
    Employee.objects.select_for_update().get(pk=employee.pk)
    _check(employee, day, start, end, break_minutes)
    shift = WorkShift.objects.create(employee=employee, day=day, start=start, end=end, break_minutes=break_minutes,
                                     note=note.strip()[:120], author=_author(actor))  # fmt: skip
    audit.record(actor, "hr.shift.planned", shift, after={"employee": employee.pk, "day": str(day)})
    return shift


@transaction.atomic
def remove_shift(*, actor, shift: WorkShift) -> None:
    if not can_plan(actor, shift.employee):
        raise DomainError("Vous ne planifiez que les personnes de votre équipe.")
    audit.record(actor, "hr.shift.removed", shift, before={"employee": shift.employee_id, "day": str(shift.day)})
    shift.delete()


@transaction.atomic
def copy_week(*, actor, employees: list[Employee], source: dt.date, target: dt.date) -> int:
    """The shifts of the week starting `source` copied onto the week starting `target` for the employees the actor
    plans who have nothing planned that week yet. Returns the number of shifts created."""
    source, target = worktime.monday(source), worktime.monday(target)
    if source == target:
        raise DomainError("Choisissez une autre semaine à recopier.")
    allowed = [e for e in employees if can_plan(actor, e)]
    busy = set(WorkShift.objects.filter(employee__in=allowed, day__gte=target, day__lt=target + dt.timedelta(days=7))
               .values_list("employee_id", flat=True))  # fmt: skip
    created = 0
    shifts = WorkShift.objects.filter(employee__in=[e for e in allowed if e.pk not in busy], day__gte=source,
                                      day__lt=source + dt.timedelta(days=7)).select_related("employee")  # fmt: skip
    for shift in shifts:
        day = shift.day + (target - source)
        try:
            _check(shift.employee, day, shift.start, shift.end, shift.break_minutes)
        except DomainError:
            continue  # absent that day, or gone: not copied
        WorkShift.objects.create(employee=shift.employee, day=day, start=shift.start, end=shift.end,
                                 break_minutes=shift.break_minutes, note=shift.note, author=_author(actor))  # fmt: skip
        created += 1
    audit.record(actor, "hr.shift.week_copied", None, after={"from": str(source), "to": str(target), "shifts": created})
    return created


def month_hours(employees: list[Employee], first: dt.date, last: dt.date) -> dict[int, dict]:
    """For the payroll variables: per employee with shifts (the schedule's, and on the days it plans nothing the
    work other domains record, e.g. done visits, through core.registry.worked_time), the hours worked, overtime at
    25 % and 50 % and, for a part-timer, complementary hours at 10 % and 25 % of the weeks ending (their Sunday) in
    the month. Paid-leave days count towards the weekly threshold. Two queries and one per source of recorded work."""
    start = worktime.monday(first)  # its Sunday is in the month
    end = worktime.monday(last) - dt.timedelta(days=1) if last.weekday() != 6 else last
    shifts: dict[int, list[worktime.Shift]] = {}
    for row in WorkShift.objects.filter(employee__in=employees, day__gte=start, day__lte=end):
        shifts.setdefault(row.employee_id, []).append(row.shift)
    # Work recorded elsewhere (done visits, from arrival to departure) counts on the days the schedule plans nothing.
    planned = {(pk, shift.day) for pk, rows in shifts.items() for shift in rows}
    users = {e.user_id: e.pk for e in employees if e.user_id}
    for stretch in worked_time(list(users), start, end) if users else []:
        pk = users.get(stretch.user_id)
        if pk is not None and (pk, stretch.day) not in planned:
            shifts.setdefault(pk, []).append(worktime.Shift(stretch.day, stretch.start, stretch.end))
    leave: dict[int, dict[dt.date, Decimal]] = {}
    weekly = {e.pk: e.weekly_hours for e in employees}
    for absence in Absence.objects.filter(employee_id__in=shifts, kind=AbsenceKind.PAID_LEAVE,
                                          status=AbsenceStatus.APPROVED, start__lte=end, end__gte=start):  # fmt: skip
        day = max(absence.start, start)
        while day <= min(absence.end, end):
            if day.weekday() < 5:
                leave.setdefault(absence.employee_id, {})[day] = Decimal(weekly[absence.employee_id]) / 5
            day += dt.timedelta(days=1)
    result = {}
    part_time = {e.pk: part_time_hours(e) for e in employees}
    for pk, rows in shifts.items():
        weeks = worktime.weeks(rows, leave.get(pk), part_time.get(pk)).values()
        result[pk] = {
            "hours_worked": sum((w.worked for w in weeks), Decimal(0)),
            "overtime_25": sum((w.overtime_25 for w in weeks), Decimal(0)),
            "overtime_50": sum((w.overtime_50 for w in weeks), Decimal(0)),
            "complementary_10": sum((w.complementary_10 for w in weeks), Decimal(0)),
            "complementary_25": sum((w.complementary_25 for w in weeks), Decimal(0)),
        }
    return result
