"""The risk register in the home page's to-do list: reviews and treatment actions overdue or due within 14
days — a user's own (risks they own, actions they are responsible for), and for direction, who keeps the
register, everyone's. Two queries whatever the data size."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pilote.core.permissions import MATRIX
from pilote.core.registry import TodoItem, work_accidents_since
from pilote.lib.dates import local_today
from pilote.quality.models import OPEN_ACTION_STATUSES, Risk, RiskAction, RiskStatus

HORIZON = dt.timedelta(days=14)
LIMIT = 50


def risk_items(user) -> list[TodoItem]:
    today = local_today()
    keeper = user.role in MATRIX["quality.risks.edit"]
    risks = Risk.objects.filter(status=RiskStatus.ACTIVE, review_on__lte=today + HORIZON)
    actions = RiskAction.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lte=today + HORIZON)
    if not keeper:
        risks, actions = risks.filter(owner=user), actions.filter(owner=user)
    items = []
    for risk in risks.order_by("review_on", "pk")[:LIMIT]:
        prefix = "En retard — revoir" if risk.review_on < today else "Revoir"
        url = reverse("quality:risk-detail", args=[risk.pk])
        items.append(TodoItem(f"{prefix} le risque {risk.reference} {risk.title}", url, risk.review_on, "Risque"))
    for action in actions.select_related("risk").order_by("due_on", "pk")[:LIMIT]:
        prefix = "En retard — " if action.due_on < today else ""
        url = reverse("quality:risk-detail", args=[action.risk_id])
        label = f"{prefix}Action « {action.title} » ({action.risk.reference})"
        items.append(TodoItem(label, url, action.due_on, "Action sur un risque"))
    return items


AFTER_ACCIDENT_DAYS = 30  # the update after an accident at work, asked within a month


def duerp_items(user) -> list[TodoItem]:
    """The DUERP to establish (every employer) or to update once a year from 11 employees (R4121-2), shown a
    month ahead to those who validate it, and after each accident at work since its last version (the dates come
    from the people's domain through core.registry.work_accidents_since: dates only, never who)."""
    from pilote.quality.services.duerp import latest_version, next_update_due
    from pilote.quality.services.risks import current_settings

    latest = latest_version()
    url = reverse("quality:duerp")
    # An accident at work since the last version is information that bears on the assessment: update it (R4121-2).
    items = [
        TodoItem(
            f"Mettre à jour le DUERP après l'accident du travail du {day:%d/%m/%Y}",
            url,
            day + dt.timedelta(days=AFTER_ACCIDENT_DAYS),
            "DUERP",
        )  # fmt: skip
        for day in work_accidents_since(latest.published_on if latest else None)[-LIMIT:]
    ]
    due = next_update_due(current_settings().headcount, latest)
    if due is None or due > local_today() + dt.timedelta(days=30):
        return items
    if latest is None:
        return [TodoItem("Établir et valider le document unique (DUERP)", url, due, "DUERP"), *items]
    label = f"Mise à jour annuelle du DUERP (version {latest.number} du {latest.published_on:%d/%m/%Y})"
    return [TodoItem(label, url, due, "DUERP"), *items]


def nc_items(user) -> list[TodoItem]:
    """Corrective and preventive actions overdue or due within 14 days (one's own; direction sees all), and for
    direction the non-conformities waiting for their effectiveness check. Two queries."""
    from pilote.quality.models import CapaAction, NcStatus, NonConformity

    today = local_today()
    actions = CapaAction.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lte=today + HORIZON)
    keeper = user.role in MATRIX["quality.nc.close"]
    if not keeper:
        actions = actions.filter(owner=user)
    items = []
    for action in actions.select_related("nonconformity").order_by("due_on", "pk")[:LIMIT]:
        prefix = "En retard — " if action.due_on < today else ""
        url = reverse("quality:nc-detail", args=[action.nonconformity_id])
        label = f"{prefix}Action « {action.title} » ({action.nonconformity.reference})"
        items.append(TodoItem(label, url, action.due_on, "Action corrective"))
    if keeper:
        for nc in NonConformity.objects.filter(status=NcStatus.CHECKING).order_by("detected_on", "pk")[:LIMIT]:
            url = reverse("quality:nc-detail", args=[nc.pk])
            items.append(TodoItem(f"Vérifier l'efficacité des actions de {nc.reference} {nc.title}", url, None,
                                  "Non-conformité"))  # fmt: skip
    return items


def procedure_items(user) -> list[TodoItem]:
    """The procedures in force a user must read and has not acknowledged (the receipt is given from the page the
    item opens), the drafts waiting for the user's role to approve them, and for those who write procedures the
    approved versions not yet in force."""
    from pilote.quality.models import ProcedureStatus, ProcedureVersion
    from pilote.quality.queries.procedures import to_approve, to_read

    items = []
    if user.can("quality.procedures.read"):
        for version in to_read(user)[:LIMIT]:
            url = reverse("quality:procedure-detail", args=[version.procedure_id])
            procedure = version.procedure
            label = f"Lire et attester la procédure {procedure.code} {procedure.title} (v{version.number})"
            items.append(TodoItem(label, url, version.in_force_on, "Procédure"))
    if user.can("quality.procedures.approve"):
        for version in to_approve(user)[:LIMIT]:
            url = reverse("quality:procedure-detail", args=[version.procedure_id])
            items.append(TodoItem(f"Approuver la version {version.number} de {version.procedure.code}", url, None,
                                  "Procédure"))  # fmt: skip
    if user.can("quality.procedures.edit"):
        approved = ProcedureVersion.objects.filter(status=ProcedureStatus.APPROVED).select_related("procedure")
        for version in approved.order_by("approved_on", "pk")[:LIMIT]:
            url = reverse("quality:procedure-detail", args=[version.procedure_id])
            items.append(TodoItem(f"Mettre en vigueur la version {version.number} de {version.procedure.code}", url,
                                  version.approved_on, "Procédure"))  # fmt: skip
    return items
