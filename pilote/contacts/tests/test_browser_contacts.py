"""Contacts in a real browser: sign-in, creation with a SIRET check, global search, CSV export, phone
layout and role-based menu. Run by `make test-browser`; fixtures in pilote/browser_fixtures.py."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from pilote.contacts.models import Contact

pytestmark = pytest.mark.browser

NAME = "Ébénisterie Vasseur & Fils"
PHONE = {"width": 390, "height": 844}


def sidebar_link(page, label: str):
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=label, exact=True)


def test_commercial_creates_finds_and_exports_a_customer(page, personas, live_server):
    # An anonymous visitor lands on the login form, and signs in through it.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.get_by_role("heading", name="Connexion à Pilote")).to_be_visible()
    expect(page.locator(".card")).to_have_css("background-color", "rgb(255, 255, 255)")  # pilote.css loaded
    page.get_by_label("Identifiant").fill("commercial")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".usermenu")).to_contain_text("Commercial")
    assert page.evaluate("typeof window.htmx") == "object"  # vendor/htmx.min.js loaded

    # Contacts through the menu, then a new customer with a SIRET whose check key is wrong.
    sidebar_link(page, "Contacts").click()
    expect(page).to_have_url(f"{live_server.url}/contacts/")
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    page.get_by_role("link", name="Nouveau contact").click()
    expect(page.get_by_role("heading", name="Nouveau contact")).to_be_visible()
    page.get_by_label("Nom ou raison sociale").fill(NAME)
    page.get_by_role("checkbox", name="Client").check()
    page.get_by_label("SIRET").fill("91234567500018")
    page.get_by_label("Code postal").fill("69003")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(f"{live_server.url}/contacts/nouveau/")
    expect(page.locator(".errorlist")).to_contain_text("clé de contrôle est fausse")
    expect(page.get_by_label("Nom ou raison sociale")).to_have_value(NAME)  # nothing to type again
    assert not Contact.objects.exists()

    # Corrected, the contact is created and its page shown.
    page.get_by_label("SIRET").fill("91234567500017")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(r"/contacts/\d+/$"))
    contact = Contact.objects.get()
    assert (contact.name, contact.siret, contact.siren, contact.is_customer) == (
        NAME,
        "91234567500017",
        "912345675",
        True,
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".message-success")).to_contain_text(f"Le contact « {NAME} » a été créé.")

    # The global search (htmx dropdown in the top bar) finds it by name.
    sidebar_link(page, "Accueil").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_label("Recherche globale").fill("vasseur")
    hit = page.locator("#search-dropdown").get_by_role("link", name=re.compile("Vasseur"))
    expect(hit).to_be_visible()
    expect(hit).to_contain_text("Client")
    hit.click()
    expect(page).to_have_url(f"{live_server.url}/contacts/{contact.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)

    # The list's CSV export: ';'-separated UTF-8 with a BOM, as French spreadsheets expect.
    sidebar_link(page, "Contacts").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"contacts-\d{8}\.csv", download.suggested_filename)
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = raw.decode("utf-8-sig").splitlines()
    assert header.startswith("Type;Nom;Prénom;Client;")
    assert len(rows) == 1
    row = dict(zip(header.split(";"), rows[0].split(";"), strict=True))
    assert (row["Nom"], row["Client"], row["SIRET"], row["Ville"]) == (NAME, "oui", "91234567500017", "Lyon")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_phone_layout_menu_and_stacked_list(page, sign_in):
    Contact.objects.create(name="Boulangerie du Parc", is_customer=True, postal_code="69003", city="Lyon")
    Contact.objects.create(name="Fournitures Rhône-Alpes Distribution", is_supplier=True, city="Villeurbanne")
    sign_in(page, "commercial")

    # The global search has a full-width row of its own under the top bar.
    assert page.get_by_label("Recherche globale").bounding_box()["width"] > PHONE["width"] * 0.8

    menu = page.get_by_role("button", name="Menu")
    contacts = sidebar_link(page, "Contacts")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(contacts).to_be_hidden()
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(contacts).to_be_visible()
    topbar, sidebar = page.locator(".topbar").bounding_box(), page.locator("#sidebar").bounding_box()
    assert abs(sidebar["y"] - (topbar["y"] + topbar["height"])) < 2  # opens right under the bar, covering none of it
    contacts.tap()
    expect(page).to_have_url(re.compile(r"/contacts/$"))
    expect(contacts).to_be_hidden()  # a new page starts with the menu closed

    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    # The header row keeps only its sort links, on one line; the other column names are hidden.
    expect(page.locator("#results thead").get_by_role("link", name="Ville")).to_be_visible()
    expect(page.locator("#results thead th").filter(has_text="Rôles")).to_be_hidden()
    first_cell = rows.first.locator("td").first
    # A block box (flow-root: it also holds its floating label) whose content wraps as text.
    assert first_cell.evaluate("td => getComputedStyle(td).display") == "flow-root"
    assert first_cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Nom"'
    # Cells of a row are stacked one above the other, not side by side.
    boxes = [cell.bounding_box() for cell in rows.first.locator("td").all()]
    assert all(later["y"] >= earlier["y"] + earlier["height"] - 1 for earlier, later in pairwise(boxes))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_employee_has_no_contacts(page, sign_in, live_server):
    sign_in(page, "salarie")
    expect(page.locator(".usermenu")).to_contain_text("Salarié")
    expect(page.get_by_role("navigation", name="Navigation principale")).not_to_contain_text("Contacts")
    expect(sidebar_link(page, "Contacts")).to_have_count(0)

    response = page.goto("/contacts/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    expect(page.get_by_label("Recherche globale")).to_have_count(0)
