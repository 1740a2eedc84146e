"""Business writes on complaints: each runs in a transaction, checks the state machine (rules.TRANSITIONS)
and leaves an audit event; the timeline (ComplaintEntry) records who did what and when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pilote.complaints.deadlines import answer_deadline
from pilote.complaints.models import (
    AnswerMedium,
    Complaint,
    ComplaintEntry,
    EntryKind,
    Resolution,
    Status,
)
from pilote.complaints.rules import can_move
from pilote.contacts import services as contacts
from pilote.contacts.models import InteractionKind
from pilote.core import audit
from pilote.core.collation import french
from pilote.core.exceptions import DomainError, check_version
from pilote.core.permissions import MATRIX

EDIT_PERM = "complaints.edit"
# How an answer appears in the customer's exchange history.
MEDIUM_TO_INTERACTION = {
    AnswerMedium.EMAIL: InteractionKind.EMAIL,
    AnswerMedium.PHONE: InteractionKind.CALL,
    AnswerMedium.LETTER: InteractionKind.NOTE,
    AnswerMedium.MEETING: InteractionKind.MEETING,
}
EDITABLE_FIELDS = {
    "customer",
    "received_on",
    "channel",
    "category",
    "severity",
    "subject",
    "description",
    "expectation",
    "order",
    "invoice",
    "answer_due",
}


def assignable_users():
    """Users who may handle complaints: active, with a role holding complaints.edit."""
    from pilote.core.models import User

    return User.objects.filter(is_active=True, role__in=MATRIX[EDIT_PERM]).order_by(
        french("last_name"), french("first_name")
    )


def _move(complaint: Complaint, target: str) -> None:
    if not can_move(complaint.status, target):
        raise DomainError(
            f"Une réclamation « {complaint.get_status_display().lower()} » ne peut pas passer à l'état "
            f"« {Status(target).label.lower()} »."
        )
    complaint.status = target


def _entry(complaint, actor, kind, text, at=None, **extra) -> ComplaintEntry:
    return ComplaintEntry.objects.create(
        complaint=complaint, kind=kind, text=text, at=at or timezone.now(), author=actor, **extra
    )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _save(complaint: Complaint) -> None:
    complaint.full_clean()
    complaint.version += 1
    complaint.save()


def _check_assignee(user) -> None:
    if user is not None and (not user.is_active or user.role not in MATRIX[EDIT_PERM]):
        raise DomainError(f"{user.get_full_name() or user} ne peut pas traiter les réclamations (rôle non habilité).")


def _assign(complaint: Complaint, actor, assignee, at=None) -> None:
    _check_assignee(assignee)
    complaint.assignee = assignee
    if complaint.status in (Status.NEW, Status.REOPENED):
        _move(complaint, Status.IN_PROGRESS)
    who = assignee.get_full_name() or assignee.username
    _entry(complaint, actor, EntryKind.EVENT, f"Attribuée à {who}.", at)


@transaction.atomic
def record_complaint(*, actor, assignee=None, answer_due: dt.date | None = None, at=None, **fields) -> Complaint:
    """Record a complaint; without `answer_due`, the deadline follows the severity (deadlines.ANSWER_DAYS)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:  # the state (status, answer and closure dates) only moves through the verbs below
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    complaint = Complaint(created_by=actor, **fields)
    if answer_due is None and complaint.severity and complaint.received_on:
        answer_due = answer_deadline(complaint.severity, complaint.received_on)
    complaint.answer_due = answer_due
    complaint.full_clean()
    complaint.save()
    _entry(complaint, actor, EntryKind.EVENT, f"Réclamation enregistrée ({complaint.get_channel_display()}).", at)
    if assignee is not None:
        _assign(complaint, actor, assignee, at)
        complaint.save()
    audit.record(actor, "complaints.complaint.recorded", complaint, after=audit.snapshot(complaint))
    return complaint


