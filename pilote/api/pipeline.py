"""The sales pipeline over the API: opportunities (list with the list page's filters, read, create, change, moved
from stage to stage, closed won or lost) and tenders (list, read, create, change, go/no-go decision) — through the
pages' forms and `pipeline.services` / `pipeline.tender_services`."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    Moment,
    ObjectId,
    OptionalId,
    PageNumber,
    PageSize,
    RequiredId,
    Words,
    fetch,
    guarded,
    sorted_page,
    through_form,
)
from pilote.pipeline import queries, services, tender_services
from pilote.pipeline.models import Opportunity, Tender

router = Router(tags=["Pipeline commercial"])
VERSION = "Version lue ; si l'enregistrement a changé depuis, réponse 409."


class OpportunityOut(Schema):
    id: int
    contact_id: int
    title: str
    stage: str
    amount: Decimal
    probability: int
    weighted_amount: Decimal
    expected_close_date: dt.date | None
    owner_id: int
    source: str
    next_action: str
    next_action_date: dt.date | None
    lost_reason: str
    lost_details: str
    closed_on: dt.date | None
    notes: str
    version: int


class OpportunityPage(Schema):
    count: int
    page: int
    pages: int
    results: list[OpportunityOut]


class OpportunityFilters(Schema):
    q: Words = ""
    etape: str = Field(
        "", description="ouvertes, ou une étape (nouvelle, qualification, proposition, negociation, gagnee, perdue)"
    )
    responsable: OptionalId = None
    periode: str = Field("", description="retard, mois, trimestre ou annee (date de signature prévue)")
    du: Day | None = None
    au: Day | None = None
    tri: str = Field("cloture", description="titre, contact, etape, montant, pondere, proba, cloture, action")
    page: PageNumber = 1
    taille: PageSize = 50


class OpportunityPatch(Schema):
    contact: OptionalId = None
    title: str | None = None
    amount: Decimal | None = Field(None, max_digits=15)
    probability: int | None = Field(None, ge=0, le=100)
    expected_close_date: Day | None = None
    owner: OptionalId = None
    source: str | None = None
    next_action: str | None = None
    next_action_date: Day | None = None
    notes: str | None = None


class OpportunityIn(OpportunityPatch):
    contact: RequiredId
    title: str
    stage: str = Field("nouvelle", description="étape ouverte de départ")


class OpportunityUpdate(OpportunityPatch):
    version: int | None = Field(None, description=VERSION)


class StageMoveIn(Schema):
    stage: str = Field(..., description="étape d'arrivée ; perdue : par `/cloture` (raison de la perte)")
    version: int | None = Field(None, description=VERSION)


class CloseIn(Schema):
    outcome: str = Field(..., description="gagnee ou perdue")
    closed_on: Day
    amount: Decimal | None = Field(None, max_digits=15, description="montant final HT (sinon l'estimé)")
    lost_reason: str = ""
    lost_details: str = ""
    version: int | None = Field(None, description=VERSION)


@guarded(router, "GET", "/opportunites", "pipeline.view", response=OpportunityPage)
def list_opportunities(request, filters: Query[OpportunityFilters]):
    data = filters.dict()
    return sorted_page(queries.filter_opportunities(data), data, queries.SORTS, "cloture")


@guarded(router, "GET", "/opportunites/{opportunity_id}", "pipeline.view", response=OpportunityOut)
def get_opportunity(request, opportunity_id: ObjectId):
    return fetch(Opportunity, opportunity_id)


@guarded(router, "POST", "/opportunites", "pipeline.edit", response={201: OpportunityOut})
def create_opportunity(request, payload: OpportunityIn):
    """A new opportunity (its owner: the caller unless given), as the page's form creates it."""
    from pilote.pipeline.forms import OpportunityForm

    body = payload.dict(exclude_none=True)
    body.setdefault("owner", request.auth.pk)
    data = through_form(OpportunityForm, body)
    return Status(201, services.create_opportunity(actor=request.auth, **data))


@guarded(router, "PATCH", "/opportunites/{opportunity_id}", "pipeline.edit", response=OpportunityOut)
def update_opportunity(request, opportunity_id: ObjectId, payload: OpportunityUpdate):
    """A change of the page's fields (the stage moves by `/etape`, which leaves a trace)."""
    from pilote.pipeline.forms import OpportunityForm

    opportunity = fetch(Opportunity, opportunity_id)
    data = through_form(OpportunityForm, payload.dict(exclude={"version"}, exclude_unset=True), instance=opportunity)
    return services.update_opportunity(actor=request.auth, opportunity=fetch(Opportunity, opportunity_id),
                                       expected_version=payload.version, **data)  # fmt: skip


@guarded(router, "POST", "/opportunites/{opportunity_id}/etape", "pipeline.edit", response=OpportunityOut)
def move_opportunity(request, opportunity_id: ObjectId, payload: StageMoveIn):
    """The kanban's move; losing needs its reason, given by `/cloture` as on the page."""
    from pilote.pipeline.forms import MoveForm
    from pilote.pipeline.stages import Stage

    data = through_form(MoveForm, payload)
    if data["stage"] == Stage.LOST:
        raise ValidationError({"stage": ["Une opportunité perdue se clôt avec sa raison : /cloture."]})
    return services.move_opportunity(actor=request.auth, opportunity=fetch(Opportunity, opportunity_id),
                                     stage=data["stage"], expected_version=payload.version)  # fmt: skip


