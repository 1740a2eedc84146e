"""CA3 lines fed by the operations themselves: sales without French VAT on E1/E2/F2, box 16 consistent
with the VAT lines, and a declared period shown with its declared figures."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.core.exceptions import DomainError
from pilote.ledger import vat, vat_lines
from pilote.ledger.models import VatReturn
from pilote.sales import issuing, services, totals
from pilote.sales.models import Invoice, InvoiceStatus
from pilote.sales.services import LineSpec
from pilote.sales.tests.factories import make_shop

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
EXPORT = "Exonération de TVA, article 262 I du CGI"
INTRA_EU = "Exonération de TVA, article 262 ter I du CGI"
TRAINING = "Exonération de TVA, article 261-4-4° du CGI"
REVERSE_CHARGE = "Autoliquidation"
OUTSIDE_EU_SERVICE = totals.OUTSIDE_SCOPE_MENTION  # B2B service to a business outside the EU, art. 259-1


@pytest.fixture
def shop(structure, personas):
    return make_shop(structure, personas)


def _line(net, mention="", rate="20.00", kind="goods"):
    return LineSpec(f"Ligne {mention or rate}", D(1), D(net), vat_rate=rate, exemption_mention=mention, kind=kind)


def _issued_without_vat(shop, day, lines, credit_of=None):
    """An invoice (or credit note) of lines without VAT, marked issued directly: the legal checks of issuing
    (customer's country, VAT numbers) are the sales module's business, the CA3 reads issued documents."""
    if credit_of is None:
        doc = services.create_invoice(actor=shop["actor"], customer=shop["customer"], date=day, lines=lines)
    else:
        doc = services.credit_note_for(actor=shop["actor"], invoice=credit_of, date=day)
        doc.lines.exclude(pk=doc.lines.order_by("position", "pk").first().pk).delete()
    number = f"T-{Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() + 1:05d}"
    Invoice.objects.filter(pk=doc.pk).update(status=InvoiceStatus.ISSUED, number=number, issued_at=timezone.now())
    return Invoice.objects.get(pk=doc.pk)


def _taxable_sale(shop, day=dt.date(2026, 3, 5), net="1000.00"):
    invoice = services.create_invoice(actor=shop["actor"], customer=shop["customer"], date=day, lines=[_line(net)])
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)


def test_mapping_follows_the_notice():
    assert vat_lines.line_for("G") == "E1" and vat_lines.line_for("K") == "F2"
    assert vat_lines.line_for("E") == vat_lines.line_for("AE") == vat_lines.line_for("O") == "E2"
    assert vat_lines.line_for("S") is None
    assert vat_lines.operation_lines([("K", D("5")), ("G", D("2")), ("S", D("9")), ("E", D("1"))]) == {
        "E1": D("2"),
        "E2": D("1"),
        "F2": D("5"),
    }
    with pytest.raises(DomainError, match="catégorie de TVA « Z »"):
        vat_lines.operation_lines([("Z", D("1"))])


def test_sales_without_vat_reach_e1_e2_f2(shop):
    _taxable_sale(shop)
    _issued_without_vat(shop, dt.date(2026, 3, 3), [_line("5000.00", EXPORT, "0.00")])
    intra = _issued_without_vat(shop, dt.date(2026, 3, 9), [_line("3200.00", INTRA_EU, "0.00")])
    _issued_without_vat(shop, dt.date(2026, 3, 12), [_line("800.00", TRAINING, "0.00", "service")])
    _issued_without_vat(shop, dt.date(2026, 3, 20), [_line("1500.00", REVERSE_CHARGE, "0.00", "service")])
    _issued_without_vat(shop, dt.date(2026, 3, 21), [_line("700.00", OUTSIDE_EU_SERVICE, "0.00", "service")])
    _issued_without_vat(shop, dt.date(2026, 3, 25), [], credit_of=intra)  # credit note: F2 back to 0
    _issued_without_vat(shop, dt.date(2026, 4, 2), [_line("999.00", EXPORT, "0.00")])  # April: not March
    services.create_invoice(  # a draft is no operation
        actor=shop["actor"], customer=shop["customer"], date=dt.date(2026, 3, 6), lines=[_line("7.00", EXPORT, "0.00")]
    )
    figures = vat.compute_ca3(*MARCH, check_sequence=False)
    assert figures.operations == {"E1": D("5000.00"), "E2": D("3000.00"), "F2": D("0.00")}
    boxes = figures.boxes()
    assert boxes["A1"] == "1000.00" and boxes["E1"] == "5000.00" and boxes["E2"] == "3000.00"
    assert boxes["08 base"] == "1000.00" and boxes["16"] == "200.00"


def test_intra_eu_supply_on_f2(shop):
    lines = [_line("3200.00", INTRA_EU, "0.00"), _line("100.00", EXPORT, "0.00")]
    _issued_without_vat(shop, dt.date(2026, 3, 9), lines)
    boxes = vat.compute_ca3(*MARCH, check_sequence=False).boxes()
    assert boxes["F2"] == "3200.00" and boxes["E1"] == "100.00" and "E2" not in boxes


def test_page_shows_the_lines_with_french_labels(shop, client_as):
    _issued_without_vat(shop, dt.date(2026, 1, 9), [_line("3200.00", INTRA_EU, "0.00")])
    page = client_as("comptable").get(reverse("ledger:vat-return"), {"du": "2026-01-01", "au": "2026-01-31"})
    assert (
        "F2",
        "Livraisons intracommunautaires à destination d'une personne assujettie",
        "3200.00",
    ) in page.context["rows"]
    assert "3\u202f200,00" in page.content.decode()


def _declare_until_march(shop):
    for month in (1, 2, 3):
        start = dt.date(2026, month, 1)
        end = dt.date(2026, month + 1, 1) - dt.timedelta(days=1)
        vat.confirm_ca3(actor=shop["accountant"], start=start, end=end)


def test_box_16_equals_the_vat_lines_even_after_the_settlement(shop):
    _taxable_sale(shop, net="12548.30")  # 2 509,66 of VAT
    _declare_until_march(shop)
    declared = VatReturn.objects.get(period_start=MARCH[0])
    assert declared.boxes["08 taxe"] == declared.boxes["16"] == "2509.66"
    # Recomputed for analysis after the settlement entry, the figures stay those of the operations.
    again = vat.compute_ca3(*MARCH, check_sequence=False)
    assert again.box16 == sum(again.taxes.values()) == D("2509.66")


def test_a_declared_month_shows_its_declared_figures(shop, client_as):
    _taxable_sale(shop, net="12548.30")
    _issued_without_vat(shop, dt.date(2026, 3, 3), [_line("5000.00", EXPORT, "0.00")])
    _declare_until_march(shop)
    _taxable_sale(shop, day=dt.date(2026, 3, 30), net="100.00")  # a late March sale, after the declaration
    _issued_without_vat(shop, dt.date(2026, 3, 31), [_line("40.00", EXPORT, "0.00")])
    client = client_as("comptable")
    page = client.get(reverse("ledger:vat-return"), {"du": "2026-03-01", "au": "2026-03-31"})
    rows = {key: value for key, _label, value in page.context["rows"]}
    assert rows["16"] == rows["08 taxe"] == "2509.66" and rows["E1"] == "5000.00"
    html = page.content.decode()
    assert "Période déclarée" in html and "Valider et passer" not in html and "2\u202f509,66" in html
