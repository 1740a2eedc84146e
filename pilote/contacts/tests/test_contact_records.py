import datetime as dt
import html

import pytest
from django.urls import reverse

from pilote.contacts.models import Contact, Interaction
from pilote.core.models import AuditEvent

VALID = {
    "kind": "organisation",
    "name": "Menuiserie Durand",
    "is_customer": "on",
    "siret": "91234567500017",
    "postal_code": "69003",
    "city": "Lyon",
    "country": "FR",
    "tags_text": "BTP, Salon 2026",
}


def test_create_customer_derives_siren_vat_and_tags(client_as):
    client = client_as("commercial")
    response = client.post(reverse("contacts:create"), VALID)
    contact = Contact.objects.get(name="Menuiserie Durand")
    assert response.status_code == 302
    assert contact.siren == "912345675"
    assert contact.is_customer and not contact.is_supplier
    assert sorted(t.name for t in contact.tags.all()) == ["BTP", "Salon 2026"]
    event = AuditEvent.objects.get(action="contacts.contact.created")
    assert event.actor.username == "commercial"
    assert event.after["siret"] == "91234567500017"


def test_invalid_siret_gets_french_error_and_writes_nothing(client_as):
    client = client_as("commercial")
    response = client.post(reverse("contacts:create"), {**VALID, "siret": "91234567500018"})
    assert response.status_code == 200
    assert "clé de contrôle est fausse" in response.content.decode()
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="contacts").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "123456789", "clé de contrôle"),
        ("vat_number", "FR00912345675", "TVA intracommunautaire invalide"),
        ("iban", "FR7630004000010001234567831", "IBAN invalide"),
        ("naf_code", "ABC", "NAF"),
    ],
)
def test_identifiers_are_checked(client_as, field, value, message):
    data = {**VALID, "siret": "", field: value}
    response = client_as("assistant").post(reverse("contacts:create"), data)
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_a_role_is_required(client_as):
    data = {k: v for k, v in VALID.items() if k != "is_customer"}
    response = client_as("commercial").post(reverse("contacts:create"), data)
    assert "Cochez au moins un rôle" in response.content.decode()


def test_duplicate_siret_is_refused_in_french(client_as):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), VALID)
    response = client.post(reverse("contacts:create"), {**VALID, "name": "Doublon"})
    assert "existe déjà" in response.content.decode()
    assert Contact.objects.count() == 1


def test_a_person_has_no_siren(client_as):
    data = {**VALID, "kind": "person", "first_name": "Léa"}
    response = client_as("commercial").post(reverse("contacts:create"), data)
    assert "Un particulier n'a ni SIREN ni SIRET" in html.unescape(response.content.decode())


def test_several_roles_at_once_and_edit_keeps_history(client_as):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), {**VALID, "is_supplier": "on"})
    contact = Contact.objects.get()
    assert contact.role_labels == ["Client", "Fournisseur"]
    client.post(reverse("contacts:edit", args=[contact.pk]), {**VALID, "is_supplier": "on", "city": "Villeurbanne"})
    contact.refresh_from_db()
    assert contact.city == "Villeurbanne"
    update = AuditEvent.objects.get(action="contacts.contact.updated")
    assert ("city", "Lyon", "Villeurbanne") in update.changed_fields


def test_archive_and_reactivate(client_as):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), VALID)
    contact = Contact.objects.get()
    client.post(reverse("contacts:archive", args=[contact.pk]))
    contact.refresh_from_db()
    assert not contact.is_active
    assert contact not in Contact.objects.filter(pk__in=[c.pk for c in _listed(client)])
    client.post(reverse("contacts:archive", args=[contact.pk]))
    contact.refresh_from_db()
    assert contact.is_active


def _listed(client, **params):
    return list(client.get(reverse("contacts:list"), params).context["page"])


def test_persons_and_delivery_addresses(client_as):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), VALID)
    contact = Contact.objects.get()
    client.post(
        reverse("contacts:person-create", args=[contact.pk]),
        {"last_name": "Durand", "first_name": "Paul", "is_primary": "on", "email": "p@durand.fr"},
    )
    client.post(reverse("contacts:person-create", args=[contact.pk]), {"last_name": "Roux", "is_primary": "on"})
    assert [p.last_name for p in contact.persons.filter(is_primary=True)] == ["Roux"]
    client.post(
        reverse("contacts:address-create", args=[contact.pk]),
        {
            "label": "Chantier",
            "line1": "2 rue B",
            "postal_code": "69100",
            "city": "Villeurbanne",
            "country": "FR",
            "is_default_delivery": "on",
        },
    )
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Paul Durand" in page and "Chantier" in page and "69100 Villeurbanne" in page


def test_interaction_history_with_author_and_htmx(client_as, personas):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), VALID)
    contact = Contact.objects.get()
    response = client.post(
        reverse("contacts:interaction-create", args=[contact.pk]),
        {"kind": "call", "occurred_at": "2026-11-20T10:30", "subject": "Demande de devis", "body": "Rappeler lundi"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Demande de devis" in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment for htmx, not a page
    interaction = Interaction.objects.get()
    assert interaction.author == personas["commercial"]
    # Another non-direction user cannot delete someone else's exchange.
    other = client_as("assistant")
    other.post(reverse("contacts:interaction-delete", args=[interaction.pk]))
    assert Interaction.objects.exists()
    client_as("direction").post(reverse("contacts:interaction-delete", args=[interaction.pk]))
    assert not Interaction.objects.exists()


def test_concurrent_edit_is_refused_and_keeps_both_inputs(client_as):
    client = client_as("commercial")
    client.post(reverse("contacts:create"), VALID)
    contact = Contact.objects.get()
    opened = client.get(reverse("contacts:edit", args=[contact.pk])).context["form"]["version"].value()
    # A colleague saves first.
    client_as("assistant").post(
        reverse("contacts:edit", args=[contact.pk]), {**VALID, "version": opened, "city": "Bron"}
    )
    # The first user's save, based on the old version, is refused with a French message.
    response = client_as("commercial").post(
        reverse("contacts:edit", args=[contact.pk]), {**VALID, "version": opened, "city": "Oullins"}
    )
    page = html.unescape(response.content.decode())
    assert "modifié(e) par quelqu'un d'autre" in page
    assert 'value="Oullins"' in page  # the user's input is still in the form
    contact.refresh_from_db()
    assert contact.city == "Bron" and contact.version == 2


def test_a_supplier_payment_terms_are_edited_on_its_form_within_the_legal_limits(client_as):
    client = client_as("assistant")
    client.post(reverse("contacts:create"), {**VALID, "is_supplier": "on"})
    contact = Contact.objects.get()
    edit = reverse("contacts:edit", args=[contact.pk])
    response = client.post(edit, {**VALID, "is_supplier": "on", "payment_days": "60", "payment_end_of_month": "on"})
    assert "45 jours fin de mois au plus (art. L441-10 du code de commerce), pas 60." in html.unescape(
        response.content.decode()
    )
    client.post(edit, {**VALID, "is_supplier": "on", "payment_days": "30", "payment_end_of_month": "on"})
    contact.refresh_from_db()
    assert (contact.payment_days, contact.payment_end_of_month) == (30, True)
    page = html.unescape(client.get(reverse("contacts:detail", args=[contact.pk])).content.decode())
    assert "Délai de paiement" in page and "30 jours fin de mois" in page
    assert contact.supplier_due_date(dt.date(2026, 2, 10)) == dt.date(2026, 3, 30)  # 28 February + 30 days
