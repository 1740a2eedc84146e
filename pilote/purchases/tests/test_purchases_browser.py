"""A received e-invoice in a real browser: the assistant drops a Factur-X PDF and a file from an unknown
supplier, creates that supplier from the invoice; the accountant picks the expense account with the
account picker and gives the « bon à payer »; the phone layout keeps the decision reachable.
Run by `make test-browser` (Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from pilote.purchases.models import SupplierInvoice
from pilote.purchases.tests import factories

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_received_invoice_checked_decided_and_posted(page, sign_in, buy, tmp_path, live_server):
    known = tmp_path / "FA-2026-0042.pdf"
    known.write_bytes(factories.facturx(factories.supplier_invoice()))
    stranger = factories.replace(
        factories.samples.SELLER, name="Fournitures Nouvelles", siren="732829320", siret="", vat_number="FR44732829320"
    )
    unknown = tmp_path / "NV-1.xml"
    unknown.write_bytes(factories.ubl(factories.supplier_invoice(number="NV-1", seller=stranger)))

    sign_in(page, "assistant")
    page.goto("/achats/factures/")
    page.get_by_role("link", name="Recevoir des factures").first.click()
    page.get_by_label(re.compile("Factures reçues")).set_input_files([known, unknown])
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    expect(page.get_by_text("1 facture enregistrée")).to_be_visible()
    expect(page.get_by_text(re.compile("Fournisseur inconnu : « Fournitures Nouvelles »"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Créer le fournisseur « Fournitures Nouvelles »")).click()
    expect(page.get_by_role("heading", name="Facture NV-1 de Fournitures Nouvelles")).to_be_visible()
    expect(page.get_by_text("204 — Prise en charge")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "comptable")
    invoice = SupplierInvoice.objects.get(number="FA-2026-0042")
    page.goto(f"/achats/factures/{invoice.pk}/")
    boxes = page.get_by_label(re.compile("Compte de la ligne"))
    expect(boxes).to_have_count(invoice.lines.count())
    for index in range(invoice.lines.count()):
        boxes.nth(index).fill("604")
    page.get_by_role("button", name="Enregistrer les comptes").click()
    expect(page.get_by_text("Comptes enregistrés.")).to_be_visible()
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Bon à payer").click()
    expect(page.get_by_text("Facture « Bon à payer ».")).to_be_visible()
    expect(page.get_by_text("205 — Approuvée")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("AC n° 1"))).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.entry is not None and invoice.entry.is_posted
