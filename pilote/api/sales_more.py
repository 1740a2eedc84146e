"""Sales beyond the documents' life cycle (apia): a quote duplicated (« Dupliquer »), an issued invoice or credit note
e-mailed with its archived Factur-X PDF — through the pages' forms and the same functions the pages call."""

from ninja import Field, Router, Schema, Status

from pilote.api.base import ObjectId, fetch, guarded, through_form
from pilote.api.sales import InvoiceDetailOut, QuoteOut, get_invoice, get_quote
from pilote.sales.models import Invoice, Quote

router = Router(tags=["Ventes"])


@guarded(router, "POST", "/devis/{quote_id}/duplication", "sales.edit", response={201: QuoteOut})
def duplicate_quote(request, quote_id: ObjectId):
    """A new draft quote dated today, valid 30 days, with the quote's customer, lines and notes."""
    import datetime as dt

    from pilote.lib.dates import local_today
    from pilote.sales import services
    from pilote.sales.views.quotes import VALIDITY_DAYS

    quote, today = fetch(Quote.objects.select_related("customer"), quote_id), local_today()
    copy = services.duplicate_quote(actor=request.auth, quote=quote, date=today,
                                    valid_until=today + dt.timedelta(VALIDITY_DAYS))  # fmt: skip
    return Status(201, get_quote(request, copy.pk))


class EmailIn(Schema):
    to: str | None = Field(None, max_length=254, description="destinataire (sinon l'e-mail du client, du fournisseur)")
    subject: str | None = Field(None, max_length=200, description="objet (sinon celui que la page propose)")
    body: str | None = Field(None, max_length=20000, description="message (sinon celui que la page propose)")


@guarded(router, "POST", "/factures/{invoice_id}/envoi", "sales.issue", response=InvoiceDetailOut)
def send_invoice(request, invoice_id: ObjectId, payload: EmailIn):
    """E-mail the issued invoice's archived Factur-X PDF (a draft: 409) and record it sent, as the page does."""
    from pilote.sales import sending
    from pilote.sales.forms import EmailForm

    invoice = fetch(Invoice.objects.select_related("customer"), invoice_id)
    data = through_form(EmailForm, payload, initial=sending.invoice_email(invoice))
    sending.send_invoice(actor=request.auth, invoice=invoice, **data)
    return get_invoice(request, invoice_id)
