"""Payroll variables and the payroll entry: prepared each month from the files, contracts and absences,
completed and validated by rh, exported for the payroll provider; the provider's journal read (`hr.payroll`)
and posted as the payroll entry through the ledger's services. Each write audited."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.hr import leave, payroll
from pilote.hr.models import (
    PAYROLL_TYPED_FIELDS,
    Absence,
    AbsenceKind,
    AbsenceStatus,
    Contract,
    Employee,
    PayrollMonth,
    PayrollStatus,
    PayrollVariable,
)

TYPED_FIELDS = PAYROLL_TYPED_FIELDS
KIND_FIELDS = {
    AbsenceKind.PAID_LEAVE: "paid_leave_days",
    AbsenceKind.SICKNESS: "sickness_days",
    AbsenceKind.WORK_ACCIDENT: "work_accident_days",
    AbsenceKind.UNPAID: "unpaid_days",
}


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _author(actor) -> str:
    return (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote"


def _derived(employee: Employee, contract: Contract | None, absences: list[Absence], first: dt.date,
             last: dt.date, alsace_moselle: bool) -> dict:  # fmt: skip
    start, end = max(employee.entry_date, first), min(employee.exit_date or last, last)
    presence = Decimal((end - start).days + 1) / Decimal((last - first).days + 1)
    weekly = contract.weekly_hours if contract else employee.weekly_hours
    hours = payroll.round2(payroll.monthly_hours(weekly) * presence)
    days = dict.fromkeys(KIND_FIELDS.values(), Decimal(0)) | {"other_absence_days": Decimal(0)}
    for absence in absences:
        a, b = max(absence.start, start), min(absence.end, end)
        if b < a:
            continue
        if absence.kind == AbsenceKind.PAID_LEAVE:
            count = Decimal(leave.working_days(a, b, alsace_moselle=alsace_moselle))
        else:
            count = Decimal((b - a).days + 1)
        days[KIND_FIELDS.get(absence.kind, "other_absence_days")] += count
    return {
        "base_gross": payroll.round2((contract.monthly_gross if contract else Decimal(0)) * presence),
        "contract_hours": hours,
        "entry_date": employee.entry_date if first <= employee.entry_date <= last else None,
        "exit_date": employee.exit_date if employee.exit_date and first <= employee.exit_date <= last else None,
        **days,
    }


@transaction.atomic
def prepare_month(*, actor, month: dt.date) -> PayrollMonth:
    """Create the month, or refresh what the files say (contract, hours, absences, entries and exits) while it is
    in preparation; what rh typed (overtime, bonuses…) stays, except the hours worked and overtime of a person with
    a schedule, which come from its weeks ending in the month. A few queries whatever the staff size."""
    from pilote.hr.services.absences import in_alsace_moselle
    from pilote.hr.services.worktime import month_hours

    first, last = month_bounds(month)
    record, created = PayrollMonth.objects.select_for_update().get_or_create(month=first)
    if record.status != PayrollStatus.DRAFT:
        raise DomainError("Cette paie est validée : ses variables ne changent plus.")
    people = list(
        Employee.objects.filter(entry_date__lte=last).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=first))
    )
    contracts: dict[int, Contract] = {}
    for contract in Contract.objects.filter(employee__in=people, effective_from__lte=last).order_by("version"):
        contracts[contract.employee_id] = contract
    absences: dict[int, list[Absence]] = {}
    for absence in Absence.objects.filter(employee__in=people, status=AbsenceStatus.APPROVED, start__lte=last,
                                          end__gte=first):  # fmt: skip
        absences.setdefault(absence.employee_id, []).append(absence)
    existing = {v.employee_id: v for v in record.variables.all()}
    alsace = in_alsace_moselle()
    scheduled = month_hours(people, first, last)
    for employee in people:
        derived = _derived(employee, contracts.get(employee.pk), absences.get(employee.pk, []), first, last, alsace)
        derived |= scheduled.get(employee.pk, {})  # the schedule's hours and overtime, when the person has one
        row = existing.get(employee.pk)
        if row is None:
            derived.setdefault("hours_worked", derived["contract_hours"])
            PayrollVariable.objects.create(payroll=record, employee=employee, **derived)
        else:
            for name, value in derived.items():
                setattr(row, name, value)
            row.save(update_fields=list(derived))
    record.variables.exclude(employee__in=people).delete()
    audit.record(actor, "hr.payroll.prepared", record, after={"month": str(first), "employees": len(people)})
    return record


@transaction.atomic
def update_variable(
    *, actor, variable: PayrollVariable, expected_version: int | None = None, **fields
) -> PayrollVariable:
    variable = PayrollVariable.objects.select_for_update().select_related("payroll").get(pk=variable.pk)
    if variable.payroll.status != PayrollStatus.DRAFT:
        raise DomainError("Cette paie est validée : ses variables ne changent plus.")
    check_version(variable.version, expected_version, "Ces variables de paie")
    unknown = set(fields) - set(TYPED_FIELDS)
    if unknown:
        raise DomainError("Ces éléments se calculent depuis le dossier et les absences.")
    for name, value in fields.items():
        if name != "comment" and Decimal(value) < 0:
            raise DomainError("Heures et montants ne peuvent pas être négatifs.")
        setattr(variable, name, value)
    variable.version += 1
    variable.save()
    audit.record(actor, "hr.payroll.variables_updated", variable, after={"employee": variable.employee_id,
                 "changed": sorted(fields)})  # fmt: skip
    return variable


@transaction.atomic
def validate_month(*, actor, payroll_month: PayrollMonth) -> PayrollMonth:
    record = PayrollMonth.objects.select_for_update().get(pk=payroll_month.pk)
    if record.status != PayrollStatus.DRAFT:
        raise DomainError("Cette paie est déjà validée.")
    if not record.variables.exists():
        raise DomainError("Préparez les variables du mois avant de les valider.")
    record.status, record.validated_by, record.validated_at = PayrollStatus.VALIDATED, _author(actor), timezone.now()
    record.version += 1
    record.save()
    audit.record(actor, "hr.payroll.validated", record, after={"month": str(record.month)})
    return record


@transaction.atomic
def _pay_shares(record: PayrollMonth) -> list:
    """The month's staff costs spread by the employees' analytic distributions, weighted by their gross pay."""
    from pilote.hr.models import EmployeeAnalytic
    from pilote.hr.queries import payroll as payroll_queries

    rows = payroll_queries.rows(record)
    distributions: dict[int, list] = {}
    found = EmployeeAnalytic.objects.filter(employee_id__in=[r.variable.employee_id for r in rows],
                                            section__is_active=True).select_related("section")  # fmt: skip
    for share in found:
        distributions.setdefault(share.employee_id, []).append((share.section, share.percent))
    return payroll.payroll_shares([(r.variable.employee_id, r.gross) for r in rows], distributions)


def post_journal_file(*, actor, payroll_month: PayrollMonth, upload):
    """The provider's journal as uploaded (the payroll page's file, the API's): read in its own encoding, posted."""
    from pilote.lib.textfiles import binary_stream, detect_encoding

    stream = binary_stream(upload)
    text = stream.read().decode(detect_encoding(stream), errors="replace")
    return post_payroll_journal(actor=actor, payroll_month=payroll_month, text=text)


