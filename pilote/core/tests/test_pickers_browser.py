"""Pickers in a real browser (issue 8 point 14): on a phone, the customer of a complaint is found by typing
and chosen with the keyboard; the entry grid's account list follows what is typed."""

import re

import pytest
from playwright.sync_api import expect

from pilote.browser_fixtures import pick
from pilote.contacts.models import Contact
from pilote.sales.tests import conftest as sales_conftest

pytestmark = pytest.mark.browser
shop = sales_conftest.shop
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_complaint_customer_found_by_typing_and_chosen_with_the_keyboard_on_a_phone(page, sign_in, shop):
    Contact.objects.create(name="Architectes Part-Dieu", is_customer=True, city="Lyon")
    Contact.objects.create(name="Architectes des Alpes", is_customer=True, city="Chambéry")
    Contact.objects.bulk_create(Contact(name=f"Client {i:03d}", is_customer=True) for i in range(200))
    sign_in(page, "commercial")
    page.goto("/reclamations/nouvelle/")
    box = page.get_by_label("Client :", exact=True)
    box.fill("archi")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_have_text(re.compile("^Architectes des Alpes"))  # French order
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    assert options.nth(0).bounding_box()["height"] >= 40  # a finger-sized row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    pick(box, "part", "Architectes Part-Dieu", keyboard=True)
    chosen = Contact.objects.get(name="Architectes Part-Dieu")
    expect(page.locator("input[type=hidden][name=customer]")).to_have_value(str(chosen.pk))
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_the_entry_grid_account_list_follows_the_typing(page, sign_in, shop):
    sign_in(page, "comptable")
    page.goto("/comptabilite/ecritures/nouvelle/")
    account = page.get_by_label("Compte, ligne 1")
    account.fill("5999")
    expect(page.locator("datalist#accounts option")).to_have_count(0)
    account.fill("512")
    expect(page.locator("datalist#accounts option[value='512']")).to_have_count(1)


def test_the_order_delivery_addresses_follow_the_chosen_customer(page, sign_in, shop):
    from pilote.contacts.models import Address

    Address.objects.create(contact=shop["customer"], label="Dépôt", line1="5 rue du Four", postal_code="38100",
                           city="Grenoble")  # fmt: skip
    sign_in(page, "commercial")
    page.goto("/ventes/commandes/nouvelle/")
    addresses = page.get_by_label("Adresse de livraison")
    expect(addresses.locator("option")).to_have_count(1)  # nothing but the billing address before a customer
    pick(page.get_by_label("Client :", exact=True), "boul", "Boulangerie Martin")
    expect(addresses.locator("option", has_text="Dépôt")).to_have_count(1)
