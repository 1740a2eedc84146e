"""Invoices and credit notes over the API (read): accounting tools and e-invoicing platforms fetch the
issued documents, their settlement state and their Factur-X PDF."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, PageNumber, PageSize, RequiredId, fetch, guarded, through_form
from pilote.core.listing import sort_queryset
from pilote.core.pdf import pdf_file_response
from pilote.sales import documents, services
from pilote.sales.models import Invoice, Quote
from pilote.sales.queries import documents as sales_queries
from pilote.sales.queries import invoices as invoice_queries

router = Router(tags=["Ventes"])


class InvoiceLineOut(Schema):
    reference: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    exemption_mention: str
    net_amount: Decimal


class InvoiceOut(Schema):
    id: int
    number: str | None
    kind: str
    status: str
    date: dt.date
    due_date: dt.date | None
    customer_id: int
    customer_name: str
    customer_reference: str
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    amount_paid: Decimal
    credited_amount: Decimal
    balance_due: Decimal
    credited_invoice: str | None

    @staticmethod
    def resolve_customer_name(obj: Invoice) -> str:
        return obj.customer.display_name

    @staticmethod
    def resolve_credited_invoice(obj: Invoice) -> str | None:
        return obj.credited_invoice.number if obj.credited_invoice_id else None


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj: Invoice):
        return list(obj.lines.all())


class InvoicePage(Schema):
    count: int
    page: int
    pages: int
    results: list[InvoiceOut]


class InvoiceFilters(Schema):
    q: str = ""
    etat: str = Field("", description="draft, unpaid, late ou paid")
    type: str = Field("", description="invoice, deposit ou credit_note")
    du: dt.date | None = None
    au: dt.date | None = None
    client: OptionalId = None
    tri: str = Field("-date", description="numero, date, client, ttc, echeance ; préfixe - pour l'ordre décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/factures", "sales.view", response=InvoicePage)
def list_invoices(request, filters: Query[InvoiceFilters]):
    data = filters.dict()
    criteria = {"q": data["q"], "state": data["etat"], "kind": data["type"], "start": data["du"], "end": data["au"],
                "customer": data["client"]}  # fmt: skip
    invoices = invoice_queries.filter_invoices(criteria, timezone.localdate()).select_related("credited_invoice")
    return _page(sort_queryset(invoices, data["tri"], invoice_queries.INVOICE_SORTS, "-date"), data)


@guarded(router, "GET", "/factures/{invoice_id}", "sales.view", response=InvoiceDetailOut)
def get_invoice(request, invoice_id: ObjectId):
    return get_object_or_404(Invoice.objects.select_related("customer", "credited_invoice"), pk=invoice_id)


@guarded(router, "GET", "/factures/{invoice_id}/facturx", "sales.view")
def get_invoice_pdf(request, invoice_id: ObjectId):
    """The archived Factur-X PDF (PDF/A-3 with its EN 16931 CII XML) of an issued invoice."""
    invoice = get_object_or_404(Invoice, pk=invoice_id, status="issued")
    return pdf_file_response(documents.archived_pdf(invoice), f"{invoice.number}.pdf")


class DocumentLineOut(Schema):
    reference: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    net_amount: Decimal


class QuoteOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    valid_until: dt.date
    customer_id: int
    opportunity_id: int | None
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    lines: list[DocumentLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class OrderLineOut(DocumentLineOut):
    delivered_quantity: Decimal
    invoiced_quantity: Decimal


class OrderOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    customer_id: int
    customer_reference: str
    quote_id: int | None
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class DocumentFilters(Schema):
    q: str = ""
    statut: str = Field("", description="statut du document (ex. sent, accepted ; open, partial, delivered…)")
    du: dt.date | None = None
    au: dt.date | None = None
    client: OptionalId = None
    page: PageNumber = 1
    taille: PageSize = 50


def _page(documents, data: dict) -> dict:
    count = documents.count()
    start = (data["page"] - 1) * data["taille"]
    results = list(documents[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


class QuotePage(Schema):
    count: int
    page: int
    pages: int
    results: list[QuoteOut]


class OrderPage(Schema):
    count: int
    page: int
    pages: int
    results: list[OrderOut]


def _criteria(data: dict) -> dict:
    return {
        "q": data["q"],
        "status": data["statut"],
        "start": data["du"],
        "end": data["au"],
        "customer": data["client"],
    }


@guarded(router, "GET", "/devis", "sales.view", response=QuotePage)
def list_quotes(request, filters: Query[DocumentFilters]):
    data = filters.dict()
    quotes = sales_queries.filter_quotes(_criteria(data), timezone.localdate()).order_by("-date", "-pk")
    return _page(quotes.prefetch_related("lines"), data)


@guarded(router, "GET", "/commandes", "sales.view", response=OrderPage)
def list_orders(request, filters: Query[DocumentFilters]):
    data = filters.dict()
    return _page(sales_queries.filter_orders(_criteria(data)).order_by("-date", "-pk").prefetch_related("lines"), data)


# --- writes: quotes and draft invoices through the sales services, lines checked by the page's line editor ------


class LineIn(Schema):
    product: OptionalId = Field(None, description="id d'un article du catalogue (sa référence et son compte)")
    description: str
    quantity: Decimal = Field(..., max_digits=12)
    unit: str = Field("u", description="u, h, j, forfait, mois, kg, m, m2, lot")
    unit_price: Decimal = Field(..., max_digits=14)
    discount_percent: Decimal | None = Field(None, max_digits=5)
    vat_rate: str = Field("20.00", description="20.00, 10.00, 5.50, 2.10 ou 0.00 (selon le régime de TVA)")
    exemption_mention: str = ""
    kind: str = Field("goods", description="goods (livraison de bien) ou service (prestation de services)")


class QuoteIn(Schema):
    customer: RequiredId = Field(..., description="id d'un contact client ou prospect")
    date: Day
    valid_until: Day
    opportunity: OptionalId = None
    notes: str = ""
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class QuoteUpdate(QuoteIn):
    version: int | None = Field(None, description="Version lue ; si le devis a changé depuis, réponse 409.")


class InvoiceIn(Schema):
    customer: RequiredId = Field(..., description="id d'un contact client ou prospect")
    date: Day
    payment_term: str = Field("30", description="reception, 30, 45fdm ou 60 (jours ; 45 jours fin de mois)")
    due_date: Day | None = Field(None, description="échéance convenue (sinon selon les conditions)")
    customer_reference: str = ""
    delivery_date: Day | None = None
    notes: str = ""
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class InvoiceUpdate(InvoiceIn):
    version: int | None = Field(None, description="Version lue ; si le brouillon a changé depuis, réponse 409.")


def _specs(lines: list[LineIn]) -> list:
    """Each line checked by the page's line editor (the VAT regime's rates, the exemption's mention)."""
    from django.core.exceptions import ValidationError

    from pilote.core.vat_policy import current_policy
    from pilote.sales.forms import LineForm

    policy, specs = current_policy(), []
    for number, line in enumerate(lines, start=1):
        form = LineForm(data={k: ("" if v is None else v) for k, v in line.dict().items()}, vat_policy=policy)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError({f"lines.{number}.{name}": [e["message"] for e in items]
                                   for name, items in errors.items()})  # fmt: skip
        spec = form.spec()
        spec.extra.pop("source_pk", None)
        specs.append(spec)
    return specs


