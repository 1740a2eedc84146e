"""People in a real browser: an employee files an expense report with its receipt on a phone, rh approves it and the
accountant posts it; a leave request approved by the manager and seen in the team calendar; the demo's CSE election
results and their minutes. Run by
`make test-browser`; fixtures in pilote/browser_fixtures.py."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from pilote.hr.models import Absence, ExpenseReport
from pilote.lib.dates import local_today

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def staff(hire, personas):
    boss = hire(last_name="Lefebvre", first_names="Marc", sex="M", nir="", user=personas["commercial"])
    hire(last_name="Girard", first_names="Thomas", sex="M", nir="", user=personas["salarie"], manager=boss)
    from pilote.core.models import Structure
    from pilote.ledger import services as ledger

    ledger.initialise_books(structure=Structure.objects.get(), actor=None)


def test_an_expense_report_from_the_phone_to_the_books(page, staff, sign_in, live_server, screenshots):
    page.set_viewport_size(PHONE)
    sign_in(page, "salarie")
    page.goto("/personnel/notes-de-frais/")
    page.get_by_label("Objet (mission, mois…)").fill("Intervention Annecy")
    page.get_by_role("button", name="Créer la note").click()
    expect(page.get_by_role("heading", name=re.compile("Note de frais NDF-"))).to_be_visible()
    page.get_by_label("Catégorie").select_option("repas")
    page.get_by_label("Détail (lieu, client, trajet…)").fill("Déjeuner sur le trajet")
    page.get_by_label("Montant TTC (€)").fill("18,90")
    page.get_by_label("dont TVA (€)").fill("1,72")
    page.get_by_label("Justificatif (photo ou PDF)").set_input_files(
        {"name": "ticket.png", "mimeType": "image/png", "buffer": PNG})  # fmt: skip
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator("table")).to_contain_text("TVA déductible sur facture")
    page.get_by_label("Catégorie").select_option("kilometrique")
    page.get_by_label("Détail (lieu, client, trajet…)").fill("Lyon – Annecy aller-retour")
    page.get_by_label("Véhicule (indemnités kilométriques)").select_option("voiture")
    page.get_by_label("Puissance fiscale (CV)").fill("5")
    page.get_by_label("Distance (km)").fill("280")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator("table")).to_contain_text("178,08")  # 280 × 0,636
    page.screenshot(path=screenshots / "note-de-frais-telephone.png", full_page=True)
    page.get_by_role("button", name="Soumettre pour validation").click()
    expect(page.locator("dl.facts")).to_contain_text("À valider")
    report = ExpenseReport.objects.get()
    assert report.total == report.lines.get(category="repas").amount + report.lines.get(category="kilometrique").amount

    page.context.clear_cookies()  # signed out: the next person signs in on the same browser
    sign_in(page, "rh")
    page.goto(f"/personnel/notes-de-frais/{report.pk}/")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("dl.facts")).to_contain_text("Approuvée")
    page.context.clear_cookies()
    sign_in(page, "comptable")
    page.goto(f"/personnel/notes-de-frais/{report.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Comptabiliser").click()
    expect(page.locator("dl.facts")).to_contain_text("journal OD")
    report.refresh_from_db()
    assert report.entry.is_posted


def test_a_leave_request_approved_by_the_manager_shows_in_the_calendar(page, staff, sign_in, live_server):
    start = local_today() + dt.timedelta(days=14)
    start += dt.timedelta(days=(7 - start.weekday()) % 7)  # a Monday
    sign_in(page, "salarie")
    page.goto("/personnel/conges/")
    page.get_by_label("Du").fill(start.isoformat())
    page.get_by_label("Au (inclus)").fill((start + dt.timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("row", name=re.compile("Congés payés"))).to_contain_text("Demandée")
    page.context.clear_cookies()
    sign_in(page, "commercial")  # Thomas's manager
    page.goto("/personnel/conges/a-valider/")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("table")).to_contain_text("Aucune demande")
    assert Absence.objects.get().status == "acceptee"
    page.goto(f"/personnel/conges/calendrier/?mois={start:%Y-%m}")
    row = page.get_by_role("row", name=re.compile("Thomas Girard"))
    expect(row).to_contain_text("CP")


@pytest.fixture
def election(personas):
    """The demo's staff and its CSE election of last year (hr/demo.py): one seat, no quorum in round 1, a second
    round won by the union list over a free list."""
    from pilote.hr import demo
    from pilote.hr.models import CseElection

    demo.load(None, personas)
    demo.load_cse(None, personas)
    return CseElection.objects.get()


def test_the_cse_results_page_and_its_minutes(page, election, sign_in, live_server, screenshots):
    sign_in(page, "rh")
    page.goto("/personnel/cse/")
    page.get_by_role("link", name=election.title).first.click()
    expect(page.get_by_role("heading", name=election.title)).to_be_visible()
    first = page.locator("h3", has_text="Premier tour — titulaires").locator("xpath=following-sibling::p[1]")
    expect(first).to_contain_text("Quorum non atteint")
    results = page.locator("h3", has_text="Second tour — titulaires").locator("xpath=following-sibling::div[1]")
    union = results.get_by_role("row", name=re.compile("^CFDT"))
    expect(union.locator("td[data-label='Sièges']")).to_have_text("1")
    expect(union.locator("td[data-label='Élus']")).to_have_text("Girard Thomas")
    free = results.get_by_role("row", name=re.compile("Liste libre du personnel"))
    expect(free.locator("td[data-label='Sièges']")).to_have_text("0")
    expect(free.locator("td[data-label='Élus']")).to_have_text("—")
    substitutes = page.locator("h3", has_text="Second tour — suppléants").locator("xpath=following-sibling::div[1]")
    expect(substitutes.get_by_role("row", name=re.compile("^CFDT")).locator("td[data-label='Élus']")).to_have_text(
        "Benali Karim")  # fmt: skip
    page.set_viewport_size(PHONE)
    page.screenshot(path=screenshots / "cse-resultats-telephone.png", full_page=True)
    href = page.get_by_role("link", name="Procès-verbal (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
