"""Supplier invoices, purchase orders and payment runs over the API (read): accounting tools and e-invoicing
platforms fetch what was received, its decision with the French lifecycle code, the original e-invoice file as
received, the orders with their received quantities, and the payment runs with their SEPA file."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from pilote.api.base import ObjectId, OptionalId, PageNumber, PageSize, guarded
from pilote.core.listing import sort_queryset
from pilote.purchases.models import PaymentRun, PurchaseOrder, SupplierInvoice
from pilote.purchases.queries import invoices as queries
from pilote.purchases.queries import orders as order_queries

router = Router(tags=["Achats"])


class SupplierInvoiceLineOut(Schema):
    position: int
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net_amount: Decimal
    vat_category: str
    vat_rate: Decimal
    account: str


class SupplierInvoiceOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    number: str
    kind: str
    date: dt.date
    due_date: dt.date | None
    source: str
    status: str
    lifecycle_code: str
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    payable: Decimal
    original_sha256: str | None

    @staticmethod
    def resolve_supplier_name(obj: SupplierInvoice) -> str:
        return obj.supplier.display_name

    @staticmethod
    def resolve_lifecycle_code(obj: SupplierInvoice) -> str:
        return obj.lifecycle[0]

    @staticmethod
    def resolve_original_sha256(obj: SupplierInvoice) -> str | None:
        original = getattr(obj, "original", None)
        return original.sha256 if original else None


class SupplierInvoiceDetailOut(SupplierInvoiceOut):
    lines: list[SupplierInvoiceLineOut]

    @staticmethod
    def resolve_lines(obj: SupplierInvoice):
        return list(obj.lines.all())


class SupplierInvoicePage(Schema):
    count: int
    page: int
    pages: int
    results: list[SupplierInvoiceOut]


class SupplierInvoiceFilters(Schema):
    q: str = ""
    statut: str = Field("", description="received, approved, disputed, refused ou paid")
    du: dt.date | None = None
    au: dt.date | None = None
    fournisseur: int | None = Field(None, ge=1, le=2**31 - 1)
    tri: str = Field("-date", description="numero, date, fournisseur, ttc, echeance, statut ; préfixe - décroissant")
    page: int = Field(1, ge=1, le=1_000_000)
    taille: int = Field(50, ge=1, le=200)


@guarded(router, "GET", "/factures-fournisseurs", "purchases.view", response=SupplierInvoicePage)
def list_supplier_invoices(request, filters: Query[SupplierInvoiceFilters]):
    data = filters.dict()
    criteria = {"q": data["q"], "status": data["statut"], "start": data["du"], "end": data["au"],
                "supplier": data["fournisseur"]}  # fmt: skip
    invoices = queries.filter_invoices(criteria).select_related("original")
    invoices = sort_queryset(invoices, data["tri"], queries.INVOICE_SORTS, "-date")
    count = invoices.count()
    start = (data["page"] - 1) * data["taille"]
    results = list(invoices.defer("original__content")[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


@guarded(
    router, "GET", "/factures-fournisseurs/{supplier_invoice_id}", "purchases.view", response=SupplierInvoiceDetailOut
)
def get_supplier_invoice(request, supplier_invoice_id: int):
    return get_object_or_404(SupplierInvoice.objects.select_related("supplier"), pk=supplier_invoice_id)


@guarded(router, "GET", "/factures-fournisseurs/{supplier_invoice_id}/original", "purchases.view")
def get_supplier_invoice_original(request, supplier_invoice_id: int):
    """The received e-invoice file, byte for byte (its SHA-256 is in the invoice's `original_sha256`)."""
    invoice = get_object_or_404(SupplierInvoice.objects.select_related("original"), pk=supplier_invoice_id)
    original = getattr(invoice, "original", None)
    if original is None:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(original.content), content_type=original.content_type)
    response["Content-Disposition"] = f'attachment; filename="{original.filename}"'
    return response


# --- purchase orders ----------------------------------------------------------------------------------------


class PurchaseOrderLineOut(Schema):
    position: int
    reference: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: str
    net_amount: Decimal
    received_quantity: Decimal
    refused_quantity: Decimal


class PurchaseOrderOut(Schema):
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    date: dt.date
    expected_delivery: dt.date | None
    status: str
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.display_name


