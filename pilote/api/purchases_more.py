"""Purchases beyond invoices, orders and payment runs (apia): e-invoices received as files (Factur-X PDF, CII or UBL
XML sent in base64, read and checked by the same service as the « Recevoir des factures » page), requests for
quotes with their suppliers' answers (typed, compared, one chosen → a draft purchase order), and the suppliers'
evaluation (the scorecard ranking and the manual rating) — each write through the page's form and the purchases
services."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
    uploaded_base64,
)
from pilote.api.purchases import (
    PurchaseOrderDetailOut,
    SupplierInvoiceDetailOut,
    get_purchase_order,
    get_supplier_invoice,
)
from pilote.api.sales_more import EmailIn
from pilote.purchases.models import PurchaseOrder, QuoteAnswer, QuoteRequest, QuoteRequestStatus

router = Router(tags=["Achats"])

# 10 Mo of e-invoice (its upload limit) in base64, and a little more: the page's form says the limit in French.
MAX_BASE64 = 14 * 1024 * 1024


class EinvoiceIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier : .pdf (Factur-X) ou .xml (CII, UBL)")
    content_base64: str = Field(..., max_length=MAX_BASE64, description="le contenu du fichier en base64")
    create_supplier: bool = Field(
        False, description="vendeur absent des contacts : le créer d'après la facture (sinon réponse 422)"
    )


@guarded(router, "POST", "/factures-fournisseurs-electroniques", "purchases.receive",
         response={201: SupplierInvoiceDetailOut})  # fmt: skip
def receive_einvoice(request, payload: EinvoiceIn):
    """An e-invoice file booked « Reçue » as the page receives it (its original kept byte for byte): a file that is
    not a valid invoice for the structure — malformed, another buyer, another currency, a duplicate — is a 422 with
    every problem in French, nothing written; an unknown seller too, unless `create_supplier`."""
    from pilote.purchases import services
    from pilote.purchases.forms import ReceiveForm

    uploaded = uploaded_base64(payload.file_name, payload.content_base64)
    upload = through_form(ReceiveForm, {}, files={"files": uploaded})["files"][0]
    upload.seek(0)
    content, name = upload.read(), upload.name
    try:
        if payload.create_supplier:
            invoice = services.receive_einvoice_creating_supplier(actor=request.auth, content=content, filename=name)
        else:
            invoice = services.receive_einvoice(actor=request.auth, content=content, filename=name)
    except services.EinvoiceRefused as refused:
        raise ValidationError({"content_base64": refused.problems}) from None
    except services.UnknownSupplier as unknown:
        advice = " Envoyez « create_supplier » à true pour le créer d'après la facture."
        raise ValidationError({"create_supplier": [unknown.message + advice]}) from None
    return Status(201, get_supplier_invoice(request, invoice.pk))


# --- requests for quotes ----------------------------------------------------------------------------------------


class RequestLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit: str


class AnswerLineOut(Schema):
    request_line_id: int
    unit_price: Decimal
    vat_rate: str
    net_amount: Decimal


class AnswerOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    sent_at: dt.datetime | None
    answered_on: dt.date | None
    delay_days: int | None
    conditions: str
    reference: str
    total_net: Decimal
    lines: list[AnswerLineOut]

    @staticmethod
    def resolve_supplier_name(obj: QuoteAnswer) -> str:
        return obj.supplier.display_name

    @staticmethod
    def resolve_lines(obj: QuoteAnswer):
        return list(obj.lines.all())


class QuoteRequestOut(Schema):
    id: int
    number: str
    title: str
    date: dt.date
    reply_by: dt.date | None
    status: str
    notes: str
    chosen_id: int | None
    choice_reason: str
    order_id: int | None
    version: int


class QuoteRequestDetailOut(QuoteRequestOut):
    lines: list[RequestLineOut]
    answers: list[AnswerOut]
    cheapest_answer_id: int | None = Field(None, description="la réponse complète la moins chère")

    @staticmethod
    def resolve_lines(obj: QuoteRequest):
        return list(obj.lines.order_by("position"))

    @staticmethod
    def resolve_answers(obj: QuoteRequest):
        return list(obj.answers.select_related("supplier").prefetch_related("lines").order_by("pk"))

    @staticmethod
    def resolve_cheapest_answer_id(obj: QuoteRequest) -> int | None:
        from pilote.purchases import rfq

        cheapest = rfq.comparison(obj)["cheapest"]
        return cheapest.pk if cheapest else None


class QuoteRequestFilters(Paging):
    q: Words = Field("", max_length=100)
    statut: QuoteRequestStatus | None = Field(None, description="draft, sent, ordered ou cancelled")
    tri: str = Field("-date", description="numero, date, objet, statut ; préfixe - décroissant")


@guarded(router, "GET", "/demandes-de-prix", "purchases.view", response=Page[QuoteRequestOut])
def list_quote_requests(request, filters: Query[QuoteRequestFilters]):
    from pilote.purchases.queries import rfq as queries

    data = filters.dict()
    rows = queries.filter_requests({"q": data["q"].strip(), "status": data["statut"] or ""})
    return sorted_page(rows, data, queries.REQUEST_SORTS, "-date")


@guarded(router, "GET", "/demandes-de-prix/{rfq_id}", "purchases.view", response=QuoteRequestDetailOut)
def get_quote_request(request, rfq_id: ObjectId):
    return fetch(QuoteRequest, rfq_id)


class RequestLineIn(Schema):
    product: RequiredId | None = Field(None, description="id d'un article (sa désignation par défaut)")
    description: str = Field("", max_length=500)
    quantity: Decimal | None = Field(None, max_digits=12)
    unit: str = Field("u", description="u, h, j, forfait, mois, kg, m, m2, lot")


class QuoteRequestIn(Schema):
    title: str = Field(..., max_length=200)
    date: Day
    reply_by: Day | None = None
    notes: str = ""
    suppliers: list[RequiredId] = Field(..., min_length=1, max_length=5, description="ids des fournisseurs consultés")
    lines: list[RequestLineIn] = Field(..., min_length=1, max_length=50)


@guarded(router, "POST", "/demandes-de-prix", "purchases.order", response={201: QuoteRequestDetailOut})
def create_quote_request(request, payload: QuoteRequestIn):
    """A request for quotes (DP-2026-0001) to one to five suppliers, through the page's forms and
    `rfq.create_request`."""
    from pilote.purchases import rfq
    from pilote.purchases.forms import RequestForm, RequestLineForm

    header = payload.dict(exclude={"suppliers", "lines"})
    header |= {f"supplier_{i}": supplier for i, supplier in enumerate(payload.suppliers, start=1)}
    data = through_form(RequestForm, header)
    lines, problems = [], {}
    for i, line in enumerate(payload.lines, start=1):
        try:
            row = through_form(RequestLineForm, line.dict(exclude_none=True))
        except ValidationError as error:
            problems |= {f"lines.{i}.{name}": messages for name, messages in error.message_dict.items()}
            continue
        if row.get("description"):
            lines.append(rfq.RequestedLine(row["description"], row["quantity"], row["unit"], row.get("product")))
    if problems:
        raise ValidationError(problems)
    suppliers = [data[f"supplier_{i}"] for i in range(1, 6) if data.get(f"supplier_{i}")]
    created = rfq.create_request(actor=request.auth, title=data["title"], date=data["date"], lines=lines,
                                 suppliers=suppliers, reply_by=data["reply_by"], notes=data["notes"])  # fmt: skip
    return Status(201, get_quote_request(request, created.pk))


class PriceIn(Schema):
    line: RequiredId = Field(..., description="id d'une ligne de la demande")
    unit_price: Decimal | None = Field(None, max_digits=14, description="prix unitaire HT ; vide : non chiffrée")
    vat_rate: str = Field("20.00", description="20.00, 10.00, 5.50 ou 2.10")


class AnswerIn(Schema):
    answered_on: Day
    reference: str = Field("", max_length=60)
    delay_days: int | None = Field(None, ge=0, le=3650)
    conditions: str = Field("", max_length=300)
    prices: list[PriceIn] = Field(..., min_length=1, max_length=50)


def _answer(rfq_id: int, answer_id: int) -> QuoteAnswer:
    return get_object_or_404(QuoteAnswer.objects.select_related("request", "supplier"), pk=answer_id, request_id=rfq_id)


@guarded(router, "PUT", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}", "purchases.order",
         response=QuoteRequestDetailOut)  # fmt: skip
def record_quote_answer(request, rfq_id: ObjectId, answer_id: ObjectId, payload: AnswerIn):
    """A supplier's answer typed as on the page (its prices per line replace the previous ones)."""
    from pilote.purchases import rfq
    from pilote.purchases.forms import AnswerForm

    answer = _answer(rfq_id, answer_id)
    lines = list(answer.request.lines.order_by("position"))
    known = {line.pk for line in lines}
    unknown = [str(price.line) for price in payload.prices if price.line not in known]
    if unknown:
        raise ValidationError({"prices": [f"Ligne(s) {', '.join(unknown)} : pas une ligne de cette demande."]})
    data = payload.dict(exclude={"prices"})
    for price in payload.prices:
        data |= {f"prix-{price.line}": "" if price.unit_price is None else str(price.unit_price),
                 f"tva-{price.line}": price.vat_rate}  # fmt: skip
    form = AnswerForm(lines=lines)
    form.cleaned_data = through_form(AnswerForm, data, lines=lines)
    cleaned = form.cleaned_data
    rfq.record_answer(actor=request.auth, answer=answer, prices=form.prices(), answered_on=cleaned["answered_on"],
                      delay_days=cleaned["delay_days"], conditions=cleaned["conditions"],
                      reference=cleaned["reference"])  # fmt: skip
    return get_quote_request(request, rfq_id)


