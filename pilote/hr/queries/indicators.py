"""The social indicators page's reads: the staff with their latest contract's pay, the absences of the last twelve
months, the legal headcount — three queries — then `indicators` computes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from pilote.hr import cse, indicators
from pilote.hr.models import Absence, AbsenceStatus, Contract, Employee


@dataclass
class Report:
    day: dt.date
    months: list[indicators.Month]
    turnover: object
    absence_days: dict
    absence_rate: object
    presence_days: int
    ages: list
    seniority: list
    part_time: object
    pay: list
    headcount: cse.Headcount
    thresholds: list


def people() -> list[indicators.Person]:
    """Every employee with the hours and pay of their latest contract version (none: the employee's own hours, no
    pay), in one query: the latest version by correlated subqueries, not every contract read then folded in Python."""
    latest = Contract.objects.filter(employee=OuterRef("pk")).order_by("-version")
    hours, gross = (Subquery(latest.values(name)[:1]) for name in ("weekly_hours", "monthly_gross"))
    rows = []
    fields = ("sex", "birth_date", "entry_date", "exit_date", "weekly_hours", "part_time", "contract_type",
              "cse_category")  # fmt: skip
    for e in Employee.objects.only(*fields).annotate(latest_hours=hours, latest_gross=gross):
        signed = e.latest_gross is not None  # monthly_gross is never null: no value means no contract
        if signed:  # SQLite gives a subquery's decimal unquantized (35, not 35.00 as the column reads)
            e.latest_hours = e.latest_hours.quantize(Decimal("0.01"))
        rows.append(indicators.Person(
            e.pk, e.sex, e.birth_date, e.entry_date, e.exit_date,
            e.latest_hours if signed else e.weekly_hours, e.part_time, e.contract_type, e.cse_category,
            e.latest_gross if signed else None))  # fmt: skip
    return rows


def report(day: dt.date) -> Report:
    staff = people()
    rows = indicators.months(staff, day)
    start, end = dt.date(rows[0].year, rows[0].month, 1), day.replace(day=1) - dt.timedelta(days=1)
    absences = Absence.objects.filter(status=AbsenceStatus.APPROVED, start__lte=end, end__gte=start)
    days, rate, presence = indicators.absenteeism(staff, absences.values_list("employee_id", "kind", "start", "end"),
                                                  start, end)  # fmt: skip
    headcount = cse.legal_headcount([p.worker for p in staff], day)
    return Report(day, rows, indicators.turnover(rows), days, rate, presence, indicators.pyramid(staff, day),
                  indicators.pyramid(staff, day, seniority=True), indicators.part_time_share(staff, day),
                  indicators.average_pay(staff, day), headcount, indicators.thresholds(headcount.average))  # fmt: skip


def kind_label(kind: str) -> str:
    from pilote.hr.models import AbsenceKind

    return dict(AbsenceKind.choices).get(kind, kind)


def category_label(category: str) -> str:
    from pilote.hr.models import CseCategory

    return dict(CseCategory.choices).get(category, category)
