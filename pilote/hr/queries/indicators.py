"""The social indicators page's reads: the staff with their latest contract's pay, the absences of the last twelve
months, the legal headcount — three queries — then `indicators` computes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    contracts = {}
    for contract in Contract.objects.order_by("version").only("employee_id", "monthly_gross", "weekly_hours"):
        contracts[contract.employee_id] = contract
    rows = []
    for e in Employee.objects.all():
        contract = contracts.get(e.pk)
        rows.append(indicators.Person(
            e.pk, e.sex, e.birth_date, e.entry_date, e.exit_date,
            contract.weekly_hours if contract else e.weekly_hours, e.part_time, e.contract_type, e.cse_category,
            contract.monthly_gross if contract else None))  # fmt: skip
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