class ChoiceIn(Schema):
    reason: str = Field("", max_length=300, description="motif du choix")


class ChosenOut(Schema):
    order_id: int
    order_number: str


@guarded(router, "POST", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}/choix", "purchases.order",
         response={201: ChosenOut})  # fmt: skip
def choose_quote_answer(request, rfq_id: ObjectId, answer_id: ObjectId, payload: ChoiceIn):
    """The answer retained: a draft purchase order at its prices (then approved as any order)."""
    from pilote.purchases import rfq
    from pilote.purchases.forms import ReasonForm

    reason = through_form(ReasonForm, payload)["reason"]
    order = rfq.choose_answer(actor=request.auth, answer=_answer(rfq_id, answer_id), reason=reason)
    return Status(201, {"order_id": order.pk, "order_number": order.number})


class RequestVersionIn(Schema):
    version: int | None = Field(None, ge=1, description="Version lue ; si la demande a changé depuis, réponse 409.")


@guarded(router, "POST", "/demandes-de-prix/{rfq_id}/abandon", "purchases.order", response=QuoteRequestDetailOut)
def cancel_quote_request(request, rfq_id: ObjectId, payload: RequestVersionIn):
    from pilote.purchases import rfq

    rfq.cancel_request(actor=request.auth, request=fetch(QuoteRequest, rfq_id), version=payload.version)
    return get_quote_request(request, rfq_id)


