"""Non-conformities and their corrective and preventive actions (CAPA), through the PDCA loop: analyse (plan:
immediate fix, 5 whys, Ishikawa category, root cause, actions) → actions under way (do) → effectiveness check
(check) → closed (act), or back to the actions when the check fails. A non-conformity may come from a complaint
(complaints app: quality reads it, complaints never imports quality), a supplier receipt, an audit, an internal
observation or an adverse event. Every verb runs in a transaction, refuses in French first, and is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.dates import local_today
from pilote.quality.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CapaAction,
    CapaKind,
    Ishikawa,
    NcOrigin,
    NcSeverity,
    NcStatus,
    NonConformity,
)
from pilote.quality.services.actions import move_action

COMPLAINT_SEVERITY = {"minor": NcSeverity.MINOR, "major": NcSeverity.MAJOR, "critical": NcSeverity.CRITICAL}


def _json(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}


def _locked(nc: NonConformity) -> NonConformity:
    return NonConformity.objects.select_for_update().get(pk=nc.pk)


def _check_owner(user) -> None:
    if user is None or not user.is_active:
        raise DomainError("Indiquez un pilote actif pour la non-conformité.")


@transaction.atomic
def open_nonconformity(
    *, actor, title: str, origin: str, description: str, owner, detected_on: dt.date | None = None,
    severity: str = NcSeverity.MINOR, immediate_action: str = "", complaint=None, audit_item=None,
) -> NonConformity:  # fmt: skip
    title, description = (title or "").strip(), (description or "").strip()
    if not title or not description:
        raise DomainError("Donnez un intitulé et une description à la non-conformité.")
    if origin not in NcOrigin.values:
        raise DomainError("Cette origine de non-conformité n'existe pas.")
    if (origin == NcOrigin.COMPLAINT) != (complaint is not None):
        raise DomainError("Une non-conformité issue d'une réclamation est reliée à cette réclamation, et à elle seule.")
    if audit_item is not None and origin != NcOrigin.AUDIT:
        raise DomainError("Une non-conformité reliée à un constat d'audit a pour origine l'audit.")
    detected_on = detected_on or local_today()
    if detected_on > local_today():
        raise DomainError("Une non-conformité ne peut pas être constatée à une date future.")
    if complaint is not None and detected_on < complaint.received_on:
        raise DomainError("La non-conformité ne peut pas précéder la réclamation dont elle est issue.")
    _check_owner(owner)
    nc = NonConformity(
        title=title, origin=origin, description=description, owner=owner, detected_on=detected_on,
        severity=severity, immediate_action=(immediate_action or "").strip(), complaint=complaint, created_by=actor,
        audit_item=audit_item,
    )  # fmt: skip
    nc.full_clean()
    nc.save()
    audit.record(actor, "quality.nonconformity.opened", nc, after=_json(audit.snapshot(nc)))
    return nc


def from_complaint(
    *, actor, complaint, owner, title: str = "", description: str = "", immediate_action: str = "",
    detected_on: dt.date | None = None,
) -> NonConformity:  # fmt: skip
    """Open the non-conformity a complaint reveals, with its subject, description and severity."""
    return open_nonconformity(
        actor=actor, origin=NcOrigin.COMPLAINT, complaint=complaint, owner=owner,
        title=title or complaint.subject, description=description or complaint.description or complaint.subject,
        severity=COMPLAINT_SEVERITY.get(complaint.severity, NcSeverity.MINOR), immediate_action=immediate_action,
        detected_on=detected_on,
    )  # fmt: skip


@transaction.atomic
def record_analysis(
    *, actor, nc: NonConformity, root_cause: str, whys: list[str] | None = None, ishikawa: str = "",
    immediate_action: str | None = None, expected_version: int | None = None,
) -> NonConformity:  # fmt: skip
    current = _locked(nc)
    check_version(current.version, expected_version, "Cette non-conformité")
    if current.status == NcStatus.CLOSED:
        raise DomainError("Une non-conformité close n'est plus modifiable.")
    root_cause = (root_cause or "").strip()
    if not root_cause:
        raise DomainError("Indiquez la cause racine retenue.")
    if ishikawa and ishikawa not in Ishikawa.values:
        raise DomainError("Cette catégorie de cause n'existe pas.")
    whys = [w.strip()[:500] for w in (whys or []) if w and w.strip()][:5]
    before = _json(audit.snapshot(current))
    current.root_cause, current.whys, current.ishikawa = root_cause, whys, ishikawa
    if immediate_action is not None:
        current.immediate_action = immediate_action.strip()
    current.version += 1
    current.full_clean()
    current.save()
    audit.record(actor, "quality.nonconformity.analysed", current, before=before, after=_json(audit.snapshot(current)))
    return current


@transaction.atomic
def add_capa(*, actor, nc: NonConformity, title: str, owner, due_on: dt.date, kind: str = CapaKind.CORRECTIVE):
    current = _locked(nc)
    if current.status in (NcStatus.CHECKING, NcStatus.CLOSED):
        raise DomainError("L'efficacité est en cours de vérification ou la non-conformité est close : plus d'action.")
    title = (title or "").strip()
    if not title:
        raise DomainError("Décrivez l'action corrective ou préventive.")
    if kind not in CapaKind.values:
        raise DomainError("Une action est corrective ou préventive.")
    if owner is None or not owner.is_active:
        raise DomainError("Indiquez un responsable actif.")
    if due_on is None:
        raise DomainError("Indiquez l'échéance de l'action.")
    action = CapaAction(nonconformity=current, kind=kind, title=title, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    audit.record(actor, "quality.capa.created", action, after=_json(audit.snapshot(action)))
    return action


@transaction.atomic
def set_capa_status(*, actor, action: CapaAction, status: str, done_on: dt.date | None = None) -> CapaAction:
    current = CapaAction.objects.select_for_update().select_related("nonconformity").get(pk=action.pk)
    if current.nonconformity.status in (NcStatus.CHECKING, NcStatus.CLOSED):
        raise DomainError("L'efficacité est en cours de vérification ou la non-conformité est close.")
    return move_action(actor=actor, action=current, status=status, done_on=done_on, code="quality.capa.updated")


def _move(current: NonConformity, target: str, actor, action: str) -> NonConformity:
    before = {"status": current.status}
    current.status = target
    current.version += 1
    current.full_clean()
    current.save()
    audit.record(actor, action, current, before=before, after=_json({"status": target, "closed_on": current.closed_on}))
    return current


@transaction.atomic
def start_actions(*, actor, nc: NonConformity) -> NonConformity:
    """Plan → Do: the cause is known and at least one corrective action is planned."""
    current = _locked(nc)
    if current.status != NcStatus.OPEN:
        raise DomainError("Seule une non-conformité en analyse passe aux actions.")
    if not current.root_cause:
        raise DomainError("Analysez d'abord la cause racine (5 pourquoi, 5M).")
    if not current.actions.filter(kind=CapaKind.CORRECTIVE).exclude(status=ActionStatus.CANCELLED).exists():
        raise DomainError("Prévoyez au moins une action corrective avant de passer aux actions.")
    return _move(current, NcStatus.ACTING, actor, "quality.nonconformity.acting")


@transaction.atomic
def request_check(*, actor, nc: NonConformity) -> NonConformity:
    """Do → Check: every action is finished (done or given up) and at least one was done."""
    current = _locked(nc)
    if current.status != NcStatus.ACTING:
        raise DomainError("Seule une non-conformité dont les actions sont en cours passe à la vérification.")
    if current.actions.filter(status__in=OPEN_ACTION_STATUSES).exists():
        raise DomainError("Des actions sont encore ouvertes : terminez-les ou abandonnez-les d'abord.")
    if not current.actions.filter(status=ActionStatus.DONE).exists():
        raise DomainError("Aucune action n'a été réalisée : rien dont vérifier l'efficacité.")
    return _move(current, NcStatus.CHECKING, actor, "quality.nonconformity.checking")


@transaction.atomic
def check_effectiveness(
    *, actor, nc: NonConformity, effective: bool, comment: str, checked_on: dt.date | None = None
) -> NonConformity:
    """Check → Act: effective, the non-conformity is closed; not effective, it goes back to the actions."""
    current = _locked(nc)
    if current.status != NcStatus.CHECKING:
        raise DomainError("Seule une non-conformité en vérification peut être jugée efficace ou non.")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("Décrivez la vérification faite (mesure, constat, période observée).")
    checked_on = checked_on or local_today()
    if checked_on > local_today() or checked_on < current.detected_on:
        raise DomainError("La date de vérification doit être entre le constat et aujourd'hui.")
    current.effectiveness, current.checked_on = comment, checked_on
    if effective:
        current.closed_on = checked_on
        return _move(current, NcStatus.CLOSED, actor, "quality.nonconformity.closed")
    return _move(current, NcStatus.ACTING, actor, "quality.nonconformity.ineffective")
