"""The purchases pages' remaining operations over the API (apibuy): a supplier invoice's three-way match with its
order (read, the order linked or unlinked by its number, the gaps accepted by direction with a reason), a payment run
reconciled with the bank statement line that debits it, the supplier selection files (list, read with the ranking,
create with criteria and candidates, the grid scored, a candidate added, the supplier chosen) and the purchases
settings (approval limits, the match's tolerances; direction only, as the page) — each through the page's form and
`purchases.matching`, `purchases.payments`, `purchases.selection`, `purchases.orders`."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    Page,
    Paging,
    RequiredId,
    Words,
    checked,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.api.ledger_more import StatementLineOut
from pilote.api.purchases import PaymentRunDetailOut, get_payment_run
from pilote.purchases.models import PaymentRun, SelectionFile, SupplierInvoice

router = Router(tags=["Achats"])

VERSION = Field(None, description="Version lue ; si l'objet a changé depuis, réponse 409.")


# --- three-way match -----------------------------------------------------------------------------------------


class MatchLineOut(Schema):
    description: str
    order_line_id: int | None = Field(description="vide : une ligne facturée absente de la commande")
    ordered: Decimal
    received: Decimal
    invoiced_before: Decimal = Field(description="déjà facturé par les autres factures de la commande")
    invoiced: Decimal
    ordered_price: Decimal | None = Field(description="prix unitaire net commandé")
    invoiced_price: Decimal | None = Field(description="prix unitaire net facturé")
    problems: list[str]


class OrderMatchOut(Schema):
    invoice_id: int
    version: int
    status: str
    order_id: int | None = Field(description="la commande rattachée ; vide : aucune")
    order_number: str | None
    clean: bool = Field(description="aucun écart au-delà des tolérances")
    problems: list[str]
    accepted_at: dt.datetime | None = Field(description="écarts acceptés par la direction le")
    accepted_by: str | None
    accepted_reason: str
    approval_block: str = Field(description="pourquoi le bon à payer attend ; vide : il est possible")
    lines: list[MatchLineOut]


def _match(invoice_id: int) -> dict:
    from pilote.purchases import matching

    invoice = fetch(SupplierInvoice.objects.select_related("order", "match_accepted_by"), invoice_id)
    result = matching.compare(invoice)
    lines = [{"description": line.description, "order_line_id": line.order_line.pk if line.order_line else None,
              "ordered": line.ordered, "received": line.received, "invoiced_before": line.invoiced_before,
              "invoiced": line.invoiced, "ordered_price": line.ordered_price, "invoiced_price": line.invoiced_price,
              "problems": line.problems} for line in (result.lines if result else [])]  # fmt: skip
    accepted_by = invoice.match_accepted_by
    return {"invoice_id": invoice.pk, "version": invoice.version, "status": invoice.status,
            "order_id": invoice.order_id, "order_number": invoice.order.number if invoice.order_id else None,
            "clean": result is None or result.is_clean, "problems": result.problems if result else [],
            "accepted_at": invoice.match_accepted_at,
            "accepted_by": accepted_by.get_full_name() or accepted_by.username if accepted_by else None,
            "accepted_reason": invoice.match_accepted_reason, "approval_block": matching.approval_block(invoice),
            "lines": lines}  # fmt: skip


@guarded(router, "GET", "/factures-fournisseurs/{supplier_invoice_id}/rapprochement-commande", "purchases.view",
         response=OrderMatchOut)  # fmt: skip
def get_order_match(request, supplier_invoice_id: ObjectId):
    """The invoice against its order (prices) and the order's receipts (quantities), as its page shows it: each
    gap beyond the tolerances blocks the « bon à payer » until direction accepts it."""
    return _match(supplier_invoice_id)


class OrderLinkIn(Schema):
    order: str = Field(..., max_length=20, description="n° de notre commande à ce fournisseur ; vide : détacher")
    version: int | None = VERSION


@guarded(router, "PUT", "/factures-fournisseurs/{supplier_invoice_id}/commande", "purchases.receive",
         response=OrderMatchOut)  # fmt: skip
def link_order(request, supplier_invoice_id: ObjectId, payload: OrderLinkIn):
    """The invoice linked to the supplier's order of that number (lines paired again, an earlier acceptance
    forgotten) or detached, as the invoice page's « Rattacher »; an invoice already decided: 409."""
    from pilote.purchases import matching
    from pilote.purchases.forms import LinkOrderForm

    invoice = fetch(SupplierInvoice, supplier_invoice_id)
    number = through_form(LinkOrderForm, {"order": payload.order})["order"]
    matching.link_order_number(actor=request.auth, invoice=invoice, number=number, expected_version=payload.version)
    return _match(supplier_invoice_id)


