"""Expense reports: entered by the employee (self-service, their own only), submitted, approved or refused by their
manager or rh — never by themselves —, posted by the accountant through `ledger.services.create_entry` (each
category's expense account at its amount less the deductible VAT, 44566 the deductible VAT, 421 on the employee's
sub-account at the total), then reimbursed by bank transfer (journal BQ: 421 against 512, both 421 lines lettered).
Every write in a transaction with an audit event; no amount is written in the trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.permissions import role_can
from pilote.hr import expenses
from pilote.hr.models import Employee, ExpenseLine, ExpenseReport, ExpenseStatus
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO

EMPLOYEE_ACCOUNT = "421"  # Personnel — rémunérations dues, one sub-account per employee (S + register number)
DEDUCTIBLE_VAT = "44566"
RECEIPT_TYPES = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG"}
LIVE = (ExpenseStatus.DRAFT, ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED, ExpenseStatus.POSTED,
        ExpenseStatus.PAID)  # fmt: skip


def _author(actor) -> str:
    return (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote"


def _is_hr(actor) -> bool:
    return role_can(actor.role, "hr.edit")


def can_open(actor, report: ExpenseReport) -> bool:
    """The employee, their manager, rh and direction, and the accountant (who posts and pays)."""
    return (
        report.employee.user_id == actor.pk
        or role_can(actor.role, "hr.expenses.view")
        or (report.employee.manager is not None and report.employee.manager.user_id == actor.pk)
    )


def can_decide(actor, report: ExpenseReport) -> bool:
    if report.employee.user_id == actor.pk:
        return False
    manager = report.employee.manager
    return _is_hr(actor) or (manager is not None and manager.user_id == actor.pk)


def _editable(actor, report: ExpenseReport) -> ExpenseReport:
    current = ExpenseReport.objects.select_for_update(of=("self",)).select_related("employee").get(pk=report.pk)
    if current.employee.user_id != actor.pk and not _is_hr(actor):
        raise DomainError("Seul le salarié ou le service des ressources humaines modifie cette note de frais.")
    if not current.is_editable:
        raise DomainError(f"Cette note de frais est {current.get_status_display().lower()} : elle ne change plus.")
    return current


def _next_number(year: int) -> str:
    prefix = f"NDF-{year}-"
    last = ExpenseReport.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    latest = last.first()
    return f"{prefix}{(int(latest[len(prefix) :]) if latest else 0) + 1:04d}"


@transaction.atomic
def create_report(*, actor, employee: Employee, title: str) -> ExpenseReport:
    if employee.user_id != actor.pk and not _is_hr(actor):
        raise DomainError("Une note de frais se crée depuis son propre espace.")
    if employee.exit_date and employee.exit_date < local_today() - dt.timedelta(days=90):
        raise DomainError("Ce salarié a quitté la structure depuis plus de trois mois.")
    title = title.strip()[:150]
    if not title:
        raise DomainError("Indiquez l'objet de la note de frais (mission, mois…).")
    Employee.objects.select_for_update().get(pk=employee.pk)
    report = ExpenseReport.objects.create(employee=employee, title=title, number=_next_number(local_today().year),
                                          created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    audit.record(actor, "hr.expense.created", report, after={"number": report.number, "employee": employee.pk})
    return report


def check_receipt(upload) -> str:
    """A receipt is a PDF, PNG or JPEG (read from its first bytes, not its name); returns its type."""
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in RECEIPT_TYPES.items():
        if head.startswith(magic):
            return kind
    raise DomainError("Le justificatif doit être une photo (JPEG, PNG) ou un PDF.")


def mileage_before(employee: Employee, year: int, vehicle: str, horsepower: int, exclude: int | None = None):
    """The business distance already claimed this year with this vehicle class (the scale is yearly)."""
    lines = ExpenseLine.objects.filter(
        report__employee=employee, report__status__in=LIVE, category=expenses.MILEAGE, spent_on__year=year,
        vehicle=vehicle, horsepower=horsepower,
    ).exclude(pk=exclude)  # fmt: skip
    return lines.aggregate(total=Sum("distance"))["total"] or Decimal(0)


def _vat_liable() -> bool:
    from pilote.core.vat_policy import current_policy

    return current_policy().charges_vat


@transaction.atomic
def add_line(*, actor, report: ExpenseReport, spent_on: dt.date, category: str, description: str,
             amount: Decimal | None = None, vat: Decimal | None = None, receipt=None, vehicle: str = "",
             horsepower: int | None = None, electric: bool = False,
             distance: Decimal | None = None) -> ExpenseLine:  # fmt: skip
    current = _editable(actor, report)
    if spent_on > local_today():
        raise DomainError("Une dépense se déclare une fois faite : la date est dans le futur.")
    if spent_on < local_today() - dt.timedelta(days=3 * 365):
        raise DomainError("Cette dépense a plus de trois ans.")
    vat = vat or ZERO
    fields = {}
    if category == expenses.MILEAGE:
        if not vehicle or not horsepower or not distance or distance <= 0 or distance > 5000:
            raise DomainError("Pour des indemnités kilométriques : véhicule, puissance fiscale et distance (5 000 km "
                              "au plus par trajet).")  # fmt: skip
        if not 1 <= horsepower <= 50:
            raise DomainError("La puissance fiscale va de 1 à 50 CV.")
        before = mileage_before(current.employee, spent_on.year, vehicle, horsepower)
        amount = expenses.trip_allowance(spent_on.year, vehicle, horsepower, distance, before=before,
                                         electric=electric)  # fmt: skip
        fields = {"vehicle": vehicle, "horsepower": horsepower, "electric": electric, "distance": distance}
        description = description or f"{distance} km"
    problems = expenses.check_line(category, amount, vat)
    if problems:
        raise DomainError(" ".join(problems))
    if not description.strip():
        raise DomainError("Décrivez la dépense (lieu, client, trajet…).")
    if receipt is not None:
        check_receipt(receipt)
    outcome = expenses.deductible_vat(category, amount, vat, has_receipt=receipt is not None, liable=_vat_liable())
    line = ExpenseLine(report=current, spent_on=spent_on, category=category, description=description.strip()[:200],
                       amount=amount, vat=vat, deductible_vat=outcome.deductible, vat_basis=outcome.reason[:160],
                       receipt_name=(receipt.name[:120] if receipt is not None else ""), **fields)  # fmt: skip
    if receipt is not None:
        line.receipt.save(receipt.name, receipt, save=False)
    line.save()
    _refresh_totals(current)
    audit.record(actor, "hr.expense.line_added", current, after={"number": current.number, "category": category})
    return line


@transaction.atomic
def remove_line(*, actor, line: ExpenseLine) -> None:
    current = _editable(actor, line.report)
    if line.receipt:
        transaction.on_commit(lambda name=line.receipt.name, storage=line.receipt.storage: storage.delete(name))
    line.delete()
    _refresh_totals(current)
    audit.record(actor, "hr.expense.line_removed", current, after={"number": current.number})


def _refresh_totals(report: ExpenseReport) -> None:
    sums = report.lines.aggregate(total=Sum("amount"), vat=Sum("deductible_vat"))
    report.total, report.deductible_vat = sums["total"] or ZERO, sums["vat"] or ZERO
    report.version += 1
    report.save(update_fields=["total", "deductible_vat", "version"])


@transaction.atomic
def submit_report(*, actor, report: ExpenseReport, expected_version: int | None = None) -> ExpenseReport:
    current = _editable(actor, report)
    check_version(current.version, expected_version, "Cette note de frais")
    lines = list(current.lines.all())
    if not lines:
        raise DomainError("Ajoutez au moins une dépense avant de soumettre la note.")
    missing = [line for line in lines if line.category != expenses.MILEAGE and not line.receipt]
    if missing:
        raise DomainError(f"{len(missing)} dépense(s) sans justificatif : joignez la photo ou le PDF du ticket ou de "
                          "la facture (URSSAF : un remboursement de frais se justifie).")  # fmt: skip
    current.status, current.submitted_at = ExpenseStatus.SUBMITTED, timezone.now()
    current.decided_by, current.decided_at, current.decision_note = "", None, ""
    current.version += 1
    current.save()
    audit.record(actor, "hr.expense.submitted", current, after={"number": current.number})
    return current


@transaction.atomic
def decide_report(*, actor, report: ExpenseReport, approve: bool, note: str = "") -> ExpenseReport:
    current = (
        ExpenseReport.objects.select_for_update(of=("self",)).select_related("employee__manager").get(pk=report.pk)
    )
    if not can_decide(actor, current):
        raise DomainError("Vous ne pouvez pas décider de cette note de frais.")
    if current.status != ExpenseStatus.SUBMITTED:
        raise DomainError(f"Cette note de frais est {current.get_status_display().lower()}.")
    if not approve and not note.strip():
        raise DomainError("Indiquez au salarié le motif du refus.")
    current.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REFUSED
    current.decided_by, current.decided_at, current.decision_note = _author(actor), timezone.now(), note.strip()[:250]
    current.version += 1
    current.save()
    audit.record(actor, "hr.expense.approved" if approve else "hr.expense.refused", current,
                 after={"number": current.number})  # fmt: skip
    return current


def employee_account(actor, employee: Employee):
    """The employee's sub-account under 421 (S + register number), opened on first use."""
    from pilote.ledger.models import Account, AuxiliaryAccount

    control = Account.objects.filter(code=EMPLOYEE_ACCOUNT).first()
    if control is None:
        raise DomainError("Le compte 421 n'existe pas dans le plan comptable.")
    code = f"S{employee.register_number:06d}"
    aux = AuxiliaryAccount.objects.filter(code=code).first()
    if aux is None:
        aux = AuxiliaryAccount.objects.create(code=code, label=employee.full_name[:200], control_account=control)
        audit.record(actor, "ledger.auxiliary.created", aux, after=audit.snapshot(aux))
    elif aux.control_account_id != control.pk:
        raise DomainError(f"Le compte auxiliaire {code} existe déjà sous un autre compte collectif.")
    return control, aux


