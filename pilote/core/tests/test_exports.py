"""The one export path (core.listing.export_response): cells a spreadsheet would evaluate are made inert
in every spreadsheet format while numbers and dates stay typed; values of any type are written (the
audit log's XLSX failed on its JSON changes); a PDF too long says so in French and offers the XLSX."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core import audit
from pilote.core.listing import Column, export_response, inert_text, spreadsheet_cell
from pilote.core.tests.exports import HOSTILE, csv_cells, live_cells, xlsx_cells

pytestmark = pytest.mark.django_db

COLUMNS = [
    Column("Nom", lambda r: r["name"]),
    Column("Montant", lambda r: r["amount"]),
    Column("Date", lambda r: r["date"]),
    Column("Détail", lambda r: r["detail"]),
]


def _rows():
    return [
        {"name": text, "amount": Decimal("-1234.56"), "date": dt.date(2026, 11, 24), "detail": {"a": text}}
        for text in HOSTILE
    ]


def test_inert_text_quotes_what_would_start_a_formula_only():
    for text in HOSTILE:
        assert spreadsheet_cell(text).startswith("'"), repr(text)
    for text in ["Alpha", "Café =", "1+1", "-12,50", "-1 234,56", "+33", "", "O'Neil", "- "[1:]]:
        assert inert_text(text) == text, repr(text)
    assert inert_text("- remise") == "'- remise"  # text, not a number: Excel would read a formula
    # Typed values stay typed; a control character is dropped before the check, not after.
    assert spreadsheet_cell(Decimal("-5.20")) == Decimal("-5.20") and spreadsheet_cell(-3) == -3
    assert spreadsheet_cell(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert spreadsheet_cell("\x01=1+1") == "'=1+1"
    assert spreadsheet_cell(Decimal("NaN")) is None and spreadsheet_cell(float("inf")) is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hostile_text_is_inert_and_numbers_stay_numbers(fmt, structure):
    response = export_response(_rows(), COLUMNS, "essai", fmt)
    rows = csv_cells(response) if fmt == "csv" else xlsx_cells(response)
    assert live_cells(rows) == []
    header, *lines = rows
    assert len(lines) == len(HOSTILE)
    assert lines[0][0] == "'" + HOSTILE[0]  # shown as typed, with the quote that keeps it text
    if fmt == "csv":
        assert lines[0][1:3] == ["-1234,56", "24/11/2026"]
    else:
        assert lines[0][1] == -1234.56 and lines[0][2] == dt.datetime(2026, 11, 24)


def test_xlsx_is_streamed_from_a_temporary_file(structure):
    response = export_response(_rows(), COLUMNS, "essai", "xlsx")
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="essai-')


def test_xlsx_dates_are_shown_in_french(structure):
    """openpyxl writes a date's cell as 2026-11-24 (ISO): each is formatted 24/11/2026, a time to the minute."""
    import io

    from openpyxl import load_workbook

    rows = [
        {"name": "a", "amount": Decimal(1), "date": dt.date(2026, 11, 24), "detail": dt.datetime(2026, 11, 24, 9, 5)}
    ]
    response = export_response(rows, COLUMNS, "essai", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    day, moment = sheet["C2"], sheet["D2"]
    assert day.value == dt.datetime(2026, 11, 24) and day.number_format == "DD/MM/YYYY"
    assert moment.value == dt.datetime(2026, 11, 24, 9, 5) and moment.number_format == "DD/MM/YYYY HH:MM"


def test_every_kind_of_value_is_written(structure):
    """The audit log's XLSX answered 500 on its JSON `before`/`after`: openpyxl writes numbers, text and
    dates only. Dicts, lists, lazy strings, enums and control characters go out as text in every format."""
    from django.utils.translation import gettext_lazy

    from pilote.core.roles import Role

    values = [{"id": 1, "name": "=1+1"}, ["a", 2], gettext_lazy("Oui"), Role.DIRECTION, "a\x00b\x1f", "é" * 40_000]
    columns = [Column(str(i), lambda r, i=i: r[i]) for i in range(len(values))]
    for fmt in ("csv", "xlsx", "pdf"):
        response = export_response([values], columns, "valeurs", fmt)
        assert response.status_code == 200
        response.getvalue()


def test_the_audit_log_exports_its_changes_in_french(client_as, personas):
    audit.record(personas["direction"], "core.structure.updated", None, before={"name": "=A"}, after={"name": "B"})
    response = client_as("direction").get(reverse("core:audit-log"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = xlsx_cells(response)
    assert live_cells(rows) == []
    assert ["name : =A", "name : B"] in [row[-2:] for row in rows[1:]]  # as the page shows them


def test_a_pdf_too_long_says_so_and_offers_the_xlsx(client_as, personas, settings):
    settings.PILOTE_PDF_MAX_ROWS = 2
    for n in range(3):
        audit.record(personas["direction"], "core.structure.updated", None, before={"n": n}, after={"n": n + 1})
    client = client_as("direction")
    response = client.get(reverse("core:audit-log"), {"action": "", "export": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "plus de 2 lignes" in page and "n'a pas été produit" in page
    assert 'href="/journal-audit/?action=&amp;export=xlsx"' in page
    assert 'href="/journal-audit/?action=' in page  # back to the list
    assert client.get(reverse("core:audit-log"), {"export": "xlsx"}).status_code == 200
    settings.PILOTE_PDF_MAX_ROWS = 1000
    response = client.get(reverse("core:audit-log"), {"export": "pdf"})
    assert response["Content-Type"] == "application/pdf"


def test_a_too_long_export_reached_by_its_path_offers_the_other_formats(client_as, settings):
    from pilote.contacts.models import Contact

    settings.PILOTE_PDF_MAX_ROWS = 1
    for name in ("Alpha", "Beta"):
        Contact.objects.create(name=name)
    response = client_as("direction").get(reverse("contacts:export", args=["pdf"]), {"q": "a"})
    page = response.content.decode()
    assert response.status_code == 200 and "plus de 1 ligne" in page
    assert f'href="{reverse("contacts:export", args=["xlsx"])}?q=a"' in page


def test_the_e_reporting_csv_writes_the_same_inert_cells(monkeypatch):
    """The flux 10 CSV (a copy for the accountant beside the XML) writes buyers' names: through csv_text."""
    from pilote.ereporting import flux10

    monkeypatch.setattr(flux10, "csv_rows", lambda data: [[text, "-12,50", "1"] for text in HOSTILE])
    rows = csv_cells(flux10.write_csv(None))
    assert live_cells(rows) == [] and rows[1][1] == "-12,50"


def test_an_xlsx_too_long_offers_the_csv(client_as, personas, settings):
    """openpyxl writes about a thousand rows a second: a list longer than PILOTE_XLSX_MAX_ROWS would run
    past the server's timeout, so the page offers the streamed CSV (counted first for a queryset)."""
    settings.PILOTE_XLSX_MAX_ROWS = 2
    for n in range(3):
        audit.record(personas["direction"], "core.structure.updated", None, before={"n": n}, after={"n": n + 1})
    client = client_as("direction")
    response = client.get(reverse("core:audit-log"), {"export": "xlsx"})
    page = response.content.decode()
    assert response.status_code == 200 and "plus de 2 lignes" in page and "n'a pas été produit" in page
    assert 'href="/journal-audit/?export=csv"' in page and "export=xlsx" not in page
    assert client.get(reverse("core:audit-log"), {"export": "csv"}).status_code == 200
    users = client.get(reverse("core:user-list"), {"export": "xlsx"})  # a queryset: refused before writing
    assert "plus de 2 lignes" in users.content.decode()
