"""The first-run wizard in a real Chromium, from an empty database to a signed-in director on the home
page. The browser fetches its favicon (and any static file) between steps: none of those requests may
touch the wizard's stored answers. Run by `make test-browser`; fixtures in pilote/browser_fixtures.py."""

import re

import pytest
from playwright.sync_api import expect

from pilote.core.models import Structure, User

pytestmark = pytest.mark.browser


def field(page, label: str):
    """The form field whose label is exactly `label` (Django adds « : » after it)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*:?$"))


def test_whole_wizard_in_chromium_creates_the_structure(page, live_server, tmp_path):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # An empty installation sends every page to the wizard.
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/installation/")
    expect(page.get_by_role("heading", name="Étape 1 : Votre structure")).to_be_visible()

    # Step 1: identity.
    field(page, "Type de structure").select_option("company")
    field(page, "Raison sociale").fill("Menuiserie Gaillard SARL")
    field(page, "Forme juridique").select_option("SARL")
    field(page, "SIREN").fill("912345675")
    page.get_by_role("button", name="Suivant").click()

    # Step 2: address and bank.
    expect(page.get_by_role("heading", name="Étape 2 : Coordonnées et banque")).to_be_visible()
    field(page, "Adresse").fill("12 rue des Artisans")
    field(page, "Code postal").fill("69007")
    field(page, "Ville").fill("Lyon")
    field(page, "IBAN").fill("FR76 3000 4000 0100 0123 4567 830")
    page.get_by_role("button", name="Suivant").click()

    # Step 3: fiscal year and VAT.
    expect(page.get_by_role("heading", name="Étape 3 : Exercice et TVA")).to_be_visible()
    field(page, "Début du premier exercice").fill("2026-01-01")
    field(page, "Fin du premier exercice").fill("2026-12-31")
    page.get_by_role("button", name="Suivant").click()

    # A stray request for the favicon (what the browser does on its own) between two steps.
    assert page.request.get("/favicon.ico").ok

    # Step 4: the director's account.
    expect(page.get_by_role("heading", name="Étape 4 : Votre compte de direction")).to_be_visible()
    field(page, "Prénom").fill("Claire")
    field(page, "Nom").fill("Gaillard")
    field(page, "Identifiant de connexion").fill("claire")
    field(page, "Mot de passe").fill("Menuiserie-2026!")
    field(page, "Confirmation du mot de passe").fill("Menuiserie-2026!")
    page.screenshot(path=tmp_path / "wizard-step4.png")
    page.get_by_role("button", name="Créer ma structure").click()

    # The structure exists, the director is signed in and on the home page.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".messages")).to_contain_text("Votre structure est prête")
    expect(page.locator(".usermenu")).to_contain_text("Claire Gaillard")
    page.screenshot(path=tmp_path / "wizard-home.png")
    structure = Structure.objects.get()
    assert structure.legal_name == "Menuiserie Gaillard SARL" and structure.city == "Lyon"
    assert structure.iban == "FR7630004000010001234567830"
    assert User.objects.get(username="claire").role == "direction"
    # The browser asked for the favicon the pages declare, and got it.
    assert any(re.search(r"/static/pilote/favicon.*\.svg$", url) for url in requested), requested

    # Signing out then in again works with the password chosen in the wizard.
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/connexion/")
    field(page, "Identifiant").fill("claire")
    field(page, "Mot de passe").fill("Menuiserie-2026!")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".usermenu")).to_contain_text("Claire Gaillard")


def test_association_set_up_in_chromium_reads_its_own_words(page, live_server, tmp_path):
    """An association: the wizard proposes « non assujettie », the IBAN opens the bank account, and the
    menu speaks of adherents and users, proposals and calls for projects, without a sales pipeline."""
    from pilote.catalog.models import Product
    from pilote.ledger.models_bank import BankAccount

    page.goto("/installation/")
    field(page, "Type de structure").select_option("association")
    field(page, "Raison sociale").fill("Les Amis du Quartier")
    field(page, "Forme juridique").select_option("ASSO")
    field(page, "SIREN").fill("912 345 675")
    field(page, "N° RNA").fill("W691234567")
    page.get_by_role("button", name="Suivant").click()
    field(page, "Adresse").fill("3 place Bellecour")
    field(page, "Code postal").fill("69002")
    field(page, "Ville").fill("Lyon")
    field(page, "IBAN").fill("FR76 3000 4000 0100 0123 4567 830")
    page.get_by_role("button", name="Suivant").click()
    expect(field(page, "Régime de TVA")).to_have_value("non_assujettie")
    field(page, "Début du premier exercice").fill("2026-09-01")
    field(page, "Fin du premier exercice").fill("2027-08-31")
    page.get_by_role("button", name="Suivant").click()
    field(page, "Prénom").fill("Anne")
    field(page, "Nom").fill("Leroy")
    field(page, "Identifiant de connexion").fill("anne")
    field(page, "Mot de passe").fill("Quartier-2026!")
    field(page, "Confirmation du mot de passe").fill("Quartier-2026!")
    page.get_by_role("button", name="Créer ma structure").click()

    expect(page).to_have_url(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu).to_contain_text("Adhérents, usagers et activités")
    for word in ("Propositions", "Appels à projets", "Sommes à recevoir", "Activités et tarifs", "Tiers"):
        expect(menu.get_by_role("link", name=word, exact=True)).to_be_visible()
    for word in ("Devis", "Opportunités", "Encours clients"):
        expect(menu.get_by_role("link", name=word, exact=True)).to_have_count(0)
    page.screenshot(path=tmp_path / "association-home.png", full_page=True)
    account = BankAccount.objects.get()
    assert account.iban == "FR7630004000010001234567830" and account.journal.code == "BQ"

    # The catalogue offers no VAT, with the mention of a non-liable association.
    menu.get_by_role("link", name="Activités et tarifs", exact=True).click()
    page.get_by_role("link", name="Nouvel article").click()
    expect(field(page, "Taux de TVA")).to_have_value("0.00")
    expect(field(page, "Taux de TVA").locator("option")).to_have_text(["Pas de TVA"])
    expect(field(page, "Mention d'exonération")).to_have_value("TVA non applicable, article 261-7-1° du CGI")
    field(page, "Référence").fill("ATEL-1")
    field(page, "Désignation").fill("Atelier d'écriture (séance)")
    field(page, "Prix unitaire HT").fill("12,00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_be_visible()
    product = Product.objects.get()
    assert (product.vat_rate, product.exemption_mention) == ("0.00", "TVA non applicable, article 261-7-1° du CGI")
