"""Lists: sorting from `?tri=`, pagination, and CSV/XLSX export of the filtered rows.

A list page runs a bounded number of queries whatever the data size: one count, one page of rows,
plus the prefetches the caller declares.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from pilote.lib.formats import decimal_comma

EXPORT_FORMATS = {"csv", "xlsx", "pdf"}
PDF_MAX_ROWS = 20_000  # a PDF is built in memory: beyond this, CSV or XLSX
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


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _xlsx_cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def _pdf_cell(value) -> tuple[str, bool]:
    from pilote.lib.formats import format_number

    if isinstance(value, Decimal):
        return format_number(value), True
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), True
    return _csv_cell(value), False


def export_response(
    rows: Iterable, columns: list[Column], basename: str, fmt: str, title: str = "", subtitle: str = ""
):
    """CSV (';', UTF-8 with BOM, decimal comma — what French spreadsheets open) is streamed; XLSX is
    written in openpyxl's write-only mode so memory does not hold cell objects; PDF is an A4 landscape
    table with the structure's header and page numbers."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{basename}-{stamp}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

        def lines():
            # Rows go out in batches: one socket write per row would dominate a large export.
            batch = ["\ufeff" + writer.writerow([c.label for c in columns])]
            for row in rows:
                batch.append(writer.writerow([_csv_cell(c.value(row)) for c in columns]))
                if len(batch) >= 500:
                    yield "".join(batch)
                    batch = []
            yield "".join(batch)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(basename[:31])
        sheet.append([c.label for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(c.value(row)) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    elif fmt == "pdf":
        from pilote.core.models import Structure
        from pilote.core.pdf import render_pdf

        table = []
        for count, row in enumerate(rows):
            if count >= PDF_MAX_ROWS:
                break
            table.append([_pdf_cell(c.value(row)) for c in columns])
        context = {
            "title": title or basename,
            "subtitle": subtitle,
            "columns": [c.label for c in columns],
            "rows": table,
            "truncated": len(table) >= PDF_MAX_ROWS,
            "structure": Structure.objects.first(),
        }
        response = HttpResponse(render_pdf("pdf_table.html", context), content_type="application/pdf")
    else:
        raise ValueError(f"Unknown export format {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
