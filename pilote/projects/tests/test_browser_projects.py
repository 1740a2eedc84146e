"""Projects in a real browser: a task slips, edited from its bar in the Gantt chart; the end date, the critical path
and the chart follow. Run by `make test-browser`; fixtures in pilote/browser_fixtures.py."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_task_edited_from_the_gantt_moves_the_end_and_the_critical_path(
    page, network, sign_in, live_server, screenshots
):
    project, tasks = network
    sign_in(page, "direction")
    page.goto(f"/projets/{project.pk}/")
    expect(page.locator(".kpi", has_text="Fin prévue")).to_contain_text("23/03/2026")  # 16 working days
    row_c = page.get_by_role("row", name=re.compile(r"^C\b"))
    expect(row_c).not_to_contain_text("critique")  # one day of slack

    page.locator(f'svg.gantt a[href="/projets/taches/{tasks["C"].pk}/"]').click()  # its bar in the chart
    expect(page.get_by_role("heading", name="C — Prototype")).to_be_visible()
    expect(page.locator("main")).to_contain_text("marge totale 1 jour ouvré")
    page.get_by_label("Durée (jours ouvrés)").fill("5")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(rf"/projets/{project.pk}/$"))
    expect(page.locator(".kpi", has_text="Fin prévue")).to_contain_text("25/03/2026")  # A 6 + C 5 + F 2 + E 4 + G 1
    expect(page.get_by_role("row", name=re.compile(r"^C\b"))).to_contain_text("critique")
    expect(page.get_by_role("row", name=re.compile(r"^B\b"))).not_to_contain_text("critique")
    expect(page.locator(f'svg.gantt a[href="/projets/taches/{tasks["C"].pk}/"] rect.gantt-bar.critical')).to_have_count(
        1
    )

    # A start constraint on G (« pas avant le ») pushes the end further.
    page.locator(f'svg.gantt a[href="/projets/taches/{tasks["G"].pk}/"]').click()
    page.get_by_label("Pas avant le").fill("2026-04-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".kpi", has_text="Fin prévue")).to_contain_text("01/04/2026")
    page.screenshot(path=screenshots / "projet-gantt-apres-glissement.png", full_page=True)
