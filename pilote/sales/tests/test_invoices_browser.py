"""An invoice in a real browser: typed with the line editor (an article fills its row, totals follow),
issued, downloaded as a Factur-X PDF whose embedded XML is checked, then paid — and the phone layout.
Run by `make test-browser` (Debian's Chromium)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from pilote.browser_fixtures import pick
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import Invoice

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def test_invoice_typed_issued_downloaded_and_paid(page, sign_in, shop, live_server):
    sign_in(page, "commercial")
    page.goto("/ventes/factures/")
    page.get_by_role("link", name="Nouvelle facture").click()
    pick(page.get_by_role("combobox", name="Client"), "boulangerie", "Boulangerie Martin")
    page.get_by_label("Date de facture").fill("2026-03-02")
    page.get_by_label("N° de commande du client").fill("PO-77")
    page.wait_for_load_state()  # line_editor.js is deferred
    rows = page.locator("[data-line]")
    pick(rows.nth(0).get_by_role("combobox", name="Article"), "CH-01", "CH-01 — Chaise de bureau")
    expect(rows.nth(0).locator("input[name$='-unit_price']")).to_have_value("149,90")
    rows.nth(0).locator("input[name$='-quantity']").fill("4")
    page.get_by_role("button", name="+ Ajouter une ligne").click()
    pick(rows.nth(1).get_by_role("combobox", name="Article"), "guide", "LIV-01 — Guide d'ergonomie")
    rows.nth(1).locator("input[name$='-quantity']").fill("2")
    # 4 × 149.90 = 599.60 at 20 % (119.92) + 2 × 24.50 = 49.00 at 5.5 % (2.695 → 2.70)
    expect(page.locator("[data-total-net]")).to_have_text(re.compile(r"648,60"))
    expect(page.locator("[data-total-gross]")).to_have_text(re.compile(r"771,22"))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", name=re.compile("Facture \\(brouillon"))).to_be_visible()

    page.get_by_label(re.compile("Je confirme l'émission")).check()
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.get_by_role("heading", name="Facture F-2026-00001")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF (Factur-X)").click()
    pdf = Path(download.value.path()).read_bytes()
    xml = etree.fromstring(extract_xml(pdf))
    assert xml.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == "F-2026-00001"
    assert xml.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "771.22"
    assert xml.findtext(".//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "PO-77"

    # The accountant records the customer's transfer; the invoice is settled.
    page.context.clear_cookies()
    sign_in(page, "comptable")
    invoice = Invoice.objects.get(number="F-2026-00001")
    page.goto(f"/ventes/factures/{invoice.pk}/")
    page.get_by_role("link", name="Enregistrer un règlement").click()
    page.get_by_label("Date du règlement").fill("2026-03-30")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    expect(page.get_by_text(re.compile("Règlement de 771,22"))).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("0.00") and invoice.paid_on == dt.date(2026, 3, 30)


def test_invoice_pages_fit_a_phone(page, sign_in, shop, live_server):
    from pilote.sales import issuing, services
    from pilote.sales.services import LineSpec

    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], Decimal(3))],
    )  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    page.set_viewport_size(PHONE)
    sign_in(page, "commercial")
    for url in ("/ventes/factures/", f"/ventes/factures/{invoice.pk}/", "/ventes/factures/nouvelle/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, overflow)
