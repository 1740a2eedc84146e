"""The take-over in a real browser: the assistant drops a CSV of suppliers, sees the line-numbered error and nothing
written, drops the corrected file, checks the preview, confirms, follows the import to its result and reaches the
suppliers it created — on a phone for the corrected file. Run by `make test-browser` (Debian's Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pilote.contacts.models import Contact

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
HEADER = "Raison sociale;SIREN;SIRET;IBAN;Conditions de paiement;Ville"
GOOD = "Papeterie du Rhône;732 829 320;;FR76 3000 6000 0112 3456 7890 189;30 jours fin de mois;Lyon"


def _csv(path, *rows):
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8-sig")
    return path


def test_suppliers_taken_over_from_a_csv_with_an_error_fixed(
    page, sign_in, personas, tmp_path, live_server, screenshots
):
    wrong = _csv(tmp_path / "fournisseurs.csv", GOOD, "Transports Alpins;552 100 555;;;45 jours;Grenoble")
    fixed = _csv(tmp_path / "fournisseurs-corrige.csv", GOOD, "Transports Alpins;552 100 554;;;45 jours;Grenoble")

    sign_in(page, "assistant")
    page.goto("/reprise/")
    page.get_by_role("link", name=re.compile("Fournisseurs")).first.click()
    expect(page.get_by_role("heading", name="Fournisseurs", exact=True)).to_be_visible()
    page.get_by_label("Fichier").set_input_files(wrong)
    page.get_by_role("button", name="Vérifier le fichier").click()
    refused = "1 erreur : corrigez le fichier et déposez-le de nouveau. Rien n'a été importé."
    expect(page.get_by_text(refused)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Ligne 3, colonne « SIREN » : "))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Importer"))).to_have_count(0)
    page.screenshot(path=screenshots / "reprise-erreur.png", full_page=True)
    assert not Contact.objects.exists()

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Déposer un fichier corrigé").click()
    page.get_by_label("Fichier").set_input_files(fixed)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text(re.compile("Le fichier est correct : rien n'a encore été écrit"))).to_be_visible()
    preview = page.get_by_role("table").filter(has_text="Papeterie du Rhône")
    expect(preview.get_by_text("30 jours fin de mois")).to_be_visible()
    expect(preview.get_by_text("FR76 3000 6000 0112 3456 7890 189")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Importer 2 lignes").click()
    progress = page.locator("#takeover-progress")
    expect(progress.get_by_role("heading", name="Import")).to_be_visible()
    expect(progress.get_by_text("2 fournisseur(s) ajouté(s) aux contacts.")).to_be_visible()
    page.screenshot(path=screenshots / "reprise-importee-390.png", full_page=True)
    progress.get_by_role("link", name="Voir les fournisseurs").click()
    expect(page.get_by_text("Transports Alpins").first).to_be_visible()
    paper = Contact.objects.get(name="Papeterie du Rhône")
    assert (paper.is_supplier, paper.payment_days, paper.payment_end_of_month) == (True, 30, True)
