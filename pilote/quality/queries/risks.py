"""Reads on the risk register: the filtered list (criticality first), sort keys, export columns, the heat
maps before and after treatment, the detail page — each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.dates import local_today
from pilote.quality import scoring
from pilote.quality.models import OPEN_ACTION_STATUSES, Risk, RiskStatus

# Criticality is the residual score (what is left once the controls and actions work), then the inherent one.
SORTS = {
    "criticite": ["residual_score", "inherent_score"],
    "brute": ["inherent_score", "residual_score"],
    "intitule": [french("title")],
    "nature": ["category"],
    "revue": ["review_on"],
    "pilote": [french("owner__last_name"), french("owner__first_name")],
}
DEFAULT_SORT = "-criticite"


def filter_risks(data: dict, scale: int, today: dt.date | None = None):
    """Risks matching the list filters (`data` is a cleaned RiskFilterForm)."""
    today = today or local_today()
    risks = Risk.objects.all()
    status = data.get("statut") or "actifs"
    if status == "actifs":
        risks = risks.filter(status=RiskStatus.ACTIVE)
    elif status in RiskStatus.values:
        risks = risks.filter(status=status)
    if data.get("nature"):
        risks = risks.filter(category=data["nature"])
    if data.get("niveau"):
        low, high = scoring.score_range(data["niveau"], scale)
        risks = risks.filter(residual_score__gte=low, residual_score__lte=high)
    if data.get("pilote"):
        risks = risks.filter(owner_id=data["pilote"])
    if data.get("revue_en_retard"):
        risks = risks.filter(status=RiskStatus.ACTIVE, review_on__lt=today)
    if q := (data.get("q") or "").strip():
        query = Q(title__icontains=q) | Q(cause__icontains=q) | Q(consequence__icontains=q)
        if q.upper().startswith("R-") and q[2:].isdigit() and len(q) < 12:
            query |= Q(pk=int(q[2:]))
        risks = risks.filter(query)
    return risks


def with_list_relations(risks):
    return risks.select_related("owner").annotate(
        open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES))
    )


def decorate(risks, scale: int, today: dt.date) -> list:
    """Level labels and overdue flags computed here (templates only print)."""
    rows = list(risks)
    for risk in rows:
        risk.inherent_level = scoring.level(risk.inherent_score, scale)
        risk.residual_level = scoring.level(risk.residual_score, scale)
        risk.inherent_label = scoring.LEVEL_LABELS[risk.inherent_level]
        risk.residual_label = scoring.LEVEL_LABELS[risk.residual_level]
        risk.late = risk.review_overdue(today)
    return rows


def _owner(risk) -> str:
    return risk.owner.get_full_name() or risk.owner.username


def export_columns(scale: int) -> list[Column]:
    return [
        Column("Référence", lambda r: r.reference),
        Column("Intitulé", lambda r: r.title),
        Column("Nature", lambda r: r.get_category_display()),
        Column("Causes", lambda r: r.cause),
        Column("Conséquences", lambda r: r.consequence),
        Column("Pilote", _owner),
        Column("Probabilité brute", lambda r: r.likelihood),
        Column("Impact brut", lambda r: r.impact),
        Column("Criticité brute", lambda r: r.inherent_score),
        Column("Niveau brut", lambda r: scoring.level_label(r.inherent_score, scale)),
        Column("Mesures existantes", lambda r: r.controls),
        Column("Probabilité résiduelle", lambda r: r.residual_likelihood),
        Column("Impact résiduel", lambda r: r.residual_impact),
        Column("Criticité résiduelle", lambda r: r.residual_score),
        Column("Niveau résiduel", lambda r: scoring.level_label(r.residual_score, scale)),
        Column("Actions ouvertes", lambda r: r.open_actions),
        Column("Prochaine revue", lambda r: r.review_on),
        Column("Statut", lambda r: r.get_status_display()),
    ]


def export_rows(risks):
    return with_list_relations(risks).iterator(chunk_size=500)


def heat_maps(risks, scale: int) -> tuple[scoring.HeatMap, scoring.HeatMap]:
    """The grid before treatment (inherent rating) and after it (residual), from one query."""
    rows = list(risks.values_list("pk", "likelihood", "impact", "residual_likelihood", "residual_impact"))
    before, after = [], []
    for pk, likelihood, impact, residual_likelihood, residual_impact in rows:
        reference, url = f"R-{pk:03d}", reverse("quality:risk-detail", args=[pk])
        before.append((likelihood, impact, reference, url))
        after.append((residual_likelihood, residual_impact, reference, url))
    return scoring.heat_map(before, scale), scoring.heat_map(after, scale)


def risk_detail(pk: int) -> Risk:
    return Risk.objects.select_related("owner", "created_by").get(pk=pk)


def risk_actions(risk: Risk, today: dt.date) -> list:
    actions = list(risk.actions.select_related("owner").order_by("due_on", "pk"))
    for action in actions:
        action.late = action.overdue(today)
    return actions