def _accounts(codes: set[str]) -> dict:
    from pilote.ledger.models import Account

    found = {a.code: a for a in Account.objects.filter(code__in=codes)}
    missing = sorted(codes - set(found))
    if missing:
        raise DomainError(f"Comptes absents du plan comptable : {', '.join(missing)}. Créez-les d'abord.")
    return found


@transaction.atomic
def post_report(*, actor, report: ExpenseReport, on: dt.date | None = None) -> ExpenseReport:
    """The accountant's entry (journal OD): each category's account at the lines' amount less their deductible
    VAT, 44566 at the deductible VAT, 421 (employee's sub-account) credited at the total."""
    from pilote.ledger.models import Journal
    from pilote.ledger.services import LineInput, create_entry

    current = ExpenseReport.objects.select_for_update(of=("self",)).select_related("employee").get(pk=report.pk)
    if current.status != ExpenseStatus.APPROVED:
        raise DomainError("Seule une note de frais approuvée se comptabilise.")
    journal = Journal.objects.filter(code="OD").first()
    if journal is None:
        raise DomainError("Le journal des opérations diverses (OD) n'existe pas.")
    lines = list(current.lines.all())
    by_account: dict[str, Decimal] = {}
    for line in lines:
        code = expenses.CATEGORIES[line.category].account
        by_account[code] = by_account.get(code, ZERO) + line.amount - line.deductible_vat
    vat = sum((line.deductible_vat for line in lines), ZERO)
    accounts = _accounts(set(by_account) | ({DEDUCTIBLE_VAT} if vat else set()))
    control, aux = employee_account(actor, current.employee)
    label = f"Note de frais {current.number} {current.employee.full_name}"[:200]
    entry_lines = [LineInput(account=accounts[code], debit=amount, label=label) for code, amount in
                   sorted(by_account.items())]  # fmt: skip
    if vat:
        base = sum((line.amount - line.vat for line in lines if line.deductible_vat), ZERO)
        entry_lines.append(LineInput(account=accounts[DEDUCTIBLE_VAT], debit=vat, label=label, vat_base=base))
    entry_lines.append(LineInput(account=control, auxiliary=aux, credit=current.total, label=label,
                                 reference=current.number))  # fmt: skip
    entry = create_entry(actor=actor, journal=journal, date=on or local_today(), label=label, lines=entry_lines,
                         piece_ref=current.number, post=True)  # fmt: skip
    current.entry, current.status = entry, ExpenseStatus.POSTED
    current.version += 1
    current.save()
    audit.record(actor, "hr.expense.posted", current, after={"number": current.number, "entry": entry.pk})
    return current


