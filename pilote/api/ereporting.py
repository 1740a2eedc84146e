"""E-reporting over the API, as its pages show it: the periods of the structure's cadence with their transmission,
a period's data set checks, its flux 10 files (XML and CSV, as stored once transmitted), and « marquer comme
transmis » — through `ereporting.services`."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema
from ninja.params import functions as params

from pilote.api.base import PageNumber, PageSize, guarded, page_of
from pilote.core.exceptions import DomainError
from pilote.ereporting import datasets, services

router = Router(tags=["E-reporting"])
Flow = Annotated[Literal["transactions", "paiements"], params.Path(..., description="transactions ou paiements")]
PeriodStart = Annotated[
    dt.date, params.Path(..., ge=dt.date(1900, 1, 1), le=dt.date(2199, 12, 31), description="début de la période")
]


class TransmissionOut(Schema):
    file_name: str
    sha256: str
    connector: str
    receipt: str
    transmitted_at: dt.datetime
    transmitted_by_name: str


class PeriodOut(Schema):
    flow: str
    start: dt.date
    end: dt.date
    in_progress: bool
    transmission: TransmissionOut | None


class CheckOut(Schema):
    label: str
    expected: Decimal
    found: Decimal
    agrees: bool


class PeriodDetailOut(PeriodOut):
    file_name: str
    domestic_count: int
    is_empty: bool
    agrees: bool
    checks: list[CheckOut]
    can_transmit: bool


class PeriodPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PeriodOut]


class PeriodFilters(Schema):
    page: PageNumber = 1
    taille: PageSize = 50


def _row(row) -> dict:
    return {"flow": row.period.flow, "start": row.period.start, "end": row.period.end,
            "in_progress": row.in_progress, "transmission": row.transmission}  # fmt: skip


def _period(request, flow: str, start: dt.date):
    try:
        return services.resolve_period(request.structure, flow, start.isoformat())
    except DomainError as exc:
        raise Http404(exc.message) from None


@guarded(router, "GET", "/e-reporting/periodes", "ereporting.view", response=PeriodPage)
def list_periods(request, filters: Query[PeriodFilters]):
    """Every period from the first operation to today, the most recent first, with its transmission."""
    page = page_of(services.period_rows(request.structure), filters)
    return {**page, "results": [_row(row) for row in page["results"]]}


@guarded(router, "GET", "/e-reporting/periodes/{flow}/{start}", "ereporting.view", response=PeriodDetailOut)
def get_period(request, flow: Flow, start: PeriodStart):
    """The period's data set: its checks against the sales figures, whether it may be transmitted."""
    from pilote.lib.dates import local_today

    period = _period(request, flow, start)
    files = services.files(request.structure, period)
    data = datasets.build(period)
    return {"flow": period.flow, "start": period.start, "end": period.end, "in_progress": period.end >= local_today(),
            "transmission": files.transmission, "file_name": files.name, "domestic_count": data.domestic_count,
            "is_empty": data.is_empty, "agrees": data.agrees,
            "checks": [{"label": c.label, "expected": c.expected, "found": c.found, "agrees": c.agrees}
                       for c in data.checks],
            "can_transmit": files.transmission is None and period.end < local_today()}  # fmt: skip


@guarded(router, "GET", "/e-reporting/periodes/{flow}/{start}/fichier", "ereporting.view")
def get_period_file(request, flow: Flow, start: PeriodStart, format: Query[Literal["xml", "csv"]] = "xml"):  # noqa: A002
    """The period's flux 10 file (XML, or its CSV), byte for byte as transmitted once it is."""
    files = services.files(request.structure, _period(request, flow, start))
    if format == "xml":
        response = HttpResponse(files.xml, content_type="application/xml; charset=utf-8")
        name = files.name
    else:
        response = HttpResponse(files.csv, content_type="text/csv; charset=utf-8")
        name = files.name.removesuffix(".xml") + ".csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guarded(router, "POST", "/e-reporting/periodes/{flow}/{start}/transmission", "ereporting.transmit",
         response=PeriodDetailOut)  # fmt: skip
def transmit_period(request, flow: Flow, start: PeriodStart):
    """« Marquer comme transmis »: the files built once more, handed to the connector and kept (a period still
    running, already transmitted or whose totals disagree is refused, 409)."""
    services.mark_transmitted(actor=request.auth, structure=request.structure, period=_period(request, flow, start))
    return get_period(request, flow, start)
