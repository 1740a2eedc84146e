"""Adverse events in a social or medico-social establishment: declared by the staff (facts, place and date, the
people supported involved — initials, no health data beyond what is needed —, immediate measures, serious or
not, to be reported to the authority or not: a serious one always is, CASF L331-8-1 and R331-8 « sans délai »),
then reported (when, to whom), analysed, turned into a non-conformity for the CAPA loop, closed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.vocabulary import SOCIAL, structure_type_of
from pilote.lib.dates import local_today
from pilote.quality.models import AdverseEvent, EventAuthority, EventKind, EventStatus, NcOrigin
from pilote.quality.services import nonconformities

REFUSAL = "Les événements indésirables concernent les établissements sociaux et médico-sociaux."


def serves(structure) -> bool:
    """Adverse events concern the people a social or medico-social establishment supports: its pages and its API
    serve no other kind of structure."""
    return structure_type_of(structure) == SOCIAL


DECLARE_FIELDS = {"occurred_on", "place", "kind", "facts", "people_supported", "people_involved",
                  "immediate_measures", "serious", "must_report"}  # fmt: skip


def _json(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


@transaction.atomic
def declare(*, actor, **fields) -> AdverseEvent:
    unknown = set(fields) - DECLARE_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    event = AdverseEvent(declared_by=actor, **fields)
    for name in ("place", "facts", "immediate_measures", "people_supported", "people_involved"):
        setattr(event, name, (getattr(event, name) or "").strip())
    if not event.facts or not event.place or not event.immediate_measures:
        raise DomainError("Décrivez les faits, le lieu et les mesures immédiates prises.")
    if event.kind not in EventKind.values:
        raise DomainError("Cette nature d'événement n'existe pas.")
    if event.occurred_on is None or event.occurred_on > local_today():
        raise DomainError("La date de l'événement ne peut pas être dans le futur.")
    if event.serious:
        event.must_report = True  # a serious adverse event is always reported to the authority
    event.full_clean()
    event.save()
    audit.record(actor, "quality.adverse_event.declared", event, after=_json(audit.snapshot(event)))
    return event


def _locked(event: AdverseEvent) -> AdverseEvent:
    return AdverseEvent.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def record_report(*, actor, event: AdverseEvent, authority: str, reported_on: dt.date) -> AdverseEvent:
    current = _locked(event)
    if not current.must_report:
        raise DomainError("Cet événement n'est pas marqué « à signaler à l'autorité ».")
    if authority not in EventAuthority.values:
        raise DomainError("Choisissez l'autorité à qui l'événement a été signalé.")
    if reported_on is None or reported_on > local_today() or reported_on < current.occurred_on:
        raise DomainError("La date du signalement doit être entre l'événement et aujourd'hui.")
    current.authority, current.reported_on = authority, reported_on
    current.version += 1
    current.full_clean()
    current.save()
    after = _json({"authority": authority, "reported_on": reported_on})
    audit.record(actor, "quality.adverse_event.reported", current, after=after)
    return current


@transaction.atomic
def record_analysis(*, actor, event: AdverseEvent, analysis: str, expected_version: int | None = None):
    current = _locked(event)
    check_version(current.version, expected_version, "Cet événement")
    if current.status == EventStatus.CLOSED:
        raise DomainError("Un événement clos n'est plus modifiable.")
    analysis = (analysis or "").strip()
    if not analysis:
        raise DomainError("Rédigez l'analyse des causes.")
    current.analysis, current.status = analysis, EventStatus.ANALYSED
    current.version += 1
    current.save()
    audit.record(actor, "quality.adverse_event.analysed", current, after={"analysis": analysis})
    return current


@transaction.atomic
def open_nonconformity(*, actor, event: AdverseEvent, owner):
    """The non-conformity the event reveals, prefilled from it: its actions follow the CAPA loop."""
    current = _locked(event)
    if current.nonconformity_id:
        raise DomainError("Cet événement a déjà sa non-conformité.")
    nc = nonconformities.open_nonconformity(
        actor=actor, origin=NcOrigin.ADVERSE_EVENT, owner=owner, detected_on=current.occurred_on,
        title=f"{current.reference} — {current.get_kind_display()} ({current.place})"[:200],
        description=current.facts, immediate_action=current.immediate_measures,
        severity="critical" if current.serious else "major",
    )  # fmt: skip
    current.nonconformity = nc
    current.version += 1
    current.save(update_fields=["nonconformity", "version"])
    audit.record(actor, "quality.adverse_event.nonconformity", current, after={"nonconformity": nc.pk})
    return nc


@transaction.atomic
def close(*, actor, event: AdverseEvent) -> AdverseEvent:
    current = _locked(event)
    if current.status != EventStatus.ANALYSED:
        raise DomainError("Analysez l'événement avant de le clore.")
    if current.report_pending:
        raise DomainError("Cet événement doit d'abord être signalé à l'autorité (date du signalement).")
    current.status = EventStatus.CLOSED
    current.version += 1
    current.save(update_fields=["status", "version"])
    audit.record(actor, "quality.adverse_event.closed", current, after={"status": current.status})
    return current
