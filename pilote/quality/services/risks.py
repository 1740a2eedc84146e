"""Business writes on the risk register and the quality settings: each in a transaction, checked here in
French before any row is written, and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.collation import french
from pilote.core.exceptions import DomainError, check_version
from pilote.core.permissions import MATRIX
from pilote.lib.dates import local_today
from pilote.quality import scoring
from pilote.quality.models import OPEN_ACTION_STATUSES, QualitySettings, Risk, RiskAction, RiskStatus
from pilote.quality.services.actions import move_action

RISK_FIELDS = {
    "title", "category", "cause", "consequence", "owner", "likelihood", "impact", "controls",
    "residual_likelihood", "residual_impact", "review_on",
}  # fmt: skip
OWNER_PERM = "quality.risks.actions"  # who may own a risk or an action: those who can update actions


def current_settings() -> QualitySettings:
    """The structure's quality settings (the defaults, unsaved, until direction changes them)."""
    return QualitySettings.objects.filter(pk=1).first() or QualitySettings()


def risk_owners():
    """Users who may own a risk or a treatment action: active, with a role that updates actions."""
    from pilote.core.models import User

    return User.objects.filter(is_active=True, role__in=MATRIX[OWNER_PERM]).order_by(
        french("last_name"), french("first_name")
    )


@transaction.atomic
def update_settings(*, actor, risk_scale: int, headcount: int, expected_version: int | None = None) -> QualitySettings:
    current = QualitySettings.objects.select_for_update().filter(pk=1).first() or QualitySettings()
    if not current._state.adding:
        check_version(current.version, expected_version, "Les paramètres qualité")
    if risk_scale not in scoring.SCALES:
        raise DomainError("L'échelle de cotation va de 1 à 4 ou de 1 à 5.")
    if headcount is None or headcount < 0:
        raise DomainError("L'effectif est un nombre de salariés positif ou nul.")
    above = Risk.objects.filter(_above(risk_scale))
    if above.exists():
        raise DomainError(
            f"{above.count()} risque(s) sont cotés au-delà de {risk_scale} : recotez-les avant de réduire l'échelle."
        )
    before = audit.snapshot(current)
    current.risk_scale, current.headcount = risk_scale, headcount
    current.version += 1
    current.full_clean()
    current.save()
    audit.record(actor, "quality.settings.updated", current, before=before, after=audit.snapshot(current))
    return current


def _json(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}


def _above(scale: int):
    from django.db.models import Q

    return (
        Q(likelihood__gt=scale) | Q(impact__gt=scale) | Q(residual_likelihood__gt=scale) | Q(residual_impact__gt=scale)
    )


def _check_risk(risk: Risk, scale: int) -> None:
    for field in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
        value = getattr(risk, field)
        if value is None or not 1 <= value <= scale:
            label = Risk._meta.get_field(field).verbose_name
            raise DomainError(f"La cote « {label} » va de 1 à {scale}.")
    risk.compute_scores()
    if risk.residual_score > risk.inherent_score:
        raise DomainError(
            "La criticité résiduelle (après traitement) ne peut pas dépasser la criticité brute : "
            f"{risk.residual_score} > {risk.inherent_score}."
        )
    _check_owner(risk.owner)


def _check_owner(user) -> None:
    if user is None:
        raise DomainError("Indiquez le pilote du risque.")
    if not user.is_active or user.role not in MATRIX[OWNER_PERM]:
        raise DomainError(f"{user.get_full_name() or user} ne peut pas piloter de risque (rôle non habilité).")


@transaction.atomic
def create_risk(*, actor, **fields) -> Risk:
    unknown = set(fields) - RISK_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    risk = Risk(created_by=actor, **fields)
    _check_risk(risk, current_settings().risk_scale)
    risk.full_clean()
    risk.save()
    audit.record(actor, "quality.risk.created", risk, after=audit.snapshot(risk))
    return risk


@transaction.atomic
def update_risk(*, actor, risk: Risk, expected_version: int | None = None, **changes) -> Risk:
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    check_version(current.version, expected_version, "Ce risque")
    unknown = set(changes) - RISK_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    _check_risk(current, current_settings().risk_scale)
    current.version += 1
    current.full_clean()
    current.save()
    audit.record(actor, "quality.risk.updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def review_risk(*, actor, risk: Risk, next_review_on: dt.date, reviewed_on: dt.date | None = None) -> Risk:
    """Record that the risk was reviewed (today by default) and set its next review."""
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    reviewed_on = reviewed_on or local_today()
    if current.status != RiskStatus.ACTIVE:
        raise DomainError("Un risque clos ne se revoit plus : rouvrez-le d'abord.")
    if next_review_on <= reviewed_on:
        raise DomainError("La prochaine revue doit suivre la revue du jour.")
    before = {"reviewed_on": current.reviewed_on, "review_on": current.review_on}
    current.reviewed_on, current.review_on = reviewed_on, next_review_on
    current.version += 1
    current.save()
    after = {"reviewed_on": reviewed_on, "review_on": next_review_on}
    audit.record(actor, "quality.risk.reviewed", current, before=_json(before),
                 after=_json(after))  # fmt: skip
    return current


@transaction.atomic
def set_risk_status(*, actor, risk: Risk, status: str) -> Risk:
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    if status not in RiskStatus.values:
        raise DomainError("Ce statut de risque n'existe pas.")
    if status == current.status:
        raise DomainError(f"Ce risque est déjà « {current.get_status_display().lower()} ».")
    if status == RiskStatus.CLOSED and current.actions.filter(status__in=OPEN_ACTION_STATUSES).exists():
        raise DomainError("Des actions de traitement sont encore ouvertes : terminez-les ou abandonnez-les d'abord.")
    before = {"status": current.status}
    current.status = status
    current.version += 1
    current.save()
    audit.record(actor, "quality.risk.status_changed", current, before=before, after={"status": status})
    return current


@transaction.atomic
def add_action(*, actor, risk: Risk, title: str, owner, due_on: dt.date) -> RiskAction:
    title = (title or "").strip()
    if not title:
        raise DomainError("Décrivez l'action de traitement.")
    if risk.status != RiskStatus.ACTIVE:
        raise DomainError("Un risque clos ne reçoit plus d'action.")
    if due_on is None:
        raise DomainError("Indiquez l'échéance de l'action.")
    _check_owner(owner)
    action = RiskAction(risk=risk, title=title, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    audit.record(actor, "quality.risk_action.created", action, after=audit.snapshot(action))
    return action


@transaction.atomic
def set_action_status(*, actor, action: RiskAction, status: str, done_on: dt.date | None = None) -> RiskAction:
    """Move a treatment action; its owner or direction may do it. A done action keeps its date."""
    current = RiskAction.objects.select_for_update().get(pk=action.pk)
    if actor.role not in MATRIX["quality.risks.edit"] and current.owner_id != actor.pk:
        raise DomainError("Seuls le responsable de l'action et la direction peuvent la faire avancer.")
    return move_action(actor=actor, action=current, status=status, done_on=done_on, code="quality.risk_action.updated")
