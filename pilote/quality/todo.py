"""The risk register in the home page's to-do list: reviews and treatment actions overdue or due within 14
days — a user's own (risks they own, actions they are responsible for), and for direction, who keeps the
register, everyone's. Each provider reads a table once per kind of item, only the columns its items print (a
plain query costs the ORM less Python than one query joining several kinds: a UNION of them cost twice as much)."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

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
    for pk, title, review_on in risks.order_by("review_on", "pk").values_list("pk", "title", "review_on")[:LIMIT]:
        prefix = "En retard — revoir" if review_on < today else "Revoir"
        url = reverse("quality:risk-detail", args=[pk])
        items.append(TodoItem(f"{prefix} le risque {Risk(pk=pk).reference} {title}", url, review_on, "Risque"))
    for title, due_on, risk_id in actions.order_by("due_on", "pk").values_list("title", "due_on", "risk_id")[:LIMIT]:
        prefix = "En retard — " if due_on < today else ""
        url = reverse("quality:risk-detail", args=[risk_id])
        label = f"{prefix}Action « {title} » ({Risk(pk=risk_id).reference})"
        items.append(TodoItem(label, url, due_on, "Action sur un risque"))
    return items


AFTER_ACCIDENT_DAYS = 30  # the update after an accident at work, asked within a month


def duerp_items(user) -> list[TodoItem]:
    """The DUERP to establish (every employer) or to update once a year from 11 employees (R4121-2), shown a
    month ahead to those who validate it, and after each accident at work since its last version (the dates come
    from the people's domain through core.registry.work_accidents_since: dates only, never who)."""
    from django.db.models import Subquery

    from pilote.quality.models import DuerpVersion, QualitySettings
    from pilote.quality.services.duerp import next_update_due

    # The latest version and the structure's headcount (settings unsaved: their default) in one read.
    settings = QualitySettings.objects.filter(pk=1).values("headcount")
    latest = (
        DuerpVersion.objects.only("number", "published_on")
        .annotate(settings_headcount=Subquery(settings))
        .order_by("-number")
        .first()
    )
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
    headcount = getattr(latest, "settings_headcount", None)  # without a version, due at once whatever it is
    due = next_update_due(QualitySettings().headcount if headcount is None else headcount, latest)
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
    rows = actions.order_by("due_on", "pk").values_list("title", "due_on", "nonconformity_id")[:LIMIT]
    for title, due_on, nc_id in rows:
        prefix = "En retard — " if due_on < today else ""
        url = reverse("quality:nc-detail", args=[nc_id])
        label = f"{prefix}Action « {title} » ({NonConformity(pk=nc_id).reference})"
        items.append(TodoItem(label, url, due_on, "Action corrective"))
    if keeper:
        checking = NonConformity.objects.filter(status=NcStatus.CHECKING).order_by("detected_on", "pk")
        for pk, title in checking.values_list("pk", "title")[:LIMIT]:
            url = reverse("quality:nc-detail", args=[pk])
            items.append(TodoItem(f"Vérifier l'efficacité des actions de {NonConformity(pk=pk).reference} {title}",
                                  url, None, "Non-conformité"))  # fmt: skip
    return items


def procedure_items(user) -> list[TodoItem]:
    """The procedures in force a user must read and has not acknowledged (the receipt is given from the page the
    item opens), the drafts waiting for the user's role to approve them, and for those who write procedures the
    approved versions not yet in force. One query (versions in these three states are few, a handful per procedure
    at most), the readers checked by `queries.procedures.is_reader`, as `to_read` does."""
    from django.db.models import Exists, OuterRef, Q

    from pilote.quality.models import Procedure, ProcedureAcknowledgement, ProcedureStatus, ProcedureVersion
    from pilote.quality.queries.procedures import is_reader

    wanted = []
    if user.can("quality.procedures.read"):
        read = ProcedureAcknowledgement.objects.filter(version=OuterRef("pk"), user=user)
        wanted.append(Q(status=ProcedureStatus.IN_FORCE) & ~Exists(read))
    if user.can("quality.procedures.approve"):
        wanted.append(Q(status=ProcedureStatus.DRAFT, procedure__approver_role=user.role))
    if user.can("quality.procedures.edit"):
        wanted.append(Q(status=ProcedureStatus.APPROVED))
    if not wanted:
        return []
    named = Procedure.readers.through.objects.filter(procedure_id=OuterRef("procedure_id"), user_id=user.pk)
    versions = (
        ProcedureVersion.objects.filter(reduce(operator.or_, wanted))
        .select_related("procedure")
        .only("pk", "number", "status", "in_force_on", "approved_on", "created_at", "procedure__code",
              "procedure__title", "procedure__reader_roles")
        .annotate(named=Exists(named))
        .order_by()
    )  # fmt: skip
    by_status: dict[str, list] = {}
    for version in versions:
        by_status.setdefault(version.status, []).append(version)

    def first(status: str, day: str, keep=lambda version: True) -> list:
        rows = [version for version in by_status.get(status, []) if keep(version)]
        return sorted(rows, key=lambda v: (getattr(v, day) is None, getattr(v, day), v.pk))[:LIMIT]

    def reader(version) -> bool:
        return is_reader(user, version.procedure, version.named)

    items = []
    for version in first(ProcedureStatus.IN_FORCE, "in_force_on", reader):
        procedure = version.procedure
        label = f"Lire et attester la procédure {procedure.code} {procedure.title} (v{version.number})"
        items.append(TodoItem(label, _procedure_url(version), version.in_force_on, "Procédure"))
    for version in first(ProcedureStatus.DRAFT, "created_at"):
        items.append(TodoItem(f"Approuver la version {version.number} de {version.procedure.code}",
                              _procedure_url(version), None, "Procédure"))  # fmt: skip
    for version in first(ProcedureStatus.APPROVED, "approved_on"):
        items.append(TodoItem(f"Mettre en vigueur la version {version.number} de {version.procedure.code}",
                              _procedure_url(version), version.approved_on, "Procédure"))  # fmt: skip
    return items


def _procedure_url(version) -> str:
    return reverse("quality:procedure-detail", args=[version.procedure_id])
