"""Supplier invoices, purchase orders and payment runs over the API: accounting tools and e-invoicing platforms fetch
what was received, its decision with the French lifecycle code, the original e-invoice file as received, the orders
with their received quantities, and the payment runs with their SEPA file; a typed invoice is recorded, its accounts
chosen and its decision taken (approved, disputed, refused), an order written, moved along its approval and received,
a payment run prepared and approved — each through the page's form and the purchases services."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    PageNumber,
    PageSize,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.api.sales import LineIn, line_specs
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
    version: int

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
    q: Words = ""
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
    invoices = queries.filter_invoices(criteria).select_related("original").defer("original__content")
    return sorted_page(invoices, data, queries.INVOICE_SORTS, "-date")


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
    q: Words = ""
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
    return sorted_page(order_queries.filter_orders(criteria), data, order_queries.ORDER_SORTS, "-date")


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
    version: int

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
    return page_of(runs, data)


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


# --- writes (apisales): the pages' forms, the purchases services ------------------------------------------------


def supplier_specs(lines: list[LineIn]) -> list:
    """The lines checked by the page's line editor with every VAT rate (the supplier charges its own); the article's
    sales account left out, as on the page (the expense account is chosen before approval)."""
    from pilote.purchases.forms import SUPPLIER_VAT

    specs = line_specs(lines, SUPPLIER_VAT)
    for spec in specs:
        spec.account = ""
    return specs


class SupplierInvoiceIn(Schema):
    supplier: RequiredId = Field(..., description="id d'un contact fournisseur")
    kind: str = Field("invoice", description="invoice ou credit_note")
    number: str = Field(..., description="n° de la facture du fournisseur")
    date: Day
    due_date: Day | None = None
    order: str = Field("", description="n° de notre commande (rapprochement à trois voies)")
    notes: str = ""
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class LineAccountIn(Schema):
    line: RequiredId = Field(..., description="id d'une ligne de la facture")
    account: str = Field(..., max_length=20, description="numéro du compte de charge ou d'immobilisation")


class LineAccountsIn(Schema):
    accounts: list[LineAccountIn] = Field(..., min_length=1, max_length=500)
    version: int | None = Field(None, description="Version lue ; si la facture a changé depuis, réponse 409.")


class SupplierDecisionIn(Schema):
    decision: Literal["approve", "dispute", "refuse"] = Field(..., description="approve (bon à payer), dispute, refuse")
    reason: str = Field("", description="motif, transmis au fournisseur (exigé pour un litige ou un refus)")
    version: int | None = Field(None, description="Version lue ; si la facture a changé depuis, réponse 409.")


@guarded(router, "POST", "/factures-fournisseurs", "purchases.receive", response={201: SupplierInvoiceDetailOut})
def create_supplier_invoice(request, payload: SupplierInvoiceIn):
    """A supplier invoice typed from the paper or the PDF (« Reçue »), as the page records it."""
    from pilote.purchases import services
    from pilote.purchases.forms import TypedInvoiceForm

    header = through_form(TypedInvoiceForm, payload.dict(exclude={"lines"}))
    invoice = services.create_typed_invoice(actor=request.auth, lines=supplier_specs(payload.lines), **header)
    return Status(201, get_supplier_invoice(request, invoice.pk))


@guarded(router, "PUT", "/factures-fournisseurs/{supplier_invoice_id}/comptes", "purchases.approve",
         response=SupplierInvoiceDetailOut)  # fmt: skip
def set_supplier_invoice_accounts(request, supplier_invoice_id: ObjectId, payload: LineAccountsIn):
    """The account of each line, chosen before the decision (`services.set_line_accounts`)."""
    from pilote.purchases import services

    accounts = {item.line: item.account for item in payload.accounts}
    invoice = fetch(SupplierInvoice, supplier_invoice_id)
    services.set_line_accounts(actor=request.auth, invoice=invoice, accounts=accounts, expected_version=payload.version)
    return get_supplier_invoice(request, supplier_invoice_id)


@guarded(router, "POST", "/factures-fournisseurs/{supplier_invoice_id}/decision", "purchases.approve",
         response=SupplierInvoiceDetailOut)  # fmt: skip
def decide_supplier_invoice(request, supplier_invoice_id: ObjectId, payload: SupplierDecisionIn):
    """« Bon à payer » (the AC entry posted), « En litige » or « Refusée », as the invoice's page decides."""
    from pilote.purchases import services
    from pilote.purchases.forms import DecisionForm

    reason = through_form(DecisionForm, {"reason": payload.reason})["reason"]
    invoice, version = fetch(SupplierInvoice, supplier_invoice_id), payload.version
    if payload.decision == "approve":
        services.approve_invoice(actor=request.auth, invoice=invoice, expected_version=version)
    elif payload.decision == "dispute":
        services.dispute_invoice(actor=request.auth, invoice=invoice, reason=reason, expected_version=version)
    else:
        services.refuse_invoice(actor=request.auth, invoice=invoice, reason=reason, expected_version=version)
    return get_supplier_invoice(request, supplier_invoice_id)


