"""The audit programme: audits planned by year, each with its checklist (questions and the evidence expected),
run (findings: conform, observation, minor or major non-conformity — a non-conformity finding opens a
non-conformity linked back to it, which then follows the CAPA loop) and closed with a conclusion. Every verb
refuses in French, runs in a transaction and is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from pilote.core import audit as audit_log
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.dates import local_today
from pilote.quality.models import NC_FINDINGS, Audit, AuditItem, AuditKind, AuditStatus, FindingResult, NcOrigin
from pilote.quality.services import nonconformities

AUDIT_FIELDS = {"title", "kind", "scope", "planned_on", "lead", "auditees"}
NC_SEVERITY = {FindingResult.MINOR: "minor", FindingResult.MAJOR: "major"}


def _json(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _check(audit: Audit) -> None:
    audit.title, audit.scope = (audit.title or "").strip(), (audit.scope or "").strip()
    if not audit.title or not audit.scope:
        raise DomainError("Donnez un intitulé et un périmètre à l'audit.")
    if audit.kind not in AuditKind.values:
        raise DomainError("Ce type d'audit n'existe pas.")
    if audit.planned_on is None:
        raise DomainError("Indiquez la date prévue de l'audit.")
    if audit.lead is None or not audit.lead.is_active:
        raise DomainError("Indiquez un auditeur responsable actif.")


@transaction.atomic
def plan_audit(*, actor, questions=(), **fields) -> Audit:
    """An audit of the programme, with its checklist: (question, expected evidence) pairs."""
    unknown = set(fields) - AUDIT_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    audit = Audit(**fields)
    _check(audit)
    audit.full_clean()
    audit.save()
    audit_log.record(actor, "quality.audit.planned", audit, after=_json(audit_log.snapshot(audit)))
    for question, evidence in questions:
        add_question(actor=actor, audit=audit, question=question, expected_evidence=evidence)
    return audit


@transaction.atomic
def update_audit(*, actor, audit: Audit, expected_version: int | None = None, **changes) -> Audit:
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    check_version(current.version, expected_version, "Cet audit")
    if current.status in (AuditStatus.DONE, AuditStatus.CANCELLED):
        raise DomainError("Un audit réalisé ou annulé n'est plus modifiable.")
    unknown = set(changes) - AUDIT_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    before = _json(audit_log.snapshot(current))
    for field, value in changes.items():
        setattr(current, field, value)
    _check(current)
    current.version += 1
    current.full_clean()
    current.save()
    audit_log.record(actor, "quality.audit.updated", current, before=before, after=_json(audit_log.snapshot(current)))
    return current


def _locked(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().get(pk=audit.pk)


@transaction.atomic
def add_question(*, actor, audit: Audit, question: str, expected_evidence: str = "") -> AuditItem:
    current = _locked(audit)
    if current.status not in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        raise DomainError("La grille d'un audit réalisé ou annulé n'est plus modifiable.")
    question = (question or "").strip()
    if not question:
        raise DomainError("Rédigez la question.")
    position = (current.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AuditItem(audit=current, position=position, question=question[:500],
                     expected_evidence=(expected_evidence or "").strip()[:500])  # fmt: skip
    item.full_clean()
    item.save()
    audit_log.record(actor, "quality.audit.question_added", item, after={"question": item.question})
    return item


@transaction.atomic
def start_audit(*, actor, audit: Audit, performed_on: dt.date | None = None) -> Audit:
    current = _locked(audit)
    if current.status != AuditStatus.PLANNED:
        raise DomainError("Seul un audit planifié peut commencer.")
    if not current.items.exists():
        raise DomainError("Préparez d'abord la grille d'audit (au moins une question).")
    performed_on = performed_on or local_today()
    if performed_on > local_today():
        raise DomainError("Un audit ne commence pas à une date future.")
    current.status, current.performed_on = AuditStatus.IN_PROGRESS, performed_on
    current.version += 1
    current.save()
    audit_log.record(actor, "quality.audit.started", current, after=_json({"performed_on": performed_on}))
    return current


@transaction.atomic
def record_finding(*, actor, item: AuditItem, result: str, comment: str = "", nc_owner=None) -> AuditItem:
    """The finding on one question; a minor or major non-conformity opens a non-conformity linked to it (its
    pilot: the given owner, else the audit's lead)."""
    current = AuditItem.objects.select_for_update().select_related("audit", "audit__lead").get(pk=item.pk)
    audit = current.audit
    if audit.status != AuditStatus.IN_PROGRESS:
        raise DomainError("Les constats s'enregistrent pendant l'audit (audit en cours).")
    if result not in FindingResult.values:
        raise DomainError("Choisissez un constat : conforme, observation, non-conformité mineure ou majeure.")
    comment = (comment or "").strip()
    if result != FindingResult.CONFORM and not comment:
        raise DomainError("Décrivez ce qui a été constaté (preuves vues, écart).")
    if current.nonconformities.exists():
        raise DomainError("Ce constat a déjà ouvert une non-conformité : il n'est plus modifiable.")
    before = {"result": current.result, "comment": current.comment}
    current.result, current.comment = result, comment
    current.full_clean()
    current.save()
    after = {"result": result, "comment": comment}
    audit_log.record(actor, "quality.audit.finding", current, before=before, after=after)
    if result in NC_FINDINGS:
        nonconformities.open_nonconformity(
            actor=actor, origin=NcOrigin.AUDIT, audit_item=current, owner=nc_owner or audit.lead,
            title=f"{audit.reference} — {current.question}"[:200], description=comment,
            severity=NC_SEVERITY[result], detected_on=audit.performed_on,
        )  # fmt: skip
    return current


@transaction.atomic
def close_audit(*, actor, audit: Audit, conclusion: str) -> Audit:
    current = _locked(audit)
    if current.status != AuditStatus.IN_PROGRESS:
        raise DomainError("Seul un audit en cours se clôt.")
    if current.items.filter(result="").exists():
        raise DomainError("Toutes les questions de la grille n'ont pas de constat.")
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise DomainError("Rédigez la conclusion de l'audit.")
    current.status, current.conclusion = AuditStatus.DONE, conclusion
    current.version += 1
    current.full_clean()
    current.save()
    audit_log.record(actor, "quality.audit.closed", current, after={"conclusion": conclusion})
    return current


@transaction.atomic
def cancel_audit(*, actor, audit: Audit) -> Audit:
    current = _locked(audit)
    if current.status != AuditStatus.PLANNED:
        raise DomainError("Seul un audit planifié peut être annulé.")
    current.status = AuditStatus.CANCELLED
    current.version += 1
    current.save()
    audit_log.record(actor, "quality.audit.cancelled", current, after={"status": current.status})
    return current
