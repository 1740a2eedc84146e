"""Business writes on tenders: the file, its go/no-go grid and decision, tasks, documents, outcome."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pilote.contacts import services as contact_services
from pilote.contacts.models import InteractionKind
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.pipeline import services as opportunity_services
from pilote.pipeline.models import (
    OPEN_TENDER_STATUSES,
    Decision,
    LostReason,
    Tender,
    TenderCriterion,
    TenderDocument,
    TenderStatus,
    TenderTask,
)
from pilote.pipeline.rules import check_upload
from pilote.pipeline.scoring import DEFAULT_CRITERIA
from pilote.pipeline.stages import CLOSED_STAGES


@transaction.atomic
def create_tender(*, actor, buyer, title: str, default_criteria: bool = True, **fields) -> Tender:
    """Open a tender file; the usual go/no-go criteria are proposed, to be scored and adjusted."""
    tender = Tender(buyer=buyer, title=title, **fields)
    tender.full_clean()
    tender.save()
    if default_criteria:
        TenderCriterion.objects.bulk_create(
            TenderCriterion(tender=tender, label=label, weight=weight, position=index)
            for index, (label, weight) in enumerate(DEFAULT_CRITERIA)
        )
    audit.record(actor, "pipeline.tender.created", tender, after=audit.snapshot(tender))
    return tender


def _locked(tender: Tender, expected_version: int | None) -> Tender:
    current = Tender.objects.select_for_update().get(pk=tender.pk)
    check_version(current.version, expected_version, "Ce dossier d'appel d'offres")
    return current


def _save(actor, current: Tender, before: dict, action: str = "pipeline.tender.updated") -> Tender:
    current.full_clean()
    current.version += 1
    current.save()
    audit.record(actor, action, current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def update_tender(*, actor, tender: Tender, expected_version: int | None = None, **changes) -> Tender:
    """Edit the file. Reaching « déposée », « gagnée » or « perdue » is logged on the buyer's history;
    won or lost also closes the linked opportunity if it is still open."""
    current = _locked(tender, expected_version)
    before = audit.snapshot(current)
    previous_status = current.status
    for field, value in changes.items():
        setattr(current, field, value)
    _save(actor, current, before)
    if current.status != previous_status:
        _status_changed(actor, current)
    return current


def _status_changed(actor, tender: Tender) -> None:
    if tender.status in (TenderStatus.SUBMITTED, TenderStatus.WON, TenderStatus.LOST):
        contact_services.log_interaction(
            actor=actor,
            contact=tender.buyer,
            kind=InteractionKind.NOTE,
            source_perm="pipeline.view",
            subject=f"Appel d'offres {tender.get_status_display().lower()} : « {tender.title} »"[:200],
            body=tender.outcome_reasons,
        )
    opportunity = tender.opportunity
    if opportunity is None or opportunity.stage in CLOSED_STAGES:
        return
    if tender.status == TenderStatus.WON:
        opportunity_services.mark_won(
            actor=actor, opportunity=opportunity, amount=tender.offer_amount, note="Appel d'offres gagné."
        )
    elif tender.status == TenderStatus.LOST:
        opportunity_services.mark_lost(
            actor=actor,
            opportunity=opportunity,
            reason=LostReason.COMPETITOR,
            details=tender.outcome_reasons or "Appel d'offres perdu.",
        )


@transaction.atomic
def score_grid(*, actor, tender: Tender, rows: dict[int, tuple[int, int | None]]) -> Tender:
    """Save the grid: `rows` maps a criterion id to its (weight, score or None)."""
    criteria = {c.pk: c for c in TenderCriterion.objects.select_for_update().filter(tender=tender)}
    before = {c.label: [c.weight, c.score] for c in criteria.values()}
    for pk, (weight, score) in rows.items():
        criterion = criteria.get(pk)
        if criterion is None:
            raise DomainError("Ce critère n'appartient pas à ce dossier.")
        criterion.weight, criterion.score = weight, score
        criterion.full_clean()
    TenderCriterion.objects.bulk_update(criteria.values(), ["weight", "score"])
    after = {c.label: [c.weight, c.score] for c in criteria.values()}
    audit.record(actor, "pipeline.tender.grid_scored", tender, before=before, after=after)
    return tender


@transaction.atomic
def add_criterion(*, actor, tender: Tender, label: str, weight: int = 1) -> TenderCriterion:
    position = tender.criteria.count()
    criterion = TenderCriterion(tender=tender, label=label, weight=weight, position=position)
    criterion.full_clean()
    criterion.save()
    audit.record(actor, "pipeline.tender.criterion_added", tender, after={"label": label, "weight": weight})
    return criterion


@transaction.atomic
def delete_criterion(*, actor, criterion: TenderCriterion) -> None:
    audit.record(actor, "pipeline.tender.criterion_deleted", criterion.tender, before=audit.snapshot(criterion))
    criterion.delete()


@transaction.atomic
def decide_tender(*, actor, tender: Tender, decision: str, expected_version: int | None = None) -> Tender:
    """Go moves a watched tender into preparation; no-go abandons an open one."""
    if decision not in Decision.values:
        raise DomainError("Décision inconnue.")
    current = _locked(tender, expected_version)
    before = audit.snapshot(current)
    current.decision = decision
    if decision == Decision.GO and current.status == TenderStatus.WATCH:
        current.status = TenderStatus.PREPARING
    elif decision == Decision.NO_GO and current.status in OPEN_TENDER_STATUSES:
        current.status = TenderStatus.ABANDONED
    return _save(actor, current, before, "pipeline.tender.decided")


@transaction.atomic
def add_task(*, actor, tender: Tender, title: str, assignee=None, due_date=None) -> TenderTask:
    task = TenderTask(tender=tender, title=title, assignee=assignee, due_date=due_date)
    task.full_clean()
    task.save()
    audit.record(actor, "pipeline.tender.task_added", task, after=audit.snapshot(task))
    return task


@transaction.atomic
def set_task_done(*, actor, task: TenderTask, done: bool) -> TenderTask:
    current = TenderTask.objects.select_for_update().get(pk=task.pk)
    if current.done == done:
        return current
    before = audit.snapshot(current)
    current.done = done
    current.done_at = timezone.now() if done else None
    current.save(update_fields=["done", "done_at"])
    action = "pipeline.tender.task_done" if done else "pipeline.tender.task_reopened"
    audit.record(actor, action, current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def delete_task(*, actor, task: TenderTask) -> None:
    audit.record(actor, "pipeline.tender.task_deleted", task, before=audit.snapshot(task))
    task.delete()


@transaction.atomic
def attach_document(*, actor, tender: Tender, kind: str, uploaded) -> TenderDocument:
    """Store an uploaded file (20 Mo at most, no program) in the private folder."""
    check_upload(uploaded)
    document = TenderDocument(
        tender=tender,
        kind=kind,
        original_name=(uploaded.name or "piece")[:200],
        size=uploaded.size,
        uploaded_by=actor,
    )
    document.file.save(uploaded.name, uploaded, save=False)
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file when the row is refused
        raise
    audit.record(actor, "pipeline.tender.document_added", document, after=audit.snapshot(document))
    return document


@transaction.atomic
def delete_document(*, actor, document: TenderDocument) -> None:
    audit.record(actor, "pipeline.tender.document_deleted", document, before=audit.snapshot(document))
    name, storage = document.file.name, document.file.storage
    document.delete()
    # The file goes once the row's deletion is committed: a rollback keeps both.
    transaction.on_commit(lambda: storage.delete(name))
