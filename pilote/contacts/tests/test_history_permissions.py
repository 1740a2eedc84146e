"""A contact's history shows an exchange another domain logged (a complaint's answer, an opportunity's
move, a quote or invoice sent) only to the roles that may read its source; exchanges typed in the
history itself stay visible to every role that reads contacts. Pages and API alike."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.complaints import services as complaints
from pilote.contacts import services
from pilote.contacts.models import Contact, Interaction
from pilote.core import services as core_services
from pilote.core.permissions import role_can
from pilote.core.roles import Role
from pilote.pipeline import services as pipeline

READERS = [role.value for role in Role if role_can(role.value, "contacts.view")]


@pytest.fixture
def history(personas):
    contact = Contact.objects.create(name="Boulangerie Martin", is_customer=True)
    services.log_interaction(actor=personas["assistant"], contact=contact, kind="call", subject="Appel de courtoisie")
    pipeline.create_opportunity(actor=personas["commercial"], contact=contact, title="Rénovation du fournil")
    complaint = complaints.record_complaint(
        actor=personas["commercial"],
        customer=contact,
        received_on=dt.date(2026, 3, 2),
        channel="phone",
        category="quality",
        severity="major",
        subject="Pains brûlés",
        description="Four mal réglé.",
        expectation="replacement",
    )
    complaints.answer_complaint(actor=personas["commercial"], complaint=complaint, text="Un technicien passe lundi.")
    services.log_interaction(
        actor=personas["commercial"],
        contact=contact,
        kind="email",
        subject="Devis D-2026-0001 envoyé (1 200,00 € TTC)",
        source_perm="sales.view",
    )
    return contact


EXPECTED = {
    "Appel de courtoisie": None,  # typed in the history: every reader of contacts
    "Nouvelle opportunité « Rénovation du fournil »": "pipeline.view",
    "Réponse à la réclamation": "complaints.view",
    "Devis D-2026-0001 envoyé": "sales.view",
}


def _expected(role):
    return {subject for subject, perm in EXPECTED.items() if perm is None or role_can(role, perm)}


def _seen(text):
    return {subject for subject in EXPECTED if subject in text}


def test_the_sources_are_recorded_and_recognised_in_older_rows(history):
    import importlib

    from django.apps import apps

    kept = sorted(Interaction.objects.filter(contact=history).values_list("source_perm", flat=True))
    assert kept == ["", "complaints.view", "pipeline.view", "sales.view"]
    # Rows written before the field existed get their source from the subject the services write.
    Interaction.objects.update(source_perm="")
    importlib.import_module("pilote.contacts.migrations.0007_interaction_source_perm").mark_sources(apps, None)
    assert sorted(Interaction.objects.filter(contact=history).values_list("source_perm", flat=True)) == kept


@pytest.mark.parametrize("role", READERS)
def test_each_role_reads_only_the_exchanges_of_sources_it_may_read(client_as, history, role):
    page = client_as(role).get(reverse("contacts:detail", args=[history.pk])).content.decode()
    assert _seen(page) == _expected(role)
    if role == "rh":  # the reported case: no complaint answer, no opportunity text
        assert "technicien" not in page and "Montant estimé" not in page


@pytest.mark.parametrize("role", READERS)
def test_the_api_filters_the_same_way(client, personas, history, role):
    _, key = core_services.create_api_token(actor=personas[role], name="test")
    response = client.get(f"/api/v1/contacts/{history.pk}/echanges", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert _seen(" | ".join(i["subject"] for i in response.json())) == _expected(role)


def test_the_htmx_history_after_adding_an_exchange_is_filtered_too(client_as, history):
    client = client_as("rh")
    response = client.post(
        reverse("contacts:interaction-create", args=[history.pk]),
        {"kind": "note", "subject": "Entretien annuel", "occurred_at": "2026-03-05T10:00"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Entretien annuel" in page and _seen(page) == _expected("rh")


def test_an_unknown_source_permission_is_refused(history, personas):
    with pytest.raises(KeyError):
        services.log_interaction(
            actor=personas["direction"], contact=history, kind="note", subject="x", source_perm="nothing.view"
        )
