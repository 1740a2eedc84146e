"""The opportunity list: filters, sorting, pagination, CSV/XLSX/PDF exports, bounded queries."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


def _titles(response):
    return [o.title for o in response.context["page"]]


def test_list_is_paginated_sorted_and_filtered(client_as, make_opportunities, personas):
    make_opportunities(120)
    client = client_as("commercial")
    url = reverse("pipeline:list")
    first = client.get(url)
    assert first.context["page"].paginator.count == 120 and len(_titles(first)) == 50
    assert _titles(first)[:2] == ["Affaire 000", "Affaire 001"]  # soonest closing date first
    assert _titles(client.get(url, {"tri": "-montant"}))[0] == "Affaire 119"
    assert client.get(url, {"etape": "perdue"}).context["page"].paginator.count == 20
    assert client.get(url, {"etape": "ouvertes"}).context["page"].paginator.count == 80
    mine = client.get(url, {"responsable": personas["commercial"].pk})
    assert mine.context["page"].paginator.count == 60
    found = client.get(url, {"q": "affaire 04"})
    assert _titles(found) == [f"Affaire 04{i}" for i in range(10)]
    today = local_today()  # the opportunities close from today on, one a day
    window = client.get(url, {"du": today + dt.timedelta(days=3), "au": today + dt.timedelta(days=7)})
    assert _titles(window) == [f"Affaire 00{i}" for i in range(3, 8)]
    by_stage = _titles(client.get(url, {"tri": "etape"}))
    assert by_stage[:3] == ["Affaire 000", "Affaire 006", "Affaire 012"]  # « nouvelle » first


def test_overdue_period_and_bad_dates_get_french_messages(client_as, make_opportunities):
    make_opportunities(12)
    client = client_as("commercial")
    overdue = client.get(reverse("pipeline:list"), {"periode": "retard"})
    today = local_today()
    assert all(o.expected_close_date < today and o.is_open for o in overdue.context["page"])
    bad = client.get(reverse("pipeline:list"), {"du": "2026-02-30"}).content.decode()
    assert "Saisissez une date valide." in bad
    reversed_period = client.get(reverse("pipeline:list"), {"du": "2026-12-01", "au": "2026-11-01"}).content.decode()
    assert "La fin de la période précède son début." in reversed_period


def test_htmx_filter_returns_only_the_results(client_as, make_opportunities):
    make_opportunities(5)
    response = client_as("assistant").get(reverse("pipeline:list"), {"q": "Affaire"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Affaire 004" in page


def test_csv_export_follows_the_filters_in_french_format(client_as, make_opportunities):
    make_opportunities(30)
    response = client_as("auditeur").get(reverse("pipeline:export", args=["csv"]), {"etape": "gagnee"})
    assert response["Content-Disposition"].startswith('attachment; filename="opportunites-')
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Intitulé", "Contact", "Étape", "Montant HT"]
    assert len(rows) == 1 + 5 and {r[2] for r in rows[1:]} == {"Gagnée"}
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Intitulé"], first["Montant HT"], first["Probabilité %"]) == ("Affaire 004", "1004,00", "100")


def test_xlsx_and_pdf_exports(client_as, make_opportunities):
    make_opportunities(14)
    client = client_as("direction")
    sheet = load_workbook(io.BytesIO(client.get(reverse("pipeline:export", args=["xlsx"])).getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Intitulé" and len(rows) == 15
    assert client.get(reverse("pipeline:export", args=["pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("pipeline:export", args=["odt"])).status_code == 404
    assert client_as("comptable").get(reverse("pipeline:export", args=["csv"])).status_code == 403


@pytest.mark.parametrize("count", [10, 200])
def test_list_query_count_does_not_grow(client_as, make_opportunities, django_assert_max_num_queries, count):
    make_opportunities(count)
    client = client_as("commercial")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("pipeline:list"), {"page": 2 if count > 50 else 1, "tri": "etape"})
    assert response.status_code == 200
