"""Customers established outside the EU (issue 9, point 1).

A Swiss and an American business are recorded with their own country's identifier (checked by
python-stdnum: ch.vat for « CHE-107.787.577 TVA », us.tin for an EIN) and invoiced without an intra-EU VAT
number: goods exported (« Exonération de TVA, article 262 I du CGI », EN 16931 category G) and services
outside the scope of French VAT (« TVA non applicable, article 259-1 du CGI », category O). Every Factur-X
passes the XSD, the EN 16931 schematron and the French CTC schematron.
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from pilote.catalog.models import Product
from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.lib import identifiers
from pilote.lib.fields import IdentifierFormField
from pilote.sales import einvoice, issuing, services
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import InvoiceFile
from pilote.sales.services import LineSpec
from pilote.sales.tests.test_einvoice import assert_valid, pdf_text

NS = einvoice.NSMAP
EXPORT = "Exonération de TVA, article 262 I du CGI"
OUTSIDE = "TVA non applicable, article 259-1 du CGI"


def _business(shop, country, name, number, **extra):
    return contacts.create_contact(
        actor=shop["actor"], kind="organisation", name=name, is_customer=True, country=country,
        vat_number=number, email=f"compta@{name.split()[0].lower()}.example", **extra,
    )  # fmt: skip


@pytest.fixture
def swiss(shop):
    return _business(
        shop, "CH", "Uhrwerk AG", "CHE-107.787.577 MWST",
        address_line1="Bahnhofstrasse 10", postal_code="8001", city="Zürich",
    )  # fmt: skip


@pytest.fixture
def american(shop):
    return _business(
        shop, "US", "Acme Tools Inc", "04-2103594",
        address_line1="1 Main Street", postal_code="02139", city="Cambridge",
    )  # fmt: skip


@pytest.fixture
def articles(db):
    return {
        "export": Product.objects.create(
            reference="EXP-01", name="Établi exporté", unit_price=D("1200"), vat_rate="0.00", exemption_mention=EXPORT
        ),
        "service": Product.objects.create(
            reference="SRV-01",
            name="Audit à distance",
            kind="service",
            unit="h",
            unit_price=D("95"),
            vat_rate="0.00",
            exemption_mention=OUTSIDE,
        ),  # fmt: skip
    }


def _issue(shop, customer, *specs):
    invoice = services.create_invoice(actor=shop["actor"], customer=customer, date=shop["day"], lines=list(specs))
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice)


def _xml(invoice):
    pdf = bytes(InvoiceFile.objects.get(invoice=invoice).pdf)
    return pdf, extract_xml(pdf)


def _at(root, path):
    return [node.text for node in root.xpath(path, namespaces=NS)]


# --- identifiers -----------------------------------------------------------------------------------


def test_swiss_and_american_identifiers_are_accepted_and_checked(shop, swiss, american):
    assert swiss.vat_number == "CHE107787577MWST"
    assert identifiers.format_tax_number(swiss.vat_number) == "CHE-107.787.577 MWST"
    assert american.vat_number == "042103594"
    with pytest.raises(ValidationError, match="n° IDE/TVA suisse"):  # wrong check digit
        _business(shop, "CH", "Faux AG", "CHE-107.787.578 TVA")
    with pytest.raises(ValidationError, match="indiquez d'abord son pays"):  # a German business: an EU VAT number
        _business(shop, "DE", "Falsch GmbH", "CHE-107.787.577 MWST")
    # A country python-stdnum has no module for: the number is kept as typed (compacted).
    assert _business(shop, "SC", "Island Ltd", "SC 8 41 23").vat_number == "SC84123"


def test_the_form_field_takes_the_printed_swiss_number():
    field = IdentifierFormField(kind="tax", required=False)
    assert field.clean("CHE-107.787.577 TVA") == "CHE107787577TVA"
    assert field.clean("12-3456789") == "123456789"  # checked with the contact's country by its rules
    with pytest.raises(ValidationError):
        field.clean("CHE-107.787.578 TVA")


# --- invoices --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["swiss", "american"])
def test_goods_export_and_services_are_invoiced_with_a_valid_factur_x(shop, articles, who, request):
    customer = request.getfixturevalue(who)
    export = _issue(shop, customer, LineSpec.from_product(articles["export"], D(2)))
    assert export.total_vat == 0 and export.total_gross == D("2400.00")
    pdf, xml = _xml(export)
    assert_valid(xml)
    root = etree.fromstring(xml)
    assert _at(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["G"]
    assert _at(root, "//ram:ApplicableHeaderTradeSettlement//ram:ExemptionReason") == [EXPORT]
    assert _at(root, "//ram:ApplicableHeaderTradeSettlement//ram:ExemptionReasonCode") == ["VATEX-EU-G"]
    assert _at(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR65912345675"]
    printed = " ".join(pdf_text(pdf))
    assert EXPORT in printed
    if who == "swiss":  # a Swiss VAT number is a VAT identifier with its ISO prefix (BT-48)
        assert _at(root, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["CHE107787577MWST"]
        assert "N° TVA : CHE-107.787.577 MWST" in printed
    else:  # an EIN is no VAT number: the buyer's legal registration identifier (BT-47)
        assert not _at(root, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")
        assert _at(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["042103594"]
        assert "N° d'identification fiscale : 042103594" in printed

    service = _issue(shop, customer, LineSpec.from_product(articles["service"], D(3)))
    assert service.total_vat == 0 and service.total_gross == D("285.00")
    assert service.entry.lines.filter(account__code__startswith="445").count() == 0  # no VAT posted
    pdf, xml = _xml(service)
    assert_valid(xml)
    root = etree.fromstring(xml)
    assert _at(root, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["O"]
    assert _at(root, "//ram:ApplicableHeaderTradeSettlement//ram:ExemptionReasonCode") == ["VATEX-EU-O"]
    # BR-O-02: no VAT identifier in the data; the seller is known by its SIREN (BT-30, and BT-32 FC).
    assert not root.xpath("//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", namespaces=NS)
    assert _at(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == ["912345675"]
    printed = " ".join(pdf_text(pdf))
    assert OUTSIDE in printed and "FR65912345675" in printed  # the seller's VAT number stays on the PDF
    assert "190,00 € Hors champ" in printed or "285,00 € Hors champ" in printed  # the line's VAT column


def test_business_outside_the_eu_needs_no_eu_vat_number(shop, articles):
    customer = _business(
        shop, "CH", "Sans Numéro SA", "", address_line1="Rue du Rhône 1", postal_code="1204", city="Genève"
    )
    invoice = _issue(shop, customer, LineSpec.from_product(articles["export"], D(1)))
    assert_valid(_xml(invoice)[1])


def test_eu_business_still_needs_its_vat_number(shop, articles):
    customer = _business(shop, "DE", "Ohne GmbH", "", address_line1="Hauptstr. 1", postal_code="10115", city="Berlin")
    draft = services.create_invoice(
        actor=shop["actor"], customer=customer, date=shop["day"],
        lines=[LineSpec.from_product(articles["export"], D(1))],
    )  # fmt: skip
    with pytest.raises(DomainError, match="n° de TVA intracommunautaire d'Ohne GmbH est obligatoire"):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)


def test_outside_scope_services_stand_alone_and_only_for_non_eu_businesses(shop, articles, swiss):
    mixed = services.create_invoice(
        actor=shop["actor"], customer=swiss, date=shop["day"],
        lines=[LineSpec.from_product(articles["service"], D(1)), LineSpec.from_product(shop["p"]["install"], D(1))],
    )  # fmt: skip
    with pytest.raises(DomainError, match="se facturent seules"):
        issuing.issue_invoice(actor=shop["actor"], invoice=mixed)
    french = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(articles["service"], D(1))],
    )  # fmt: skip
    with pytest.raises(DomainError, match="hors de l'Union européenne"):
        issuing.issue_invoice(actor=shop["actor"], invoice=french)
    assert not mixed.number and not french.number


@pytest.mark.parametrize(
    ("mention", "message"),
    [
        ("Exonération de TVA, article 262 ter I du CGI", "c'est une exportation"),
        ("Autoliquidation", "hors de l'UE : « TVA non applicable, article 259-1 du CGI »"),
    ],
)
def test_intra_eu_mentions_are_refused_in_french_for_a_us_customer(shop, american, mention, message):
    """An EIN is no VAT number: an intra-EU supply or a reverse charge to a US business is refused at issue, in
    French, before any Factur-X is written (the XML would lack the buyer's VAT identifier, BR-IC-02/BR-AE-02)."""
    spec = LineSpec(description="Pièce", quantity=D(1), unit_price=D(100), vat_rate="0.00", exemption_mention=mention)
    draft = services.create_invoice(actor=shop["actor"], customer=american, date=shop["day"], lines=[spec])
    with pytest.raises(DomainError, match=message):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    draft.refresh_from_db()
    assert draft.number is None and not InvoiceFile.objects.exists()


@pytest.mark.parametrize("regime", ["encaissements", "debits"])
def test_no_vat_payment_mention_on_services_outside_french_vat(shop, articles, swiss, regime):
    """« TVA sur les encaissements / option pour les débits » concern French VAT on services (CGI 269-2-c): an
    invoice of services outside its scope (259-1) carries neither the TXD note nor the VAT point code (BT-8)."""
    Structure.objects.update(vat_regime=regime)
    invoice = _issue(shop, swiss, LineSpec.from_product(articles["service"], D(1)))
    assert not invoice.vat_on_receipts and not invoice.vat_on_debits
    root = etree.fromstring(_xml(invoice)[1])
    assert not _at(root, "//ram:IncludedNote[ram:SubjectCode='TXD']/ram:Content")
    assert not _at(root, "//ram:DueDateTypeCode")
    taxed = _issue(shop, shop["customer"], LineSpec.from_product(shop["p"]["install"], D(1)))
    assert (taxed.vat_on_receipts, taxed.vat_on_debits) == (regime == "encaissements", regime == "debits")
