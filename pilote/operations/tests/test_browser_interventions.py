"""The technician's day on a phone, in a real browser: the visit of the day, « Je suis arrivé(e) », the report
signed by the customer, the visit done. Run by `make test-browser`; fixtures in pilote/browser_fixtures.py."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pilote.lib.dates import local_today
from pilote.operations.models import Intervention, InterventionStatus
from pilote.operations.services import interventions as services

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_the_technicians_day_on_a_phone(page, setup, sign_in, live_server, screenshots):
    [visit], _ = services.plan(
        actor=setup["planner"], customer=setup["customer"], kind="maintenance", address="4 place Bellecour, Lyon",
        subject="Entretien du copieur", technician=setup["tech"], day=local_today(), at=dt.time(9), minutes=60,
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in(page, "salarie")
    page.goto("/interventions/ma-journee/")
    card = page.locator(".visit-card", has_text="Boulangerie Martin")
    expect(card).to_contain_text("09:00–10:00")
    expect(card).to_contain_text("Entretien du copieur")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing to scroll sideways

    card.get_by_role("button", name="Je suis arrivé(e)").click()
    expect(page.locator(".messages")).to_contain_text("Arrivée notée")
    card = page.locator(".visit-card", has_text="Boulangerie Martin")
    expect(card).to_contain_text("Arrivée")
    card.get_by_role("textbox", name="Compte rendu").fill("Tambour changé, copies d'essai correctes.")
    card.get_by_label("Signé par (nom du client)").fill("M. Martin")
    card.get_by_label("Le client a lu et signé le compte rendu").check()
    page.screenshot(path=screenshots / "ma-journee-compte-rendu.png", full_page=True)
    card.get_by_role("button", name="Terminer l'intervention").click()

    expect(page.locator(".visit-card", has_text="Boulangerie Martin")).to_contain_text("signé par M. Martin")
    visit = Intervention.objects.get(pk=visit.pk)
    assert visit.status == InterventionStatus.DONE and visit.report.startswith("Tambour changé")
    assert visit.arrived_at is not None and visit.left_at is not None