# --- supplier evaluation ------------------------------------------------------------------------------------------


class RankingOut(Schema):
    supplier_id: int
    supplier_name: str
    overall: Decimal | None = Field(description="note globale sur 5 ; vide sans faits")
    criteria: dict[str, Decimal | None] = Field(description="note sur 5 par critère")
    rates: dict[str, Decimal | None] = Field(description="taux en % par critère (prix : l'écart)")
    average_delay: Decimal | None
    invoices: int
    disputed_invoices: int


def _ranking_row(row) -> dict:
    score = row.score
    return {"supplier_id": row.supplier.pk, "supplier_name": row.supplier.display_name, "overall": score.overall,
            "criteria": score.criteria, "rates": score.rates, "average_delay": score.average_delay,
            "invoices": score.facts.invoices, "disputed_invoices": score.facts.disputed_invoices}  # fmt: skip


class RankingFilters(Paging):
    q: Words = Field("", max_length=100, description="nom du fournisseur")
    du: Day | None = Field(None, description="début de la période (par défaut : un an avant la fin)")
    au: Day | None = Field(None, description="fin de la période (par défaut : aujourd'hui)")
    tri: str = Field("-global", description="fournisseur, global ou un critère ; préfixe - décroissant")


@guarded(router, "GET", "/evaluation-fournisseurs", "purchases.view", response=Page[RankingOut])
def supplier_ranking(request, filters: Query[RankingFilters]):
    """The suppliers' scorecards over the period, as the evaluation page ranks them."""
    from pilote.lib.dates import local_today
    from pilote.purchases.forms import RankingForm
    from pilote.purchases.queries import scorecard as queries

    data = filters.dict()
    period = through_form(RankingForm, {"q": data["q"], "start": data["du"], "end": data["au"]})
    end = period["end"] or local_today()
    start = period["start"] or end - dt.timedelta(days=365)
    page = page_of(queries.sort_rows(queries.ranking(start, end, period["q"]), data["tri"]), data)
    return {**page, "results": [_ranking_row(row) for row in page["results"]]}


