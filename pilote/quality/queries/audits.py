"""Reads on audits: the programme (filtered by year, status and type, sorted, exported through core.listing),
an audit's page and report (its checklist with the findings and the non-conformities they opened)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.quality.models import Audit, AuditItem, FindingResult, NonConformity

SORTS = {"date": ["planned_on"], "intitule": [french("title")], "type": ["kind"], "statut": ["status"]}
DEFAULT_SORT = "date"


def filter_audits(data: dict):
    audits = Audit.objects.all()
    if data.get("annee"):
        audits = audits.filter(planned_on__year=data["annee"])
    for key, field in (("statut", "status"), ("type", "kind")):
        if data.get(key):
            audits = audits.filter(**{field: data[key]})
    if q := (data.get("q") or "").strip():
        audits = audits.filter(Q(title__icontains=q) | Q(scope__icontains=q) | Q(auditees__icontains=q))
    return audits


def with_list_relations(audits):
    counts = {
        f"n_{r.value}": Count("items", filter=Q(items__result=r.value))
        for r in FindingResult  # conform, observation, minor, major
    }
    return audits.select_related("lead").annotate(n_items=Count("items"), **counts)


def _person(user) -> str:
    return user.get_full_name() or user.username


EXPORT_COLUMNS = [
    Column("Référence", lambda a: a.reference),
    Column("Prévu le", lambda a: a.planned_on),
    Column("Réalisé le", lambda a: a.performed_on),
    Column("Intitulé", lambda a: a.title),
    Column("Type", lambda a: a.get_kind_display()),
    Column("Statut", lambda a: a.get_status_display()),
    Column("Auditeur responsable", lambda a: _person(a.lead)),
    Column("Questions", lambda a: a.n_items),
    Column("Conformes", lambda a: a.n_conform),
    Column("Observations", lambda a: a.n_observation),
    Column("NC mineures", lambda a: a.n_minor),
    Column("NC majeures", lambda a: a.n_major),
]


def export_rows(audits):
    return with_list_relations(audits).iterator(chunk_size=500)


def audit_detail(pk: int) -> Audit:
    return Audit.objects.select_related("lead").get(pk=pk)


def items(audit: Audit) -> list[AuditItem]:
    ncs = Prefetch("nonconformities", queryset=NonConformity.objects.order_by("pk"))
    return list(audit.items.prefetch_related(ncs).order_by("position", "pk"))


def summary(rows: list[AuditItem]) -> list[tuple[str, str, int]]:
    return [(r.value, r.label, sum(1 for row in rows if row.result == r.value)) for r in FindingResult]


def years() -> list[int]:
    return sorted({d.year for d in Audit.objects.dates("planned_on", "year")}, reverse=True)