class GapsAcceptIn(Schema):
    reason: str = Field(..., max_length=300, description="motif (conservé au journal d'audit)")
    version: int | None = VERSION


@guarded(router, "POST", "/factures-fournisseurs/{supplier_invoice_id}/acceptation-ecarts", "purchases.override",
         response=OrderMatchOut)  # fmt: skip
def accept_gaps(request, supplier_invoice_id: ObjectId, payload: GapsAcceptIn):
    """Direction accepts the gaps with a reason: the « bon à payer » is no longer blocked (no gap, no reason or an
    invoice already decided: 409)."""
    from pilote.purchases import matching
    from pilote.purchases.forms import DecisionForm

    reason = through_form(DecisionForm, {"reason": payload.reason})["reason"]
    invoice = fetch(SupplierInvoice, supplier_invoice_id)
    matching.accept_differences(actor=request.auth, invoice=invoice, reason=reason, expected_version=payload.version)
    return _match(supplier_invoice_id)


# --- a payment run and the bank statement ----------------------------------------------------------------------


@guarded(router, "GET", "/virements-fournisseurs/{run_id}/lignes-releve", "purchases.approve",
         response=Page[StatementLineOut])  # fmt: skip
def list_run_statement_lines(request, run_id: ObjectId, filters: Query[Paging]):
    """The statement lines the run's page proposes: of the debited account, not reconciled, debiting exactly the
    run's total (none once the run is reconciled, or while it is a draft or cancelled)."""
    from pilote.purchases import payments

    return page_of(payments.statement_candidates(fetch(PaymentRun, run_id)), filters.dict())


class RunStatementIn(Schema):
    statement_line: RequiredId = Field(..., description="id de la ligne de relevé qui débite le lot")
    version: int | None = VERSION


@guarded(router, "POST", "/virements-fournisseurs/{run_id}/rapprochement", "purchases.approve",
         response=PaymentRunDetailOut)  # fmt: skip
def reconcile_run(request, run_id: ObjectId, payload: RunStatementIn):
    """The run reconciled with the statement line that debits it, as its page does: an approved run is executed on
    the line's date (its bank entry posted, each invoice lettered), then its bank line reconciled; another account's
    line, another amount or a line already reconciled: 409."""
    from pilote.ledger.models_bank import StatementLine
    from pilote.purchases import payments

    run = fetch(PaymentRun.objects.select_related("bank_account"), run_id)
    line = StatementLine.objects.filter(pk=payload.statement_line).first()
    if line is None:
        raise ValidationError({"statement_line": ["Ligne de relevé introuvable."]})
    payments.reconcile_with_statement(actor=request.auth, run=run, statement_line=line,
                                      expected_version=payload.version)  # fmt: skip
    return get_payment_run(request, run_id)


# --- supplier selection files ----------------------------------------------------------------------------------


class SelectionFileOut(Schema):
    id: int
    number: str
    title: str
    date: dt.date
    status: str = Field(description="open (en cours), decided (fournisseur retenu), cancelled")
    candidate_count: int
    chosen_id: int | None
    chosen_name: str | None
    justification: str
    quote_request_id: int | None
    version: int

    @staticmethod
    def resolve_chosen_name(obj: SelectionFile) -> str | None:
        return obj.chosen.display_name if obj.chosen_id else None


