"""Sales over the API: quotes (written, sent, accepted, refused, cancelled, converted into an order), orders
(written, delivered, invoiced, cancelled), deliveries, invoices and credit notes (drafted, issued, their Factur-X PDF)
and customer payments (recorded and lettered) — each write through the page's form and the sales services."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
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
from pilote.core.pdf import pdf_file_response
from pilote.sales import documents, services
from pilote.sales.models import Delivery, Invoice, Order, Payment, Quote
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
    q: Words = ""
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
    return sorted_page(invoices, data, invoice_queries.INVOICE_SORTS, "-date")


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
    id: int
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
    q: Words = ""
    statut: str = Field("", description="statut du document (ex. sent, accepted ; open, partial, delivered…)")
    du: dt.date | None = None
    au: dt.date | None = None
    client: OptionalId = None
    page: PageNumber = 1
    taille: PageSize = 50


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
    return page_of(quotes.prefetch_related("lines"), data)


@guarded(router, "GET", "/commandes", "sales.view", response=OrderPage)
def list_orders(request, filters: Query[DocumentFilters]):
    data = filters.dict()
    return page_of(
        sales_queries.filter_orders(_criteria(data)).order_by("-date", "-pk").prefetch_related("lines"), data
    )


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


def line_specs(lines: list[LineIn], policy=None) -> list:
    """Each line checked by the page's line editor (the VAT regime's rates — `policy`, else the structure's —, the
    exemption's mention)."""
    from django.core.exceptions import ValidationError

    from pilote.core.vat_policy import current_policy
    from pilote.sales.forms import LineForm

    policy, specs = policy or current_policy(), []
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
    return {**header, "lines": line_specs(payload.lines)}


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
    return {**header, "lines": line_specs(payload.lines)}


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


# --- quote decisions and conversion: the detail page's small forms, the same services ------------------------------


class QuoteSendIn(Schema):
    to: str | None = Field(None, description="destinataire (sinon l'e-mail du client)")
    subject: str | None = Field(None, description="objet (sinon celui que la page propose)")
    body: str | None = Field(None, description="message (sinon celui que la page propose)")


class QuoteAcceptIn(Schema):
    date: Day
    note: str = Field("", description="signé par…")


class QuoteRefuseIn(Schema):
    date: Day
    reason: str


class QuoteConvertIn(Schema):
    date: Day
    customer_reference: str = ""
    delivery_address: OptionalId = Field(None, description="id d'une adresse du client (sinon sa facturation)")
    expected_delivery: Day | None = None
    payment_term: str = Field("30", description="reception, 30, 45fdm ou 60")


@guarded(router, "POST", "/devis/{quote_id}/envoi", "sales.edit", response=QuoteOut)
def send_quote(request, quote_id: ObjectId, payload: QuoteSendIn):
    """E-mail the quote's PDF (as the page does) and mark it sent."""
    from pilote.sales import sending
    from pilote.sales.forms import EmailForm

    quote = fetch(Quote.objects.select_related("customer"), quote_id)
    data = through_form(EmailForm, payload, initial=sending.quote_email(quote))
    sending.send_quote(actor=request.auth, quote=quote, **data)
    return fetch(Quote, quote_id)


@guarded(router, "POST", "/devis/{quote_id}/acceptation", "sales.edit", response=QuoteOut)
def accept_quote(request, quote_id: ObjectId, payload: QuoteAcceptIn):
    from pilote.sales.views.quotes import AcceptForm

    data = through_form(AcceptForm, payload)
    services.accept_quote(actor=request.auth, quote=fetch(Quote, quote_id), on=data["date"], note=data["note"])
    return fetch(Quote, quote_id)


@guarded(router, "POST", "/devis/{quote_id}/refus", "sales.edit", response=QuoteOut)
def refuse_quote(request, quote_id: ObjectId, payload: QuoteRefuseIn):
    from pilote.sales.views.quotes import RefuseForm

    data = through_form(RefuseForm, payload)
    services.refuse_quote(actor=request.auth, quote=fetch(Quote, quote_id), on=data["date"], reason=data["reason"])
    return fetch(Quote, quote_id)


@guarded(router, "POST", "/devis/{quote_id}/annulation", "sales.edit", response=QuoteOut)
def cancel_quote(request, quote_id: ObjectId):
    services.cancel_quote(actor=request.auth, quote=fetch(Quote, quote_id))
    return fetch(Quote, quote_id)


@guarded(router, "POST", "/devis/{quote_id}/commande", "sales.edit", response={201: OrderOut})
def convert_quote(request, quote_id: ObjectId, payload: QuoteConvertIn):
    """The quote becomes an order (the page's « Transformer en commande »)."""
    from pilote.sales.views.quotes import ConvertForm

    quote = fetch(Quote.objects.select_related("customer"), quote_id)
    order = services.convert_quote(actor=request.auth, quote=quote, **through_form(ConvertForm, payload, quote=quote))
    return Status(201, fetch(Order, order.pk))