@transaction.atomic
def post_payroll_journal(*, actor, payroll_month: PayrollMonth, text: str):
    """The provider's payroll journal posted as the month's payroll entry (journal OD, dated the month's last day,
    piece PAIEyyyymm) through `ledger.services.create_entry(post=True)`: balanced, gapless, sealed."""
    from pilote.ledger.analytics import is_analytic
    from pilote.ledger.models import Account, Journal
    from pilote.ledger.services import LineInput, create_entry

    record = PayrollMonth.objects.select_for_update().get(pk=payroll_month.pk)
    if record.status != PayrollStatus.VALIDATED:
        raise DomainError("Validez les variables du mois avant de comptabiliser la paie.")
    if record.entry_id:
        raise DomainError("La paie de ce mois est déjà comptabilisée.")
    try:
        lines = payroll.read_journal(text)
    except payroll.JournalError as exc:
        raise DomainError(" ".join(exc.problems[:10])) from exc
    # Providers write accounts on 6 to 8 digits (641100, 42100000): the chart's account is the code without its
    # trailing zeros when the code itself is not in the chart.
    codes = {line.account for line in lines} | {line.account.rstrip("0") for line in lines}
    chart = {a.code: a for a in Account.objects.filter(code__in=codes)}
    accounts = {code: chart.get(code) or chart.get(code.rstrip("0")) for code in {line.account for line in lines}}
    unknown = sorted(code for code, account in accounts.items() if account is None)
    if unknown:
        raise DomainError(f"Comptes absents du plan comptable : {', '.join(unknown)}. Créez-les d'abord.")
    journal = Journal.objects.filter(code="OD").first()
    if journal is None:
        raise DomainError("Le journal des opérations diverses (OD) n'existe pas.")
    _, last = month_bounds(record.month)
    shares = _pay_shares(record)
    entry = create_entry(
        actor=actor, journal=journal, date=last, label=f"Salaires {record.month:%m/%Y} (journal de paie)",
        piece_ref=f"PAIE{record.month:%Y%m}", post=True,
        lines=[LineInput(account=accounts[x.account], debit=x.debit, credit=x.credit, label=x.label,
                         analytic=shares if shares and is_analytic(accounts[x.account].code) else None)
               for x in lines],
    )  # fmt: skip
    record.entry = entry
    record.version += 1
    record.save(update_fields=["entry", "version"])
    audit.record(actor, "hr.payroll.posted", record, after={"entry": entry.pk, "lines": len(lines)})
    return entry


@transaction.atomic
def link_entry(*, actor, payroll_month: PayrollMonth, entry) -> PayrollMonth:
    """A payroll entry already in the books (typed by the accountant, or the demo's) linked to its validated
    month instead of importing the journal again: posted, in the month, balanced on class 64 and 42."""
    record = PayrollMonth.objects.select_for_update().get(pk=payroll_month.pk)
    first, last = month_bounds(record.month)
    if record.status != PayrollStatus.VALIDATED or record.entry_id:
        raise DomainError("Seule une paie validée et pas encore comptabilisée se rattache à une écriture.")
    if not entry.is_posted or not first <= entry.date <= last:
        raise DomainError("L'écriture doit être validée et datée du mois de la paie.")
    codes = set(entry.lines.values_list("account__code", flat=True))
    if not any(c.startswith("64") for c in codes) or not any(c.startswith("42") for c in codes):
        raise DomainError("Ce n'est pas une écriture de paie (comptes 64 et 42).")
    record.entry = entry
    record.version += 1
    record.save(update_fields=["entry", "version"])
    audit.record(actor, "hr.payroll.entry_linked", record, after={"entry": entry.pk})
    return record