@transaction.atomic
def reimburse_report(*, actor, report: ExpenseReport, bank_account, on: dt.date | None = None) -> ExpenseReport:
    """The transfer to the employee: 421 (their sub-account) debited against the bank, both 421 lines lettered."""
    from pilote.ledger import lettering
    from pilote.ledger.services import LineInput, create_entry

    current = (
        ExpenseReport.objects.select_for_update(of=("self",)).select_related("employee", "entry").get(pk=report.pk)
    )
    if current.status != ExpenseStatus.POSTED:
        raise DomainError("Seule une note de frais comptabilisée se rembourse.")
    on = on or local_today()
    if on < current.entry.date:
        raise DomainError("Le remboursement ne peut pas précéder la comptabilisation de la note.")
    control, aux = employee_account(actor, current.employee)
    label = f"Remboursement note de frais {current.number} {current.employee.full_name}"[:200]
    entry = create_entry(
        actor=actor, journal=bank_account.journal, date=on, label=label, piece_ref=current.number, post=True,
        lines=[LineInput(account=control, auxiliary=aux, debit=current.total, label=label, reference=current.number),
               LineInput(account=bank_account.account, credit=current.total, label=label)],
    )  # fmt: skip
    owed = current.entry.lines.get(account=control, auxiliary=aux)
    lettering.letter_lines(actor=actor, lines=[owed, entry.lines.get(account=control)])
    current.payment_entry, current.paid_on, current.status = entry, on, ExpenseStatus.PAID
    current.version += 1
    current.save()
    audit.record(actor, "hr.expense.reimbursed", current, after={"number": current.number, "entry": entry.pk})
    return current


def open_receipt(actor, line: ExpenseLine):
    """The expense's receipt opened for `actor` (a file to serve as an attachment), or None when they may not open
    its report, it has no receipt or the file is missing."""
    if not can_open(actor, line.report) or not line.receipt:
        return None
    try:
        return line.receipt.open("rb")
    except (FileNotFoundError, ValueError):
        return None
