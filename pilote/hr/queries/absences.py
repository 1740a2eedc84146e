"""Reads on leave and absences: balances per reference period, requests to decide, the HR list with its
export, and the team calendar — a fixed number of queries each."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q

from pilote.core.listing import Column
from pilote.core.permissions import role_can
from pilote.hr import leave
from pilote.hr.models import HEALTH_KINDS, Absence, AbsenceKind, AbsenceStatus, Employee
from pilote.lib.public_holidays import holidays_between


def spans(absences) -> list[leave.Span]:
    return [leave.Span(a.kind, a.start, a.end) for a in absences]


def balances(employee: Employee, today: dt.date) -> list[leave.PeriodBalance]:
    """The employee's paid leave, period by period (leave.balances), from their accepted absences."""
    accepted = list(employee.absences.filter(status=AbsenceStatus.APPROVED).order_by("start"))
    taken = [(a.start, a.days) for a in accepted if a.kind == AbsenceKind.PAID_LEAVE]
    return leave.balances(employee.entry_date, employee.exit_date, spans(accepted), taken, today)


def available(periods: list[leave.PeriodBalance]) -> dict:
    """What the employee may take now (closed periods not expired) and what is being earned."""
    open_periods = [p for p in periods if p.closed and p.remaining > 0]
    running = next((p for p in periods if not p.closed), None)
    return {
        "now": sum((p.remaining for p in open_periods), start=0),
        "deadline": min((p.deadline for p in open_periods), default=None),
        "earning": running.acquired if running else 0,
    }


# --- Information on return from a sickness or work accident (L3141-19-3) ---------------------------------------
@dataclass
class ReturnInformation:
    absence: Absence
    back: dt.date  # the day of the return to work
    due: dt.date  # the information is given by then
    on: dt.date  # the date of the balance: the information's, or today's while not given
    lines: list[leave.InformationLine]

    @property
    def total(self):
        return sum((line.remaining for line in self.lines), start=0)

    @property
    def given(self) -> bool:
        return self.absence.leave_information_on is not None


def carries_information(absence: Absence) -> bool:
    """A sickness or work-accident absence, accepted, ended on or after the law came into force."""
    return (
        absence.kind in leave.CARRYING_OVER
        and absence.status == AbsenceStatus.APPROVED
        and absence.end + dt.timedelta(days=1) >= leave.INFORMATION_IN_FORCE
    )


def continued_by(absence: Absence) -> Absence | None:
    """The absence prolonging this one the next day (an extended sick leave): the information is due at its end."""
    return (
        Absence.objects.filter(
            employee_id=absence.employee_id,
            status=AbsenceStatus.APPROVED,
            kind__in=leave.CARRYING_OVER,
            start=absence.end + dt.timedelta(days=1),
        )  # fmt: skip
        .order_by("pk")
        .first()
    )


def return_information(absence: Absence, today: dt.date) -> ReturnInformation | None:
    """The paid-leave balance to tell the employee back from `absence`, per period with its deadline (leave.py)."""
    if not carries_information(absence):
        return None
    employee = absence.employee
    back = absence.end + dt.timedelta(days=1)
    on = absence.leave_information_on or max(today, back)
    accepted = list(employee.absences.filter(status=AbsenceStatus.APPROVED).order_by("start"))
    taken = [(a.start, a.days) for a in accepted if a.kind == AbsenceKind.PAID_LEAVE]
    lines = leave.return_information(employee.entry_date, employee.exit_date, spans(accepted), taken, on)
    return ReturnInformation(absence, back, leave.information_due(back), on, lines)


def information_pending(today: dt.date) -> list[tuple[Absence, dt.date, dt.date]]:
    """(absence, return day, due date) of each return since the law whose information is not given yet — the
    employee back at work, still employed, the absence not prolonged by another one. Two queries."""
    rows = list(
        Absence.objects.filter(
            kind__in=leave.CARRYING_OVER,
            status=AbsenceStatus.APPROVED,
            leave_information_on__isnull=True,
            end__lt=today,
            end__gte=leave.INFORMATION_IN_FORCE - dt.timedelta(days=1),
        )
        .filter(Q(employee__exit_date__isnull=True) | Q(employee__exit_date__gt=F("end")))
        .select_related("employee")
        .only("employee_id", "end", "employee__first_names", "employee__last_name")
        .order_by("end", "pk")[:200]
    )
    if not rows:
        return []
    prolonged = set(
        Absence.objects.filter(
            employee__in={a.employee_id for a in rows},
            status=AbsenceStatus.APPROVED,
            kind__in=leave.CARRYING_OVER,
            start__in={a.end + dt.timedelta(days=1) for a in rows},
        ).values_list("employee_id", "start")
    )
    pending = []
    for absence in rows:
        back = absence.end + dt.timedelta(days=1)
        if (absence.employee_id, back) not in prolonged:
            pending.append((absence, back, leave.information_due(back)))
    return pending


