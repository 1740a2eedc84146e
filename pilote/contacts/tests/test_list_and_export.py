import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pilote.contacts.models import Contact, ContactPerson, Tag


@pytest.fixture
def many(db):
    tag = Tag.objects.create(name="BTP")
    contacts = Contact.objects.bulk_create(
        Contact(
            name=f"Société {i:03d}",
            city="Lyon" if i % 2 else "Grenoble",
            postal_code="69001" if i % 2 else "38000",
            is_customer=i % 3 != 0,
            is_supplier=i % 3 == 0,
        )
        for i in range(120)
    )
    for contact in contacts[:10]:
        contact.tags.add(tag)
    return contacts


def _names(response):
    return [c.name for c in response.context["page"]]


def test_list_is_paginated_sorted_and_filtered(client_as, many):
    client = client_as("commercial")
    first = client.get(reverse("contacts:list"))
    assert _names(first)[:2] == ["Société 000", "Société 001"]
    assert first.context["page"].paginator.count == 120
    assert len(_names(first)) == 50
    assert _names(client.get(reverse("contacts:list"), {"tri": "-nom"}))[0] == "Société 119"
    suppliers = client.get(reverse("contacts:list"), {"role": "is_supplier"})
    assert suppliers.context["page"].paginator.count == 40
    isere = client.get(reverse("contacts:list"), {"departement": "38"})
    assert isere.context["page"].paginator.count == 60
    tagged = client.get(reverse("contacts:list"), {"tag": Tag.objects.get().pk})
    assert tagged.context["page"].paginator.count == 10
    found = client.get(reverse("contacts:list"), {"q": "société 04"})
    assert _names(found) == [f"Société 04{i}" for i in range(10)]


def test_search_finds_contact_persons_and_siren(client_as, many):
    client = client_as("commercial")
    ContactPerson.objects.create(contact=many[5], last_name="Zébulon")
    Contact.objects.filter(pk=many[7].pk).update(siren="912345675")
    assert _names(client.get(reverse("contacts:list"), {"q": "zébulon"})) == ["Société 005"]
    assert _names(client.get(reverse("contacts:list"), {"q": "912 345"})) == ["Société 007"]


def test_bad_filter_value_gets_a_french_message(client_as, many):
    response = client_as("commercial").get(reverse("contacts:list"), {"departement": "Lyon"})
    assert "Département : 2 ou 3 chiffres" in response.content.decode()


def test_list_query_count_does_not_grow_with_data(client_as, many):
    client = client_as("commercial")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("contacts:list"))
    Contact.objects.bulk_create(Contact(name=f"Autre {i}", is_customer=True) for i in range(300))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("contacts:list"), {"page": 3})
    assert len(large) == len(small)
    assert len(small) <= 8


def test_htmx_filter_returns_only_the_results_fragment(client_as, many):
    response = client_as("commercial").get(reverse("contacts:list"), {"q": "Société"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Société 000" in response.content.decode()


def test_csv_export_follows_filters_in_french_format(client_as, many):
    response = client_as("comptable").get(reverse("contacts:export", args=["csv"]), {"role": "is_supplier"})
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Type", "Nom", "Prénom"]
    assert len(rows) == 1 + 40
    assert {row[5] for row in rows[1:]} == {"oui"}  # Fournisseur column
    assert all(row[3] == "non" for row in rows[1:])  # suppliers only, not customers here


def test_xlsx_export_has_every_row(client_as, many):
    response = client_as("direction").get(reverse("contacts:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Nom"
    assert len(rows) == 121
    tagged = [r for r in rows[1:] if r[21]]
    assert len(tagged) == 10 and tagged[0][21] == "BTP"


def test_unknown_export_format_is_404_and_pdf_is_a_pdf(client_as, many):
    client = client_as("direction")
    assert client.get(reverse("contacts:export", args=["odt"])).status_code == 404
    assert client.get(reverse("contacts:export", args=["pdf"])).content.startswith(b"%PDF")


def test_global_search_dropdown_and_page(client_as, many):
    client = client_as("assistant")
    fragment = client.get(reverse("core:search"), {"q": "Société 01"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count("/contacts/") >= 5 and "<html" not in fragment
    page = client.get(reverse("core:search"), {"q": "Société 01"}).content.decode()
    assert "Société 019" in page
    assert "Aucun résultat" in client.get(reverse("core:search"), {"q": "introuvable"}).content.decode()