class PurchaseOrderIn(Schema):
    supplier: RequiredId = Field(..., description="id d'un contact fournisseur")
    date: Day
    expected_delivery: Day | None = None
    delivery_place: str = ""
    supplier_reference: str = ""
    notes: str = ""
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class PurchaseOrderStepIn(Schema):
    action: Literal["submit", "approve", "refuse", "sent", "cancel", "close"] = Field(
        ..., description="submit (faire approuver), approve, refuse, sent (envoyée), cancel, close (soldée)"
    )
    reason: str = Field("", description="motif (refus, annulation, solde)")
    version: int | None = Field(None, description="Version lue ; si la commande a changé depuis, réponse 409.")


class ReceiptLineIn(Schema):
    line: RequiredId = Field(..., description="id d'une ligne de la commande")
    received: Decimal | None = Field(None, max_digits=12, description="quantité acceptée")
    refused: Decimal | None = Field(None, max_digits=12, description="quantité refusée")
    state: str = Field("conform", description="état constaté (conform, damaged…)")
    reason: str = Field("", description="motif du refus")


class ReceiptIn(Schema):
    date: Day
    delivery_note: str = ""
    notes: str = ""
    allow_over: bool = False
    lines: list[ReceiptLineIn] = Field(..., min_length=1, max_length=500)


@guarded(router, "POST", "/commandes-fournisseurs", "purchases.order", response={201: PurchaseOrderDetailOut})
def create_purchase_order(request, payload: PurchaseOrderIn):
    """A draft purchase order, then `…/etape` with `submit` to have it approved."""
    from pilote.purchases import orders
    from pilote.purchases.forms import OrderForm

    header = through_form(OrderForm, payload.dict(exclude={"lines"}))
    order = orders.create_order(actor=request.auth, lines=supplier_specs(payload.lines), **header)
    return Status(201, get_purchase_order(request, order.pk))


class PurchaseOrderUpdate(PurchaseOrderIn):
    version: int | None = Field(None, ge=1, description="Version lue ; si la commande a changé depuis, réponse 409.")


@guarded(router, "PUT", "/commandes-fournisseurs/{order_id}", "purchases.order", response=PurchaseOrderDetailOut)
def update_purchase_order(request, order_id: ObjectId, payload: PurchaseOrderUpdate):
    """The order rewritten (header and lines) as its page's editor does, while it may still change (draft, refused)."""
    from pilote.purchases import orders
    from pilote.purchases.forms import OrderForm

    order = fetch(PurchaseOrder, order_id)
    header = through_form(OrderForm, payload.dict(exclude={"lines", "version"}))
    orders.update_order(actor=request.auth, order=order, version=payload.version,
                        lines=supplier_specs(payload.lines), **header)  # fmt: skip
    return get_purchase_order(request, order_id)


@guarded(router, "POST", "/commandes-fournisseurs/{order_id}/etape", "purchases.order",
         response=PurchaseOrderDetailOut)  # fmt: skip
