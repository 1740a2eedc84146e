"""Receivables over the API, as far as the pages go: the dunning run's proposals (customers with a level due, their
overdue invoices, penalties and indemnities), sending the letters of chosen customers, the letters' history and a
paper letter marked posted; SEPA direct debit mandates (list, record, revoke) and collection runs (list, read,
prepare, execute or cancel, their pain.008 file) — through `receivables.services`, `dunning` and `direct_debit`."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    PageNumber,
    PageSize,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.receivables import direct_debit as dd
from pilote.receivables import dunning, queries, services
from pilote.receivables.models import CollectionRun, DunningLetter, Mandate

router = Router(tags=["Relances et prélèvements"])


# --- dunning ---------------------------------------------------------------------------------------------------


class OverdueOut(Schema):
    invoice_id: int | None = Field(
        None, description="facture de Pilote ; vide pour une facture reprise de l'ancien outil"
    )
    old_invoice_line_id: int | None = Field(None, description="facture reprise : sa ligne au compte client (411)")
    invoice_number: str
    due_date: dt.date | None
    amount_due: Decimal
    days_overdue: int
    penalty: Decimal
    indemnity: Decimal
    level_rank: int | None


class ProposalOut(Schema):
    customer_id: int
    customer_name: str
    level_rank: int | None
    level_title: str
    total_due: Decimal
    total_penalties: Decimal
    total_indemnities: Decimal
    invoices: list[OverdueOut]


class ProposalPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProposalOut]


def _proposal(proposal) -> dict:
    level = proposal.level
    return {
        "customer_id": proposal.customer.pk, "customer_name": proposal.customer.display_name,
        "level_rank": level.rank if level else None, "level_title": level.title if level else "",
        "total_due": proposal.total_due, "total_penalties": proposal.total_penalties,
        "total_indemnities": proposal.total_indemnities,
        "invoices": [{"invoice_id": item.invoice.pk,
                      "old_invoice_line_id": item.invoice.line_id if item.taken_over else None,
                      "invoice_number": item.invoice.number,
                      "due_date": item.invoice.due_date, "amount_due": item.amount_due,
                      "days_overdue": item.days_overdue, "penalty": item.penalty.total, "indemnity": item.indemnity,
                      "level_rank": item.level.rank if item.level else None} for item in proposal.items],
    }  # fmt: skip


@guarded(router, "GET", "/relances/propositions", "sales.dunning", response=ProposalPage)
def list_proposals(request, paging: Query[Paging]):
    """The dunning run's page: each customer with a level due today, its overdue invoices and what is claimed."""
    page = page_of(dunning.proposals(timezone.localdate()), paging)
    return {**page, "results": [_proposal(proposal) for proposal in page["results"]]}


class SendIn(Schema):
    customers: list[RequiredId] = Field(..., min_length=1, max_length=5, description="ids des clients à relancer "
                                        "(5 au plus par appel, comme la page envoie par lots)")  # fmt: skip


class SendResultOut(Schema):
    customer_id: int
    letter_id: int | None
    error: str


@guarded(router, "POST", "/relances/envoi", "sales.dunning", response=list[SendResultOut])
def send_letters(request, payload: SendIn):
    """Each chosen customer's letter at its level due today (e-mailed, or a PDF to post); one customer's refusal
    (nothing due any more, SMTP) is in its result, the others go on — `services.run_dunning`, as the page."""
    from pilote.contacts.models import Contact

    found = Contact.objects.in_bulk(payload.customers)
    results = services.run_dunning(actor=request.auth, on=timezone.localdate(),
                                   customers=[found[pk] for pk in payload.customers if pk in found])  # fmt: skip
    sent = [{"customer_id": r.customer.pk, "letter_id": r.letter.pk if r.letter else None, "error": r.error}
            for r in results]  # fmt: skip
    return sent + [{"customer_id": pk, "letter_id": None, "error": "Client introuvable."}
                   for pk in payload.customers if pk not in found]  # fmt: skip


class LetterOut(Schema):
    id: int
    customer_id: int
    rank: int
    title: str
    date: dt.date
    channel: str
    email_to: str
    claims_penalties: bool
    total_due: Decimal
    total_penalties: Decimal
    total_indemnities: Decimal
    total: Decimal
    sent_at: dt.datetime | None


class LetterPage(Schema):
    count: int
    page: int
    pages: int
    results: list[LetterOut]


