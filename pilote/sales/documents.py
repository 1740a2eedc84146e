"""From an issued invoice (its frozen snapshots and lines) to the e-invoice description and its PDF.

The legal mentions (C. com. L441-9, décret 2022-1299, CGI 242 nonies A) are written here as notes, with
the UNTDID 4451 subject codes French e-invoicing uses: PMD (late-payment penalties), PMT (the 40 €
recovery indemnity), AAB (early-payment discount), TXD (VAT on debits option), AAI (nature of the
operation).
"""

from __future__ import annotations

from decimal import Decimal

from pilote.lib import identifiers
from pilote.lib.formats import format_eur, format_percent
from pilote.sales import einvoice, totals
from pilote.sales.models import Invoice, InvoiceKind, PaymentTerm
from pilote.sales.terms import RECOVERY_INDEMNITY

TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.DEPOSIT: "386", InvoiceKind.CREDIT_NOTE: "381"}


def _party(data: dict) -> einvoice.Party:
    number = data.get("vat_number", "")
    # Outside the EU, the number held may be a VAT identifier with its country prefix (CHE…TVA, GB…: BT-48) or
    # another tax or registration number (a US EIN): the latter is the party's legal registration id (BT-47).
    foreign = not identifiers.is_eu(data.get("country") or "FR")
    legal_id = number if number and foreign and not identifiers.is_vat_identifier(number) else ""
    return einvoice.Party(
        name=data["name"],
        address_line1=data.get("address_line1", ""),
        address_line2=data.get("address_line2", ""),
        postal_code=data.get("postal_code", ""),
        city=data.get("city", ""),
        country_code=data.get("country") or "FR",
        siren=data.get("siren", ""),
        siret=data.get("siret", ""),
        vat_number="" if legal_id else number,
        legal_id=legal_id,
        tax_registration=data.get("tax_registration", ""),
        email=data.get("email", ""),
        legal_form=data.get("legal_form_code", ""),
        share_capital=format_eur(Decimal(data["share_capital"])) if data.get("share_capital") else "",
        rcs_city=data.get("rcs_city", ""),
    )


def legal_notes(invoice: Invoice) -> list[einvoice.Note]:
    customer = invoice.customer_snapshot
    notes = []  # the seller's legal form, capital and RCS are printed in its identity block
    notes.append(einvoice.Note("AAI", f"Nature de l'opération : {invoice.get_operation_nature_display()}."))
    if invoice.vat_on_debits:
        notes.append(einvoice.Note("TXD", "Option pour le paiement de la taxe d'après les débits."))
    if invoice.vat_on_receipts:
        notes.append(einvoice.Note("TXD", "TVA acquittée sur les encaissements pour les prestations de services."))
    # The French e-invoicing rules (BR-FR-05) want these three notes on every document, credit notes too.
    # Late-payment penalties at the professional rate and the 40 € indemnity apply between professionals
    # only (C. com. art. L441-10 II and D441-5). A private customer (B2C) owes, after a formal notice, interest
    # at the legal rate (C. civ. art. 1231-6); the rate itself is set twice a year (C. mon. fin. L313-2).
    professional = customer.get("kind") == "organisation"
    if professional:
        penalties = (
            f"En cas de retard de paiement, pénalités au taux annuel de {format_percent(invoice.penalty_rate)} "
            "(taux de refinancement de la BCE majoré de 10 points), exigibles dès le lendemain de la date "
            "d'échéance sans rappel (art. L441-10 du code de commerce)."
        )
    else:
        penalties = (
            "En cas de retard de paiement, intérêts au taux légal à compter de la mise en demeure "
            "(art. 1231-6 du code civil)."
        )
    notes.append(einvoice.Note("PMD", penalties))
    if professional:
        indemnity = (
            f"Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : "
            f"{format_eur(RECOVERY_INDEMNITY)} (art. L441-10 et D441-5 du code de commerce)."
        )
    else:  # the 40 € indemnity is owed by professionals only
        indemnity = "Indemnité forfaitaire pour frais de recouvrement : sans objet (client non professionnel)."
    notes.append(einvoice.Note("PMT", indemnity))
    notes.append(einvoice.Note("AAB", "Pas d'escompte pour paiement anticipé."))
    if invoice.notes.strip():
        notes.append(einvoice.Note("AAI", invoice.notes.strip()[:1000]))
    return notes


