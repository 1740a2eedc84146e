"""The invoice PDF: a French A4 invoice rendered by WeasyPrint as PDF/A-3b, with its Factur-X XML embedded.

WeasyPrint's `pdf/a-3b` variant gives the trailer ID, the sRGB output intent, embedded fonts and the PDF/A
XMP; `facturx.generate_from_binary` then attaches `factur-x.xml` (AFRelationship /Data) and rewrites the
XMP with the Factur-X extension schema (profile EN 16931). The result is one file, readable by people
and by machines, as the e-invoicing reform expects (CGI art. 289 bis; Factur-X 1.0 "EN 16931").
"""

from __future__ import annotations

import base64
import mimetypes
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from pilote.lib.formats import format_date, format_eur, format_number, format_percent, significant_places
from pilote.lib.identifiers import format_iban, format_tax_number, is_eu
from pilote.sales.einvoice import (
    TYPE_CREDIT_NOTE,
    TYPE_PREPAYMENT,
    InvoiceData,
    LineData,
    build_cii_xml,
    seller_legal_mention,
)

STYLESHEET = Path(__file__).parent / "static" / "sales" / "invoice.css"

DOCUMENT_LABELS = {"380": "Facture", TYPE_CREDIT_NOTE: "Avoir", TYPE_PREPAYMENT: "Facture d'acompte"}

# UN/ECE rec 20 codes → the short French unit printed on the invoice.
UNIT_LABELS = {
    "C62": "u",
    "H87": "pièce",
    "HUR": "h",
    "DAY": "j",
    "LS": "forfait",
    "MON": "mois",
    "KGM": "kg",
    "MTR": "m",
    "MTK": "m²",
    "LO": "lot",
}

# UNTDID 4461 payment means → French label.
PAYMENT_MEANS = {
    "10": "Espèces",
    "20": "Chèque",
    "30": "Virement",
    "42": "Paiement sur compte bancaire",
    "48": "Carte bancaire",
    "49": "Prélèvement",
    "57": "Ordre permanent",
    "58": "Virement SEPA",
    "59": "Prélèvement SEPA",
    "97": "Compensation",
}


def document_label(type_code: str) -> str:
    return DOCUMENT_LABELS.get(type_code, "Facture")


def render_invoice_pdf(data: InvoiceData, *, logo_path: str | None = None, title: str | None = None) -> bytes:
    """The Factur-X PDF/A-3b of `data` (ValueError, from build_cii_xml, if `data` is inconsistent)."""
    import facturx
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    xml = build_cii_xml(data)  # first: an inconsistent invoice fails before any rendering
    title = title or f"{document_label(data.type_code)} n° {data.number}"
    subject = (
        f"{document_label(data.type_code)} {data.number} du {format_date(data.issue_date)}"
        f" – {data.seller.name} à {data.buyer.name}"
    )
    logo_url = _data_uri(logo_path) if logo_path else ""
    html = render_to_string("sales/invoice_pdf.html", _context(data, title=title, subject=subject, logo_url=logo_url))
    # Nothing is fetched, neither from the network nor from disk: the logo travels as a data: URI.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant="pdf/a-3b"
    )
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr-FR",
        afrelationship="data",
        pdf_metadata={
            "author": data.seller.name,
            "title": title,
            "subject": subject,
            "keywords": f"Factur-X, {document_label(data.type_code)}, {data.number}",
        },
    )


def extract_xml(pdf: bytes) -> bytes:
    """The Factur-X XML embedded in `pdf`; ValueError when there is none."""
    import facturx

    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    if not xml:
        raise ValueError("No Factur-X XML found in this PDF.")
    return xml


def _data_uri(path: str) -> str:
    """The image at `path` as a data: URI (FileNotFoundError if it is missing)."""
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def _context(data: InvoiceData, *, title: str, subject: str, logo_url: str) -> dict:
    return {
        "data": data,
        "title": title,
        "subject": subject,
        "logo_url": logo_url,
        "doc_label": document_label(data.type_code),
        "is_credit_note": data.type_code == TYPE_CREDIT_NOTE,
        "seller": data.seller,
        "buyer": data.buyer,
        "buyer_in_eu": is_eu(data.buyer.country_code),
        "buyer_vat": format_tax_number(data.buyer.vat_number),
        "seller_legal": seller_legal_mention(data.seller),
        "delivery": data.delivery_address,
        "lines": [_line_row(line) for line in data.lines],
        "vat_rows": [
            {
                "label": _vat_label(vat.category, vat.rate),
                "reason": vat.exemption_reason,
                "base": format_eur(vat.base),
                "amount": format_eur(vat.amount),
            }
            for vat in data.vat_breakdown
        ],
        "payment_means": PAYMENT_MEANS.get(data.payment_means_code, ""),
        "iban": _iban(data.seller_iban),
    }


def _unit_price(value: Decimal) -> str:
    """A unit price with its own precision (2 to 4 decimals): 4,1667 € stays 4,1667 €."""
    return f"{format_number(value, max(2, min(4, significant_places(value))))}\u202f€"


def _line_row(line: LineData) -> dict:
    discount = ""
    shown_price = line.unit_price
    if line.gross_unit_price is not None and line.gross_unit_price != line.unit_price:
        shown_price = line.gross_unit_price
        discount = format_percent((line.gross_unit_price - line.unit_price) * 100 / line.gross_unit_price)
    return {
        "reference": line.seller_item_id,
        "name": line.name,
        "description": line.description,
        "quantity": format_number(line.quantity, significant_places(line.quantity)),
        "unit": UNIT_LABELS.get(line.unit_code, line.unit_code),
        "unit_price": _unit_price(shown_price),
        "discount": discount,
        "net_amount": format_eur(line.net_amount),
        "vat": _vat_label(line.vat_category, line.vat_rate, short=True),
    }


def _vat_label(category: str, rate: Decimal, *, short: bool = False) -> str:
    if category == "S":
        return format_percent(rate)
    labels = {
        "E": "Exonéré",
        "AE": "Autoliquidation",
        "K": "Exonéré (intracom.)",
        "G": "Exonéré (export)",
        "Z": "0 %",
        "O": "Hors champ",
    }
    label = labels.get(category, category)
    return label if not short or category in {"Z", "O"} else label.split(" ")[0]  # « Hors champ », not « Hors »


def _iban(value: str) -> str:
    if not value:
        return ""
    try:
        return format_iban(value)
    except ValueError:
        return value