class SelectionCriterionOut(Schema):
    id: int
    position: int
    name: str
    weight: int


class CandidateScoreOut(Schema):
    criterion_id: int
    score: int | None = Field(description="note de 0 à 5 ; vide : pas encore notée")


class SelectionCandidateOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    rank: int
    weighted_score: Decimal = Field(description="Σ(pondération × note) / Σ(pondérations), sur 5")
    complete: bool = Field(description="chaque critère est noté")
    past_score: Decimal | None = Field(description="note des 12 derniers mois (tableau de bord fournisseur), sur 5")
    scores: list[CandidateScoreOut]


class SelectionFileDetailOut(SelectionFileOut):
    description: str
    decided_at: dt.datetime | None
    criteria: list[SelectionCriterionOut]
    candidates: list[SelectionCandidateOut] = Field(description="le mieux classé d'abord")

    @staticmethod
    def resolve_criteria(obj) -> list:
        return obj.detail["criteria"]

    @staticmethod
    def resolve_candidates(obj) -> list:
        return obj.detail["candidates"]


def _files():
    from pilote.purchases.queries import selection as queries

    return queries.filter_files({})


def _file_detail(selection_id: int) -> SelectionFile:
    """The file (its list's row) with its grid as the detail page computes it (`queries.file_detail`)."""
    from pilote.lib.dates import local_today
    from pilote.purchases.queries import selection as queries

    file = fetch(_files(), selection_id)
    detail = queries.file_detail(file, local_today())
    criteria = detail["criteria"]
    candidates = [{"id": c.pk, "supplier_id": c.supplier_id, "supplier_name": c.supplier.display_name,
                   "rank": c.ranked.rank, "weighted_score": c.ranked.score, "complete": c.ranked.complete,
                   "past_score": c.past.overall,
                   "scores": [{"criterion_id": k.pk, "score": detail["scores"].get((c.pk, k.pk))} for k in criteria]}
                  for c in detail["candidates"]]  # fmt: skip
    file.detail = {"criteria": criteria, "candidates": candidates}
    return file


class SelectionFilters(Paging):
    q: Words = Field("", max_length=100, description="mots du besoin, du numéro ou du fournisseur retenu")
    statut: Literal["", "open", "decided", "cancelled"] = ""
    tri: str = Field("-date", description="numero, date, besoin, statut ; préfixe - décroissant")


@guarded(router, "GET", "/dossiers-selection", "purchases.view", response=Page[SelectionFileOut])
def list_selection_files(request, filters: Query[SelectionFilters]):
    """The selection files, filtered and sorted as their list page."""
    from pilote.purchases.queries import selection as queries

    data = filters.dict()
    files = queries.filter_files(queries.read_filters({"q": data["q"], "statut": data["statut"]}))
    return sorted_page(files, data, queries.FILE_SORTS, "-date")


@guarded(router, "GET", "/dossiers-selection/{selection_id}", "purchases.view", response=SelectionFileDetailOut)
def get_selection_file(request, selection_id: ObjectId):
    """A file with its criteria and its candidates ranked (weighted score, each note, last year's scorecard)."""
    return _file_detail(selection_id)


class SelectionCriterionIn(Schema):
    name: str = Field(..., max_length=100)
    weight: int = Field(..., ge=1, le=1000, description="pondération")


class SelectionFileIn(Schema):
    title: str = Field(..., max_length=200, description="le besoin")
    date: Day
    description: str = Field("", max_length=5000)
    criteria: list[SelectionCriterionIn] = Field(..., min_length=1, max_length=6, description="1 à 6 critères pondérés")
    suppliers: list[RequiredId] = Field(..., min_length=1, max_length=5, description="ids de 1 à 5 fournisseurs")