def move_purchase_order(request, order_id: ObjectId, payload: PurchaseOrderStepIn):
    """The order page's actions (its approval limits checked by the service): submit, approve, refuse, mark sent,
    cancel, close."""
    from pilote.purchases.forms import ReasonForm
    from pilote.purchases.views.orders import ACTIONS

    reason = through_form(ReasonForm, {"reason": payload.reason})["reason"]
    call, _ = ACTIONS[payload.action]
    call(request.auth, fetch(PurchaseOrder, order_id), payload.version, reason)
    return get_purchase_order(request, order_id)


@guarded(router, "POST", "/commandes-fournisseurs/{order_id}/receptions", "purchases.order",
         response={201: PurchaseOrderDetailOut})  # fmt: skip
def receive_purchase_order(request, order_id: ObjectId, payload: ReceiptIn):
    """A receipt (accepted, refused quantities and state per line) through the page's receipt form."""
    from django.core.exceptions import ValidationError

    from pilote.purchases import orders
    from pilote.purchases.forms import ReceiptForm

    order = fetch(PurchaseOrder.objects.select_related("supplier"), order_id)
    lines = order_queries.order_lines(order)
    known = {line.pk for line in lines}
    unknown = [str(item.line) for item in payload.lines if item.line not in known]
    if unknown:
        raise ValidationError({"lines": [f"Ligne(s) {', '.join(unknown)} : pas une ligne de cette commande."]})
    data = payload.dict(exclude={"lines"})
    for item in payload.lines:
        data |= {f"recu-{item.line}": "" if item.received is None else str(item.received),
                 f"refuse-{item.line}": "" if item.refused is None else str(item.refused),
                 f"etat-{item.line}": item.state, f"motif-{item.line}": item.reason}  # fmt: skip
    form = ReceiptForm(lines=lines)
    form.cleaned_data = through_form(ReceiptForm, data, lines=lines)
    cleaned = form.cleaned_data
    orders.record_receipt(actor=request.auth, order=order, date=cleaned["date"], quantities=form.quantities(),
                          delivery_note=cleaned["delivery_note"], notes=cleaned["notes"],
                          allow_over=cleaned["allow_over"])  # fmt: skip
    return Status(201, get_purchase_order(request, order_id))


class PaymentRunIn(Schema):
    bank_account: RequiredId = Field(..., description="id du compte bancaire débité")
    execution_date: Day
    invoices: list[RequiredId] = Field(..., min_length=1, max_length=1000, description="ids des factures à payer")


class PaymentRunStepIn(Schema):
    action: Literal["approve", "execute", "cancel"] = Field(..., description="approve, execute (exécuté) ou cancel")
    version: int | None = Field(None, description="Version lue ; si le lot a changé depuis, réponse 409.")


@guarded(router, "POST", "/virements-fournisseurs", "purchases.approve", response={201: PaymentRunDetailOut})
def create_payment_run(request, payload: PaymentRunIn):
    """A draft run paying approved invoices (not yet in a live run), checked by the page's form and
    `payments.create_run`."""
    from pilote.purchases import payments
    from pilote.purchases.views.payments import RunForm

    data = through_form(RunForm, payload)
    run = payments.create_run(actor=request.auth, bank_account=data["bank_account"],
                              execution_date=data["execution_date"], invoices=list(data["invoices"]))  # fmt: skip
    return Status(201, get_payment_run(request, run.pk))


@guarded(router, "POST", "/virements-fournisseurs/{run_id}/etape", "purchases.approve", response=PaymentRunDetailOut)
def move_payment_run(request, run_id: ObjectId, payload: PaymentRunStepIn):
    """The run page's actions: approve, execute (the bank entry posted and lettered), cancel."""
    from pilote.purchases import payments

    payments.RUN_ACTIONS[payload.action](actor=request.auth, run=fetch(PaymentRun, run_id),
                                         expected_version=payload.version)  # fmt: skip
    return get_payment_run(request, run_id)
