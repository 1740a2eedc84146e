"""Purchases test data: received e-invoices made by a real generator (Pilote's own Factur-X writer, which the
sales tests check against the official XSD and schematrons), addressed to the test structure."""

from __future__ import annotations

from dataclasses import replace

from pilote.contacts import services as contacts
from pilote.sales.einvoice import build_cii_xml
from pilote.sales.facturx_pdf import render_invoice_pdf
from pilote.sales.tests import einvoice_samples as samples
from pilote.sales.tests.factories import make_books

# The test structure (pilote/conftest.py) as the buyer of the supplier's invoices.
US = replace(
    samples.BUYER,
    name="Atelier Test SARL",
    siren="912345675",
    siret="91234567500017",
    vat_number="FR65912345675",
)


def supplier_invoice(**changes):
    """Atelier Pilote's invoice FA-2026-0042 (20 / 10 / 5,5 %) to the test structure."""
    return replace(samples.standard_invoice(), **({"buyer": US} | changes))


def supplier_credit_note(**changes):
    return replace(samples.credit_note(), **({"buyer": US} | changes))


def facturx(data) -> bytes:
    return render_invoice_pdf(data)


def cii(data) -> bytes:
    return build_cii_xml(data)


def make_supplier(actor, **fields):
    """The contact that issues the sample invoices (SIREN 123 456 782)."""
    values = dict(
        kind="organisation",
        name="Atelier Pilote",
        is_supplier=True,
        siren="123456782",
        vat_number="FR11123456782",
        city="Lyon",
    )
    return contacts.create_contact(actor=actor, **(values | fields))


def make_purchases(structure, personas) -> dict:
    make_books(structure)
    return {
        "assistant": personas["assistant"],
        "accountant": personas["comptable"],
        "supplier": make_supplier(personas["assistant"]),
    }


def ubl(data) -> bytes:
    """The same invoice in UBL 2.1, written by the factur-x library's own UBL generator from the CII's terms."""
    import facturx

    return facturx.generate_ubl_xml(facturx.parse_ubl_cii_xml(cii(data)), check_schematron=False)
