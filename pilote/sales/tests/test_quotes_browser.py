"""Quotes in a real browser: the line editor (an article fills the row, a line is added, running totals),
saving, converting into an order in one click, a partial delivery, its invoice issued and downloaded as
Factur-X (embedded XML checked) — and the quote form on a phone.
Run by `make test-browser`; fixtures in pilote/browser_fixtures.py and pilote/sales/tests/conftest.py."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pilote.browser_fixtures import pick
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import Delivery, Order, OrderStatus, Quote, QuoteStatus

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SPACE = "[\u00a0\u202f ]"  # toLocaleString("fr-FR") groups thousands with a narrow no-break space


def money(text: str):
    """A regex for an amount as the line editor prints it: « 1 744,00 € »."""
    return re.compile(text.replace(" ", SPACE) + "$")


def line(page, index: int):
    return page.locator("[data-line]").nth(index)


def test_quote_with_the_line_editor_then_order_and_partial_delivery(page, sign_in, shop, live_server):
    sign_in(page, "commercial")
    page.goto("/ventes/devis/nouveau/")
    expect(page.get_by_role("heading", name="Nouveau devis")).to_be_visible()
    pick(page.get_by_label("Client"), "boul", "Boulangerie Martin", keyboard=True)

    # Choosing an article fills the row from the catalogue.
    first = line(page, 0)
    pick(first.get_by_role("combobox", name="Article"), "chaise", "CH-01 — Chaise de bureau")
    expect(first.locator("input[name$='-description']")).to_have_value("Chaise de bureau")
    expect(first.locator("input[name$='-unit_price']")).to_have_value(re.compile(r"^149,90(00)?$"))
    expect(first.locator("input[name$='-quantity']")).to_have_value("1")
    first.locator("input[name$='-quantity']").fill("10")
    expect(first.locator("[data-net]")).to_have_text(money("1 499,00 €"))

    # A second line, a book at 5,5 %.
    page.get_by_role("button", name="+ Ajouter une ligne").click()
    expect(page.locator("[data-line]")).to_have_count(2)
    second = line(page, 1)
    expect(second.locator("input[name$='-description']")).to_have_value("")
    expect(second.get_by_role("combobox", name="Article")).to_have_value("")
    pick(second.get_by_role("combobox", name="Article"), "LIV", "LIV-01 — Guide d'ergonomie", keyboard=True)
    expect(second.locator("select[name$='-vat_rate']")).to_have_value("5.50")
    second.locator("input[name$='-quantity']").fill("10")

    # Running totals, VAT per rate on the summed nets, as the server computes them.
    expect(page.locator("[data-total-net]")).to_have_text(money("1 744,00 €"))
    expect(page.locator("[data-total-vat]")).to_have_text(money("313,28 €"))
    expect(page.locator("[data-total-gross]")).to_have_text(money("2 057,28 €"))

    page.get_by_role("button", name="Enregistrer le devis").click()
    expect(page).to_have_url(re.compile(r"/ventes/devis/\d+/$"))
    quote = Quote.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Devis {quote.number}")
    expect(page.locator(".message-success")).to_contain_text(f"Devis {quote.number} enregistré.")
    expect(page.locator("[data-document-totals]")).to_contain_text(re.compile(f"2{SPACE}057,28"))
    assert quote.total_gross == Decimal("2057.28") and quote.lines.count() == 2

    # One click: the order, with the form's defaults (today, 30 days, billing address).
    page.get_by_label("N° de bon de commande du client").fill("BC-778")
    page.get_by_role("button", name="Créer la commande").click()
    expect(page).to_have_url(re.compile(r"/ventes/commandes/\d+/$"))
    order = Order.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    assert Quote.objects.get().status == QuoteStatus.ACCEPTED and order.customer_reference == "BC-778"

    # A partial delivery: 4 chairs now, the books later.
    page.get_by_role("link", name="Livrer", exact=True).click()
    chair, book = order.lines.order_by("position")
    chair_field = page.get_by_label("Quantité livrée — Chaise de bureau")
    expect(chair_field).to_have_value("10")
    chair_field.fill("4")
    page.get_by_label("Quantité livrée — Guide d'ergonomie").fill("0")
    page.get_by_role("button", name="Enregistrer la livraison").click()
    expect(page).to_have_url(re.compile(r"/ventes/livraisons/\d+/$"))
    delivery = Delivery.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bon de livraison {delivery.number}")
    expect(page.get_by_role("link", name="Bon de livraison (PDF)")).to_be_visible()
    chair.refresh_from_db()
    book.refresh_from_db()
    assert (chair.delivered_quantity, book.delivered_quantity) == (Decimal(4), Decimal(0))
    page.get_by_role("link", name="Retour à la commande").click()
    expect(page.locator(".status").first).to_have_text("Livrée en partie")
    assert Order.objects.get().status == OrderStatus.PARTIAL

    # The invoice of what was delivered, issued, downloaded: its embedded XML is the invoice.
    page.get_by_role("button", name="Préparer la facture").click()
    expect(page).to_have_url(re.compile(r"/ventes/factures/\d+/$"))
    page.get_by_label(re.compile("Je confirme l'émission")).check()
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.get_by_role("heading", name="Facture F-2026-00001")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF (Factur-X)").click()
    xml = extract_xml(Path(download.value.path()).read_bytes()).decode()
    # 4 chairs: 599,60 € HT + 20 % = 719,52 €, the buyer's order reference carried into the e-invoice.
    assert "<ram:GrandTotalAmount>719.52</ram:GrandTotalAmount>" in xml
    assert "<ram:IssuerAssignedID>BC-778</ram:IssuerAssignedID>" in xml


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_quote_form_on_a_phone(page, sign_in, shop):
    sign_in(page, "commercial")
    page.goto("/ventes/devis/nouveau/")
    expect(page.get_by_role("heading", name="Nouveau devis")).to_be_visible()
    # Nothing wider than the screen: the page never scrolls sideways, each line stacks its fields.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    customer = page.get_by_label("Client")
    assert customer.bounding_box()["width"] > PHONE["width"] * 0.7  # header fields use the width
    editor = page.locator("[data-line-editor] .table-wrap")
    assert editor.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1", editor.element_handle())  # stacked

    first = line(page, 0)
    pick(first.get_by_role("combobox", name="Article"), "instal", "PR-INST — Installation sur site")
    expect(first.locator("input[name$='-unit_price']")).to_have_value(re.compile(r"^55(,0+)?$"))
    first.locator("input[name$='-quantity']").fill("2")
    page.get_by_role("button", name="+ Ajouter une ligne").tap()
    expect(page.locator("[data-line]")).to_have_count(2)
    expect(page.locator("[data-total-gross]")).to_have_text(money("132,00 €"))
    save = page.get_by_role("button", name="Enregistrer le devis")
    save.scroll_into_view_if_needed()
    expect(save).to_be_visible()
    pick(customer, "Martin", "Boulangerie Martin")
    line(page, 1).locator("input[name$='-quantity']").fill("1")  # a row without its designation: refused
    save.tap()
    expect(page.locator(".message-error")).to_contain_text("Le formulaire contient des erreurs")
    expect(line(page, 1).locator("[id$=-description_error]")).to_contain_text("Ce champ est obligatoire.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not Quote.objects.exists()
