"""Direction's journey in a real browser: the home page's tiles → the EBE tile → the SIG page → an account
behind « Production de l'exercice » → its general ledger; the analytic and full-costing pages at 1280 and 390
px (screenshots under PILOTE_SCREENSHOTS). Run by `make test-browser`."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pilote.finance.tests.test_pages import books  # noqa: F401 - the fixture
from pilote.ledger import analytics
from pilote.ledger.models import Account

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_dashboard_to_sig_to_general_ledger(page, sign_in, books, screenshots, personas):  # noqa: F811
    actor = personas["comptable"]
    axis = analytics.create_axis(actor=actor, code="ACT", label="Activité")
    section = analytics.create_section(actor=actor, axis=axis, code="CONSEIL", label="Conseil")
    analytics.set_defaults(
        actor=actor, axis=axis, account=Account.objects.get(code="641"), shares=[(section, Decimal(100))]
    )
    analytics.apply_defaults(actor=actor, fiscal_year=books)

    sign_in(page, "direction")
    page.goto("/")
    tile = page.locator('[data-kpi="ebe"]')
    expect(tile).to_be_visible()
    page.screenshot(path=screenshots / "finance-home-1280.png", full_page=True)
    tile.click()
    expect(page).to_have_url(re.compile(r"/finances/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic financier")
    page.locator("summary", has_text="Production vendue").first.click()
    page.screenshot(path=screenshots / "finance-sig-1280.png", full_page=True)
    page.get_by_role("link", name=re.compile(r"^706 ")).first.click()
    expect(page).to_have_url(re.compile(r"/comptabilite/.*compte=706"))
    expect(page.locator("main")).to_contain_text("8\u202f000,00")

    page.goto("/finances/analytique/")
    expect(page.locator("main")).to_contain_text("= comptabilité générale")
    page.screenshot(path=screenshots / "finance-analytic-1280.png", full_page=True)
    page.goto("/finances/couts-complets/")
    page.screenshot(path=screenshots / "finance-costing-1280.png", full_page=True)

    page.set_viewport_size(PHONE)
    for name, url in (("home", "/"), ("sig", "/finances/"), ("analytic", "/finances/analytique/")):
        page.goto(url)
        page.screenshot(path=screenshots / f"finance-{name}-390.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (name, overflow)


def test_budget_grid_and_figures_fit_their_boxes(page, sign_in, books, personas):  # noqa: F811
    """A budget's grid shows its months beside the groups, a long account label cut short (its full text in the
    title) and kept in view while the months scroll; a figure of millions stays inside its tile."""
    from pilote.finance import services

    actor = personas["comptable"]
    Account.objects.create(code="681", label="Dotations aux amortissements, aux dépréciations et aux provisions "
                                            "(à inscrire dans les charges d'exploitation)")  # fmt: skip
    budget = services.create_budget(actor=actor, fiscal_year=books, name="Budget")
    services.set_budget_group(actor=actor, budget=budget, group="706", months=[Decimal("185179.32")] * 12)
    services.set_budget_group(actor=actor, budget=budget, group="681", months=[Decimal(100)] * 12)
    sign_in(page, "comptable")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/finances/budgets/{budget.pk}/")
    width = page.evaluate("document.documentElement.clientWidth")
    # At least half the year is in view without scrolling sideways (only January was: the label took the row).
    june = page.locator(".budget-grid thead th").nth(6).bounding_box()
    assert june["x"] + june["width"] <= width, june
    for strong in page.locator(".kpi strong").all():
        assert strong.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth"), strong.inner_text()
    page.set_viewport_size(PHONE)
    page.goto(f"/finances/budgets/{budget.pk}/")
    january = page.locator(".budget-grid thead th").nth(1).bounding_box()
    assert january["x"] + january["width"] <= PHONE["width"], january
