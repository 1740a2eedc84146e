"""Business writes on employees and the register: each in a transaction, with an audit event; every change to
a legal mention of the register adds a dated line, never touches a written one (L1221-13, D1221-23)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.models import Structure
from pilote.hr.models import Employee, EntryKind, RegisterEntry
from pilote.hr.rules import contract_mentions

# What the register says about a person (D1221-23 to D1221-26); a change to one of them is a new line.
REGISTER_FIELDS = (
    "last_name",
    "birth_name",
    "first_names",
    "nationality",
    "birth_date",
    "sex",
    "job",
    "qualification",
    "establishment",
    "contract_type",
    "part_time",
    "weekly_hours",
    "entry_date",
    "hiring_authorisation_date",
    "work_permit_type",
    "work_permit_number",
    "temp_agency",
    "tutor",
    "internship_place",
)
# Personal data kept out of the audit trail (read by direction and the auditor): the trail names the fields.
PRIVATE_FIELDS = {
    "nir", "birth_date", "birth_place", "address", "postal_code", "city", "email", "phone", "emergency_contact",
    "emergency_phone", "iban", "bic", "work_permit_type", "work_permit_number", "work_permit_expires", "nationality",
    "needs_work_permit",
}  # fmt: skip
EDITABLE_FIELDS = {
    f.name for f in Employee._meta.concrete_fields if f.editable and f.name not in ("id", "exit_date", "exit_reason")
}


def _trace(employee: Employee) -> dict:
    data = audit.snapshot(employee)
    return {key: ("(donnée personnelle)" if key in PRIVATE_FIELDS and value else value) for key, value in data.items()}


def _author(actor) -> str:
    return (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote"


def _line(employee: Employee, actor, kind: str, on: dt.date, reason: str = "", corrects=None) -> RegisterEntry:
    permit = " ".join(p for p in (employee.work_permit_type, employee.work_permit_number) if p)
    line = RegisterEntry(
        employee=employee,
        kind=kind,
        recorded_on=on,
        author=_author(actor),
        corrects=corrects,
        reason=reason,
        trainee=employee.is_trainee,
        register_number=employee.register_number,
        last_name=employee.last_name,
        birth_name=employee.birth_name,
        first_names=employee.first_names,
        nationality=employee.nationality,
        birth_date=employee.birth_date,
        sex=employee.sex,
        job=employee.job,
        qualification=employee.qualification,
        establishment=employee.establishment,
        contract=contract_mentions(employee),
        entry_date=employee.entry_date,
        exit_date=employee.exit_date,
        hiring_authorisation_date=employee.hiring_authorisation_date,
        work_permit=permit,
        temp_agency=employee.temp_agency,
        tutor=employee.tutor,
        internship_place=employee.internship_place,
    )
    line.full_clean()
    line.save()
    return line


def _check_fields(fields) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")


def _check_user(employee: Employee) -> None:
    if employee.user_id and Employee.objects.filter(user_id=employee.user_id).exclude(pk=employee.pk).exists():
        raise DomainError("Ce compte Pilote est déjà rattaché au dossier d'un autre salarié.")


@transaction.atomic
def hire_employee(*, actor, recorded_on: dt.date | None = None, **fields) -> Employee:
    """Create the employee's file and write their line in the register, in hiring order (the next number)."""
    _check_fields(fields)
    employee = Employee(**fields)
    # One hire at a time takes the next number: the structure's row is the lock (SQLite's IMMEDIATE
    # transactions already serialise writers; PostgreSQL refuses FOR UPDATE on an aggregate).
    list(Structure.objects.select_for_update().values_list("pk", flat=True))
    last = Employee.objects.aggregate(last=Max("register_number"))["last"] or 0
    employee.register_number = last + 1
    employee.full_clean()
    _check_user(employee)
    employee.save()
    _line(employee, actor, EntryKind.HIRE, recorded_on or timezone.localdate())
    audit.record(actor, "hr.employee.hired", employee, after=_trace(employee))
    from pilote.hr.services.checklists import open_on_hire

    open_on_hire(actor, employee)
    return employee


@transaction.atomic
def update_employee(
    *, actor, employee: Employee, expected_version: int | None = None, reason: str = "", on=None, **changes
) -> Employee:
    """Change the file. A changed mention of the register writes a new dated line — a rectification, with its
    reason, or a transfer when the establishment changes — pointing at the line it supersedes."""
    _check_fields(changes)
    current = Employee.objects.select_for_update().get(pk=employee.pk)
    check_version(current.version, expected_version, "Ce dossier")
    before = _trace(current)
    old = {name: getattr(current, name) for name in REGISTER_FIELDS}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    _check_user(current)
    changed = [name for name in REGISTER_FIELDS if getattr(current, name) != old[name]]
    if changed:
        kind = EntryKind.TRANSFER if changed == ["establishment"] else EntryKind.CORRECTION
        reason = (reason or "").strip()
        if kind == EntryKind.TRANSFER and not reason:
            reason = f"Transfert vers l'établissement {current.establishment}"
        if not reason:
            raise DomainError(
                "Ce changement modifie une mention du registre du personnel : indiquez le motif de la rectification."
            )
        previous = current.register.order_by("-id").first()
        _line(current, actor, kind, on or timezone.localdate(), reason[:250], corrects=previous)
    current.version += 1
    current.save()
    audit.record(actor, "hr.employee.updated", current, before=before, after=_trace(current))
    return current


@transaction.atomic
def record_exit(*, actor, employee: Employee, exit_date: dt.date, exit_reason: str, on=None) -> Employee:
    """The departure: the exit date goes on a new line of the register (the register is kept 5 years after it)."""
    current = Employee.objects.select_for_update().get(pk=employee.pk)
    if current.exit_date is not None:
        raise DomainError(f"{current.full_name} a déjà quitté la structure le {current.exit_date:%d/%m/%Y}.")
    if exit_date < current.entry_date:
        raise DomainError("La date de sortie ne peut pas précéder la date d'entrée.")
    before = _trace(current)
    current.exit_date, current.exit_reason = exit_date, (exit_reason or "").strip()[:120]
    current.full_clean()
    current.version += 1
    current.save()
    _line(current, actor, EntryKind.EXIT, on or timezone.localdate(), current.exit_reason)
    audit.record(actor, "hr.employee.left", current, before=before, after=_trace(current))
    from pilote.hr.services.checklists import open_checklist

    open_checklist(actor=actor, employee=current, kind="depart")
    return current
