"""The comptable follows a lost debt from the customer's account page: classes the invoice doubtful, writes
it down by half, writes it off with the liquidation judgment; the timeline shows each step. Run with
`pytest -m browser`."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pilote.receivables.models import DoubtfulDebt

pytestmark = pytest.mark.browser


def test_comptable_classes_provisions_and_writes_off_from_the_customer_page(page, sign_in, books, issue, pay):
    martin = books["martin"]
    invoice = issue(martin, dt.date(2026, 1, 5), "1000")
    pay(martin, dt.date(2026, 1, 20), "300", invoice=invoice)
    sign_in(page, "comptable")
    page.goto(f"/recouvrement/clients/{martin.pk}/")
    row = page.locator("table tbody tr").filter(has_text=invoice.number).first
    row.get_by_text("Classer douteuse", exact=True).click()
    row.get_by_label("Classée douteuse le").fill("2026-03-10")
    row.get_by_label("Motif (redressement judiciaire, litige…)").fill("Redressement judiciaire")
    row.get_by_role("button", name="Classer douteuse (411 → 416)").click()
    expect(page.locator(".message-success")).to_contain_text("classée douteuse")
    section = page.locator("#creances-douteuses")
    expect(section).to_contain_text("Classée douteuse : 900,00")

    section.get_by_text("Déprécier ou ajuster la dépréciation (base hors taxes)").click()
    section.get_by_label("Date").fill("2026-03-31")
    section.get_by_label("Taux de dépréciation (%)").fill("50")
    section.get_by_role("button", name="Enregistrer la dépréciation").click()
    expect(page.locator("#creances-douteuses")).to_contain_text("Dépréciée à 50 % de 750,00")

    section = page.locator("#creances-douteuses")
    section.get_by_text("Passer en perte (créance irrécouvrable)").click()
    section.get_by_label("Passée en perte le").fill("2026-05-12")
    section.get_by_label("Preuve de l'irrécouvrabilité").fill("Jugement de liquidation judiciaire du 05/05/2026")
    section.get_by_role("button", name="Passer en perte").click()
    section = page.locator("#creances-douteuses")
    expect(section).to_contain_text("Passée en perte : 750,00")
    expect(section).to_contain_text("TVA récupérée 150,00")
    expect(section).to_contain_text("Duplicata rectificatif à adresser au client (TVA de 150,00")
    expect(section.get_by_role("link", name="Duplicata rectificatif (PDF)")).to_be_visible()
    assert DoubtfulDebt.objects.get().is_written_off
