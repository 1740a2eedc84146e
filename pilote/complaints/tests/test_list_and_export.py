"""The list: filters, sorting, pagination, indicators on top, CSV/XLSX/PDF export of the filtered rows, and
a number of queries that does not grow with the data."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.complaints.models import Complaint
from pilote.contacts.models import Contact

CATEGORIES = ["quality", "late_delivery", "billing", "service", "damaged", "other"]
SEVERITIES = ["minor", "major", "critical"]


def _bulk(customers, count, start=0, assignee=None):
    Complaint.objects.bulk_create(
        Complaint(
            customer=customers[i % len(customers)],
            received_on=dt.date(2026, 1, 1) + dt.timedelta(days=i % 200),
            answer_due=dt.date(2026, 1, 1) + dt.timedelta(days=i % 200 + 7),
            category=CATEGORIES[i % 6],
            severity=SEVERITIES[i % 3],
            subject=f"Réclamation {i:03d}",
            assignee=assignee if i % 2 else None,
            status="closed" if i % 5 == 0 else "new",
            resolution="unfounded" if i % 5 == 0 else "",
            closed_on=dt.date(2026, 8, 1) if i % 5 == 0 else None,
        )
        for i in range(start, start + count)
    )


@pytest.fixture
def many(customers, personas):
    _bulk(list(customers.values()), 120, assignee=personas["assistant"])


def _subjects(response):
    return [c.subject for c in response.context["page"]]


def test_filters_sort_and_pagination(client_as, many, customers, personas):
    client = client_as("commercial")
    first = client.get(reverse("complaints:list"))
    assert first.context["page"].paginator.count == 120 and len(_subjects(first)) == 50
    by_subject = client.get(reverse("complaints:list"), {"tri": "objet"})
    assert _subjects(by_subject)[:2] == ["Réclamation 000", "Réclamation 001"]
    count = lambda **params: client.get(reverse("complaints:list"), params).context["page"].paginator.count  # noqa: E731
    assert count(categorie="billing") == 20
    assert count(gravite="critical") == 40
    assert count(statut="closed") == 24 and count(statut="ouvertes") == 96
    assert count(responsable=personas["assistant"].pk) == 60 and count(responsable="aucun") == 60
    assert count(client=customers["garage"].pk) == 40
    assert count(du="2026-01-01", au="2026-01-10") == 10
    assert count(q="Réclamation 11") == 10
    seventh = Complaint.objects.order_by("pk")[7]
    assert count(q=seventh.reference) == 1
    critical_first = client.get(reverse("complaints:list"), {"tri": "-gravite"})
    severities = [c.severity for c in critical_first.context["page"]]
    assert set(severities[:40]) == {"critical"} and set(severities[40:]) == {"major"}


def test_overdue_filter_and_badge(client_as, many):
    client = client_as("commercial")
    response = client.get(reverse("complaints:list"), {"statut": "en_retard"})
    # Unanswered, not closed and past their deadline (every bulk deadline is before today, 2026-11-24 or later).
    assert response.context["page"].paginator.count == 96
    assert "en retard" in response.content.decode()


def test_indicators_on_top_of_the_list(client_as, many):
    page = client_as("auditeur").get(reverse("complaints:list"), {"du": "2026-01-01", "au": "2026-01-31"})
    figures = page.context["figures"]
    assert figures.received == 31
    assert "Par catégorie" in page.content.decode() and "<svg" in page.content.decode()


def test_htmx_returns_only_the_results(client_as, many):
    response = client_as("commercial").get(reverse("complaints:list"), {"q": "Réclamation"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Réclamation 119" in page  # the latest received first


def test_csv_export_of_the_filtered_rows(client_as, many):
    response = client_as("auditeur").get(reverse("complaints:export", args=["csv"]), {"categorie": "billing"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Référence", "Reçue le", "Client", "Canal"]
    assert len(rows) == 21
    assert {row[4] for row in rows[1:]} == {"Erreur de facturation"}


def test_xlsx_and_pdf_exports(client_as, many):
    client = client_as("commercial")
    response = client.get(reverse("complaints:export", args=["xlsx"]), {"gravite": "critical"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 41 and sheet["A1"].value == "Référence"
    pdf = client.get(reverse("complaints:export", args=["pdf"]), {"categorie": "other"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("complaints:export", args=["doc"])).status_code == 404


@pytest.mark.parametrize("page", [1, 3])
def test_list_query_count_is_bounded(client_as, customers, personas, django_assert_max_num_queries, page):
    client = client_as("commercial")
    _bulk(list(customers.values()), 20, assignee=personas["assistant"])
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("complaints:list"))
    others = Contact.objects.bulk_create(Contact(name=f"Client {i}", is_customer=True) for i in range(40))
    _bulk(others, 400, start=20, assignee=personas["commercial"])
    with django_assert_max_num_queries(12) as large:
        response = client.get(reverse("complaints:list"), {"page": page, "tri": "client"})
    assert len(response.context["page"]) == 50
    assert len(large.captured_queries) == len(small.captured_queries)
