"""Opportunity services: creation, stage moves, won and lost rules, the contact's history, the audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.contacts.models import Contact, Interaction
from pilote.core.exceptions import ConcurrentEditError, DomainError
from pilote.core.models import AuditEvent
from pilote.pipeline import services
from pilote.pipeline.models import Opportunity, StageChange
from pilote.pipeline.stages import Stage, open_stages


def test_creation_records_history_on_the_contact_and_in_the_audit(opportunity, customer, personas):
    assert opportunity.stage == Stage.NEW and opportunity.probability == 10
    assert opportunity.weighted_amount == Decimal("1200.00")
    assert opportunity.owner == personas["commercial"]
    assert str(opportunity) == "Parc de copieurs — Imprimerie du Rhône"
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", Stage.NEW, personas["commercial"])
    note = Interaction.objects.get(contact=customer)
    assert note.kind == "note" and note.subject == "Nouvelle opportunité « Parc de copieurs » (Nouvelle)"
    assert "12\u202f000,00\u202f€ HT" in note.body
    assert AuditEvent.objects.filter(action="pipeline.opportunity.created", object_id=str(opportunity.pk)).exists()


def test_a_contact_with_no_sales_role_becomes_a_prospect(personas):
    supplier = Contact.objects.create(name="Papeteries Dauphinoises", is_supplier=True)
    services.create_opportunity(actor=personas["commercial"], contact=supplier, title="Vente de toner")
    supplier.refresh_from_db()
    assert supplier.is_prospect and supplier.is_supplier and not supplier.is_customer
    assert AuditEvent.objects.filter(action="contacts.contact.updated", object_id=str(supplier.pk)).exists()


def test_a_customer_stays_a_customer(opportunity, customer):
    customer.refresh_from_db()
    assert customer.is_customer and not customer.is_prospect


def test_moving_follows_the_stage_probability_and_logs_the_change(opportunity, personas):
    actor = personas["direction"]
    moved = services.move_opportunity(actor=actor, opportunity=opportunity, stage=Stage.NEGOTIATION)
    assert (moved.stage, moved.probability, moved.weighted_amount) == (Stage.NEGOTIATION, 75, Decimal("9000.00"))
    assert moved.version == opportunity.version + 1
    change = moved.stage_changes.first()
    assert (change.from_stage, change.to_stage, change.changed_by) == (Stage.NEW, Stage.NEGOTIATION, actor)
    subjects = list(Interaction.objects.values_list("subject", flat=True))
    assert "Opportunité « Parc de copieurs » : Nouvelle → Négociation" in subjects
    event = AuditEvent.objects.get(action="pipeline.opportunity.moved")
    assert (event.before["stage"], event.after["stage"]) == ("nouvelle", "negociation")


def test_a_probability_set_by_hand_is_kept_on_moves(opportunity, personas):
    actor = personas["commercial"]
    opportunity = services.update_opportunity(actor=actor, opportunity=opportunity, probability=35)
    moved = services.move_opportunity(actor=actor, opportunity=opportunity, stage=Stage.PROPOSAL)
    assert moved.probability == 35 and moved.weighted_amount == Decimal("4200.00")


def test_won_sets_the_date_and_full_probability_and_keeps_a_final_amount(opportunity, personas):
    won = services.mark_won(actor=personas["commercial"], opportunity=opportunity, amount=Decimal("11500.50"))
    assert (won.stage, won.probability, won.closed_on) == (Stage.WON, 100, timezone.localdate())
    assert won.amount == won.weighted_amount == Decimal("11500.50")
    assert Interaction.objects.filter(subject="Opportunité gagnée : « Parc de copieurs »").exists()
    assert AuditEvent.objects.filter(action="pipeline.opportunity.won").exists()


def test_lost_needs_a_reason_and_records_it(opportunity, personas):
    actor = personas["commercial"]
    with pytest.raises(DomainError, match="raison de la perte"):
        services.move_opportunity(actor=actor, opportunity=opportunity, stage=Stage.LOST)
    lost = services.mark_lost(
        actor=actor,
        opportunity=opportunity,
        reason="concurrent",
        details="Moins cher de 8 %",
        closed_on=dt.date(2026, 3, 2),
    )
    assert (lost.stage, lost.probability, lost.weighted_amount) == (Stage.LOST, 0, Decimal("0.00"))
    assert (lost.lost_reason, lost.closed_on) == ("concurrent", dt.date(2026, 3, 2))
    note = Interaction.objects.get(subject="Opportunité perdue : « Parc de copieurs »")
    assert "Concurrent retenu" in note.body and "Moins cher de 8 %" in note.body


def test_reopening_clears_the_outcome(opportunity, personas):
    actor = personas["commercial"]
    lost = services.mark_lost(actor=actor, opportunity=opportunity, reason="prix")
    reopened = services.move_opportunity(actor=actor, opportunity=lost, stage=Stage.QUALIFICATION)
    assert (reopened.closed_on, reopened.lost_reason, reopened.probability) == (None, "", 25)
    assert AuditEvent.objects.filter(action="pipeline.opportunity.reopened").exists()


def test_a_closing_date_in_the_future_is_refused(opportunity, personas):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="futur"):
        services.mark_won(actor=personas["commercial"], opportunity=opportunity, closed_on=tomorrow)


def test_concurrent_edit_is_refused_and_changes_nothing(opportunity, personas):
    stale = opportunity.version
    services.move_opportunity(actor=personas["direction"], opportunity=opportunity, stage=Stage.PROPOSAL)
    with pytest.raises(ConcurrentEditError):
        services.update_opportunity(
            actor=personas["commercial"], opportunity=opportunity, expected_version=stale, title="Autre titre"
        )
    with pytest.raises(ConcurrentEditError):
        services.move_opportunity(
            actor=personas["commercial"], opportunity=opportunity, stage=Stage.NEW, expected_version=stale
        )
    assert Opportunity.objects.get().title == "Parc de copieurs"


def test_edits_do_not_change_the_stage(opportunity, personas):
    with pytest.raises(DomainError, match="déplaçant"):
        services.update_opportunity(actor=personas["commercial"], opportunity=opportunity, stage=Stage.WON)
    with pytest.raises(DomainError, match="étape ouverte"):
        services.create_opportunity(
            actor=personas["commercial"], contact=opportunity.contact, title="x", stage=Stage.WON
        )


def test_field_rules_come_back_as_french_validation_errors(opportunity, personas):
    with pytest.raises(ValidationError) as error:
        services.update_opportunity(actor=personas["commercial"], opportunity=opportunity, probability=120)
    assert error.value.message_dict["probability"] == ["Assurez-vous que cette valeur est inférieure ou égale à 100."]
    with pytest.raises(ValidationError) as error:
        services.update_opportunity(actor=personas["commercial"], opportunity=opportunity, amount=Decimal("-1"))
    assert error.value.message_dict["amount"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0."]


@pytest.mark.parametrize(
    "changes",
    [
        {"probability": 101},
        {"amount": Decimal("-5")},
        {"stage": Stage.LOST, "closed_on": dt.date(2026, 1, 5), "lost_reason": ""},
        {"stage": Stage.WON, "closed_on": None},
        {"stage": Stage.NEW, "closed_on": dt.date(2026, 1, 5)},
    ],
)
def test_database_constraints_hold_even_without_the_services(opportunity, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(**changes)


def test_stage_order_is_configurable(settings):
    settings.PILOTE_PIPELINE_STAGE_ORDER = ["negociation", "nouvelle", "inconnue"]
    assert [s.value for s in open_stages()] == ["negociation", "nouvelle", "qualification", "proposition"]


def test_contact_page_lists_opportunities_and_offers_a_quote(client_as, personas):
    from django.urls import reverse

    from pilote.contacts.models import Contact
    from pilote.pipeline import services

    contact = Contact.objects.create(name="Mairie de Vienne", is_prospect=True)
    opportunity = services.create_opportunity(actor=personas["commercial"], contact=contact, title="Copieurs mairie")
    client = client_as("commercial")
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Copieurs mairie" in page and "Nouvelle opportunité" in page
    detail = client.get(reverse("pipeline:detail", args=[opportunity.pk])).content.decode()
    assert f"?client={contact.pk}&amp;opportunite={opportunity.pk}" in detail
    accountant = client_as("comptable").get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'id="prospection"' not in accountant  # the accountant has no access to the pipeline


def test_lowering_the_amount_recomputes_the_weighted_amount(opportunity, personas):
    """Issue 8 point 2: lowering the amount under the stored weighted amount was refused with the raw
    constraint text; the weighted amount follows the amount."""
    lowered = services.update_opportunity(actor=personas["commercial"], opportunity=opportunity, amount=Decimal("500"))
    assert (lowered.amount, lowered.weighted_amount) == (Decimal("500"), Decimal("50.00"))
    moved = services.update_opportunity(actor=personas["commercial"], opportunity=lowered, probability=40)
    assert moved.weighted_amount == Decimal("200.00")


def test_lowering_the_amount_from_the_edit_form(opportunity, client_as):
    from django.urls import reverse

    client = client_as("commercial")
    url = reverse("pipeline:edit", args=[opportunity.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(amount="500", version=opportunity.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    opportunity.refresh_from_db()
    assert (opportunity.amount, opportunity.weighted_amount) == (Decimal("500"), Decimal("50.00"))
