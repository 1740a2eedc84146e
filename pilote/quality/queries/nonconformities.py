"""Reads on non-conformities: the filtered list (sorts, exports through core.listing), the detail page with its
actions, and what a complaint's page shows of the non-conformities it opened."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.quality.models import OPEN_ACTION_STATUSES, NcStatus, NonConformity

SORTS = {
    "constat": ["detected_on"],
    "intitule": [french("title")],
    "origine": ["origin"],
    "gravite": ["severity"],
    "etape": ["status"],
}
DEFAULT_SORT = "-constat"


def filter_ncs(data: dict):
    ncs = NonConformity.objects.all()
    status = data.get("etape") or ""
    if status == "ouvertes":
        ncs = ncs.exclude(status=NcStatus.CLOSED)
    elif status in NcStatus.values:
        ncs = ncs.filter(status=status)
    for key, field in (("origine", "origin"), ("gravite", "severity")):
        if data.get(key):
            ncs = ncs.filter(**{field: data[key]})
    if q := (data.get("q") or "").strip():
        query = Q(title__icontains=q) | Q(description__icontains=q) | Q(root_cause__icontains=q)
        if q.upper().startswith("NC-") and q[3:].isdigit() and len(q) < 14:
            query |= Q(pk=int(q[3:]))
        ncs = ncs.filter(query)
    return ncs


def with_list_relations(ncs):
    return ncs.select_related("owner", "complaint", "audit_item__audit").annotate(
        open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES))
    )


def _person(user) -> str:
    return user.get_full_name() or user.username


EXPORT_COLUMNS = [
    Column("Référence", lambda n: n.reference),
    Column("Constatée le", lambda n: n.detected_on),
    Column("Intitulé", lambda n: n.title),
    Column("Origine", lambda n: n.get_origin_display()),
    Column("Réclamation", lambda n: n.complaint.reference if n.complaint_id else ""),
    Column("Audit", lambda n: n.audit_item.audit.reference if n.audit_item_id else ""),
    Column("Gravité", lambda n: n.get_severity_display()),
    Column("Étape", lambda n: n.get_status_display()),
    Column("Pilote", lambda n: _person(n.owner)),
    Column("Cause racine", lambda n: n.root_cause),
    Column("Catégorie (5M)", lambda n: n.get_ishikawa_display()),
    Column("Actions ouvertes", lambda n: n.open_actions),
    Column("Vérification de l'efficacité", lambda n: n.effectiveness),
    Column("Close le", lambda n: n.closed_on),
]


def export_rows(ncs):
    return with_list_relations(ncs).iterator(chunk_size=500)


def nc_detail(pk: int) -> NonConformity:
    return NonConformity.objects.select_related(
        "owner", "complaint", "complaint__customer", "created_by", "audit_item", "audit_item__audit"
    ).get(pk=pk)


def nc_actions(nc: NonConformity, today: dt.date) -> list:
    actions = list(nc.actions.select_related("owner").order_by("due_on", "pk"))
    for action in actions:
        action.late = action.is_open and action.due_on < today
    return actions


def for_complaint(complaint) -> list[NonConformity]:
    return list(NonConformity.objects.filter(complaint=complaint).select_related("owner").order_by("pk"))
