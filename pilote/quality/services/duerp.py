"""Business writes on the DUERP: work units, hazards and their assessment, prevention actions (the action plan),
and publishing a version — the whole document frozen at validation (content, date, who validated it), kept 40
years (Code du travail L4121-3-1 V, R4121-4). There is no verb to change or delete a version: a correction is
the next version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.quality.models import (
    DuerpVersion,
    Hazard,
    HazardFamily,
    PreventionAction,
    WorkUnit,
    hazard_priority,
)
from pilote.quality.services.actions import move_action
from pilote.quality.services.risks import current_settings

UNIT_FIELDS = {"name", "description", "exposed", "is_active"}
HAZARD_FIELDS = {"family", "description", "frequency", "severity", "prevention"}
MAX_COST = Decimal("100000000")


def _json(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        out[key] = (
            value.isoformat() if isinstance(value, dt.date) else str(value) if isinstance(value, Decimal) else value
        )
    return out


def _check_fields(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")


# --- Work units -------------------------------------------------------------------------------------------
def _check_unit(unit: WorkUnit) -> None:
    unit.name = (unit.name or "").strip()
    if not unit.name:
        raise DomainError("Nommez l'unité de travail (un lieu ou une activité).")
    if WorkUnit.objects.filter(name__iexact=unit.name).exclude(pk=unit.pk).exists():
        raise DomainError(f"Une unité de travail s'appelle déjà « {unit.name} ».")


@transaction.atomic
def create_work_unit(*, actor, **fields) -> WorkUnit:
    _check_fields(fields, UNIT_FIELDS)
    unit = WorkUnit(**fields)
    _check_unit(unit)
    unit.full_clean()
    unit.save()
    audit.record(actor, "quality.work_unit.created", unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def update_work_unit(*, actor, unit: WorkUnit, **changes) -> WorkUnit:
    _check_fields(changes, UNIT_FIELDS)
    current = WorkUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    _check_unit(current)
    current.full_clean()
    current.save()
    audit.record(actor, "quality.work_unit.updated", current, before=before, after=audit.snapshot(current))
    return current


# --- Hazards ----------------------------------------------------------------------------------------------
def _check_hazard(hazard: Hazard) -> None:
    if hazard.family not in HazardFamily.values:
        raise DomainError("Choisissez la famille de risque dans la liste.")
    hazard.description = (hazard.description or "").strip()
    if not hazard.description:
        raise DomainError("Décrivez la situation dangereuse.")
    for field in ("frequency", "severity"):
        value = getattr(hazard, field)
        if value is None or not 1 <= value <= 4:
            raise DomainError(f"La cote « {Hazard._meta.get_field(field).verbose_name} » va de 1 à 4.")
    hazard.priority = hazard_priority(hazard.frequency, hazard.severity)


@transaction.atomic
def add_hazard(*, actor, unit: WorkUnit, **fields) -> Hazard:
    _check_fields(fields, HAZARD_FIELDS)
    hazard = Hazard(unit=unit, **fields)
    _check_hazard(hazard)
    hazard.full_clean()
    hazard.save()
    audit.record(actor, "quality.hazard.created", hazard, after=audit.snapshot(hazard))
    return hazard


@transaction.atomic
def update_hazard(*, actor, hazard: Hazard, **changes) -> Hazard:
    _check_fields(changes, HAZARD_FIELDS)
    current = Hazard.objects.select_for_update().get(pk=hazard.pk)
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    _check_hazard(current)
    current.full_clean()
    current.save()
    audit.record(actor, "quality.hazard.updated", current, before=before, after=audit.snapshot(current))
    return current


# --- Prevention actions -----------------------------------------------------------------------------------
@transaction.atomic
def add_prevention_action(*, actor, hazard: Hazard, title: str, owner, due_on: dt.date, cost=Decimal(0)):
    title = (title or "").strip()
    if not title:
        raise DomainError("Décrivez l'action de prévention.")
    if owner is None or not owner.is_active:
        raise DomainError("Indiquez qui mène l'action (un utilisateur actif).")
    if due_on is None:
        raise DomainError("Indiquez l'échéance de l'action.")
    cost = Decimal(cost or 0)
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise DomainError("Le coût est un montant positif en euros.")
    action = PreventionAction(hazard=hazard, title=title, owner=owner, due_on=due_on, cost=cost)
    action.full_clean()
    action.save()
    audit.record(actor, "quality.prevention_action.created", action, after=_json(audit.snapshot(action)))
    return action


@transaction.atomic
def set_prevention_status(*, actor, action: PreventionAction, status: str, done_on: dt.date | None = None):
    current = PreventionAction.objects.select_for_update().get(pk=action.pk)
    code = "quality.prevention_action.updated"
    return move_action(actor=actor, action=current, status=status, done_on=done_on, code=code)


# --- Versions ---------------------------------------------------------------------------------------------
def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def document_content(headcount: int) -> dict:
    """The DUERP as it stands: every active work unit with its hazards (by priority) and their actions, with
    the labels as they read today (the version keeps them even if a label changes later). Three queries."""
    from pilote.core.models import Structure

    structure = Structure.objects.first()
    units = list(WorkUnit.objects.filter(is_active=True).order_by("name", "pk"))
    hazards = Hazard.objects.filter(unit__in=units).order_by("priority", "family", "pk")
    actions = PreventionAction.objects.filter(hazard__in=hazards).select_related("owner").order_by("due_on", "pk")
    by_hazard: dict[int, list] = {}
    for action in actions:
        by_hazard.setdefault(action.hazard_id, []).append({
            "key": action.pk, "title": action.title, "owner": _person(action.owner),
            "due_on": action.due_on.isoformat(), "cost": str(action.cost), "status": action.status,
            "status_label": action.get_status_display(),
            "done_on": action.done_on.isoformat() if action.done_on else None,
        })  # fmt: skip
    by_unit: dict[int, list] = {}
    for hazard in hazards:
        by_unit.setdefault(hazard.unit_id, []).append({
            "key": hazard.pk, "family": hazard.family, "family_label": hazard.get_family_display(),
            "description": hazard.description, "frequency": hazard.frequency, "severity": hazard.severity,
            "priority": hazard.priority, "prevention": hazard.prevention, "actions": by_hazard.get(hazard.pk, []),
        })  # fmt: skip
    return {
        "structure": {
            "name": structure.legal_name if structure else "",
            "siren": structure.siren if structure else "",
            "siret": structure.siret if structure else "",
            "address": " ".join(filter(None, [structure.address_line1, structure.postal_code, structure.city]))
            if structure else "",
        },
        "headcount": headcount,
        "units": [
            {"key": u.pk, "name": u.name, "description": u.description, "exposed": u.exposed,
             "hazards": by_unit.get(u.pk, [])}
            for u in units
        ],
    }  # fmt: skip


def canonical(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def changes_between(before: dict | None, after: dict) -> list[str]:
    """What changed from one version's content to the next, in French sentences (pure)."""
    if before is None:
        return ["Première version du document unique."]
    said: list[str] = []
    old_units = {u["key"]: u for u in before["units"]}
    new_units = {u["key"]: u for u in after["units"]}
    for key, unit in new_units.items():
        if key not in old_units:
            said.append(f"Unité de travail ajoutée : {unit['name']}.")
    for key, unit in old_units.items():
        if key not in new_units:
            said.append(f"Unité de travail retirée : {unit['name']}.")
    old_hazards = {h["key"]: (u["name"], h) for u in before["units"] for h in u["hazards"]}
    new_hazards = {h["key"]: (u["name"], h) for u in after["units"] for h in u["hazards"]}
    for key, (unit, hazard) in new_hazards.items():
        if key not in old_hazards:
            said.append(f"{unit} — risque ajouté : {hazard['family_label']} (priorité {hazard['priority']}).")
            continue
        old = old_hazards[key][1]
        if (old["frequency"], old["severity"]) != (hazard["frequency"], hazard["severity"]):
            said.append(
                f"{unit} — {hazard['family_label']} réévalué : fréquence {old['frequency']} → {hazard['frequency']}, "
                f"gravité {old['severity']} → {hazard['severity']} (priorité {old['priority']} → {hazard['priority']})."
            )
        if old["prevention"] != hazard["prevention"] or old["description"] != hazard["description"]:
            said.append(f"{unit} — {hazard['family_label']} : description ou prévention existante mise à jour.")
        old_actions = {a["key"]: a for a in old["actions"]}
        for action in hazard["actions"]:
            previous = old_actions.get(action["key"])
            if previous is None:
                said.append(f"{unit} — action ajoutée : {action['title']}.")
            elif previous["status"] != action["status"]:
                said.append(f"{unit} — action « {action['title']} » : {previous['status_label'].lower()} → "
                            f"{action['status_label'].lower()}.")  # fmt: skip
    for key, (unit, hazard) in old_hazards.items():
        if key not in new_hazards:
            said.append(f"{unit} — risque retiré : {hazard['family_label']}.")
    return said or ["Aucun changement depuis la version précédente : réexamen sans modification."]


