"""The CA3 page in a real browser, at phone width: a declared month shows its declared figures with the
export on line E1 and no confirmation button."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pilote.ledger.tests.test_vat_operations import (
    EXPORT,
    _declare_until_march,
    _issued_without_vat,
    _line,
    _taxable_sale,
)
from pilote.sales.tests.factories import make_shop

pytestmark = pytest.mark.browser


def test_declared_month_on_a_phone(page, sign_in, structure, personas, screenshots):
    shop = make_shop(structure, personas)
    _taxable_sale(shop, net="12548.30")
    _issued_without_vat(shop, dt.date(2026, 3, 3), [_line("5000.00", EXPORT, "0.00")])
    _declare_until_march(shop)
    _taxable_sale(shop, day=dt.date(2026, 3, 30), net="100.00")  # after the declaration: not shown
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "comptable")
    page.goto("/comptabilite/tva/?du=2026-03-01&au=2026-03-31")
    expect(page.get_by_text("Période déclarée")).to_be_visible()
    expect(page.get_by_text("Exportations hors UE")).to_be_visible()
    expect(page.get_by_text("5\u202f000,00\u202f€").first).to_be_visible()
    expect(page.get_by_text("2\u202f509,66\u202f€").first).to_be_visible()
    expect(page.get_by_role("button", name="Valider et passer l'écriture de liquidation")).to_have_count(0)
    page.screenshot(path=str(screenshots / "ca3-declared-phone.png"), full_page=True)
