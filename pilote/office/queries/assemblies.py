"""Reads on general assemblies: the filtered list (sorts, exports) and an assembly's roll with its proxies."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.office.models import Assembly

SORTS = {"date": ["starts_at", "id"], "intitule": [french("title"), "id"]}
DEFAULT_SORT = "-date"


def filter_assemblies(data: dict):
    assemblies = Assembly.objects.annotate(
        member_count=Count("members", distinct=True), resolution_count=Count("resolutions", distinct=True)
    )
    if q := (data.get("q") or "").strip():
        assemblies = assemblies.filter(Q(title__icontains=q) | Q(agenda__icontains=q))
    if data.get("instance"):
        assemblies = assemblies.filter(kind=data["instance"])
    return assemblies


EXPORT_COLUMNS = [
    Column("Intitulé", lambda a: a.title),
    Column("Instance", lambda a: a.get_kind_display()),
    Column("Date", lambda a: f"{timezone.localtime(a.starts_at):%d/%m/%Y %H:%M}"),
    Column("Lieu", lambda a: a.place),
    Column("État", lambda a: a.get_status_display()),
    Column("Membres convoqués", lambda a: a.member_count),
    Column("Résolutions", lambda a: a.resolution_count),
]