def invoice_data(invoice: Invoice) -> einvoice.InvoiceData:
    lines = list(invoice.lines.all())
    result = totals.compute_totals(
        totals.PricedLine(line.net_amount, line.rate, line.exemption_mention) for line in lines
    )
    seller = invoice.seller_snapshot
    delivery = invoice.customer_snapshot.get("delivery")
    origin = invoice.credited_invoice
    return einvoice.InvoiceData(
        number=invoice.number,
        type_code=TYPE_CODES[invoice.kind],
        issue_date=invoice.date,
        seller=_party(seller),
        buyer=_party(invoice.customer_snapshot),
        lines=tuple(
            einvoice.LineData(
                line_id=str(i),
                name=line.description,
                quantity=line.quantity,
                unit_code=einvoice.unit_code_for(line.unit),
                unit_price=totals.net_unit_price(line.unit_price, line.discount_percent),
                gross_unit_price=line.unit_price if line.discount_percent else None,
                net_amount=line.net_amount,
                vat_category=totals.vat_category(line.rate, line.exemption_mention),
                vat_rate=line.rate,
                seller_item_id=line.reference,
            )
            for i, line in enumerate(lines, start=1)
        ),
        vat_breakdown=tuple(
            einvoice.VatBreakdown(
                g.category, g.rate, g.base, g.amount, g.exemption_mention, totals.EXEMPTION_CODES.get(g.category, "")
            )
            for g in result.groups
        ),
        total_net=result.net,
        total_vat=result.vat,
        total_gross=result.gross,
        amount_due=result.gross,
        due_date=invoice.due_date,
        payment_terms=f"{PaymentTerm(invoice.payment_term).label} — échéance le {invoice.due_date:%d/%m/%Y}",
        payment_means_code="58" if seller.get("iban") else "30",
        seller_iban=seller.get("iban", ""),
        seller_bic=seller.get("bic", ""),
        order_reference=invoice.customer_reference,
        preceding_invoice_number=origin.number if origin else "",
        preceding_invoice_date=origin.date if origin else None,
        delivery_date=invoice.delivery_date,
        delivery_address=einvoice.Party(
            name=delivery.get("label") or invoice.customer_snapshot["name"],
            address_line1=delivery["line1"],
            address_line2=delivery.get("line2", ""),
            postal_code=delivery["postal_code"],
            city=delivery["city"],
            country_code=delivery.get("country") or "FR",
        )
        if delivery
        else None,
        notes=tuple(legal_notes(invoice)),
        business_process=business_process(invoice, lines),
        # BT-8: VAT due on the invoice date (option for debits) or on payment (services, « encaissements »).
        vat_due_date_code="5" if invoice.vat_on_debits else "72" if invoice.vat_on_receipts else "",
    )


def business_process(invoice: Invoice, lines) -> str:
    """The French « cadre de facturation » (BT-23): B goods, S services, M mixed; 4 for a final invoice
    that deducts deposits, 1 otherwise."""
    letter = {"goods": "B", "services": "S"}.get(invoice.operation_nature, "M")
    final = invoice.kind == InvoiceKind.INVOICE and any(line.deposit_invoice_id for line in lines)
    return f"{letter}{4 if final else 1}"


def render_invoice(invoice: Invoice) -> bytes:
    from pilote.sales.facturx_pdf import render_invoice_pdf

    return render_invoice_pdf(invoice_data(invoice))


def archived_pdf(invoice: Invoice) -> bytes:
    """The invoice's archived Factur-X PDF; rendered and archived on first use if the issue skipped it
    (bulk loads such as the demo), from the data frozen at issue, so it says the same thing."""
    from pilote.sales.issuing import store_pdf
    from pilote.sales.models import InvoiceFile

    if invoice.is_draft:
        raise ValueError("A draft has no PDF")
    stored = InvoiceFile.objects.filter(invoice=invoice).first()
    if stored is None:
        stored = store_pdf(invoice)
    return bytes(stored.pdf)
