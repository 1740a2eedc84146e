"""Invoices and credit notes over the API (read): accounting tools and e-invoicing platforms fetch the
issued documents, their settlement state and their Factur-X PDF."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pilote.api.base import ObjectId, OptionalId, PageNumber, PageSize, guarded
from pilote.core.listing import sort_queryset
from pilote.core.pdf import pdf_file_response
from pilote.sales import documents
from pilote.sales.models import Invoice
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
