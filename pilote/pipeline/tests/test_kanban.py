"""The kanban: columns and totals, moving cards by form and by the drag-and-drop request, roles,
and a query count that does not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.contacts.models import Interaction
from pilote.pipeline import services
from pilote.pipeline.models import Opportunity
from pilote.pipeline.stages import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(customer, personas):
    actor = personas["commercial"]
    make = services.create_opportunity
    first = make(actor=actor, contact=customer, title="Copieur A3", amount=Decimal("4890"))
    second = make(actor=actor, contact=customer, title="Maintenance", amount=Decimal("1200"), stage=Stage.PROPOSAL)
    third = make(actor=actor, contact=customer, title="Mobilier", amount=Decimal("3000"))
    services.mark_won(actor=actor, opportunity=third)
    fourth = make(actor=actor, contact=customer, title="Toner", amount=Decimal("500"))
    services.mark_lost(actor=actor, opportunity=fourth, reason="budget")
    return first, second


def _column(response, stage):
    return next(c for c in response.context["columns"] if c.stage == stage)


def test_columns_totals_and_summary(client_as, board):
    response = client_as("commercial").get(reverse("pipeline:kanban"))
    assert response.status_code == 200
    new = _column(response, Stage.NEW)
    assert [c.title for c in new.cards] == ["Copieur A3"]
    assert (new.count, new.total, new.weighted) == (1, Decimal("4890.00"), Decimal("489.00"))
    summary = response.context["summary"]
    assert summary.open_total == Decimal("6090.00")  # 4 890 + 1 200
    assert summary.weighted_total == Decimal("1089.00")  # 489 + 600
    assert (summary.won_total, summary.won_count, summary.lost_count) == (Decimal("3000.00"), 1, 1)
    assert summary.conversion_rate == Decimal("50.0")
    page = response.content.decode()
    assert "6\u202f090,00\u202f€" in page and "50,0 %" in page
    assert [c.stage for c in response.context["columns"]][-2:] == [Stage.WON, Stage.LOST]


def test_moving_a_card_with_its_form(client_as, board):
    first, _ = board
    client = client_as("commercial")
    response = client.post(
        reverse("pipeline:move", args=[first.pk]), {"stage": "negociation", "version": first.version}
    )
    assert response.status_code == 302 and response["Location"] == reverse("pipeline:kanban")
    first.refresh_from_db()
    assert (first.stage, first.probability) == (Stage.NEGOTIATION, 75)
    assert Interaction.objects.filter(subject__contains="Nouvelle → Négociation").exists()


def test_drag_and_drop_request_returns_the_refreshed_board(client_as, board):
    first, _ = board
    response = client_as("assistant").post(
        reverse("pipeline:move", args=[first.pk]) + "?q=Copieur",
        {"stage": "negociation", "version": first.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('\n<div id="board"') or '<div id="board"' in page[:200]
    assert "<html" not in page and "« Copieur A3 » : Négociation." in page
    negotiation = _column(response, Stage.NEGOTIATION)
    assert negotiation.total == Decimal("4890.00") and negotiation.weighted == Decimal("3667.50")
    assert response.context["summary"].open_total == Decimal("4890.00")  # the filter is kept: only « Copieur »


def test_a_stale_card_is_refused_with_a_message(client_as, board):
    first, _ = board
    client = client_as("commercial")
    services.move_opportunity(actor=first.owner, opportunity=first, stage=Stage.QUALIFICATION)
    response = client.post(
        reverse("pipeline:move", args=[first.pk]),
        {"stage": "proposition", "version": first.version},
        HTTP_HX_REQUEST="true",
    )
    assert "modifié(e) par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    assert Opportunity.objects.get(pk=first.pk).stage == Stage.QUALIFICATION


def test_dropping_on_lost_asks_for_the_reason(client_as, board):
    first, _ = board
    client = client_as("commercial")
    url = reverse("pipeline:move", args=[first.pk])
    hx = client.post(url, {"stage": "perdue"}, HTTP_HX_REQUEST="true")
    assert (
        hx.status_code == 204 and hx["HX-Redirect"] == reverse("pipeline:close", args=[first.pk]) + "?resultat=perdue"
    )
    plain = client.post(url, {"stage": "perdue"})
    assert plain["Location"] == hx["HX-Redirect"]
    close = reverse("pipeline:close", args=[first.pk])
    missing = client.post(close, {"outcome": "perdue", "closed_on": "2026-11-02"})
    assert "Indiquez la raison de la perte." in missing.content.decode()
    impossible = client.post(close, {"outcome": "perdue", "closed_on": "2026-02-30", "lost_reason": "prix"})
    assert impossible.status_code == 200 and "Saisissez une date valide." in impossible.content.decode()
    done = client.post(close, {"outcome": "perdue", "closed_on": "2026-11-02", "lost_reason": "delai"})
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.stage, first.lost_reason, first.closed_on) == (Stage.LOST, "delai", dt.date(2026, 11, 2))


def test_unknown_stage_gives_a_message_not_an_error(client_as, board):
    first, _ = board
    response = client_as("commercial").post(reverse("pipeline:move", args=[first.pk]), {"stage": "bidon"}, follow=True)
    assert "Étape inconnue." in response.content.decode()


def test_auditor_reads_the_board_without_move_forms(client_as, board):
    first, _ = board
    client = client_as("auditeur")
    page = client.get(reverse("pipeline:kanban")).content.decode()
    assert "Copieur A3" in page and "data-move" not in page and 'draggable="true"' not in page
    assert client.post(reverse("pipeline:move", args=[first.pk]), {"stage": "negociation"}).status_code == 403
    assert client_as("comptable").get(reverse("pipeline:kanban")).status_code == 403


def test_opportunity_page_shows_history_and_links_to_the_contact(client_as, board, customer):
    first, _ = board
    services.move_opportunity(actor=first.owner, opportunity=first, stage=Stage.QUALIFICATION)
    page = client_as("direction").get(reverse("pipeline:detail", args=[first.pk])).content.decode()
    assert reverse("contacts:detail", args=[customer.pk]) in page
    assert "Nouvelle → Qualification" in page and "Création · Nouvelle" in page


def test_create_and_edit_through_the_forms(client_as, customer, personas):
    client = client_as("commercial")
    data = {
        "contact": customer.pk,
        "title": "Nouvelle affaire",
        "stage": "qualification",
        "owner": personas["commercial"].pk,
    }
    response = client.post(reverse("pipeline:create"), {**data, "amount": "2 500,50"})
    opportunity = Opportunity.objects.get(title="Nouvelle affaire")
    assert response["Location"] == reverse("pipeline:detail", args=[opportunity.pk])
    assert (opportunity.amount, opportunity.probability, opportunity.stage) == (Decimal("2500.50"), 25, "qualification")
    bad = client.post(reverse("pipeline:create"), {**data, "expected_close_date": "2026-13-45", "probability": "150"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Saisissez une date valide." in text and "inférieure ou égale à 100" in text
    edit = reverse("pipeline:edit", args=[opportunity.pk])
    form = {**data, "amount": "3000", "probability": "40", "version": opportunity.version}
    del form["stage"]
    assert client.post(edit, form).status_code == 302
    stale = client.post(edit, {**form, "title": "Écrasé"})  # same, now outdated, version
    assert "modifié(e) par quelqu&#x27;un d&#x27;autre" in stale.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).title == "Nouvelle affaire"


@pytest.mark.parametrize("count", [10, 120])
def test_kanban_query_count_does_not_grow(client_as, make_opportunities, django_assert_max_num_queries, count):
    make_opportunities(count)
    client = client_as("commercial")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pipeline:kanban"))
    assert sum(c.count for c in response.context["columns"]) == count
