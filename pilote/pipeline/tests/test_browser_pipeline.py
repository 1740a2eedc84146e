"""The pipeline in a real browser: a card dragged to « Négociation » on the kanban with the totals updated,
a bid task ticked on a tender, and the same on a phone (card moved with its own form, columns swiped).
Run by `make test-browser`; fixtures in pilote/browser_fixtures.py."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pilote.contacts.models import Contact
from pilote.pipeline import services, tender_services
from pilote.pipeline.models import Opportunity, TenderTask
from pilote.pipeline.stages import Stage

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NNBSP = "\u202f"


def eur(text: str) -> str:
    return text.replace(" ", NNBSP) + f"{NNBSP}€"


@pytest.fixture
def pipeline(personas):
    actor = personas["commercial"]
    customer = Contact.objects.create(name="Clinique Bellecour", is_customer=True)
    deal = services.create_opportunity(
        actor=actor, contact=customer, title="Parc de copieurs", amount=Decimal("10000"), stage=Stage.PROPOSAL
    )
    services.create_opportunity(actor=actor, contact=customer, title="Toner annuel", amount=Decimal("2000"))
    tender = tender_services.create_tender(
        actor=actor, buyer=customer, title="Copieurs des cliniques", reference="AO-9"
    )
    tender_services.add_task(actor=actor, tender=tender, title="Chiffrer le BPU", assignee=actor)
    return deal, tender


STAGES = {
    "Nouvelle": "nouvelle",
    "Qualification": "qualification",
    "Proposition": "proposition",
    "Négociation": "negociation",
}


def column(page, label: str):
    column = page.locator(f"[data-board] section.kanban-column[data-stage={STAGES[label]}]")
    expect(column.get_by_role("heading", level=2)).to_contain_text(label)
    return column


def summary(page, key: str):
    return page.locator(f"[data-summary={key}]")


def tick_the_task(page, tender):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Appels d'offres").click()
    expect(page.get_by_role("heading", name="Appels d'offres", exact=True)).to_be_visible()
    page.wait_for_load_state()  # a click before the stylesheet arrives would abort its request
    page.get_by_role("link", name="Copieurs des cliniques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copieurs des cliniques")
    page.wait_for_load_state()
    task = page.locator("li.task", has_text="Chiffrer le BPU")
    expect(task).not_to_have_class(re.compile(r"\bdone\b"))
    task.get_by_role("checkbox").check()
    expect(page.locator("li.task", has_text="Chiffrer le BPU")).to_have_class(
        re.compile(r"\bdone\b")
    )  # swapped by htmx
    assert TenderTask.objects.get().done
    page.reload()
    expect(page.locator("li.task", has_text="Chiffrer le BPU").get_by_role("checkbox")).to_be_checked()


def test_drag_a_card_to_negotiation_then_tick_a_bid_task(page, sign_in, pipeline):
    deal, tender = pipeline
    sign_in(page, "commercial")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Opportunités").click()
    expect(page.get_by_role("heading", name="Opportunités", exact=True)).to_be_visible()
    expect(summary(page, "open")).to_have_text(eur("12 000,00"))
    expect(summary(page, "weighted")).to_have_text(eur("5 200,00"))  # 50 % of 10 000 + 10 % of 2 000
    negotiation = column(page, "Négociation")
    expect(negotiation.locator("[data-column-total]")).to_have_text(eur("0,00"))

    page.locator("[data-card]", has_text="Parc de copieurs").drag_to(negotiation)

    expect(negotiation.locator("[data-card]", has_text="Parc de copieurs")).to_be_visible()
    expect(negotiation.locator("[data-column-total]")).to_have_text(eur("10 000,00"))
    expect(column(page, "Proposition").locator("[data-column-total]")).to_have_text(eur("0,00"))
    expect(summary(page, "weighted")).to_have_text(eur("7 700,00"))  # 75 % of 10 000 + 200
    expect(page.get_by_role("status")).to_contain_text("« Parc de copieurs » : Négociation.")
    deal.refresh_from_db()
    assert (deal.stage, deal.probability) == (Stage.NEGOTIATION, 75)

    # The swapped board still drags: back to « Qualification ».
    page.locator("[data-card]", has_text="Toner annuel").drag_to(column(page, "Qualification"))
    expect(column(page, "Qualification").locator("[data-column-total]")).to_have_text(eur("2 000,00"))
    assert Opportunity.objects.get(title="Toner annuel").stage == Stage.QUALIFICATION

    tick_the_task(page, tender)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_phone_moves_a_card_with_its_form_and_ticks_a_task(page, sign_in, pipeline):
    deal, tender = pipeline
    sign_in(page, "commercial")
    page.goto("/prospection/")
    board = page.locator(".kanban")
    # Columns sit side by side and scroll sideways inside the board; the page itself does not.
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_column = page.locator("section.kanban-column").first.bounding_box()
    assert first_column["width"] <= PHONE["width"]

    card = page.locator("[data-card]", has_text="Parc de copieurs")
    card.get_by_label("Étape de « Parc de copieurs »").select_option("negociation")
    card.get_by_role("button", name="Déplacer").tap()
    expect(column(page, "Négociation").locator("[data-column-total]")).to_have_text(eur("10 000,00"))
    expect(summary(page, "weighted")).to_have_text(eur("7 700,00"))
    deal.refresh_from_db()
    assert deal.stage == Stage.NEGOTIATION

    page.get_by_role("button", name="Menu").tap()
    tick_the_task(page, tender)