# --- orders and deliveries ---------------------------------------------------------------------------------------


class DeliveryLineOut(Schema):
    order_line_id: int
    description: str
    quantity: Decimal

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.order_line.description


class DeliveryOut(Schema):
    id: int
    number: str
    date: dt.date
    order_id: int
    order_number: str
    customer_id: int
    notes: str
    invoice_id: int | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number

    @staticmethod
    def resolve_customer_id(obj) -> int:
        return obj.order.customer_id


class DeliveryDetailOut(DeliveryOut):
    lines: list[DeliveryLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("order_line").order_by("order_line__position", "order_line__pk"))


class OrderIn(Schema):
    customer: RequiredId = Field(..., description="id d'un contact client ou prospect")
    date: Day
    customer_reference: str = ""
    delivery_address: OptionalId = Field(None, description="id d'une adresse du client (sinon sa facturation)")
    payment_term: str = Field("30", description="reception, 30, 45fdm ou 60")
    notes: str = ""
    lines: list[LineIn] = Field(..., min_length=1, max_length=500)


class DeliveryLineIn(Schema):
    line: RequiredId = Field(..., description="id d'une ligne de la commande restant à livrer")
    quantity: Decimal = Field(..., max_digits=12)


class DeliverIn(Schema):
    date: Day
    notes: str = ""
    lines: list[DeliveryLineIn] | None = Field(
        None, max_length=500, description="quantités livrées par ligne ; absent : tout le reste à livrer"
    )


class DepositIn(Schema):
    percent: Decimal = Field(..., max_digits=5, description="acompte en % du TTC")
    date: Day


class InvoiceDateIn(Schema):
    date: Day


@guarded(router, "GET", "/commandes/{customer_order_id}", "sales.view", response=OrderOut)
def get_order(request, customer_order_id: ObjectId):
    return fetch(Order, customer_order_id)


@guarded(router, "POST", "/commandes", "sales.edit", response={201: OrderOut})
def create_order(request, payload: OrderIn):
    """An order typed directly (the page's « Nouvelle commande »), its lines checked by the line editor."""
    from pilote.sales.views.orders import OrderForm

    header = through_form(OrderForm, payload.dict(exclude={"lines"}))
    order = services.create_order(actor=request.auth, lines=line_specs(payload.lines), **header)
    return Status(201, fetch(Order, order.pk))


@guarded(router, "POST", "/commandes/{customer_order_id}/livraisons", "sales.edit", response={201: DeliveryDetailOut})
def deliver_order(request, customer_order_id: ObjectId, payload: DeliverIn):
    """A delivery (full, or partial with `lines`): the page's delivery form, then `services.deliver`."""
    from django.core.exceptions import ValidationError

    from pilote.sales.views.orders import DeliverForm

    order = fetch(Order, customer_order_id)
    open_lines = sales_queries.open_order_lines(order)
    data = {"date": payload.date, "notes": payload.notes}
    if payload.lines is not None:
        known = {line.pk for line in open_lines}
        unknown = [str(line.line) for line in payload.lines if line.line not in known]
        if unknown:
            raise ValidationError({"lines": [f"Ligne(s) {', '.join(unknown)} : pas une ligne restant à livrer."]})
        data.update({f"q{line.pk}": "0" for line in open_lines})
        data.update({f"q{line.line}": str(line.quantity) for line in payload.lines})
    form = DeliverForm(lines=open_lines)
    form.cleaned_data = through_form(DeliverForm, data, lines=open_lines)
    delivery = services.deliver(actor=request.auth, order=order, date=form.cleaned_data["date"],
                                quantities=form.quantities(), notes=form.cleaned_data["notes"])  # fmt: skip
    return Status(201, get_delivery(request, delivery.pk))


@guarded(router, "POST", "/commandes/{customer_order_id}/acompte", "sales.edit", response={201: InvoiceDetailOut})
def deposit_invoice(request, customer_order_id: ObjectId, payload: DepositIn):
    """A draft deposit invoice of the order (issued by `/factures/{id}/emission`)."""
    from pilote.sales.views.orders import DepositForm

    data = through_form(DepositForm, payload)
    invoice = services.deposit_invoice(actor=request.auth, order=fetch(Order, customer_order_id), **data)
    return Status(201, get_invoice(request, invoice.pk))


@guarded(router, "POST", "/commandes/{customer_order_id}/facture", "sales.edit", response={201: InvoiceDetailOut})
def invoice_order(request, customer_order_id: ObjectId, payload: InvoiceDateIn):
    """A draft invoice of what was delivered and not invoiced yet (everything for an order without delivery)."""
    from pilote.sales.views.orders import InvoiceDateForm

    data = through_form(InvoiceDateForm, payload)
    invoice = services.invoice_order(actor=request.auth, order=fetch(Order, customer_order_id), date=data["date"])
    return Status(201, get_invoice(request, invoice.pk))