class RatingIn(Schema):
    score: int = Field(..., ge=0, le=5, description="note de 0 à 5")
    rated_on: Day
    comment: str = Field("", max_length=300)


class RatingOut(Schema):
    id: int
    supplier_id: int
    rated_on: dt.date
    score: int
    comment: str
    rated_by_id: int | None


@guarded(router, "POST", "/fournisseurs/{contact_id}/evaluations", "purchases.order", response={201: RatingOut})
def rate_supplier(request, contact_id: ObjectId, payload: RatingIn):
    """A manual rating (0 to 5) as the supplier's page records it (a contact that is not a supplier: 409)."""
    from pilote.contacts.models import Contact
    from pilote.purchases import evaluation
    from pilote.purchases.forms import RatingForm

    data = through_form(RatingForm, payload)
    return Status(201, evaluation.rate_supplier(actor=request.auth, supplier=fetch(Contact, contact_id), **data))


# --- purchase orders: edit, e-mail --------------------------------------------------------------------------------


@guarded(router, "POST", "/commandes-fournisseurs/{order_id}/envoi", "purchases.order",
         response=PurchaseOrderDetailOut)  # fmt: skip
def send_purchase_order(request, order_id: ObjectId, payload: EmailIn):
    """E-mail the approved order's PDF to its supplier and mark it « envoyée » (only if the e-mail left)."""
    from pilote.purchases import sending
    from pilote.sales.forms import EmailForm

    order = fetch(PurchaseOrder.objects.select_related("supplier"), order_id)
    data = through_form(EmailForm, payload, initial=sending.order_email(order))
    sending.send_order(actor=request.auth, order=order, **data)
    return get_purchase_order(request, order_id)


@guarded(router, "POST", "/demandes-de-prix/{rfq_id}/reponses/{answer_id}/envoi", "purchases.order",
         response=QuoteRequestDetailOut)  # fmt: skip
def send_quote_request(request, rfq_id: ObjectId, answer_id: ObjectId, payload: EmailIn):
    """E-mail the request's PDF to this supplier and mark it sent (the request « envoyée »), only if the e-mail left,
    as the page does; a request ordered or abandoned: 409."""
    from pilote.core.models import Structure
    from pilote.purchases import sending
    from pilote.sales.forms import EmailForm

    answer = _answer(rfq_id, answer_id)
    data = through_form(EmailForm, payload, initial=sending.request_email(answer, Structure.objects.get()))
    sending.send_request(actor=request.auth, answer=answer, **data)
    return get_quote_request(request, rfq_id)
