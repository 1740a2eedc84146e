"""Lists: sorting from `?tri=`, pagination, the words filter, and CSV/XLSX export of the filtered rows.

A list page runs a bounded number of queries whatever the data size: one count, one page of rows,
plus the prefetches the caller declares — and each reads a bounded number of rows whatever the words typed:
the words filter takes 3 characters or more (`WordsField`), the count stops at `keyset.COUNT_LIMIT` (« plus de
10 000 ») and the totals of a longer selection are not computed (`totals_within`). Exports stay complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

# Columns and cells live in pilote.lib.cells (no Django); the exports use them from here.
from pilote.lib.cells import (  # noqa: F401 - re-exported
    CONTROL_STARTS,
    FORMULA_STARTS,
    ILLEGAL_CHARACTERS,
    NUMBER_TEXT,
    Column,
    csv_text,
    inert_text,
    spreadsheet_cell,
    typed_cell,
)

EXPORT_FORMATS = {"csv", "xlsx", "pdf"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


WORDS_MIN = 3  # characters of a list's words filter (no index serves fewer)


def words_refusal(words: str, label: str = "Recherche", hint: str = "") -> str | None:
    """Why the words cannot filter a list, in French, or None. One or two characters are in nearly every number,
    name or label: no index (trigram or other) serves them, and the list read every row of its table for each
    keystroke — its count and its totals over 100 000 invoices, 0.4 to 0.7 s, whatever the result. The one rule
    of every list's words (pages: `WordsField`; API: `pilote.api.base.Words`)."""
    words = (words or "").strip()
    if words and len(words) < WORDS_MIN:
        return f"{label} : saisissez au moins {WORDS_MIN} caractères" + (f" ({hint})" if hint else "") + "."
    return None


class WordsField(forms.CharField):
    """The words filter (`q`) of a list: refused under 3 characters with `words_refusal`'s message under the
    field; the list's other valid filters still apply (`filter_data`)."""

    def __init__(self, *, label: str = "Recherche", hint: str = "", search: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        if search:
            kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(label=label, **kwargs)
        self.hint = hint

    def validate(self, value):
        super().validate(value)
        refusal = words_refusal(value, str(self.label), self.hint)
        if refusal:
            raise forms.ValidationError(refusal, code="words")


def filter_data(form) -> dict:
    """The valid filters of a list's filter form: a refused one (words too short, a bad date) shows its French
    message under its field and is left out alone — the others still filter the list."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


class BoundedPaginator(Paginator):
    """A paginator whose count stops at `keyset.COUNT_LIMIT` (10 000): one COUNT over at most that many rows + 1
    of the filter, never every row a loose filter matches. `more` says there were more (« plus de 10 000 »); the
    pages then go up to the bound (OFFSET at most the bound, a bounded read). A list (rows already in memory)
    is counted exactly."""

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        from pilote.core import keyset

        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows), False
        limit = keyset.COUNT_LIMIT
        plain = rows.query.group_by is None and not rows.query.values_select and not rows.query.distinct_fields
        found = (rows.order_by().values("pk") if plain else rows.order_by())[: limit + 1].count()
        return min(found, limit), found > limit

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def more(self) -> bool:
        return self._bounded[1]


def paginate(request, queryset, per_page: int = 50):
    """A page of the rows (`?page=`), its count bounded (`BoundedPaginator`: `page.paginator.more`)."""
    paginator = BoundedPaginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def totals_within(page, totals: Callable[[], object]):
    """The totals of a list's selection, computed (one aggregate over it) only when its count is within the bound;
    over it, None — the page says « affinez le filtre pour voir les totaux » instead of summing 100 000 rows."""
    return None if page.paginator.more else totals()


class _Echo:
    def write(self, value):
        return value


XLSX_MAX_TEXT = 32_767  # characters in one cell
XLSX_MAX_ROWS = 1_048_576  # rows in one sheet, header included


def _xlsx_cell(value):
    value = spreadsheet_cell(value)
    if isinstance(value, str) and len(value) > XLSX_MAX_TEXT:
        return value[: XLSX_MAX_TEXT - 1] + "…"
    return value


def _xlsx_dated(sheet, value):
    """A date shown 24/11/2026 (a time 24/11/2026 14:05) in the spreadsheet: openpyxl formats it 2026-11-24.
    Only dates get a cell object of their own; other values are appended bare (the cheap path)."""
    if isinstance(value, dt.date):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY HH:MM" if isinstance(value, dt.datetime) else "DD/MM/YYYY"
        return cell
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


def _streamed(rows: Iterable) -> Iterable:
    """A queryset read in chunks (`iterator`), never held whole: iterating a queryset fills its cache with every row
    (the invoices' CSV at 102,000 invoices held 1.2 GB). Other rows as they are."""
    return rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows


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
        rows = _streamed(rows)
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
    try:
        for row in rows:
            sheet.append([_xlsx_dated(sheet, _xlsx_cell(c.value(row))) for c in columns])
    finally:
        _close(rows)
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
        response = _csv_response(_streamed(rows), columns)
    elif fmt == "xlsx":
        response = _xlsx_response(rows, columns, basename, title or basename)
    elif fmt == "pdf":
        response = _pdf_response(_streamed(rows), columns, basename, title, subtitle)
    else:
        raise ValueError(f"Unknown export format {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