@guarded(router, "POST", "/commandes/{customer_order_id}/annulation", "sales.edit", response=OrderOut)
def cancel_order(request, customer_order_id: ObjectId):
    services.cancel_order(actor=request.auth, order=fetch(Order, customer_order_id))
    return fetch(Order, customer_order_id)


class DeliveryPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DeliveryOut]


class DeliveryFilters(Schema):
    q: Words = ""
    du: Day | None = None
    au: Day | None = None
    facturation: str = Field("", description="non (à facturer) ou oui (facturées)")
    tri: str = Field("-date", description="numero, date, client, commande ; préfixe - décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/livraisons", "sales.view", response=DeliveryPage)
def list_deliveries(request, filters: Query[DeliveryFilters]):
    data = filters.dict()
    criteria = {"q": data["q"], "start": data["du"], "end": data["au"], "invoiced": data["facturation"]}
    rows = sales_queries.filter_deliveries(criteria)
    return sorted_page(rows, data, sales_queries.DELIVERY_SORTS, "-date")


@guarded(router, "GET", "/livraisons/{delivery_id}", "sales.view", response=DeliveryDetailOut)
def get_delivery(request, delivery_id: ObjectId):
    return fetch(Delivery.objects.select_related("order"), delivery_id)


# --- credit notes and customer payments ---------------------------------------------------------------------------


@guarded(router, "POST", "/factures/{invoice_id}/avoir", "sales.edit", response={201: InvoiceDetailOut})
def credit_note(request, invoice_id: ObjectId, payload: InvoiceDateIn):
    """A draft credit note copying the issued invoice's lines: reduce it (`PUT /factures/{id}`), then issue it."""
    from pilote.sales.forms import CreditNoteForm

    data = through_form(CreditNoteForm, payload)
    note = services.credit_note_for(actor=request.auth, invoice=fetch(Invoice, invoice_id), date=data["date"])
    return Status(201, get_invoice(request, note.pk))


class AllocationIn(Schema):
    invoice: RequiredId = Field(..., description="id d'une facture émise du client")
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)


class PaymentIn(Schema):
    customer: RequiredId = Field(..., description="id du client")
    date: Day
    amount: Decimal = Field(..., max_digits=14)
    method: str = Field("transfer", description="transfer, cheque, card, cash ou direct_debit")
    bank_account: RequiredId = Field(..., description="id du compte bancaire encaissant")
    reference: str = ""
    allocations: list[AllocationIn] | None = Field(
        None, max_length=500, description="montant par facture ; absent : les plus anciennes d'abord"
    )


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: Decimal

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number or ""


class PaymentOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    date: dt.date
    amount: Decimal
    method: str
    reference: str
    bank_account_id: int
    entry_id: int | None

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.display_name


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.select_related("invoice").order_by("pk"))


class PaymentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PaymentOut]


class PaymentFilters(Schema):
    q: Words = ""
    du: Day | None = None
    au: Day | None = None
    client: OptionalId = None
    tri: str = Field("-date", description="date, client, montant… ; préfixe - décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/reglements", "sales.view", response=PaymentPage)
def list_payments(request, filters: Query[PaymentFilters]):
    data = filters.dict()
    rows = invoice_queries.filter_payments({"q": data["q"], "start": data["du"], "end": data["au"]})
    if data["client"]:
        rows = rows.filter(customer_id=data["client"])
    return sorted_page(rows, data, invoice_queries.PAYMENT_SORTS, "-date")


@guarded(router, "GET", "/reglements/{payment_id}", "sales.view", response=PaymentDetailOut)
def get_payment(request, payment_id: ObjectId):
    return fetch(Payment.objects.select_related("customer"), payment_id)


@guarded(router, "POST", "/reglements", "sales.payments", response={201: PaymentDetailOut})
def record_payment(request, payload: PaymentIn):
    """A customer payment: posted to the bank journal, allocated to the invoices (or oldest first) and lettered —
    `payments.record_payment`, as the payment page; its refusals (more than due, another customer's invoice) in
    a 409."""
    from django.core.exceptions import ValidationError

    from pilote.contacts.models import Contact
    from pilote.sales import payments
    from pilote.sales.forms import PaymentForm

    data = through_form(PaymentForm, payload.dict(exclude={"customer", "allocations"}))
    customer = Contact.objects.filter(pk=payload.customer).first()
    if customer is None:
        raise ValidationError({"customer": ["Client introuvable."]})
    allocations = None
    if payload.allocations:
        invoices = Invoice.objects.in_bulk([a.invoice for a in payload.allocations])
        missing = [str(a.invoice) for a in payload.allocations if a.invoice not in invoices]
        if missing:
            raise ValidationError({"allocations": [f"Facture(s) {', '.join(missing)} introuvable(s)."]})
        allocations = [(invoices[a.invoice], a.amount) for a in payload.allocations]
    payment = payments.record_payment(actor=request.auth, customer=customer, allocations=allocations, **data)
    return Status(201, get_payment(request, payment.pk))
