"""Mailings: only consenting contacts of the segment, sent in batches by a background job, never twice to an
address; the unsubscribe link works without an account and a second mailing skips the address; bounces join the
suppression list; the mailing data is part of a contact's GDPR export and anonymisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from pilote.contacts.models import Contact, Tag
from pilote.core import personal_data
from pilote.core.exceptions import DomainError
from pilote.office.models import MailingRecipient, Suppression
from pilote.office.services import communication as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(personas):
    actor = personas["assistant"]
    newsletter = Tag.objects.create(name="lettre")
    made = {}
    for name, email, city, customer, consent in [
        ("Alpha", "alpha@example.org", "Lyon", True, True),
        ("Bravo", "BRAVO@example.org", "Lyon", True, True),
        ("Bravo bis", "bravo@example.org", "Lyon", True, True),  # the same address: one e-mail
        ("Charlie", "charlie@example.org", "Paris", True, True),
        ("Delta", "delta@example.org", "Lyon", True, False),  # no consent: never
        ("Echo", "", "Lyon", True, True),  # no address
    ]:
        contact = Contact.objects.create(name=name, email=email, city=city, is_customer=customer)
        contact.tags.add(newsletter)
        if consent is not None:
            services.record_consent(actor=actor, contact=contact, given=consent, source="Formulaire du site")
        made[name] = contact
    return made


def _send(actor, **segment):
    mailing = services.create_mailing(actor=actor, title="Lettre", subject="Nouvelles", body="Bonjour {nom}",
                                      **segment)  # fmt: skip
    services.start_sending(actor=actor, mailing=mailing, base_url="http://testserver/")
    mailing.refresh_from_db()
    return mailing


def test_a_mailing_goes_once_to_each_consenting_address_of_the_segment(personas, contacts):
    mailing = _send(personas["assistant"], role="clients", city="lyon")
    assert sorted(m.to[0] for m in mail.outbox) == ["alpha@example.org", "bravo@example.org"]
    assert mailing.status == "sent" and mailing.job.message == "2 courriel(s) envoyé(s) sur 2."
    assert "Bonjour Alpha" in next(m.body for m in mail.outbox if m.to == ["alpha@example.org"])
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second row
        MailingRecipient.objects.create(mailing=mailing, email="alpha@example.org")
    with pytest.raises(DomainError, match="déjà parti"):
        services.start_sending(actor=personas["assistant"], mailing=mailing, base_url="http://testserver/")
    assert len(mail.outbox) == 2


def test_the_unsubscribe_link_works_without_an_account_and_the_next_mailing_skips(client, personas, contacts):
    _send(personas["assistant"], city="Lyon")
    message = next(m for m in mail.outbox if m.to == ["alpha@example.org"])
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert "Me désinscrire" in client.get(link).text and not Suppression.objects.exists()  # GET only asks
    assert "ne recevra plus" in client.post(link).text
    assert Suppression.objects.get().email == "alpha@example.org"
    assert not contacts["Alpha"].mailing_consent.__class__.objects.get(contact=contacts["Alpha"]).given
    mail.outbox.clear()
    _send(personas["assistant"], city="Lyon")
    assert [m.to[0] for m in mail.outbox] == ["bravo@example.org"]
    assert "pas valide" in client.get(reverse("office:unsubscribe", args=["faux"])).text


def test_a_bounce_excludes_the_address(client_as, personas, contacts):
    mailing = _send(personas["assistant"], city="Paris")
    recipient = mailing.recipients.get()
    client_as("assistant").post(reverse("office:recipient-bounce", args=[recipient.pk]))
    recipient.refresh_from_db()
    assert recipient.status == "bounced" and Suppression.objects.get().reason == "bounced"
    with pytest.raises(DomainError, match="Aucun contact"):
        _send(personas["assistant"], city="Paris")


def test_the_pages(client_as, personas, contacts):
    client = client_as("assistant")
    response = client.post(reverse("office:mailing-create"), {"title": "Lettre", "subject": "Objet",
                                                              "body": "Texte", "role": "clients"})  # fmt: skip
    assert response.status_code == 302
    detail = client.get(response.url).text
    assert "Envoyer à 3 contact(s)" in detail
    client.post(response.url + "envoyer/")
    assert len(mail.outbox) == 3 and "Envoyé" in client.get(response.url).text
    response = client.post(reverse("office:comm-action-create"), {
        "title": "Salon", "target": "Entreprises", "channel": "event", "starts_on": "02/03/2026", "budget": "1 500,00",
        "owner": personas["assistant"].pk,
    })  # fmt: skip
    assert response.status_code == 302 and "500,00\u202f€" in client.get(reverse("office:comm-action-list")).text
    assert client_as("salarie").post(reverse("office:mailing-create"), {}).status_code == 403


def test_mailing_data_in_the_gdpr_export_and_anonymisation(personas, contacts):
    _send(personas["assistant"], city="Paris")
    titles = [s.title for s in personal_data.collect("contact", contacts["Charlie"])]
    assert "Consentement aux envois" in titles and "Envois groupés reçus" in titles
    personal_data.anonymise(actor=personas["direction"], subject_kind="contact", subject=contacts["Charlie"],
                            today=dt.date(2026, 11, 24))  # fmt: skip
    assert not MailingRecipient.objects.filter(email="charlie@example.org").exists()


def test_the_stakeholder_map(client_as, personas, contacts):
    from pilote.contacts.models import Interaction

    alpha = contacts["Alpha"]
    services.place_stakeholder(actor=personas["assistant"], contact=alpha, kind="funder", power=5, interest=4,
                               owner=personas["direction"])  # fmt: skip
    services.place_stakeholder(actor=personas["assistant"], contact=contacts["Bravo"], kind="partner", power=1,
                               interest=2)  # fmt: skip
    with pytest.raises(DomainError, match="1 à 5"):
        services.place_stakeholder(actor=personas["assistant"], contact=alpha, kind="funder", power=6, interest=1)
    Interaction.objects.create(contact=alpha, kind="call", subject="Point", author=personas["direction"],
                               occurred_at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))  # fmt: skip
    page = client_as("salarie").get(reverse("office:stakeholder-map")).text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Gérer étroitement" in svg and 'class="stakeholder funder"' in svg and "style=" not in svg
    assert "02/11/2026" in page and "Surveiller" in page
    response = client_as("assistant").post(reverse("office:stakeholder-map"), {
        "contact": contacts["Charlie"].pk, "kind": "authority", "power": "3", "interest": "3",
    })  # fmt: skip
    assert response.status_code == 302 and contacts["Charlie"].stakeholder.quadrant == "Gérer étroitement"


def test_consent_and_stakeholder_forms_pick_contacts_as_one_types(client_as, contacts):
    """Search as you type (core.pickers): the consent offers only contacts one can write to; the picker answers the
    office roles only."""
    assistant = client_as("assistant")
    page = assistant.get(reverse("office:consent-list")).text
    form = page.split('<form method="post" class="card form-inline"')[1].split("</form>")[0]
    assert reverse("core:picker-contacts-joignables") in form and 'name="contact"' in form
    assert reverse("core:picker-parties-prenantes") in assistant.get(reverse("office:stakeholder-map")).text
    found = assistant.get(reverse("core:picker-contacts-joignables"), {"q": "ech", "format": "json"}).json()
    assert found["results"] == []  # Echo has no address
    found = assistant.get(reverse("core:picker-contacts-joignables"), {"q": "bravo", "format": "json"}).json()
    assert {row["label"] for row in found["results"]} == {"Bravo", "Bravo bis"}
    found = assistant.get(reverse("core:picker-parties-prenantes"), {"q": "echo", "format": "json"}).json()
    assert [row["label"] for row in found["results"]] == ["Echo"]
    response = assistant.post(reverse("office:consent-list"), {"contact": contacts["Echo"].pk, "given": "1",
                                                               "source": "Salon"})  # fmt: skip
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.text
    assert client_as("salarie").get(reverse("core:picker-parties-prenantes"), {"q": "a"}).status_code == 403