@guarded(router, "POST", "/dossiers-selection", "purchases.order", response={201: SelectionFileDetailOut})
def create_selection_file(request, payload: SelectionFileIn):
    """A file created as its page creates it (the page's form: 5 candidates, 6 criteria at most), then scored
    (`…/notes`) and decided (`…/choix`)."""
    from pilote.purchases import selection
    from pilote.purchases.forms import CRITERIA_ROWS, SelectionForm

    data = {"title": payload.title, "date": payload.date, "description": payload.description}
    for i in range(1, CRITERIA_ROWS + 1):
        sent = payload.criteria[i - 1] if i <= len(payload.criteria) else None
        data |= {f"criterion_{i}": sent.name if sent else "", f"weight_{i}": sent.weight if sent else ""}
    data |= {f"supplier_{i}": pk for i, pk in enumerate(payload.suppliers, start=1)}
    form = checked(SelectionForm(data=data))
    made = selection.create_file(actor=request.auth, title=form.cleaned_data["title"], date=form.cleaned_data["date"],
                                 description=form.cleaned_data["description"], criteria=form.criteria(),
                                 suppliers=form.suppliers())  # fmt: skip
    return Status(201, _file_detail(made.pk))


class SelectionScoreIn(Schema):
    candidate: RequiredId = Field(..., description="id du candidat (pas du fournisseur)")
    criterion: RequiredId = Field(..., description="id du critère")
    score: int | None = Field(..., ge=0, le=5, description="note de 0 à 5 ; null : l'effacer")


class SelectionScoresIn(Schema):
    notes: list[SelectionScoreIn] = Field(..., min_length=1, max_length=200, description="les notes changées")
    version: int | None = VERSION


@guarded(router, "PUT", "/dossiers-selection/{selection_id}/notes", "purchases.order",
         response=SelectionFileDetailOut)  # fmt: skip
def score_selection_file(request, selection_id: ObjectId, payload: SelectionScoresIn):
    """Notes set (the others kept) through the page's grid, the ranking recomputed; a file decided: 409."""
    from pilote.lib.dates import local_today
    from pilote.purchases import selection
    from pilote.purchases.forms import GridForm
    from pilote.purchases.queries import selection as queries

    file = fetch(SelectionFile, selection_id)
    detail = queries.file_detail(file, local_today())
    data = {f"note-{c}-{k}": str(value) for (c, k), value in detail["scores"].items()}
    data |= {f"note-{n.candidate}-{n.criterion}": "" if n.score is None else str(n.score) for n in payload.notes}
    grid = GridForm(data, candidates=detail["candidates"], criteria=detail["criteria"], scores=detail["scores"])
    strangers = sorted({f"{n.candidate}-{n.criterion}" for n in payload.notes} - {f"{c}-{k}" for _, c, k in grid.keys})
    if strangers:
        raise ValidationError({"notes": [f"Candidat-critère {', '.join(strangers)} : pas de ce dossier."]})
    checked(grid)
    selection.set_scores(actor=request.auth, file=file, scores=grid.scores(), version=payload.version)
    return _file_detail(selection_id)


class SelectionCandidateIn(Schema):
    supplier: RequiredId = Field(..., description="id d'un contact fournisseur")
    version: int | None = VERSION


@guarded(router, "POST", "/dossiers-selection/{selection_id}/candidats", "purchases.order",
         response={201: SelectionFileDetailOut})  # fmt: skip
def add_selection_candidate(request, selection_id: ObjectId, payload: SelectionCandidateIn):
    """A supplier added to the candidates (10 at most; twice or a file decided: 409)."""
    from pilote.purchases import selection
    from pilote.purchases.forms import CandidateForm

    file = fetch(SelectionFile, selection_id)
    supplier = through_form(CandidateForm, {"supplier": payload.supplier})["supplier"]
    selection.add_candidate(actor=request.auth, file=file, supplier=supplier, version=payload.version)
    return Status(201, _file_detail(selection_id))