def latest_version() -> DuerpVersion | None:
    return DuerpVersion.objects.order_by("-number").first()


@transaction.atomic
def publish_duerp(*, actor, published_on: dt.date | None = None, note: str = "") -> DuerpVersion:
    """Validate the DUERP as it stands: freeze it as the next version (content, date, who validated it)."""
    from pilote.quality.models import QualitySettings

    QualitySettings.objects.select_for_update().filter(pk=1).first()  # one publication at a time
    published_on = published_on or local_today()
    if published_on > local_today():
        raise DomainError("Une version ne peut pas être validée à une date future.")
    previous = DuerpVersion.objects.order_by("-number").first()
    if previous and published_on < previous.published_on:
        raise DomainError(
            f"La version {previous.number} a été validée le {previous.published_on:%d/%m/%Y} : "
            "une nouvelle version ne peut pas la précéder."
        )
    content = document_content(current_settings().headcount)
    if not content["units"]:
        raise DomainError("Le DUERP ne compte aucune unité de travail : ajoutez-en avant de le valider.")
    if not any(unit["hazards"] for unit in content["units"]):
        raise DomainError("Aucun risque n'est évalué : évaluez les risques des unités avant de valider.")
    text = canonical(content)
    version = DuerpVersion(
        number=(previous.number + 1) if previous else 1,
        published_on=published_on,
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
        published_by_name=_person(actor) or "système",
        headcount=content["headcount"],
        note=(note or "").strip()[:2000],
        content=json.loads(text),
        changes=changes_between(previous.content if previous else None, content),
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )
    version.full_clean()
    version.save()
    after = {"number": version.number, "published_on": published_on.isoformat(), "digest": version.digest}
    audit.record(actor, "quality.duerp.published", version, after=after)
    return version


# --- The yearly update ------------------------------------------------------------------------------------
YEARLY_FROM = 11  # employees (Code du travail R4121-2: update at least once a year from 11 employees)


def next_update_due(headcount: int, latest: DuerpVersion | None) -> dt.date | None:
    """When the next version is due: at once when there is none (every employer keeps a DUERP, R4121-1), a
    year after the last one from 11 employees (R4121-2), otherwise only at a major change (None)."""
    if latest is None:
        return local_today()
    if headcount >= YEARLY_FROM:
        from pilote.lib.dates import add_months

        return add_months(latest.published_on, 12)
    return None