@transaction.atomic
def update_complaint(
    *, actor, complaint: Complaint, expected_version: int | None = None, assignee=..., **changes
) -> Complaint:
    """Edit the complaint's data (not its state). Leaving `answer_due` empty recomputes it from the
    severity; passing `assignee` (a user or None) reassigns it."""
    current = _locked(complaint)
    check_version(current.version, expected_version, "Cette réclamation")
    if current.is_closed:
        raise DomainError("Une réclamation close n'est plus modifiable : rouvrez-la d'abord.")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    if "answer_due" in changes and changes["answer_due"] is None:
        current.answer_due = answer_deadline(current.severity, current.received_on)
    if assignee is not ... and assignee != current.assignee:
        if assignee is None:
            current.assignee = None
            _entry(current, actor, EntryKind.EVENT, "Responsable retiré.")
        else:
            _assign(current, actor, assignee)
    _save(current)
    audit.record(actor, "complaints.complaint.updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def assign_complaint(*, actor, complaint: Complaint, assignee, at=None) -> Complaint:
    """Give the complaint to a user holding complaints.edit; a new or reopened one goes « en cours »."""
    current = _locked(complaint)
    if current.is_closed:
        raise DomainError("Une réclamation close ne peut pas être attribuée : rouvrez-la d'abord.")
    before = {"assignee": current.assignee_id, "status": current.status}
    _assign(current, actor, assignee, at)
    _save(current)
    audit.record(
        actor,
        "complaints.complaint.assigned",
        current,
        before=before,
        after={"assignee": current.assignee_id, "status": current.status},
    )
    return current


@transaction.atomic
def add_note(*, actor, complaint: Complaint, text: str, at=None) -> ComplaintEntry:
    text = (text or "").strip()
    if not text:
        raise DomainError("La note est vide.")
    entry = _entry(complaint, actor, EntryKind.NOTE, text, at)
    audit.record(actor, "complaints.entry.noted", complaint, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def answer_complaint(
    *, actor, complaint: Complaint, text: str, medium: str = AnswerMedium.EMAIL, at: dt.datetime | None = None
) -> ComplaintEntry:
    """Log an answer to the customer: on the timeline and in the contact's exchange history. The first
    answer's date is kept for the « answered within the deadline » indicator."""
    text = (text or "").strip()
    if not text:
        raise DomainError("La réponse est vide.")
    if medium not in AnswerMedium.values:
        raise DomainError("Moyen de réponse inconnu.")
    current = _locked(complaint)
    if current.is_closed:
        raise DomainError("Une réclamation close ne reçoit plus de réponse : rouvrez-la d'abord.")
    at = at or timezone.now()
    day = timezone.localdate(at)
    if day < current.received_on:
        raise DomainError("La réponse ne peut pas précéder la réception de la réclamation.")
    before = audit.snapshot(current)
    if current.status in (Status.NEW, Status.REOPENED):
        _move(current, Status.IN_PROGRESS)  # answering takes it in charge
        if current.assignee_id is None:
            current.assignee = actor if actor.role in MATRIX[EDIT_PERM] else None
    if current.status == Status.IN_PROGRESS:
        _move(current, Status.ANSWERED)
    if current.first_answer_on is None:
        current.first_answer_on = day
    interaction = contacts.log_interaction(
        actor=actor,
        contact=current.customer,
        kind=MEDIUM_TO_INTERACTION[medium],
        source_perm="complaints.view",
        occurred_at=at,
        subject=f"Réponse à la réclamation {current.reference} : {current.subject}"[:200],
        body=text,
    )
    entry = _entry(current, actor, EntryKind.ANSWER, text, at, medium=medium, interaction=interaction)
    _save(current)
    audit.record(
        actor,
        "complaints.complaint.answered",
        current,
        before=before,
        after={**audit.snapshot(current), "entry": entry.pk},
    )
    return entry


@transaction.atomic
def close_complaint(
    *, actor, complaint: Complaint, resolution: str, root_cause: str = "", closed_on: dt.date | None = None, at=None
) -> Complaint:
    if resolution not in Resolution.values:
        raise DomainError("Choisissez la résolution de la réclamation.")
    current = _locked(complaint)
    if current.status in (Status.NEW, Status.IN_PROGRESS, Status.REOPENED):
        raise DomainError("Répondez au client avant de clore la réclamation.")
    before = audit.snapshot(current)
    _move(current, Status.CLOSED)
    current.resolution = resolution
    current.root_cause = (root_cause or "").strip()
    current.closed_on = closed_on or timezone.localdate(at)
    if current.closed_on < current.received_on:
        raise DomainError("La clôture ne peut pas précéder la réception de la réclamation.")
    text = f"Close : {current.get_resolution_display()}."
    if current.root_cause:
        text += f" Cause racine : {current.root_cause}"
    _entry(current, actor, EntryKind.EVENT, text, at)
    _save(current)
    audit.record(actor, "complaints.complaint.closed", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def reopen_complaint(*, actor, complaint: Complaint, reason: str, at=None) -> Complaint:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez pourquoi la réclamation est rouverte.")
    current = _locked(complaint)
    before = audit.snapshot(current)
    _move(current, Status.REOPENED)
    previous = current.get_resolution_display()
    current.resolution, current.closed_on = "", None
    _entry(current, actor, EntryKind.EVENT, f"Rouverte (précédente clôture : {previous}). Motif : {reason}", at)
    _save(current)
    audit.record(actor, "complaints.complaint.reopened", current, before=before, after=audit.snapshot(current))
    return current