class SelectionChoiceIn(Schema):
    candidate: RequiredId = Field(..., description="id du candidat retenu")
    justification: str = Field(..., max_length=5000, description="justification du choix (conservée au dossier)")
    version: int | None = VERSION


@guarded(router, "POST", "/dossiers-selection/{selection_id}/choix", "purchases.order",
         response=SelectionFileDetailOut)  # fmt: skip
def decide_selection_file(request, selection_id: ObjectId, payload: SelectionChoiceIn):
    """The supplier chosen with its justification, as the page decides: the file is closed (« Fournisseur
    retenu »)."""
    from pilote.purchases import selection
    from pilote.purchases.forms import DecideForm

    file = fetch(SelectionFile, selection_id)
    candidates = file.candidates.select_related("supplier")
    data = through_form(DecideForm, payload.dict(exclude={"version"}), candidates=candidates)
    selection.decide(actor=request.auth, file=file, candidate=candidates.get(pk=data["candidate"]),
                     justification=data["justification"], version=payload.version)  # fmt: skip
    return _file_detail(selection_id)


# --- settings ---------------------------------------------------------------------------------------------------


class ApprovalLimitsOut(Schema):
    commercial: Decimal = Field(description="approuve seul jusqu'à (€ HT)")
    assistant: Decimal
    comptable: Decimal


class ToleranceOut(Schema):
    price_percent: Decimal = Field(description="écart de prix toléré (%)")
    quantity_percent: Decimal = Field(description="écart de quantité toléré (%)")
    version: int


class PurchaseSettingsOut(Schema):
    approval_limits: ApprovalLimitsOut = Field(description="la direction approuve tout montant")
    tolerance: ToleranceOut


def _limits() -> dict:
    from pilote.purchases.forms import ApprovalLimitsForm
    from pilote.purchases.queries import orders as queries

    limits = queries.approval_limits()
    return {str(role): limits.get(role, Decimal(0)) for role in ApprovalLimitsForm.ROLES}


def _settings() -> dict:
    from pilote.purchases import matching

    tolerance = matching.tolerance()
    return {"approval_limits": _limits(), "tolerance": {"price_percent": tolerance.price_percent,
                                                         "quantity_percent": tolerance.quantity_percent,
                                                         "version": tolerance.version}}  # fmt: skip


@guarded(router, "GET", "/reglages-achats", "purchases.settings", response=PurchaseSettingsOut)
def get_purchase_settings(request):
    """The approval limits per role and the three-way match's tolerances, as the settings page shows them."""
    return _settings()


class ApprovalLimitsIn(Schema):
    commercial: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    assistant: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    comptable: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


@guarded(router, "PUT", "/reglages-achats/seuils", "purchases.settings", response=PurchaseSettingsOut)
def set_approval_limits(request, payload: ApprovalLimitsIn):
    """The limits sent changed (the others kept), through the settings page's form."""
    from pilote.purchases import orders
    from pilote.purchases.forms import ApprovalLimitsForm

    current = _limits()
    sent = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    limits = through_form(ApprovalLimitsForm, sent, current=current, limits=current)
    orders.set_approval_limits(actor=request.auth, limits=limits)
    return _settings()


class ToleranceIn(Schema):
    price_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    quantity_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    version: int | None = VERSION


@guarded(router, "PUT", "/reglages-achats/tolerances", "purchases.settings", response=PurchaseSettingsOut)
def set_tolerances(request, payload: ToleranceIn):
    """The tolerances sent changed (the other kept), through the settings page's form: a gap beyond them blocks
    the « bon à payer » until direction accepts it."""
    from pilote.purchases import matching
    from pilote.purchases.forms import ToleranceForm

    tolerance = matching.tolerance()
    current = {"price_percent": tolerance.price_percent, "quantity_percent": tolerance.quantity_percent}
    sent = {name: value for name, value in payload.dict(exclude={"version"}).items() if value is not None}
    data = through_form(ToleranceForm, sent, current=current)
    matching.set_tolerance(actor=request.auth, expected_version=payload.version, **data)
    return _settings()
