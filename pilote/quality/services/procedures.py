"""Documented procedures and work instructions: each version is written as a draft, approved by the role the
procedure names, then put in force — the version in force before it passes to « remplacée » at that moment —
and read by the staff it concerns, who acknowledge it from their to-do list. A version in force is frozen (its
text, its SHA-256, who approved it and when): no verb changes it, and database triggers refuse it (triggers.py).
Every step is written in the procedure's approval log and audited."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Max

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.roles import Role
from pilote.lib.dates import local_today
from pilote.quality.models import (
    Procedure,
    ProcedureAcknowledgement,
    ProcedureKind,
    ProcedureLog,
    ProcedureStatus,
    ProcedureVersion,
)

# The roles that may approve a procedure (the auditor only reads; an employee does not approve the rules).
APPROVER_ROLES = (Role.DIRECTION, Role.RH, Role.COMPTABLE, Role.COMMERCIAL, Role.ASSISTANT)
READER_ROLES = (Role.DIRECTION, Role.COMPTABLE, Role.COMMERCIAL, Role.RH, Role.ASSISTANT, Role.SALARIE)
MAX_BODY = 50_000


def _name(user) -> str:
    return f"{user.get_full_name() or user.username} ({Role(user.role).label})"


def _json(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _log(version: ProcedureVersion, step: str, actor, comment: str = "") -> None:
    ProcedureLog.objects.create(version=version, step=step, actor_name=_name(actor), comment=comment)


def _check_settings(*, code: str, title: str, kind: str, owner, approver_role: str, reader_roles) -> list[str]:
    if not code or not title:
        raise DomainError("Donnez un code et un intitulé à la procédure.")
    if kind not in ProcedureKind.values:
        raise DomainError("Ce type de document n'existe pas.")
    if approver_role not in APPROVER_ROLES:
        raise DomainError("Choisissez le rôle qui approuve la procédure (tout rôle sauf salarié et auditeur).")
    roles = sorted(set(reader_roles or []))
    if any(role not in READER_ROLES for role in roles):
        raise DomainError("Un des rôles lecteurs n'existe pas.")
    if owner is None or not owner.is_active:
        raise DomainError("Indiquez un rédacteur actif.")
    return roles


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError("Rédigez le contenu de la procédure.")
    if len(body) > MAX_BODY:
        raise DomainError("Le contenu dépasse 50 000 caractères : découpez la procédure.")
    return body


@transaction.atomic
def create_procedure(
    *, actor, code: str, title: str, owner, approver_role: str, body: str, kind: str = ProcedureKind.PROCEDURE,
    reader_roles=(), readers=(), change_note: str = "Création",
) -> Procedure:  # fmt: skip
    code, title = (code or "").strip().upper(), (title or "").strip()
    roles = _check_settings(code=code, title=title, kind=kind, owner=owner, approver_role=approver_role,
                            reader_roles=reader_roles)  # fmt: skip
    if Procedure.objects.filter(code__iexact=code).exists():
        raise DomainError(f"Une procédure porte déjà le code « {code} ».")
    procedure = Procedure(code=code, title=title, kind=kind, owner=owner, approver_role=approver_role,
                          reader_roles=roles)  # fmt: skip
    procedure.full_clean()
    procedure.save()
    procedure.readers.set(readers or [])
    audit.record(actor, "quality.procedure.created", procedure, after=audit.snapshot(procedure))
    note = (change_note or "").strip()[:300]
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, body=_check_body(body), change_note=note,
                                              created_by=actor)  # fmt: skip
    _log(version, "Version 1 rédigée (brouillon)", actor)
    audit.record(actor, "quality.procedure_version.drafted", version, after={"number": 1})
    return procedure


@transaction.atomic
def update_procedure(
    *, actor, procedure: Procedure, title: str, kind: str, owner, approver_role: str, reader_roles=(), readers=(),
    expected_version: int | None = None,
) -> Procedure:  # fmt: skip
    """Who writes, approves and reads it (its versions' text changes only through a new version)."""
    current = Procedure.objects.select_for_update().get(pk=procedure.pk)
    check_version(current.version, expected_version, "Cette procédure")
    title = (title or "").strip()
    roles = _check_settings(code=current.code, title=title, kind=kind, owner=owner, approver_role=approver_role,
                            reader_roles=reader_roles)  # fmt: skip
    before = audit.snapshot(current)
    current.title, current.kind, current.owner, current.approver_role = title, kind, owner, approver_role
    current.reader_roles = roles
    current.version += 1
    current.full_clean()
    current.save()
    current.readers.set(readers or [])
    audit.record(actor, "quality.procedure.updated", current, before=before, after=audit.snapshot(current))
    return current


def pending_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.filter(status__in=[ProcedureStatus.DRAFT, ProcedureStatus.APPROVED]).first()


def in_force(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.filter(status=ProcedureStatus.IN_FORCE).first()


@transaction.atomic
def new_draft(*, actor, procedure: Procedure, body: str = "", change_note: str = "") -> ProcedureVersion:
    """The next version, as a draft, from the text in force (or the given one)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if pending_version(procedure) is not None:
        raise DomainError("Une version est déjà en préparation : modifiez-la ou faites-la approuver.")
    change_note = (change_note or "").strip()
    if not change_note:
        raise DomainError("Indiquez l'objet de la révision.")
    current = in_force(procedure)
    body = _check_body(body or (current.body if current else ""))
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProcedureVersion.objects.create(procedure=procedure, number=number, body=body,
                                              change_note=change_note[:300], created_by=actor)  # fmt: skip
    _log(version, f"Version {number} rédigée (brouillon)", actor, change_note)
    audit.record(actor, "quality.procedure_version.drafted", version, after={"number": number})
    return version


def _locked(version: ProcedureVersion) -> ProcedureVersion:
    return ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)


@transaction.atomic
def edit_draft(*, actor, version: ProcedureVersion, body: str, change_note: str) -> ProcedureVersion:
    current = _locked(version)
    if current.status != ProcedureStatus.DRAFT:
        raise DomainError("Seul un brouillon se modifie : une version approuvée ou en vigueur est figée.")
    current.body = _check_body(body)
    current.change_note = (change_note or "").strip()[:300]
    current.save(update_fields=["body", "change_note"])
    audit.record(actor, "quality.procedure_version.edited", current, after={"number": current.number})
    return current


def save_draft(*, actor, procedure: Procedure, body: str, change_note: str) -> ProcedureVersion:
    """The procedure's draft page and the API: the next version written (from the text in force), or the draft
    under way changed; a version already approved is put in force first."""
    draft = pending_version(procedure)
    if draft is not None and draft.status != ProcedureStatus.DRAFT:
        raise DomainError("La version en préparation est déjà approuvée : mettez-la en vigueur d'abord.")
    if draft is None:
        return new_draft(actor=actor, procedure=procedure, body=body, change_note=change_note)
    return edit_draft(actor=actor, version=draft, body=body, change_note=change_note)


def digest(version: ProcedureVersion) -> str:
    text = f"{version.procedure.code}\n{version.number}\n{version.body}"
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def approve(*, actor, version: ProcedureVersion, comment: str = "", approved_on: dt.date | None = None):
    """Draft → approved, by someone of the role the procedure names; the text is frozen from then on."""
    current = _locked(version)
    procedure = current.procedure
    if current.status != ProcedureStatus.DRAFT:
        raise DomainError("Seul un brouillon peut être approuvé.")
    if actor.role != procedure.approver_role:
        role = Role(procedure.approver_role).label
        raise DomainError(f"Cette procédure est approuvée par le rôle « {role} » : vous ne pouvez pas l'approuver.")
    approved_on = approved_on or local_today()
    if approved_on > local_today():
        raise DomainError("Une approbation ne peut pas être datée dans le futur.")
    current.status, current.approved_by, current.approved_by_name = ProcedureStatus.APPROVED, actor, _name(actor)
    current.approved_on, current.digest = approved_on, digest(current)
    current.full_clean()
    current.save()
    _log(current, f"Version {current.number} approuvée", actor, (comment or "").strip())
    audit.record(actor, "quality.procedure_version.approved", current, after=_json({"approved_on": approved_on}))
    return current


@transaction.atomic
def put_in_force(*, actor, version: ProcedureVersion, in_force_on: dt.date | None = None) -> ProcedureVersion:
    """Approved → in force; the version in force until then is superseded the same day."""
    current = _locked(version)
    if current.status != ProcedureStatus.APPROVED:
        raise DomainError("Seule une version approuvée peut entrer en vigueur.")
    in_force_on = in_force_on or local_today()
    if in_force_on < current.approved_on:
        raise DomainError("Une version n'entre pas en vigueur avant son approbation.")
    previous = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=current.procedure, status=ProcedureStatus.IN_FORCE)
        .first()
    )
    if previous is not None:
        if in_force_on < previous.in_force_on:
            raise DomainError("La nouvelle version ne peut pas entrer en vigueur avant la version qu'elle remplace.")
        previous.status, previous.superseded_on = ProcedureStatus.SUPERSEDED, in_force_on
        previous.save(update_fields=["status", "superseded_on"])
        _log(previous, f"Version {previous.number} remplacée par la version {current.number}", actor)
    current.status, current.in_force_on = ProcedureStatus.IN_FORCE, in_force_on
    current.full_clean()
    current.save()
    _log(current, f"Version {current.number} en vigueur", actor)
    audit.record(actor, "quality.procedure_version.in_force", current, after=_json({"in_force_on": in_force_on}))
    return current


def must_read(procedure: Procedure, user) -> bool:
    return user.role in (procedure.reader_roles or []) or procedure.readers.filter(pk=user.pk).exists()


@transaction.atomic
def acknowledge(*, actor, version: ProcedureVersion) -> ProcedureAcknowledgement:
    """The reader's receipt: they read and understood this version in force."""
    current = _locked(version)
    if current.status != ProcedureStatus.IN_FORCE:
        raise DomainError("Seule la version en vigueur se lit et s'atteste.")
    if not must_read(current.procedure, actor):
        raise DomainError("Cette procédure ne figure pas parmi celles que vous devez lire.")
    if ProcedureAcknowledgement.objects.filter(version=current, user=actor).exists():
        raise DomainError("Vous avez déjà attesté avoir lu cette version.")
    try:
        with transaction.atomic():
            receipt = ProcedureAcknowledgement.objects.create(version=current, user=actor)
    except IntegrityError as exc:  # two clicks at once
        raise DomainError("Vous avez déjà attesté avoir lu cette version.") from exc
    audit.record(actor, "quality.procedure_version.acknowledged", current, after={"number": current.number})
    return receipt