def _quote_fields(payload: QuoteIn) -> dict:
    from pilote.sales.views.quotes import QuoteForm

    header = through_form(QuoteForm, payload.dict(exclude={"lines", "version"}))
    return {**header, "lines": _specs(payload.lines)}


@guarded(router, "GET", "/devis/{quote_id}", "sales.view", response=QuoteOut)
def get_quote(request, quote_id: ObjectId):
    return fetch(Quote, quote_id)


@guarded(router, "POST", "/devis", "sales.edit", response={201: QuoteOut})
def create_quote(request, payload: QuoteIn):
    quote = services.create_quote(actor=request.auth, **_quote_fields(payload))
    return Status(201, fetch(Quote, quote.pk))


@guarded(router, "PUT", "/devis/{quote_id}", "sales.edit", response=QuoteOut)
def update_quote(request, quote_id: ObjectId, payload: QuoteUpdate):
    quote = fetch(Quote, quote_id)
    services.update_quote(actor=request.auth, quote=quote, version=payload.version, **_quote_fields(payload))
    return fetch(Quote, quote_id)


def _invoice_fields(payload: InvoiceIn) -> dict:
    from pilote.sales.forms import InvoiceHeaderForm

    header = through_form(InvoiceHeaderForm, payload.dict(exclude={"lines", "version"}))
    return {**header, "lines": _specs(payload.lines)}


@guarded(router, "POST", "/factures", "sales.edit", response={201: InvoiceDetailOut})
def create_invoice(request, payload: InvoiceIn):
    """A draft invoice typed directly; it is issued (numbered, posted, archived) by `/factures/{id}/emission`."""
    invoice = services.create_invoice(actor=request.auth, **_invoice_fields(payload))
    return Status(201, get_invoice(request, invoice.pk))


@guarded(router, "PUT", "/factures/{invoice_id}", "sales.edit", response=InvoiceDetailOut)
def update_invoice_draft(request, invoice_id: ObjectId, payload: InvoiceUpdate):
    invoice = fetch(Invoice, invoice_id)
    fields = _invoice_fields(payload)
    fields.pop("customer")  # a draft keeps its customer, as on its page
    services.update_invoice_draft(actor=request.auth, invoice=invoice, version=payload.version, **fields)
    return get_invoice(request, invoice_id)


@guarded(router, "POST", "/factures/{invoice_id}/emission", "sales.issue", response=InvoiceDetailOut)
def issue_invoice(request, invoice_id: ObjectId):
    """Issue a draft: its definitive number, its entry in the books, its Factur-X PDF archived (the page's checks)."""
    from pilote.sales import issuing

    issuing.issue_invoice(actor=request.auth, invoice=fetch(Invoice, invoice_id))
    return get_invoice(request, invoice_id)


@guarded(router, "DELETE", "/factures/{invoice_id}", "sales.edit", response={204: None})
def delete_invoice_draft(request, invoice_id: ObjectId):
    services.delete_invoice_draft(actor=request.auth, invoice=fetch(Invoice, invoice_id))
    return Status(204, None)
