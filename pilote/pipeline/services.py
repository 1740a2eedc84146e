"""Business writes on opportunities: creation, edits, stage moves, won and lost.

Each runs in a transaction, leaves an audit event, and every stage change is both kept as a
StageChange row (the opportunity's history) and logged on the contact's history as an exchange,
through the contacts app's own service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.contacts import services as contact_services
from pilote.contacts.models import Contact, InteractionKind
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.formats import format_eur
from pilote.pipeline.models import LostReason, Opportunity, StageChange
from pilote.pipeline.stages import CLOSED_STAGES, Stage, default_probability

EDITABLE_FIELDS = {
    "contact",
    "title",
    "amount",
    "expected_close_date",
    "probability",
    "owner",
    "next_action",
    "next_action_date",
    "source",
    "notes",
    "lost_details",
}


def _log_on_contact(actor, opportunity: Opportunity, subject: str, body: str = "") -> None:
    contact_services.log_interaction(
        actor=actor,
        contact=opportunity.contact,
        kind=InteractionKind.NOTE,
        source_perm="pipeline.view",
        subject=subject[:200],
        body=body,
    )


def _mark_prospect(actor, contact: Contact) -> None:
    """A contact we start a deal with is at least a prospect (the contacts service keeps its rules)."""
    if contact.is_customer or contact.is_prospect:
        return
    try:
        contact_services.update_contact(actor=actor, contact=contact, is_prospect=True)
    except (ValidationError, DomainError):
        pass  # an older record the contact rules now refuse: the opportunity does not depend on it
    else:
        contact.is_prospect = True


@transaction.atomic
def create_opportunity(*, actor, contact: Contact, title: str, owner=None, stage: str = Stage.NEW, **fields):
    if stage in CLOSED_STAGES:
        raise DomainError("Une opportunité se crée dans une étape ouverte ; gagnez-la ou perdez-la ensuite.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown opportunity fields: {sorted(unknown)}")
    if fields.get("probability") is None:
        fields["probability"] = default_probability(stage)
    opportunity = Opportunity(contact=contact, title=title, stage=stage, owner=owner or actor, **fields)
    opportunity.full_clean()
    opportunity.save()
    _mark_prospect(actor, contact)
    StageChange.objects.create(opportunity=opportunity, to_stage=stage, changed_by=actor)
    amount = format_eur(opportunity.amount)
    _log_on_contact(
        actor,
        opportunity,
        f"Nouvelle opportunité « {title} » ({opportunity.get_stage_display()})",
        f"Montant estimé : {amount} HT.",
    )
    audit.record(actor, "pipeline.opportunity.created", opportunity, after=audit.snapshot(opportunity))
    return opportunity


def _locked(opportunity: Opportunity, expected_version: int | None) -> Opportunity:
    current = Opportunity.objects.select_for_update().select_related("contact").get(pk=opportunity.pk)
    check_version(current.version, expected_version, "Cette opportunité")
    return current


@transaction.atomic
def update_opportunity(*, actor, opportunity: Opportunity, expected_version: int | None = None, **changes):
    """Edit the opportunity's fields; its stage changes only through `move_opportunity`."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError("L'étape se change en déplaçant l'opportunité, pas en la modifiant.")
    current = _locked(opportunity, expected_version)
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    if "contact" in changes and before["contact"] != current.contact_id:
        _mark_prospect(actor, current.contact)
    audit.record(actor, "pipeline.opportunity.updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def move_opportunity(
    *,
    actor,
    opportunity: Opportunity,
    stage: str,
    expected_version: int | None = None,
    lost_reason: str = "",
    lost_details: str = "",
    closed_on: dt.date | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> Opportunity:
    """Move to another stage. Won and lost take a date (today by default); lost needs its reason.

    The probability follows the stage's default unless the user had set one of their own; won is
    100 %, lost 0 %. Moving a won or lost opportunity back to an open stage reopens it.
    """
    if stage not in Stage.values:
        raise DomainError("Étape inconnue.")
    current = _locked(opportunity, expected_version)
    if current.stage == stage:
        return current
    if stage == Stage.LOST and lost_reason not in LostReason.values:
        raise DomainError("Indiquez la raison de la perte (prix, concurrent, délai, budget, sans suite, autre).")
    before = audit.snapshot(current)
    previous = current.stage
    today = timezone.localdate()
    if closed_on and closed_on > today:
        raise DomainError("La date de gain ou de perte ne peut pas être dans le futur.")
    if stage in CLOSED_STAGES:
        current.probability = default_probability(stage)
        current.closed_on = closed_on or today
        current.next_action, current.next_action_date = "", None
    else:
        followed_default = current.probability == default_probability(previous)
        if followed_default or previous in CLOSED_STAGES:
            current.probability = default_probability(stage)
        current.closed_on = None
    if stage == Stage.LOST:
        current.lost_reason, current.lost_details = lost_reason, lost_details
    else:
        current.lost_reason, current.lost_details = "", ""
    if amount is not None:
        current.amount = amount
    current.stage = stage
    current.full_clean()
    current.version += 1
    current.save()
    StageChange.objects.create(
        opportunity=current, from_stage=previous, to_stage=stage, changed_by=actor, note=note[:300]
    )
    _log_on_contact(actor, current, _move_subject(current, previous), _move_body(current, note))
    action = {Stage.WON: "won", Stage.LOST: "lost"}.get(stage, "reopened" if previous in CLOSED_STAGES else "moved")
    audit.record(actor, f"pipeline.opportunity.{action}", current, before=before, after=audit.snapshot(current))
    return current


def _move_subject(opportunity: Opportunity, previous: str) -> str:
    title = f"« {opportunity.title} »"
    if opportunity.stage == Stage.WON:
        return f"Opportunité gagnée : {title}"
    if opportunity.stage == Stage.LOST:
        return f"Opportunité perdue : {title}"
    return f"Opportunité {title} : {Stage(previous).label} → {opportunity.get_stage_display()}"


def _move_body(opportunity: Opportunity, note: str) -> str:
    lines = [f"Montant : {format_eur(opportunity.amount)} HT, probabilité {opportunity.probability} %."]
    if opportunity.stage == Stage.LOST:
        lines.append(f"Raison : {opportunity.get_lost_reason_display()}.")
        if opportunity.lost_details:
            lines.append(opportunity.lost_details)
    if note:
        lines.append(note)
    return "\n".join(lines)


def mark_won(
    *,
    actor,
    opportunity: Opportunity,
    closed_on: dt.date | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> Opportunity:
    """Win the opportunity (e.g. when its quote is accepted); `amount` replaces the estimate if given."""
    return move_opportunity(
        actor=actor, opportunity=opportunity, stage=Stage.WON, closed_on=closed_on, amount=amount, note=note
    )


def mark_lost(
    *,
    actor,
    opportunity: Opportunity,
    reason: str,
    details: str = "",
    closed_on: dt.date | None = None,
) -> Opportunity:
    return move_opportunity(
        actor=actor,
        opportunity=opportunity,
        stage=Stage.LOST,
        lost_reason=reason,
        lost_details=details,
        closed_on=closed_on,
    )
