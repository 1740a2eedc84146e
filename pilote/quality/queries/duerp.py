"""Reads on the DUERP: the document as it stands (units, hazards, actions in three queries), the action plan
(filtered, sorted, exported through core.listing), the versions and a version's frozen content for display."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.quality.models import (
    FREQUENCY_LABELS,
    OPEN_ACTION_STATUSES,
    SEVERITY_LABELS,
    ActionStatus,
    DuerpVersion,
    Hazard,
    PreventionAction,
    WorkUnit,
)


def working_document(today: dt.date) -> list[WorkUnit]:
    """Every work unit (active first) with its hazards and their actions attached; three queries."""
    units = list(WorkUnit.objects.order_by("-is_active", "name", "pk"))
    hazards = list(Hazard.objects.filter(unit__in=units).order_by("priority", "family", "pk"))
    actions = PreventionAction.objects.filter(hazard__in=hazards).select_related("owner").order_by("due_on", "pk")
    by_hazard: dict[int, list] = {}
    for action in actions:
        action.late = action.is_open and action.due_on < today
        by_hazard.setdefault(action.hazard_id, []).append(action)
    by_unit: dict[int, list] = {}
    for hazard in hazards:
        hazard.action_list = by_hazard.get(hazard.pk, [])
        hazard.frequency_label = FREQUENCY_LABELS[hazard.frequency - 1]
        hazard.severity_label = SEVERITY_LABELS[hazard.severity - 1]
        by_unit.setdefault(hazard.unit_id, []).append(hazard)
    for unit in units:
        unit.hazard_list = by_unit.get(unit.pk, [])
    return units


SORTS = {
    "echeance": ["due_on"],
    "unite": [french("hazard__unit__name")],
    "priorite": ["hazard__priority"],
    "cout": ["cost"],
    "etat": ["status"],
    "action": [french("title")],
}
DEFAULT_SORT = "echeance"


def filter_actions(data: dict, today: dt.date):
    actions = PreventionAction.objects.all()
    status = data.get("etat") or ""
    if status == "ouvertes":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    elif status == "en_retard":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
    elif status in ActionStatus.values:
        actions = actions.filter(status=status)
    if data.get("unite"):
        actions = actions.filter(hazard__unit=data["unite"])
    if data.get("priorite"):
        actions = actions.filter(hazard__priority=data["priorite"])
    if q := (data.get("q") or "").strip():
        actions = actions.filter(Q(title__icontains=q) | Q(hazard__description__icontains=q))
    return actions


def with_relations(actions):
    return actions.select_related("hazard", "hazard__unit", "owner")


def _person(user) -> str:
    return user.get_full_name() or user.username


EXPORT_COLUMNS = [
    Column("Unité de travail", lambda a: a.hazard.unit.name),
    Column("Risque", lambda a: a.hazard.get_family_display()),
    Column("Situation dangereuse", lambda a: a.hazard.description),
    Column("Priorité", lambda a: a.hazard.priority),
    Column("Action de prévention", lambda a: a.title),
    Column("Qui", lambda a: _person(a.owner)),
    Column("Échéance", lambda a: a.due_on),
    Column("Coût estimé", lambda a: a.cost),
    Column("État", lambda a: a.get_status_display()),
    Column("Réalisée le", lambda a: a.done_on),
]


def export_rows(actions):
    return with_relations(actions).iterator(chunk_size=500)


def plan_total(actions) -> Decimal:
    """Estimated cost of the listed actions still open, summed in SQL (integer cents)."""
    from django.db.models import Sum

    total = actions.filter(status__in=OPEN_ACTION_STATUSES).aggregate(total=Sum("cost"))["total"]
    return total if total is not None else Decimal("0.00")


def versions():
    return DuerpVersion.objects.defer("content").order_by("-number")


def version_units(version: DuerpVersion) -> list[dict]:
    """A version's frozen units with the printed forms the page and the PDF show (labels kept as published)."""
    units = []
    for unit in version.content.get("units", []):
        hazards = []
        for hazard in unit.get("hazards", []):
            actions = [
                {**action, "due": dt.date.fromisoformat(action["due_on"]),
                 "done": dt.date.fromisoformat(action["done_on"]) if action.get("done_on") else None,
                 "amount": Decimal(action["cost"])}
                for action in hazard.get("actions", [])
            ]  # fmt: skip
            hazards.append({**hazard, "action_list": actions,
                            "frequency_label": FREQUENCY_LABELS[hazard["frequency"] - 1],
                            "severity_label": SEVERITY_LABELS[hazard["severity"] - 1]})  # fmt: skip
        units.append({**unit, "hazard_list": hazards})
    return units
