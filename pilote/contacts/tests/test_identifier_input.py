"""A contact's identifiers typed or imported in their printed forms (spaces, dots, dashes) are accepted and
stored compact: the contact form, the API, the CSV import and the search."""

import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.contacts.importer import parse_contacts_csv
from pilote.contacts.models import Contact
from pilote.contacts.tests.test_contact_records import VALID
from pilote.core import services

SPACED = {
    "siren": "912 345 675",
    "siret": "912.345.675.00017",
    "vat_number": "FR 65 912-345-675",
    "iban": "FR76 3000 4000 0100 0123 4567 830",
}
COMPACT = {
    "siren": "912345675",
    "siret": "91234567500017",
    "vat_number": "FR65912345675",
    "iban": "FR7630004000010001234567830",
}


def _identifiers(contact) -> dict:
    return {key: getattr(contact, key) for key in COMPACT}


def test_contact_form_takes_the_printed_forms_and_shows_them_back(client_as):
    client = client_as("commercial")
    form = client.get(reverse("contacts:create")).content.decode()
    assert 'maxlength="9"' not in form and 'maxlength="14"' not in form
    response = client.post(reverse("contacts:create"), {**VALID, **SPACED})
    assert response.status_code == 302, html.unescape(response.content.decode())
    contact = Contact.objects.get()
    assert _identifiers(contact) == COMPACT
    assert contact.bic.startswith("BNPAFRPP")
    edit = client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert 'value="912 345 675"' in edit and 'value="FR76 3000 4000 0100 0123 4567 830"' in edit
    refused = client.post(reverse("contacts:create"), {**VALID, "name": "B", "siret": "912 345 675 00018"})
    assert "clé de contrôle" in html.unescape(refused.content.decode()) and Contact.objects.count() == 1


def test_api_takes_the_printed_forms(client, personas):
    _, key = services.create_api_token(actor=personas["commercial"], name="test")
    body = {"name": "Garage", "is_customer": True, **SPACED}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post("/api/v1/contacts", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in COMPACT} == COMPACT


def test_csv_import_takes_the_printed_forms(client_as):
    text = (
        "Nom;Rôles;SIREN;SIRET;TVA;IBAN\n"
        "Garage des Alpes;client;912 345 675;912.345.675.00017;FR 65 912-345-675;FR76-3000-4000-0100-0123-4567-830\n"
    )
    report = parse_contacts_csv(text.encode())
    assert report.is_valid, [line.errors for line in report.lines]
    assert {k: report.lines[0].values[k] for k in COMPACT} == COMPACT
    client = client_as("assistant")
    file = SimpleUploadedFile("contacts.csv", text.encode(), content_type="text/csv")
    token = client.post(reverse("contacts:import"), {"file": file}).context["token"]
    client.post(reverse("contacts:import-confirm"), {"token": token})
    assert _identifiers(Contact.objects.get()) == COMPACT


def test_search_finds_a_siren_typed_spaced_or_dotted(client_as):
    Contact.objects.create(name="Garage des Alpes", is_customer=True, siren="912345675", siret="91234567500017")
    Contact.objects.create(name="Autre", is_customer=True, siren="732829320")
    client = client_as("commercial")
    for typed in ("912 345 675", "912.345.675", "912 345 675 00017"):
        page = client.get(reverse("contacts:list"), {"q": typed})
        assert [c.name for c in page.context["page"]] == ["Garage des Alpes"], typed


def test_contact_form_takes_the_tax_numbers_of_businesses_outside_the_eu(client_as):
    """Issue 9, point 1: a Swiss « CHE-107.787.577 TVA » and a US EIN are accepted (python-stdnum's ch.vat and
    us.tin for the contact's country) and shown back in their printed form; a wrong Swiss check digit is not."""
    client = client_as("commercial")
    foreign = {**VALID, "siret": "", "postal_code": "8001", "city": "Zürich"}
    swiss = {**foreign, "name": "Uhrwerk AG", "country": "CH", "vat_number": "CHE-107.787.577 TVA"}
    response = client.post(reverse("contacts:create"), swiss)
    assert response.status_code == 302, html.unescape(response.content.decode())
    contact = Contact.objects.get(name="Uhrwerk AG")
    assert contact.vat_number == "CHE107787577TVA"
    edit = client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert 'value="CHE-107.787.577 TVA"' in edit
    detail = html.unescape(client.get(reverse("contacts:detail", args=[contact.pk])).content.decode())
    assert "<dt>N° TVA / fiscal</dt><dd>CHE-107.787.577 TVA</dd>" in detail
    american = {**foreign, "name": "Acme Tools Inc", "country": "US", "vat_number": "04-2103594"}
    assert client.post(reverse("contacts:create"), american).status_code == 302
    assert Contact.objects.get(name="Acme Tools Inc").vat_number == "042103594"
    wrong = {**foreign, "name": "Faux AG", "country": "CH", "vat_number": "CHE-107.787.578 TVA"}
    refused = html.unescape(client.post(reverse("contacts:create"), wrong).content.decode())
    assert "n° IDE/TVA suisse" in refused and not Contact.objects.filter(name="Faux AG").exists()