@guarded(router, "POST", "/opportunites/{opportunity_id}/cloture", "pipeline.edit", response=OpportunityOut)
def close_opportunity(request, opportunity_id: ObjectId, payload: CloseIn):
    """Won or lost, with its date (not in the future), its final amount or the reason of the loss."""
    from pilote.pipeline.forms import CloseForm

    data = through_form(CloseForm, payload)
    return services.move_opportunity(
        actor=request.auth, opportunity=fetch(Opportunity, opportunity_id), stage=data["outcome"],
        expected_version=payload.version, closed_on=data["closed_on"], amount=data.get("amount"),
        lost_reason=data.get("lost_reason") or "", lost_details=data.get("lost_details") or "",
    )  # fmt: skip


# --- tenders -----------------------------------------------------------------------------------------------------


class TenderOut(Schema):
    id: int
    buyer_id: int
    title: str
    reference: str
    procedure: str
    published_on: dt.date | None
    questions_deadline: dt.datetime | None
    submission_deadline: dt.datetime | None
    estimated_value: Decimal | None
    owner_id: int | None
    opportunity_id: int | None
    status: str
    decision: str
    go_threshold: int
    offer_amount: Decimal | None
    outcome_reasons: str
    winner_name: str
    winning_price: Decimal | None
    notes: str
    version: int


class TenderPage(Schema):
    count: int
    page: int
    pages: int
    results: list[TenderOut]


class TenderFilters(Schema):
    q: Words = ""
    etat: str = Field("", description="ouverts, ou un état (veille, preparation, deposee, gagnee, perdue, abandonnee)")
    tri: str = Field("remise", description="objet, acheteur, remise, montant, etat ; préfixe - décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


class TenderPatch(Schema):
    buyer: OptionalId = None
    title: str | None = None
    reference: str | None = None
    procedure: str | None = None
    published_on: Day | None = None
    questions_deadline: Moment | None = None
    submission_deadline: Moment | None = None
    estimated_value: Decimal | None = Field(None, max_digits=15)
    owner: OptionalId = None
    opportunity: OptionalId = None
    go_threshold: int | None = Field(None, ge=0, le=100)
    notes: str | None = None


class TenderIn(TenderPatch):
    buyer: RequiredId
    title: str


class TenderUpdate(TenderPatch):
    status: str | None = Field(
        None, description="état du dossier (veille, preparation, deposee, gagnee, perdue, abandonnee)"
    )
    offer_amount: Decimal | None = Field(None, max_digits=15)
    outcome_reasons: str | None = None
    winner_name: str | None = None
    winning_price: Decimal | None = Field(None, max_digits=15)
    version: int | None = Field(None, description=VERSION)


class TenderDecisionIn(Schema):
    decision: str = Field(..., description="go, no_go ou a_decider")
    version: int | None = Field(None, description=VERSION)


@guarded(router, "GET", "/appels-offres", "pipeline.view", response=TenderPage)
def list_tenders(request, filters: Query[TenderFilters]):
    data = filters.dict()
    return sorted_page(queries.filter_tenders(data), data, queries.TENDER_SORTS, "remise")


@guarded(router, "GET", "/appels-offres/{tender_id}", "pipeline.view", response=TenderOut)
def get_tender(request, tender_id: ObjectId):
    return fetch(Tender, tender_id)


@guarded(router, "POST", "/appels-offres", "pipeline.edit", response={201: TenderOut})
def create_tender(request, payload: TenderIn):
    from pilote.pipeline.forms import TenderForm

    data = through_form(TenderForm, payload.dict(exclude_none=True))
    return Status(201, tender_services.create_tender(actor=request.auth, **data))


@guarded(router, "PATCH", "/appels-offres/{tender_id}", "pipeline.edit", response=TenderOut)
def update_tender(request, tender_id: ObjectId, payload: TenderUpdate):
    """A change of the file, its state included (déposée, gagnée, perdue…), as the page's form makes it."""
    from pilote.pipeline.forms import TenderForm

    tender = fetch(Tender, tender_id)
    data = through_form(TenderForm, payload.dict(exclude={"version"}, exclude_unset=True), instance=tender)
    return tender_services.update_tender(actor=request.auth, tender=fetch(Tender, tender_id),
                                         expected_version=payload.version, **data)  # fmt: skip


@guarded(router, "POST", "/appels-offres/{tender_id}/decision", "pipeline.edit", response=TenderOut)
def decide_tender(request, tender_id: ObjectId, payload: TenderDecisionIn):
    """Go / no-go (the page's decision form)."""
    from pilote.pipeline.forms import DecisionForm

    data = through_form(DecisionForm, payload)
    return tender_services.decide_tender(actor=request.auth, tender=fetch(Tender, tender_id),
                                         decision=data["decision"], expected_version=payload.version)  # fmt: skip