class PurchaseOrderDetailOut(PurchaseOrderOut):
    lines: list[PurchaseOrderLineOut]
    invoice_ids: list[int]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_invoice_ids(obj) -> list[int]:
        return list(obj.invoices.order_by("pk").values_list("pk", flat=True))


class PurchaseOrderPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PurchaseOrderOut]


class PurchaseOrderFilters(Schema):
    q: str = ""
    statut: str = Field("", description="draft, to_approve, approved, sent, partial, received, closed ou cancelled")
    du: dt.date | None = None
    au: dt.date | None = None
    fournisseur: OptionalId = None
    tri: str = Field(
        "-date", description="numero, date, fournisseur, montant, livraison, statut ; préfixe - décroissant"
    )
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/commandes-fournisseurs", "purchases.view", response=PurchaseOrderPage)
def list_purchase_orders(request, filters: Query[PurchaseOrderFilters]):
    data = filters.dict()
    criteria = {"q": data["q"], "status": data["statut"], "start": data["du"], "end": data["au"],
                "supplier": data["fournisseur"]}  # fmt: skip
    orders = sort_queryset(order_queries.filter_orders(criteria), data["tri"], order_queries.ORDER_SORTS, "-date")
    count = orders.count()
    start = (data["page"] - 1) * data["taille"]
    results = list(orders[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


@guarded(router, "GET", "/commandes-fournisseurs/{order_id}", "purchases.view", response=PurchaseOrderDetailOut)
def get_purchase_order(request, order_id: ObjectId):
    return get_object_or_404(PurchaseOrder.objects.select_related("supplier"), pk=order_id)


class PaymentRunItemOut(Schema):
    invoice_id: int | None = Field(description="la facture fournisseur de Pilote ; vide pour une facture reprise")
    entry_line_id: int | None = Field(description="une facture reprise de l'ancien outil : sa ligne au compte 401")
    invoice_number: str
    supplier_name: str
    amount: Decimal
    iban: str
    bic: str
    end_to_end_id: str

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.number

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.display_name


class PaymentRunOut(Schema):
    id: int
    message_id: str
    status: str
    execution_date: dt.date
    bank_account_iban: str
    total: Decimal
    approved_at: dt.datetime | None
    entry_id: int | None

    @staticmethod
    def resolve_bank_account_iban(obj: PaymentRun) -> str:
        return obj.bank_account.iban


class PaymentRunDetailOut(PaymentRunOut):
    items: list[PaymentRunItemOut]

    @staticmethod
    def resolve_items(obj: PaymentRun):
        return list(obj.items.select_related("invoice__supplier", "entry_line__auxiliary__contact"))


class PaymentRunPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PaymentRunOut]


class PaymentRunFilters(Schema):
    statut: str = Field("", description="draft, approved, executed ou cancelled")
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/virements-fournisseurs", "purchases.view", response=PaymentRunPage)
def list_payment_runs(request, filters: Query[PaymentRunFilters]):
    data = filters.dict()
    runs = PaymentRun.objects.select_related("bank_account").order_by("-execution_date", "-id")
    if data["statut"]:
        runs = runs.filter(status=data["statut"])
    count = runs.count()
    start = (data["page"] - 1) * data["taille"]
    results = list(runs[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


@guarded(router, "GET", "/virements-fournisseurs/{run_id}", "purchases.view", response=PaymentRunDetailOut)
def get_payment_run(request, run_id: ObjectId):
    return get_object_or_404(PaymentRun.objects.select_related("bank_account"), pk=run_id)


@guarded(router, "GET", "/virements-fournisseurs/{run_id}/fichier", "purchases.approve")
def get_payment_run_file(request, run_id: ObjectId, version: str = "09", regrouper: bool = False):
    """The run's SEPA credit transfer file (pain.001.001.09, or 03), one transfer per invoice or, with `regrouper`,
    per supplier; valid against the official XSD; 409 with the French reason when the run is not approved yet."""
    from pilote.core.exceptions import DomainError
    from pilote.purchases import payments

    run = get_object_or_404(PaymentRun.objects.select_related("bank_account"), pk=run_id)
    try:
        xml = payments.sepa_file(run, version, grouped=regrouper)
    except DomainError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{run.message_id}-pain001{version}.xml"'
    return response
