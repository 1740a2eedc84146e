"""Global search over opportunities and tenders, menu entries, and the demo loader."""

import random

import pytest
from django.urls import reverse

from pilote.contacts.models import Contact, Interaction
from pilote.pipeline import demo, services, tender_services
from pilote.pipeline.models import Opportunity, StageChange, Tender, TenderDocument
from pilote.pipeline.stages import Stage


def test_global_search_finds_opportunities_and_tenders(client_as, customer, personas):
    services.create_opportunity(actor=personas["commercial"], contact=customer, title="Copieurs du siège")
    tender_services.create_tender(actor=personas["commercial"], buyer=customer, title="Marché", reference="AO-2026-77")
    client = client_as("commercial")
    dropdown = client.get(reverse("core:search"), {"q": "copieurs"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Copieurs du siège" in dropdown and "Opportunités" in dropdown
    by_reference = client.get(reverse("core:search"), {"q": "AO-2026"}).content.decode()
    assert "AO-2026-77 — Marché" in by_reference
    by_contact = client.get(reverse("core:search"), {"q": "Imprimerie du Rh"}).content.decode()
    assert "Copieurs du siège" in by_contact and "AO-2026-77" in by_contact
    # The accountant searches too, but not in the pipeline.
    assert (
        "Copieurs du siège"
        not in client_as("comptable").get(reverse("core:search"), {"q": "copieurs"}).content.decode()
    )


def test_menu_entries_follow_the_role(client_as):
    page = client_as("assistant").get(reverse("core:home")).content.decode()
    assert 'href="/prospection/"' in page and 'href="/prospection/appels-d-offres/"' in page
    assert 'href="/prospection/"' not in client_as("comptable").get(reverse("core:home")).content.decode()


@pytest.fixture
def demo_contacts(db):
    contacts = [Contact(name=f"Client {i:02d}", is_customer=True) for i in range(15)]
    contacts += [Contact(name=f"Prospect {i:02d}", is_prospect=True) for i in range(10)]
    contacts += [
        Contact(name="Métropole de Lyon", is_funder=True),
        Contact(name="Région Auvergne-Rhône-Alpes", is_funder=True),
    ]
    Contact.objects.bulk_create(contacts)


def _digest():
    return (
        list(
            Opportunity.objects.order_by("title").values_list("title", "contact__name", "stage", "amount", "closed_on")
        ),
        StageChange.objects.count(),
        Interaction.objects.count(),
    )


def test_demo_loader_is_deterministic_and_covers_every_stage(
    personas, demo_contacts, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(random.Random(7), personas)
    first = _digest()
    opportunities, changes, interactions = first
    assert len(opportunities) == 21 and changes > 40 and interactions >= changes
    stages = [row[2] for row in opportunities]
    assert {s: stages.count(s) for s in (Stage.WON, Stage.LOST)} == {Stage.WON: 2, Stage.LOST: 2}
    assert set(stages) == set(Stage.values)
    assert all(o.lost_reason for o in Opportunity.objects.filter(stage=Stage.LOST))
    preparing, lost = Tender.objects.get(status="preparation"), Tender.objects.get(status="perdue")
    assert preparing.buyer.name == "Métropole de Lyon" and preparing.decision == "go"
    assert preparing.tasks.filter(done=True).count() == 3 and preparing.tasks.count() == 6
    assert all(c.score is not None for c in preparing.criteria.all())
    assert lost.winner_name and lost.outcome_reasons and lost.opportunity.stage == Stage.LOST
    documents = TenderDocument.objects.filter(tender=preparing)
    assert documents.count() == 3
    for document in documents:
        with document.file.open("rb") as handle:
            assert handle.read(5) in (b"%PDF-", "Mémo".encode())
    Opportunity.objects.all().delete()
    Tender.objects.all().delete()
    Interaction.objects.all().delete()
    StageChange.objects.all().delete()
    demo.load(random.Random(7), personas)
    assert _digest()[0] == opportunities
