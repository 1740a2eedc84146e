"""Reading received e-invoices: the official CEN/TC 434 examples (EN 16931, CII and UBL, in
../shared/samples/einvoices/, EUPL 1.2), a Factur-X PDF from a real generator, and malformed files."""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfWriter

from pilote.purchases import einvoice_reader as reader
from pilote.sales.facturx_pdf import render_invoice_pdf
from pilote.sales.tests import einvoice_samples as samples

D = Decimal
# The examples live beside the project (../shared/samples/einvoices, not copied into it: their README asks so).
SAMPLES = Path(
    os.environ.get("PILOTE_EINVOICE_SAMPLES", Path(__file__).resolve().parents[4] / "shared/samples/einvoices")
)
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"official EN 16931 examples not found in {SAMPLES}")

# file → (syntax, type, number, currency, BT-109, BT-110, BT-112, BT-115, seller, seller VAT, lines, VAT groups)
# Figures as written in each official example file.
EXPECTED = {
    "cii/CII_example1.xml": ("cii", "380", "12115118", "EUR", "229.6", "20.73", "250.33", "250.33", "De Koksmaat",
                             "NL820098395B01", 20, [("S", "6", "183.23", "10.99"), ("S", "21", "46.37", "9.74")]),
    "cii/CII_example2.xml": ("cii", "380", "TOSL108", "NOK", "1436.5", "365.28", "1801.78", "801.78",
                             "Salescompany ltd.", "NO123456789MVA", 5,
                             [("S", "25", "1460.5", "365.13"), ("S", "15", "1", "0.15"), ("E", "0", "-25", "0")]),
    "cii/CII_example7.xml": ("cii", "380", "INVOICE_test_7", "SEK", "3200", "0", "3200", "3200",
                             "The Sellercompany Incorporated", "", 2, [("O", "0", "3200", "0")]),
    "cii/CII_example8.xml": ("cii", "380", "1100512149", "EUR", "908.91", "190.87", "1099.78", "1099.78",
                             "Enexis B.V.", "NL809561074B01", 10, [("S", "21", "908.91", "190.87")]),
    "ubl/ubl-tc434-example1.xml": ("ubl", "380", "12115118", "EUR", "229.60", "20.73", "250.33", "250.33",
                                   "De Koksmaat", "NL820098395B01", 20,
                                   [("S", "6", "183.23", "10.99"), ("S", "21", "46.37", "9.74")]),
    "ubl/ubl-tc434-example5.xml": ("ubl", "380", "TOSL110", "DKK", "4000.00", "675.00", "4675.00", "2337.50",
                                   "SellerCompany", "NL16356706", 3,
                                   [("S", "25", "1500", "375"), ("S", "12", "2500", "300")]),
    "ubl/ubl-tc434-creditnote1.xml": ("ubl", "381", "018304 / 28865", "EUR", "100.11", "0.00", "100.11", "100.11",
                                      "My Supplier Company", "BE0000000196", 1, [("E", "0", "100.11", "0")]),
}  # fmt: skip


@needs_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_official_examples_are_read_with_their_totals_vat_and_supplier(name):
    syntax, type_code, number, currency, net, vat, gross, payable, seller, seller_vat, lines, groups = EXPECTED[name]
    invoice = reader.read((SAMPLES / name).read_bytes(), name)
    assert (invoice.syntax, invoice.type_code, invoice.number, invoice.currency) == (
        syntax,
        type_code,
        number,
        currency,
    )
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total, invoice.payable) == (
        D(net),
        D(vat),
        D(gross),
        D(payable),
    )
    assert (invoice.seller.name, invoice.seller.vat_number, len(invoice.lines)) == (seller, seller_vat, lines)
    assert [(g.category, g.rate, g.base, g.amount) for g in invoice.vat_groups] == [
        (c, D(r), D(b), D(a)) for c, r, b, a in groups
    ]
    assert invoice.is_credit_note == (type_code == "381")
    assert sum(line.net_amount for line in invoice.lines) == invoice.line_total


@needs_samples
def test_every_official_example_is_read():
    files = sorted(SAMPLES.glob("*/*.xml"))
    assert len(files) == 20
    for path in files:
        invoice = reader.read(path.read_bytes(), path.name)
        assert invoice.lines and invoice.vat_groups and invoice.seller.name, path.name


def test_a_factur_x_pdf_from_a_real_generator_gives_its_french_identifiers():
    data = samples.standard_invoice()
    invoice = reader.read(render_invoice_pdf(data), "facture.pdf")
    assert invoice.syntax == "factur-x" and invoice.profile == "en16931"
    assert invoice.format_label == "Factur-X (profil EN 16931)"
    assert (invoice.seller.siren, invoice.seller.vat_number) == ("123456782", "FR11123456782")
    assert (invoice.number, invoice.gross_total) == (data.number, data.total_gross)
    assert [line.net_amount for line in invoice.lines] == [line.net_amount for line in data.lines]


def _problems(content: bytes) -> str:
    with pytest.raises(reader.EinvoiceError) as error:
        reader.read(content, "f")
    return " ".join(error.value.problems)


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_not_an_invoice_at_all():
    assert "ni un PDF Factur-X ni un XML" in _problems(b"Date;Montant\n01/01/2026;12,00\n")


@needs_samples
def test_broken_xml_is_named():
    assert "mal formé" in _problems(_sample("cii/CII_example9.xml")[:2000].encode())


def test_a_doctype_is_refused_before_parsing():
    xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert "DOCTYPE" in _problems(xml.encode())


@needs_samples
def test_a_schema_failure_names_the_line_and_element():
    xml = _sample("ubl/ubl-tc434-example9.xml").replace(
        "<cbc:IssueDate>", "<cbc:Unexpected>x</cbc:Unexpected><cbc:IssueDate>", 1
    )
    problems = _problems(xml.encode())
    assert "schéma XSD officiel UBL 2.1" in problems and "Unexpected" in problems
    assert re.search(r"Ligne \d+ du XML", problems)


@needs_samples
def test_totals_that_do_not_add_up_are_refused_with_the_rule():
    xml = _sample("cii/CII_example9.xml").replace(
        "<ram:GrandTotalAmount>177.87</ram:GrandTotalAmount>", "<ram:GrandTotalAmount>187.87</ram:GrandTotalAmount>"
    )
    problems = _problems(xml.encode())
    assert "BR-CO-15" in problems and "187,87" in problems and "BR-CO-16" in problems


@needs_samples
def test_a_wrong_vat_amount_is_refused():
    xml = _sample("ubl/ubl-tc434-example9.xml").replace(">30.87<", ">31.87<")
    assert "BR-S-09" in _problems(xml.encode()) or "BR-CO-14" in _problems(xml.encode())


def test_a_pdf_without_xml_is_only_an_image():
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    assert "aucun XML Factur-X joint" in _problems(buffer.getvalue())


def test_a_damaged_pdf_is_named():
    assert "PDF est illisible" in _problems(b"%PDF-1.7\n" + b"\x00" * 200)


@needs_samples
def test_profiles_without_lines_are_refused_by_name():
    xml = _sample("cii/CII_example9.xml").replace("urn:cen.eu:en16931:2017", "urn:factur-x.eu:1p0:minimum", 1)
    assert "Profil Factur-X MINIMUM" in _problems(xml.encode())


@needs_samples
def test_an_unknown_profile_is_refused():
    xml = _sample("cii/CII_example9.xml").replace("urn:cen.eu:en16931:2017", "urn:example:unknown", 1)
    assert "Profil de facture CII inconnu" in _problems(xml.encode())
