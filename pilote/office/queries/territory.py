"""Reads on the territorial needs studies: the filtered list (sorts, exports) and a study with its analysis
(areas, sources, indicators with their values, findings: five queries whatever the study's size)."""

from __future__ import annotations

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.office import territory
from pilote.office.models import IndicatorValue, NeedsStudy
from pilote.office.queries.bookings import person

SORTS = {
    "date": ["carried_out_on", "id"],
    "intitule": [french("title"), "id"],
    "territoire": [french("territory"), "id"],
}
DEFAULT_SORT = "-date"


def filter_studies(data: dict):
    studies = NeedsStudy.objects.select_related("author").annotate(
        indicator_count=Count("indicators", distinct=True), finding_count=Count("findings", distinct=True)
    )
    if q := (data.get("q") or "").strip():
        studies = studies.filter(Q(title__icontains=q) | Q(territory__icontains=q) | Q(population__icontains=q))
    if data.get("etat"):
        studies = studies.filter(status=data["etat"])
    return studies


def study_parts(study: NeedsStudy) -> dict:
    areas = list(study.areas.all())
    sources = list(study.sources.all())
    indicators = list(study.indicators.select_related("source").prefetch_related("values"))
    values = {(v.indicator_id, v.area_id): v.value for v in IndicatorValue.objects.filter(indicator__study=study)}
    return {
        "areas": areas,
        "sources": sources,
        "indicators": indicators,
        "findings": list(study.findings.all()),
        "analysis": territory.analyse(areas, indicators, values, study.threshold),
    }


EXPORT_COLUMNS = [
    Column("Intitulé", lambda s: s.title),
    Column("Territoire", lambda s: s.territory),
    Column("Public", lambda s: s.population),
    Column("Date", lambda s: s.carried_out_on),
    Column("État", lambda s: s.get_status_display()),
    Column("Indicateurs", lambda s: s.indicator_count),
    Column("Constats", lambda s: s.finding_count),
    Column("Rédigée par", lambda s: person(s.author)),
]
