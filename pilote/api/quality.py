"""Quality over the API: the risk register (risks and their treatment actions) and non-conformities with their
corrective and preventive actions — checked by the pages' forms (the rating scale the structure chose) and written by
`quality.services`, which hold the PDCA steps and the rules of each."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    through_form,
)
from pilote.core.listing import sort_queryset
from pilote.quality.forms import ActionForm, AnalysisForm, CapaForm, NonConformityForm, RiskForm
from pilote.quality.models import CapaKind, NcOrigin, NcSeverity, NonConformity, Risk, RiskCategory
from pilote.quality.queries import nonconformities as nc_queries
from pilote.quality.queries import risks as queries
from pilote.quality.services import nonconformities as nc_services
from pilote.quality.services import risks as services

router = Router(tags=["Qualité"])


class RiskActionOut(Schema):
    id: int
    title: str
    owner_id: int
    due_on: dt.date
    status: str
    done_on: dt.date | None


class RiskOut(Schema):
    id: int
    title: str
    category: str
    owner_id: int
    cause: str
    consequence: str
    likelihood: int
    impact: int
    inherent_score: int
    controls: str
    residual_likelihood: int
    residual_impact: int
    residual_score: int
    review_on: dt.date
    reviewed_on: dt.date | None
    status: str
    version: int


class RiskDetailOut(RiskOut):
    actions: list[RiskActionOut]

    @staticmethod
    def resolve_actions(obj: Risk):
        return list(obj.actions.order_by("due_on", "id"))


class RiskPatch(Schema):
    title: str | None = None
    category: RiskCategory | None = None
    owner: OptionalId = Field(None, description="id de l'utilisateur pilote du risque")
    cause: str | None = None
    consequence: str | None = None
    likelihood: int | None = Field(None, ge=1, le=10, description="sur l'échelle de la structure (4 ou 5)")
    impact: int | None = Field(None, ge=1, le=10)
    controls: str | None = None
    residual_likelihood: int | None = Field(None, ge=1, le=10)
    residual_impact: int | None = Field(None, ge=1, le=10)
    review_on: Day | None = None


class RiskIn(RiskPatch):
    title: str
    category: RiskCategory
    owner: RequiredId = Field(..., description="id de l'utilisateur pilote du risque")
    cause: str
    consequence: str
    likelihood: RequiredId = Field(..., le=10)
    impact: RequiredId = Field(..., le=10)
    residual_likelihood: RequiredId = Field(..., le=10)
    residual_impact: RequiredId = Field(..., le=10)
    review_on: Day


class RiskUpdate(RiskPatch):
    version: int | None = Field(None, description="Version lue ; si le risque a changé depuis, réponse 409.")


class ActionIn(Schema):
    title: str
    owner: RequiredId = Field(..., description="id de l'utilisateur responsable")
    due_on: Day


class RiskFilters(Paging):
    q: Words = Field("", max_length=200, description="intitulé, cause, conséquence ou R-<numéro>")
    nature: str = ""
    niveau: Literal["", "low", "medium", "high", "critical"] = ""
    pilote: OptionalId = None
    statut: Literal["actifs", "tous", "closed"] = "actifs"
    revue_en_retard: bool = False
    tri: str = Field(queries.DEFAULT_SORT, description="criticite, brute, intitule, nature, revue, pilote")


def _scale() -> int:
    return services.current_settings().risk_scale


@guarded(router, "GET", "/risques", "quality.risks.view", response=Page[RiskOut])
def list_risks(request, filters: Query[RiskFilters]):
    data = filters.dict()
    risks = sort_queryset(queries.filter_risks(data, _scale()), data["tri"], queries.SORTS, queries.DEFAULT_SORT)
    return page_of(risks, data)


@guarded(router, "GET", "/risques/{risk_id}", "quality.risks.view", response=RiskDetailOut)
def get_risk(request, risk_id: ObjectId):
    return fetch(Risk, risk_id)


@guarded(router, "POST", "/risques", "quality.risks.edit", response={201: RiskDetailOut})
def create_risk(request, payload: RiskIn):
    fields = through_form(RiskForm, payload, scale=_scale())
    return Status(201, services.create_risk(actor=request.auth, **fields))


@guarded(router, "PATCH", "/risques/{risk_id}", "quality.risks.edit", response=RiskDetailOut)
def update_risk(request, risk_id: ObjectId, payload: RiskUpdate):
    risk = fetch(Risk, risk_id)
    fields = through_form(RiskForm, payload, instance=fetch(Risk, risk_id), scale=_scale())
    return services.update_risk(actor=request.auth, risk=risk, expected_version=payload.version, **fields)


@guarded(router, "POST", "/risques/{risk_id}/actions", "quality.risks.actions", response={201: RiskActionOut})
def add_risk_action(request, risk_id: ObjectId, payload: ActionIn):
    fields = through_form(ActionForm, payload)
    return Status(201, services.add_action(actor=request.auth, risk=fetch(Risk, risk_id), **fields))


# --- non-conformities -----------------------------------------------------------------------------------


class CapaOut(Schema):
    id: int
    kind: str
    title: str
    owner_id: int
    due_on: dt.date
    status: str
    done_on: dt.date | None


class NonConformityOut(Schema):
    id: int
    title: str
    origin: str
    complaint_id: int | None
    detected_on: dt.date
    description: str
    severity: str
    immediate_action: str
    root_cause: str
    owner_id: int
    status: str
    effectiveness: str
    checked_on: dt.date | None
    closed_on: dt.date | None


class NonConformityDetailOut(NonConformityOut):
    actions: list[CapaOut]

    @staticmethod
    def resolve_actions(obj: NonConformity):
        return list(obj.actions.order_by("due_on", "id"))


class NonConformityIn(Schema):
    title: str
    origin: Literal["supplier", "audit", "internal", "adverse_event"] = Field(
        ..., description="une non-conformité issue d'une réclamation s'ouvre depuis la réclamation"
    )
    detected_on: Day
    severity: NcSeverity = NcSeverity.MINOR
    description: str
    immediate_action: str = ""
    owner: RequiredId = Field(..., description="id de l'utilisateur pilote")


class CapaIn(Schema):
    kind: CapaKind = CapaKind.CORRECTIVE
    title: str
    owner: RequiredId = Field(..., description="id de l'utilisateur responsable")
    due_on: Day


class AnalysisIn(Schema):
    root_cause: str = Field(..., description="cause racine retenue")
    whys: list[str] = Field([], max_length=5, description="les « 5 pourquoi », dans l'ordre")
    ishikawa: str = Field("", description="catégorie de cause (5M)")
    immediate_action: str | None = None
    version: int | None = Field(None, description="Version lue ; si la fiche a changé depuis, réponse 409.")


class StepIn(Schema):
    etape: Literal["actions", "verification"] = Field(
        ..., description="actions : lancer les actions ; verification : demander la vérification de l'efficacité"
    )


class NcFilters(Paging):
    q: Words = Field("", max_length=200, description="intitulé, description, cause ou NC-<numéro>")
    etape: Literal["", "ouvertes", "open", "acting", "checking", "closed"] = ""
    origine: Literal["", *NcOrigin.values] = ""  # type: ignore[valid-type]
    gravite: Literal["", *NcSeverity.values] = ""  # type: ignore[valid-type]
    tri: str = Field(nc_queries.DEFAULT_SORT, description="constat, intitule, origine, gravite, etape")


@guarded(router, "GET", "/non-conformites", "quality.nc.view", response=Page[NonConformityOut])
def list_nonconformities(request, filters: Query[NcFilters]):
    data = filters.dict()
    ncs = sort_queryset(nc_queries.filter_ncs(data), data["tri"], nc_queries.SORTS, nc_queries.DEFAULT_SORT)
    return page_of(ncs, data)


@guarded(router, "GET", "/non-conformites/{nc_id}", "quality.nc.view", response=NonConformityDetailOut)
def get_nonconformity(request, nc_id: ObjectId):
    return fetch(NonConformity, nc_id)


@guarded(router, "POST", "/non-conformites", "quality.nc.edit", response={201: NonConformityDetailOut})
def open_nonconformity(request, payload: NonConformityIn):
    fields = through_form(NonConformityForm, payload)
    return Status(201, nc_services.open_nonconformity(actor=request.auth, **fields))


@guarded(router, "POST", "/non-conformites/{nc_id}/analyse", "quality.nc.edit", response=NonConformityDetailOut)
def record_analysis(request, nc_id: ObjectId, payload: AnalysisIn):
    """The cause found (Plan), checked by the page's form; the « 5 pourquoi » in order."""
    nc = fetch(NonConformity, nc_id)
    data = {**payload.dict(exclude={"whys"}), **{f"why{n}": text for n, text in enumerate(payload.whys, start=1)}}
    if data["immediate_action"] is None:
        data["immediate_action"] = nc.immediate_action
    fields = through_form(AnalysisForm, data)
    whys = [fields.pop(f"why{n}", "") or "" for n in range(1, 6)]
    return nc_services.record_analysis(actor=request.auth, nc=nc, whys=whys, expected_version=payload.version,
                                       **fields)  # fmt: skip


@guarded(router, "POST", "/non-conformites/{nc_id}/actions", "quality.nc.edit", response={201: CapaOut})
def add_capa(request, nc_id: ObjectId, payload: CapaIn):
    fields = through_form(CapaForm, payload)
    return Status(201, nc_services.add_capa(actor=request.auth, nc=fetch(NonConformity, nc_id), **fields))


@guarded(router, "POST", "/non-conformites/{nc_id}/etape", "quality.nc.edit", response=NonConformityDetailOut)
def move_nonconformity(request, nc_id: ObjectId, payload: StepIn):
    step = {"actions": nc_services.start_actions, "verification": nc_services.request_check}[payload.etape]
    return step(actor=request.auth, nc=fetch(NonConformity, nc_id))