def decidable(user):
    """Requests waiting for `user`'s decision: all of them for rh and direction, else their team's."""
    waiting = Absence.objects.filter(status=AbsenceStatus.REQUESTED).select_related("employee").order_by("start", "pk")
    if role_can(user.role, "hr.edit"):
        return waiting.exclude(employee__user=user)
    return waiting.filter(employee__manager__user=user)


def filter_absences(data: dict):
    absences = Absence.objects.all()
    if employee := data.get("salarie"):
        absences = absences.filter(employee=employee)
    if kind := data.get("nature"):
        absences = absences.filter(kind=kind)
    if status := data.get("statut"):
        absences = absences.filter(status=status)
    if start := data.get("du"):
        absences = absences.filter(end__gte=start)
    if end := data.get("au"):
        absences = absences.filter(start__lte=end)
    return absences.select_related("employee").order_by("-start", "-pk")


EXPORT_COLUMNS = [
    Column("Salarié", lambda a: a.employee.full_name),
    Column("Nature", lambda a: a.get_kind_display()),
    Column("Du", lambda a: a.start),
    Column("Au", lambda a: a.end),
    Column("Jours", lambda a: a.days),
    Column("Statut", lambda a: a.get_status_display()),
    Column("Justificatif reçu", lambda a: a.certificate),
    Column("Commentaire", lambda a: a.comment),
]


# --- The team calendar ------------------------------------------------------------------------------------
@dataclass
class CalendarRow:
    employee: Employee
    cells: list = field(default_factory=list)  # per day: (css class, short label, title) or None


def visible_employees(user, day: dt.date):
    """Whose absences `user` sees: everyone for rh and direction; otherwise themselves, the people they manage
    and those who share their manager (their team)."""
    present = Employee.objects.filter(entry_date__lte=day).filter(
        Q(exit_date__isnull=True) | Q(exit_date__gte=day.replace(day=1))
    )
    if role_can(user.role, "hr.view"):
        return present
    me = Employee.objects.filter(user=user).first()
    if me is None:
        return present.none()
    team = Q(pk=me.pk) | Q(manager=me)
    if me.manager_id:
        team |= Q(manager_id=me.manager_id)
    return present.filter(team)


SHORT = {
    AbsenceKind.PAID_LEAVE: "CP",
    AbsenceKind.RTT: "RTT",
    AbsenceKind.FAMILY_EVENT: "EF",
    AbsenceKind.UNPAID: "SS",
    AbsenceKind.SICKNESS: "MA",
    AbsenceKind.WORK_ACCIDENT: "AT",
    AbsenceKind.MATERNITY: "MAT",
    AbsenceKind.PATERNITY: "PAT",
}


def _cell(absence: Absence, user) -> tuple[str, str, str]:
    own = absence.employee.user_id == user.pk
    pending = absence.status == AbsenceStatus.REQUESTED
    if absence.kind in HEALTH_KINDS and not own and not role_can(user.role, "hr.view"):
        label, short = "Absence", "ABS"
    else:
        label, short = absence.get_kind_display(), SHORT[absence.kind]
    title = f"{label}{' (demandée)' if pending else ''}"
    return (f"absence absence-{'pending' if pending else 'ok'}", short, title)


def month_calendar(user, month: dt.date, alsace_moselle: bool = False) -> dict:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    holidays = holidays_between(first, last, alsace_moselle)
    employees = list(visible_employees(user, last).order_by("last_name", "first_names", "pk")[:200])
    absences = Absence.objects.filter(
        employee__in=[e.pk for e in employees],
        status__in=(AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED),
        start__lte=last,
        end__gte=first,
    ).select_related("employee")
    by_employee: dict[int, list[Absence]] = {}
    for absence in absences:
        by_employee.setdefault(absence.employee_id, []).append(absence)
    rows = []
    for employee in employees:
        row = CalendarRow(employee)
        for day in days:
            hit = next((a for a in by_employee.get(employee.pk, ()) if a.start <= day <= a.end), None)
            row.cells.append(_cell(hit, user) if hit else None)
        rows.append(row)
    header = [(day, day.weekday() == 6, holidays.get(day, "")) for day in days]
    return {"days": header, "rows": rows, "holidays": holidays, "first": first}


def read_absence(user, pk: int) -> Absence:
    """The absence `pk` as its page and the API show it; reading a health-related record is written in the audit
    log (who read whose sickness or accident)."""
    from pilote.core import audit

    absence = Absence.objects.select_related("employee", "requested_by", "decided_by").get(pk=pk)
    if absence.is_health_related:
        audit.record(user, "hr.absence.read", absence, after={"employee": absence.employee_id})
    return absence
