"""The dunning run on a phone (390 px): each customer's card shows the whole e-mail address and the whole
list of late invoices, wrapped inside the screen, never cut. Run with `pytest -m browser`."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pilote.contacts import services as contacts

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_dunning_cards_fit_a_phone(page, sign_in, books, issue, screenshots):
    customer = contacts.create_contact(
        actor=books["actor"], name="Établissements Vasseur & Fils, ateliers de mécanique générale",
        is_customer=True, siren="404833048", address_line1="12 rue des Forges", postal_code="38000",
        city="Grenoble", email="service.comptabilite.fournisseurs@etablissements-vasseur-et-fils.example.fr",
    )  # fmt: skip
    for day in (2, 5, 9, 12, 16, 19):
        issue(customer, dt.date(2026, 3, day), "250")
    sign_in(page, "comptable")
    page.goto("/recouvrement/")
    card = page.locator("table tbody tr").filter(has_text="Vasseur")
    expect(card).to_have_count(1)
    email = card.locator('td[data-label="Envoi"]')
    expect(email).to_contain_text("service.comptabilite.fournisseurs@etablissements-vasseur-et-fils.example.fr")
    invoices = card.locator('td[data-label="Factures"]')
    for cell in (email, invoices):
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth"), "content cut or overflowing"
    last_invoice = invoices.locator("span.nowrap").last
    expect(last_invoice).to_be_visible()
    box = last_invoice.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "dunning-phone.png"), full_page=True)
