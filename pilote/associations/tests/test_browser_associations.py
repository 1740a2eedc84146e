"""Associations in a real browser: the treasurer issues a donor's tax receipt from the year's list, and the
director completes a grant's financial report (Cerfa 15059) and opens its PDF — at 1280 and 390 px."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pilote.associations.models import Grant, TaxReceipt
from pilote.associations.services import donations, grants
from pilote.associations.services.books import Line, account, post
from pilote.contacts.models import Contact

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_treasurer_issues_a_tax_receipt(page, sign_in, books, donor, live_server):
    for day, amount in ((dt.date(2026, 3, 2), "120"), (dt.date(2026, 9, 14), "80")):
        donations.record_donation(actor=books["actor"], donor=donor, date=day, amount=Decimal(amount),
                                  method="cheque", bank_account=books["bank"])  # fmt: skip
    sign_in(page, "comptable")
    page.goto("/associations/recus/annuels/?year=2026")
    row = page.get_by_role("row").filter(has_text="Léa Martin")
    expect(row).to_contain_text("200,00")
    row.get_by_role("button", name="Émettre son reçu").click()
    expect(page).to_have_url(re.compile(r"/associations/recus/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("Reçu fiscal n° 000001"))).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("deux cents euros")
    receipt = TaxReceipt.objects.get()
    assert (receipt.number, receipt.total, receipt.donations.count()) == (1, Decimal("200.00"), 2)
    pdf = page.request.get(page.get_by_role("link", name="PDF", exact=True).get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.goto("/associations/recus/annuels/?year=2026")  # nothing left to issue for 2026
    expect(page.get_by_text("Aucun don de 2026 n'attend de reçu.")).to_be_visible()
    page.set_viewport_size(PHONE)
    page.goto(f"/associations/recus/{receipt.pk}/")
    assert _fits(page)


def test_the_director_completes_a_grant_report_and_opens_its_pdf(page, sign_in, books, live_server):
    city = Contact.objects.create(kind="organisation", name="Ville de Lyon")
    grant = grants.create_grant(actor=books["actor"], funder=city, code="ATELIERS", title="Ateliers en EHPAD",
                                amount_requested=Decimal("5000"), period_start=dt.date(2026, 1, 1),
                                period_end=dt.date(2026, 12, 31))  # fmt: skip
    grants.award_grant(actor=books["actor"], grant=grant, amount=Decimal("5000"), granted_on=dt.date(2026, 2, 1))
    grants.set_budget_line(actor=books["actor"], grant=grant, nature="62", label="Intervenants", amount=Decimal("4500"))
    post(actor=books["actor"], journal=books["bank"].journal, date=dt.date(2026, 4, 2), label="Intervenante",
         lines=[Line(account("6226"), debit=Decimal("3900"), reference="ATELIERS"),
                Line(books["bank"].account, credit=Decimal("3900"))])  # fmt: skip
    sign_in(page, "direction")
    page.goto("/associations/subventions/")
    page.get_by_role("link", name="ATELIERS").click()
    expect(page.get_by_role("heading", name=re.compile("Subvention ATELIERS"))).to_be_visible()
    report = page.locator("section").filter(has=page.get_by_role("heading", name="Budget et réalisé de l'action"))
    expect(report.get_by_role("row").filter(has_text="Intervenants")).to_contain_text("3 900,00")
    page.get_by_label("Actions réalisées").fill("Douze ateliers dans trois EHPAD, 64 résidents.")
    page.get_by_label("Écarts entre le budget et le réalisé").fill("Une séance annulée (épidémie).")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()
    assert Grant.objects.get().report_summary.startswith("Douze ateliers")
    href = page.get_by_role("link", name="Compte rendu financier (PDF)").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.ok and pdf.body().startswith(b"%PDF") and "compte-rendu-financier-ATELIERS" in pdf.headers.get(
        "content-disposition", "")  # fmt: skip
    page.set_viewport_size(PHONE)
    page.reload()
    assert _fits(page)