class LetterFilters(Schema):
    q: Words = Field("", description="client ou n° de facture")
    niveau: int | None = Field(None, ge=1, le=9)
    client: OptionalId = None
    a_poster: bool = Field(False, description="courriers papier pas encore postés")
    tri: str = Field("-date", description="date, client, niveau, total ; préfixe - décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


@guarded(router, "GET", "/relances", "sales.view", response=LetterPage)
def list_letters(request, filters: Query[LetterFilters]):
    data = filters.dict()
    criteria = {"q": data["q"], "rank": data["niveau"], "customer": data["client"], "to_print": data["a_poster"]}
    return sorted_page(queries.letters(criteria), data, queries.HISTORY_SORTS, "-date")


@guarded(router, "GET", "/relances/{letter_id}", "sales.view", response=LetterOut)
def get_letter(request, letter_id: ObjectId):
    return fetch(DunningLetter.objects.defer("pdf"), letter_id)


@guarded(router, "POST", "/relances/{letter_id}/postee", "sales.dunning", response=LetterOut)
def letter_posted(request, letter_id: ObjectId):
    """A paper letter was posted: its date recorded (once)."""
    services.mark_letter_sent(actor=request.auth, letter=fetch(DunningLetter, letter_id))
    return get_letter(request, letter_id)


# --- SEPA direct debit -------------------------------------------------------------------------------------------


class MandateOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    reference: str
    signed_on: dt.date
    iban: str
    bic: str
    status: str
    first_collected_on: dt.date | None

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.display_name


class MandatePage(Schema):
    count: int
    page: int
    pages: int
    results: list[MandateOut]


class MandateFilters(Schema):
    q: Words = Field("", description="client ou RUM")
    page: PageNumber = 1
    taille: PageSize = 50


class MandateIn(Schema):
    customer: RequiredId = Field(..., description="id du client")
    reference: str = Field(..., description="référence unique du mandat (RUM)")
    signed_on: Day
    iban: str
    bic: str = ""


@guarded(router, "GET", "/mandats", "sales.view", response=MandatePage)
def list_mandates(request, filters: Query[MandateFilters]):
    return page_of(dd.filter_mandates(filters.q), filters)


@guarded(router, "GET", "/mandats/{mandate_id}", "sales.view", response=MandateOut)
def get_mandate(request, mandate_id: ObjectId):
    return fetch(Mandate.objects.select_related("customer"), mandate_id)


@guarded(router, "POST", "/mandats", "sales.payments", response={201: MandateOut})
def create_mandate(request, payload: MandateIn):
    """A signed mandate: its RUM unique, its IBAN and BIC checked, not signed in the future."""
    from pilote.receivables.views.direct_debit import MandateForm

    mandate = dd.create_mandate(actor=request.auth, **through_form(MandateForm, payload))
    return Status(201, get_mandate(request, mandate.pk))


@guarded(router, "POST", "/mandats/{mandate_id}/revocation", "sales.payments", response=MandateOut)
def revoke_mandate(request, mandate_id: ObjectId):
    dd.revoke_mandate(actor=request.auth, mandate=fetch(Mandate, mandate_id))
    return get_mandate(request, mandate_id)


class CollectionItemOut(Schema):
    invoice_id: int
    invoice_number: str
    mandate_id: int
    amount: Decimal
    sequence: str
    end_to_end_id: str

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number or ""


class CollectionRunOut(Schema):
    id: int
    collection_date: dt.date
    status: str
    message_id: str
    creditor_id: str
    total: Decimal
    bank_account_id: int
    version: int


class CollectionRunDetailOut(CollectionRunOut):
    items: list[CollectionItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.select_related("invoice").order_by("pk"))


class CollectionRunPage(Schema):
    count: int
    page: int
    pages: int
    results: list[CollectionRunOut]


class CollectionRunIn(Schema):
    bank_account: RequiredId = Field(..., description="id du compte bancaire crédité")
    collection_date: Day
    invoices: list[RequiredId] = Field(..., min_length=1, max_length=1000, description="ids des factures à prélever")


class CollectionStepIn(Schema):
    action: Literal["execute", "cancel"] = Field(..., description="execute (la banque a prélevé) ou cancel")
    version: int | None = Field(None, description="Version lue ; si le lot a changé depuis, réponse 409.")


@guarded(router, "GET", "/prelevements", "sales.view", response=CollectionRunPage)
def list_collection_runs(request, paging: Query[Paging]):
    return page_of(CollectionRun.objects.order_by("-collection_date", "-id"), paging)


@guarded(router, "GET", "/prelevements/{collection_id}", "sales.view", response=CollectionRunDetailOut)
def get_collection_run(request, collection_id: ObjectId):
    return fetch(CollectionRun, collection_id)


@guarded(router, "POST", "/prelevements", "sales.payments", response={201: CollectionRunDetailOut})
def create_collection_run(request, payload: CollectionRunIn):
    """A draft collection of each chosen invoice's balance under its customer's active mandate (FRST or RCUR)."""
    from pilote.receivables.views.direct_debit import RunForm

    data = through_form(RunForm, payload)
    run = dd.create_run(actor=request.auth, bank_account=data["bank_account"],
                        collection_date=data["collection_date"], invoices=list(data["invoices"]))  # fmt: skip
    return Status(201, get_collection_run(request, run.pk))


@guarded(router, "POST", "/prelevements/{collection_id}/etape", "sales.payments", response=CollectionRunDetailOut)
def move_collection_run(request, collection_id: ObjectId, payload: CollectionStepIn):
    """Executed (one « Prélèvement » payment per invoice, lettered) or cancelled, as the run's page."""
    dd.RUN_ACTIONS[payload.action](actor=request.auth, run=fetch(CollectionRun, collection_id),
                                   expected_version=payload.version)  # fmt: skip
    return get_collection_run(request, collection_id)


@guarded(router, "GET", "/prelevements/{collection_id}/fichier", "sales.payments")
def get_collection_file(request, collection_id: ObjectId):
    """The run's SEPA direct debit file (pain.008), valid against its XSD; 409 with the French reason otherwise."""
    from pilote.core.exceptions import DomainError

    run = fetch(CollectionRun, collection_id)
    try:
        xml = dd.collection_file(run)
    except DomainError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="prelevements-{run.message_id}-pain008.xml"'
    return response
