"""Quotes and invoices e-mailed to the customer with their PDF: the e-mail the page proposes, the PDF attached,
and the document marked sent only if the e-mail left — the one way of the pages and the API."""

from __future__ import annotations

from django.db import transaction

from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.core.pdf import logo_url, render_pdf
from pilote.lib.formats import format_date, format_eur
from pilote.sales import documents, mail, services
from pilote.sales.models import Invoice, Quote
from pilote.sales.queries import documents as queries

# --- quotes ---------------------------------------------------------------------------------------------------


def quote_pdf_bytes(pk: int) -> bytes:
    quote, lines, groups = queries.quote_for_pdf(pk)
    structure = Structure.objects.get()
    facts = [("Numéro", quote.number), ("Date", format_date(quote.date)),
             ("Valable jusqu'au", format_date(quote.valid_until))]  # fmt: skip
    context = {"quote": quote, "lines": lines, "groups": groups, "facts": facts, "structure": structure,
               "logo_url": logo_url(structure)}  # fmt: skip
    return render_pdf("sales/quote_pdf.html", context)


def quote_filename(quote: Quote) -> str:
    return f"Devis-{quote.number}.pdf"


def quote_email(quote: Quote) -> dict:
    """The e-mail the page proposes for a quote (the API's defaults too)."""
    structure = Structure.objects.get()
    return {
        "to": quote.customer.email,
        "subject": f"Devis {quote.number} — {structure.display_name}",
        "body": (
            f"Bonjour,\n\nVeuillez trouver ci-joint notre devis {quote.number} du {quote.date:%d/%m/%Y}, d'un montant "
            f"de {format_eur(quote.total_gross)} TTC, valable jusqu'au {quote.valid_until:%d/%m/%Y}.\n\n"
            "Pour l'accepter, il vous suffit de nous le retourner daté et signé avec la mention « Bon pour "
            "accord ». Nous restons à votre disposition pour toute question.\n\n"
            f"Cordialement,\n{structure.display_name}"
        ),
    }


def send_quote(*, actor, quote: Quote, to: str, subject: str, body: str) -> Quote:
    """E-mail the quote's PDF and mark it sent — the page's and the API's one way (the status changes only if the
    e-mail left)."""
    with transaction.atomic():
        sent = services.mark_quote_sent(actor=actor, quote=quote, to=to)
        mail.send_document(to=to, subject=subject, body=body, filename=quote_filename(quote),
                           pdf=quote_pdf_bytes(quote.pk), reply_to=Structure.objects.get().email)  # fmt: skip
    return sent


# --- invoices and credit notes ----------------------------------------------------------------------------------


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.get_kind_display().replace(' ', '-').replace(chr(39), '-')}-{invoice.number}.pdf"


def invoice_email(invoice: Invoice) -> dict:
    """The e-mail the page proposes for an issued invoice or credit note (the API's defaults too)."""
    structure = Structure.objects.get()
    return {
        "to": invoice.customer.email,
        "subject": f"{invoice.get_kind_display()} {invoice.number} — {structure.display_name}",
        "body": (
            f"Bonjour,\n\nVeuillez trouver ci-joint notre {invoice.get_kind_display().lower()} {invoice.number} "
            f"du {invoice.date:%d/%m/%Y}"
            + (
                f", payable au plus tard le {invoice.due_date:%d/%m/%Y}"
                if invoice.due_date and not invoice.is_credit_note
                else ""
            )
            + ".\n\nLe PDF contient la facture électronique au format Factur-X.\n\n"
            + f"Cordialement,\n{structure.display_name}"
        ),
    }


def send_invoice(*, actor, invoice: Invoice, to: str, subject: str, body: str) -> Invoice:
    """E-mail the issued invoice's archived PDF (Factur-X) and record it sent — the page's and the API's one way."""
    if invoice.is_draft:
        raise DomainError("Émettez la facture avant de l'envoyer.")
    mail.send_document(to=to, subject=subject, body=body, filename=invoice_filename(invoice),
                       pdf=documents.archived_pdf(invoice), reply_to=Structure.objects.get().email)  # fmt: skip
    return services.mark_invoice_sent(actor=actor, invoice=invoice, to=to)
