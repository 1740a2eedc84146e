"""Payroll read: a month's variables with the indicative estimate, and the export layout for the provider."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from pilote.core.listing import Column
from pilote.hr import payroll
from pilote.hr.models import PayrollMonth, PayrollVariable


def ratios() -> tuple[Decimal, Decimal]:
    """The estimate's employee ratio and employer rate (settings PILOTE_HR_NET_RATIO, PILOTE_HR_EMPLOYER_RATE)."""
    return (Decimal(str(getattr(settings, "PILOTE_HR_NET_RATIO", payroll.DEFAULT_NET_RATIO))),
            Decimal(str(getattr(settings, "PILOTE_HR_EMPLOYER_RATE", payroll.DEFAULT_EMPLOYER_RATE))))  # fmt: skip


@dataclass
class Row:
    variable: PayrollVariable
    gross: Decimal  # base + overtime + bonus + benefits in kind, before absences (indicative)
    estimate: payroll.Estimate


def rows(payroll_month: PayrollMonth) -> list[Row]:
    net_ratio, employer_rate = ratios()
    found = []
    for variable in payroll_month.variables.select_related("employee").order_by(
        "employee__last_name", "employee__first_names", "pk"
    ):
        hourly = variable.base_gross / variable.contract_hours if variable.contract_hours else Decimal(0)
        extra = hourly * (
            variable.overtime_25 * Decimal("1.25")
            + variable.overtime_50 * Decimal("1.5")
            + variable.complementary_10 * Decimal("1.1")
            + variable.complementary_25 * Decimal("1.25")
        )
        gross = payroll.round2(variable.base_gross + extra + variable.bonus + variable.benefits_in_kind)
        hours = variable.contract_hours or payroll.LEGAL_MONTHLY_HOURS
        found.append(Row(variable, gross, payroll.estimate(gross, hours, net_ratio, employer_rate)))
    return found


def totals(found: list[Row]) -> dict[str, Decimal]:
    return {
        "gross": sum((r.gross for r in found), Decimal(0)),
        "net": sum((r.estimate.net for r in found), Decimal(0)),
        "cost": sum((r.estimate.employer_cost for r in found), Decimal(0)),
        "expenses": sum((r.variable.expenses for r in found), Decimal(0)),
    }


# The export for the payroll provider (CSV with « ; » and decimal comma, or XLSX): one line per employee, in
# this order. Documented in ARCHITECTURE.md (« People ») — providers map their import on these headers.
EXPORT_COLUMNS = [
    Column("Mois", lambda v: v.payroll.month.strftime("%m/%Y")),
    Column("Matricule", lambda v: v.employee.register_number),
    Column("Nom", lambda v: v.employee.last_name),
    Column("Prénoms", lambda v: v.employee.first_names),
    Column("Contrat", lambda v: v.employee.get_contract_type_display()),
    Column("Entrée dans le mois", lambda v: v.entry_date),
    Column("Sortie dans le mois", lambda v: v.exit_date),
    Column("Salaire de base", lambda v: v.base_gross),
    Column("Heures contractuelles", lambda v: v.contract_hours),
    Column("Heures travaillées", lambda v: v.hours_worked),
    Column("Heures supplémentaires 25 %", lambda v: v.overtime_25),
    Column("Heures supplémentaires 50 %", lambda v: v.overtime_50),
    Column("Heures complémentaires 10 %", lambda v: v.complementary_10),
    Column("Heures complémentaires 25 %", lambda v: v.complementary_25),
    Column("Congés payés (jours ouvrables)", lambda v: v.paid_leave_days),
    Column("Maladie (jours calendaires)", lambda v: v.sickness_days),
    Column("Accident du travail (jours calendaires)", lambda v: v.work_accident_days),
    Column("Sans solde (jours calendaires)", lambda v: v.unpaid_days),
    Column("Autres absences (jours calendaires)", lambda v: v.other_absence_days),
    Column("Primes", lambda v: v.bonus),
    Column("Avantages en nature", lambda v: v.benefits_in_kind),
    Column("Frais à rembourser", lambda v: v.expenses),
    Column("Commentaire", lambda v: v.comment),
]


def export_rows(payroll_month: PayrollMonth):
    return payroll_month.variables.select_related("employee", "payroll").order_by("employee__register_number")


def cash_flows(today, end) -> list[tuple]:
    """The treasury plan's pay (`payroll.pay_flows`) from each employee's latest contract (one read: the latest
    version's pay by a correlated subquery)."""
    from django.db.models import OuterRef, Subquery

    from pilote.hr.models import Contract, Employee

    latest = Contract.objects.filter(employee=OuterRef("pk")).order_by("-version").values("monthly_gross")[:1]
    staff = list(
        Employee.objects.filter(entry_date__lte=end).exclude(exit_date__lt=today)
        .annotate(gross=Subquery(latest)).values_list("entry_date", "exit_date", "gross")
    )  # fmt: skip
    net_ratio, employer_rate = ratios()
    return payroll.pay_flows(staff, today, end, net_ratio, employer_rate)
