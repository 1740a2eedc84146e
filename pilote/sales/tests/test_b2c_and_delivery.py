"""Issue 9, point 7.

- A private customer's invoice carries neither the professional late-payment rate nor the 40 € recovery
  indemnity (C. com. L441-10 and D441-5 apply between professionals), but the consumer wording (C. civ.
  1231-6), in the PDF and in the Factur-X notes; a business customer's keeps both.
- Deposit invoices and credit notes have no empty element: ApplicableHeaderTradeDelivery, required by the
  CII schema, carries the deliver-to address (PEPPOL-EN16931-R008 is no longer tolerated).
"""

import datetime as dt
from decimal import Decimal as D

import facturx
from lxml import etree

from pilote.contacts import services as contacts
from pilote.sales import documents, einvoice, issuing, services
from pilote.sales.einvoice import build_cii_xml
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import InvoiceFile
from pilote.sales.services import LineSpec
from pilote.sales.tests import einvoice_samples as samples
from pilote.sales.tests.test_einvoice import assert_valid, pdf_text, schematron_failures

NS = einvoice.NSMAP


def _issue(shop, customer, quantity=2):
    invoice = services.create_invoice(
        actor=shop["actor"], customer=customer, date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["install"], D(quantity))],
    )  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice)


def _person(shop):
    return contacts.create_contact(
        actor=shop["actor"], kind="person", name="Durand", first_name="Léa", is_customer=True,
        address_line1="8 rue Victor Hugo", postal_code="69003", city="Lyon", email="lea.durand@example.fr",
    )  # fmt: skip


def _notes(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    return {
        note.findtext("ram:SubjectCode", namespaces=NS): note.findtext("ram:Content", namespaces=NS)
        for note in root.xpath("//ram:IncludedNote", namespaces=NS)
    }


def test_private_customer_gets_no_professional_penalties_nor_indemnity(shop):
    invoice = _issue(shop, _person(shop))
    pdf = bytes(InvoiceFile.objects.get(invoice=invoice).pdf)
    printed = " ".join(pdf_text(pdf))
    assert "40,00 €" not in printed and "BCE" not in printed and "L441-10" not in printed
    assert "intérêts au taux légal à compter de la mise en demeure (art. 1231-6 du code civil)" in printed
    xml = extract_xml(pdf)
    notes = _notes(xml)
    assert notes["PMD"] == (
        "En cas de retard de paiement, intérêts au taux légal à compter de la mise en demeure "
        "(art. 1231-6 du code civil)."
    )
    assert "40" not in notes["PMT"] and "sans objet" in notes["PMT"]
    assert_valid(xml)  # BR-FR-05 still finds its PMD, PMT and AAB notes


def test_private_customer_without_email_gets_a_valid_en16931_invoice(shop):
    """B2C sales are outside e-invoicing (CGI 289 bis: between taxable persons established in France) and go to
    e-reporting (flux 10) instead: the invoice passes the XSD and the EN 16931 rules, and of the French « Flux 2 »
    rules — those of an invoice exchanged through a platform — only BR-FR-12 (the buyer's electronic address,
    BT-49, which a person without e-mail has not) is unmet, and no other French rule."""
    person = contacts.create_contact(
        actor=shop["actor"], kind="person", name="Roux", first_name="Paul", is_customer=True,
        address_line1="2 quai Saint-Vincent", postal_code="69001", city="Lyon",
    )  # fmt: skip
    xml = extract_xml(bytes(InvoiceFile.objects.get(invoice=_issue(shop, person)).pdf))
    root = etree.fromstring(xml)
    assert not root.xpath("//ram:BuyerTradeParty/ram:URIUniversalCommunication", namespaces=NS)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert not schematron_failures(xml, "en16931")
    assert {f["id"] for f in schematron_failures(xml, "fr-ctc")} == {"BR-FR-12_BT-49"}


def test_business_customer_keeps_the_professional_terms(shop):
    notes = {note.subject_code: note.text for note in documents.legal_notes(_issue(shop, shop["customer"]))}
    assert "taux annuel de 12,15\u202f%" in notes["PMD"] and "L441-10" in notes["PMD"]
    assert "40,00\u202f€" in notes["PMT"]


def _delivery(xml: bytes):
    return etree.fromstring(xml).xpath("//ram:ApplicableHeaderTradeDelivery", namespaces=NS)[0]


def test_deposit_and_credit_note_samples_have_no_empty_element():
    for data in (samples.deposit_invoice(), samples.credit_note()):
        assert data.delivery_date is None and data.delivery_address is None
        xml = build_cii_xml(data)
        assert "PEPPOL-EN16931-R008" not in {f["id"] for f in schematron_failures(xml, "en16931")}
        delivery = _delivery(xml)
        assert len(delivery) and delivery.xpath(".//ram:CountryID/text()", namespaces=NS) == ["FR"]
        assert not etree.fromstring(xml).xpath("//*[not(*) and not(normalize-space())]")


def test_issued_deposit_and_credit_note_pass_without_any_warning(shop):
    actor = shop["actor"]
    order = services.create_order(
        actor=actor, customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(4))],
    )  # fmt: skip
    deposit = services.deposit_invoice(actor=actor, order=order, date=shop["day"], percent=D(30))
    deposit = issuing.issue_invoice(actor=actor, invoice=deposit, render_pdf=False)
    invoice = _issue(shop, shop["customer"])
    note = services.credit_note_for(actor=actor, invoice=invoice, date=dt.date(2026, 3, 10))
    note = issuing.issue_invoice(actor=actor, invoice=note, render_pdf=False)
    for document in (deposit, note):
        xml = build_cii_xml(documents.invoice_data(document))
        assert_valid(xml)  # R008 included
        address = _delivery(xml).xpath("ram:ShipToTradeParty/ram:PostalTradeAddress", namespaces=NS)[0]
        assert address.findtext("ram:CityName", namespaces=NS) == "Grenoble"
