"""Quality over the API beyond risks and non-conformities, with the pages' permissions, forms and services: the DUERP
(work units, their hazards assessed on the page's scales, prevention actions and the action plan), procedures (their
versions, approved and put in force by `quality.services.procedures`), internal audits (programme, questions,
findings), satisfaction surveys (read with their results; created with their questions as on the page) and the
regulatory watch (items each role may see, sources, triage)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
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
from pilote.lib.dates import local_today
from pilote.quality.forms import (
    ApproveForm,
    AuditCloseForm,
    AuditForm,
    AuditQuestionForm,
    DraftForm,
    FindingForm,
    HazardForm,
    InForceForm,
    PreventionActionForm,
    ProcedureForm,
    PublishForm,
    SurveyForm,
    SurveyInviteForm,
    SurveyQuestionForm,
    WatchSourceForm,
    WatchTriageForm,
    WorkUnitForm,
    invited_contacts,
)
from pilote.quality.models import (
    Audit,
    AuditItem,
    AuditKind,
    AuditStatus,
    DuerpVersion,
    FindingResult,
    Hazard,
    Procedure,
    ProcedureKind,
    ProcedureVersion,
    QuestionKind,
    Survey,
    SurveyAudience,
    SurveyStatus,
    WatchCategory,
    WatchStatus,
    WorkUnit,
)
from pilote.quality.queries import audits as audit_queries
from pilote.quality.queries import duerp as duerp_queries
from pilote.quality.queries import procedures as procedure_queries
from pilote.quality.queries import surveys as survey_queries
from pilote.quality.queries import watch as watch_queries
from pilote.quality.services import audits as audit_services
from pilote.quality.services import duerp as duerp_services
from pilote.quality.services import procedures as procedure_services
from pilote.quality.services import surveys as survey_services
from pilote.quality.services import watch as watch_services

router = Router(tags=["Qualité"])


# --- DUERP ----------------------------------------------------------------------------------------------------


class PreventionOut(Schema):
    id: int
    hazard_id: int
    title: str
    owner_id: int
    due_on: dt.date
    cost: Decimal
    status: str
    done_on: dt.date | None


class HazardOut(Schema):
    id: int
    unit_id: int
    family: str
    description: str
    frequency: int
    severity: int
    priority: int
    prevention: str
    actions: list[PreventionOut]

    @staticmethod
    def resolve_actions(obj: Hazard):
        return list(obj.actions.order_by("due_on", "pk"))


class WorkUnitOut(Schema):
    id: int
    name: str
    description: str
    exposed: int
    is_active: bool
    hazards: list[HazardOut]

    @staticmethod
    def resolve_hazards(obj: WorkUnit):
        return list(obj.hazards.order_by("-priority", "pk").prefetch_related("actions"))


class WorkUnitIn(Schema):
    name: str
    description: str = ""
    exposed: int = Field(0, ge=0, le=1_000_000, description="nombre de personnes exposées")
    is_active: bool = True


class WorkUnitPatch(Schema):
    name: str | None = None
    description: str | None = None
    exposed: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None


class HazardIn(Schema):
    family: str = Field(..., description="famille de risque (chutes, manutention, psychosociaux…)")
    description: str
    frequency: int = Field(..., ge=1, le=10, description="fréquence d'exposition sur l'échelle de la page (1 à 4)")
    severity: int = Field(..., ge=1, le=10, description="gravité sur l'échelle de la page (1 à 4)")
    prevention: str = ""


class PreventionIn(Schema):
    title: str
    owner: RequiredId = Field(..., description="id de l'utilisateur responsable")
    due_on: Day
    cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)


class PlanFilters(Paging):
    q: Words = Field("", max_length=200, description="action ou situation")
    unite: OptionalId = Field(None, description="id de l'unité de travail")
    priorite: int | None = Field(None, ge=1, le=3)
    etat: str = Field("", max_length=20, description="ouvertes, en_retard, ou un état d'action")
    tri: str = Field(duerp_queries.DEFAULT_SORT, description="les tris de la page du plan d'actions")


@guarded(router, "GET", "/duerp/unites", "quality.duerp.view", response=Page[WorkUnitOut])
def list_work_units(request, paging: Query[Paging]):
    """The working document: each unit with its hazards (highest priority first) and their prevention actions."""
    return page_of(WorkUnit.objects.order_by("name", "pk").prefetch_related("hazards__actions"), paging)


@guarded(router, "GET", "/duerp/unites/{unit_id}", "quality.duerp.view", response=WorkUnitOut)
def get_work_unit(request, unit_id: ObjectId):
    return fetch(WorkUnit, unit_id)


@guarded(router, "POST", "/duerp/unites", "quality.duerp.edit", response={201: WorkUnitOut})
def create_work_unit(request, payload: WorkUnitIn):
    fields = through_form(WorkUnitForm, payload)
    return Status(201, duerp_services.create_work_unit(actor=request.auth, **fields))


@guarded(router, "PATCH", "/duerp/unites/{unit_id}", "quality.duerp.edit", response=WorkUnitOut)
def update_work_unit(request, unit_id: ObjectId, payload: WorkUnitPatch):
    unit = fetch(WorkUnit, unit_id)
    fields = through_form(WorkUnitForm, payload, instance=fetch(WorkUnit, unit_id))
    duerp_services.update_work_unit(actor=request.auth, unit=unit, **fields)
    return fetch(WorkUnit, unit_id)


@guarded(router, "POST", "/duerp/unites/{unit_id}/risques", "quality.duerp.edit", response={201: HazardOut})
def add_hazard(request, unit_id: ObjectId, payload: HazardIn):
    """A hazard of the unit, assessed on the page's scales (its priority follows)."""
    fields = through_form(HazardForm, payload)
    return Status(201, duerp_services.add_hazard(actor=request.auth, unit=fetch(WorkUnit, unit_id), **fields))


@guarded(router, "POST", "/duerp/risques/{hazard_id}/actions", "quality.duerp.edit", response={201: PreventionOut})
def add_prevention_action(request, hazard_id: ObjectId, payload: PreventionIn):
    fields = through_form(PreventionActionForm, payload)
    fields["cost"] = fields.get("cost") or Decimal(0)
    hazard = fetch(Hazard, hazard_id)
    return Status(201, duerp_services.add_prevention_action(actor=request.auth, hazard=hazard, **fields))


@guarded(router, "GET", "/duerp/actions", "quality.duerp.view", response=Page[PreventionOut])
def list_prevention_actions(request, filters: Query[PlanFilters]):
    """The prevention action plan with the filters of its page."""
    data = filters.dict()
    actions = duerp_queries.filter_actions(data, local_today())
    actions = sort_queryset(actions, data["tri"], duerp_queries.SORTS, duerp_queries.DEFAULT_SORT)
    return page_of(actions, data)


# --- procedures -----------------------------------------------------------------------------------------------


class ProcedureVersionOut(Schema):
    id: int
    number: int
    body: str
    change_note: str
    status: str
    approved_by_name: str
    approved_on: dt.date | None
    in_force_on: dt.date | None
    superseded_on: dt.date | None
    digest: str


class ProcedureOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    owner_id: int
    approver_role: str
    reader_roles: list[str]
    version: int


class ProcedureDetailOut(ProcedureOut):
    versions: list[ProcedureVersionOut]

    @staticmethod
    def resolve_versions(obj: Procedure):
        return procedure_queries.versions(obj)


class ProcedureIn(Schema):
    code: str = Field(..., description="par exemple PR-ACC-01")
    title: str
    kind: ProcedureKind
    owner: RequiredId = Field(..., description="id de l'utilisateur rédacteur")
    approver_role: str = Field(..., description="rôle qui approuve (direction, rh…)")
    reader_roles: list[str] = Field([], max_length=20, description="rôles qui doivent la lire")
    readers: list[RequiredId] = Field([], max_length=500, description="ids d'autres utilisateurs qui doivent la lire")
    body: str = Field(..., description="contenu de la version 1")


class ProcedureFilters(Paging):
    q: Words = Field("", max_length=200, description="code ou intitulé")
    type: Literal["", *ProcedureKind.values] = ""  # type: ignore[valid-type]
    etat: Literal["", "en_vigueur", "en_preparation", "a_lire"] = ""
    tri: str = Field(procedure_queries.DEFAULT_SORT, description="code, intitule, type, vigueur")


@guarded(router, "GET", "/procedures", "quality.procedures.view", response=Page[ProcedureOut])
def list_procedures(request, filters: Query[ProcedureFilters]):
    data = filters.dict()
    procedures = procedure_queries.filter_procedures(data, request.auth)
    procedures = sort_queryset(procedures, data["tri"], procedure_queries.SORTS, procedure_queries.DEFAULT_SORT)
    return page_of(procedures, data)


@guarded(router, "GET", "/procedures/{procedure_id}", "quality.procedures.view", response=ProcedureDetailOut)
def get_procedure(request, procedure_id: ObjectId):
    return fetch(Procedure, procedure_id)


@guarded(router, "POST", "/procedures", "quality.procedures.edit", response={201: ProcedureDetailOut})
def create_procedure(request, payload: ProcedureIn):
    """The procedure and its first version (a draft, approved then put in force on the page)."""
    fields = through_form(ProcedureForm, payload)
    fields.pop("version", None)
    return Status(201, procedure_services.create_procedure(actor=request.auth, **fields))


class DraftIn(Schema):
    change_note: str = Field(..., description="objet de la révision")
    body: str = Field(..., description="contenu de la version")


class ApproveIn(Schema):
    comment: str = ""


class InForceIn(Schema):
    in_force_on: Day


class AcknowledgementOut(Schema):
    version_id: int
    user_id: int
    at: dt.datetime


@guarded(router, "PUT", "/procedures/{procedure_id}/brouillon", "quality.procedures.edit",
         response=ProcedureVersionOut)  # fmt: skip
def save_procedure_draft(request, procedure_id: ObjectId, payload: DraftIn):
    """The next version written as a draft (from the text in force), or the draft under way changed."""
    fields = through_form(DraftForm, payload)
    return procedure_services.save_draft(actor=request.auth, procedure=fetch(Procedure, procedure_id), **fields)


@guarded(router, "POST", "/procedures/versions/{procedure_version_id}/approbation", "quality.procedures.approve",
         response=ProcedureVersionOut)  # fmt: skip
def approve_procedure_version(request, procedure_version_id: ObjectId, payload: ApproveIn):
    """A draft approved today by a user of the role the procedure names (others: 409), its text frozen."""
    comment = through_form(ApproveForm, payload)["comment"]
    version = fetch(ProcedureVersion, procedure_version_id)
    return procedure_services.approve(actor=request.auth, version=version, comment=comment)


@guarded(router, "POST", "/procedures/versions/{procedure_version_id}/vigueur", "quality.procedures.edit",
         response=ProcedureVersionOut)  # fmt: skip
def put_procedure_version_in_force(request, procedure_version_id: ObjectId, payload: InForceIn):
    """An approved version in force from that day (not before its approval); the one in force is superseded."""
    day = through_form(InForceForm, payload)["in_force_on"]
    version = fetch(ProcedureVersion, procedure_version_id)
    return procedure_services.put_in_force(actor=request.auth, version=version, in_force_on=day)


@guarded(router, "POST", "/procedures/versions/{procedure_version_id}/lecture", "quality.procedures.read",
         response={201: AcknowledgementOut})  # fmt: skip
def acknowledge_procedure_version(request, procedure_version_id: ObjectId):
    """The caller's receipt of the version in force (a procedure they must read, once)."""
    version = fetch(ProcedureVersion, procedure_version_id)
    return Status(201, procedure_services.acknowledge(actor=request.auth, version=version))


# --- audits ---------------------------------------------------------------------------------------------------


class AuditItemOut(Schema):
    id: int
    position: int
    question: str
    expected_evidence: str
    result: str
    comment: str


class AuditOut(Schema):
    id: int
    title: str
    kind: str
    scope: str
    planned_on: dt.date
    performed_on: dt.date | None
    lead_id: int
    auditees: str
    status: str
    conclusion: str
    version: int


class AuditDetailOut(AuditOut):
    items: list[AuditItemOut]

    @staticmethod
    def resolve_items(obj: Audit):
        return audit_queries.items(obj)


class AuditIn(Schema):
    title: str
    kind: AuditKind
    scope: str = Field(..., description="périmètre audité")
    planned_on: Day
    lead: RequiredId = Field(..., description="id de l'utilisateur responsable de l'audit")
    auditees: str = ""


class QuestionIn(Schema):
    question: str
    expected_evidence: str = ""


class FindingIn(Schema):
    result: FindingResult
    comment: str = ""


class AuditFilters(Paging):
    q: Words = Field("", max_length=200, description="intitulé, périmètre, audités")
    annee: int | None = Field(None, ge=1900, le=2199)
    statut: Literal["", *AuditStatus.values] = ""  # type: ignore[valid-type]
    type: Literal["", *AuditKind.values] = ""  # type: ignore[valid-type]
    tri: str = Field(audit_queries.DEFAULT_SORT, description="date, intitule, type, statut")


@guarded(router, "GET", "/audits", "quality.audits.view", response=Page[AuditOut])
def list_audits(request, filters: Query[AuditFilters]):
    data = filters.dict()
    audits = sort_queryset(audit_queries.filter_audits(data), data["tri"], audit_queries.SORTS,
                           audit_queries.DEFAULT_SORT)  # fmt: skip
    return page_of(audits, data)


@guarded(router, "GET", "/audits/{audit_id}", "quality.audits.view", response=AuditDetailOut)
def get_audit(request, audit_id: ObjectId):
    return fetch(Audit, audit_id)


@guarded(router, "POST", "/audits", "quality.audits.edit", response={201: AuditDetailOut})
def plan_audit(request, payload: AuditIn):
    fields = through_form(AuditForm, payload)
    return Status(201, audit_services.plan_audit(actor=request.auth, **fields))


@guarded(router, "POST", "/audits/{audit_id}/questions", "quality.audits.edit", response={201: AuditItemOut})
def add_audit_question(request, audit_id: ObjectId, payload: QuestionIn):
    fields = through_form(AuditQuestionForm, payload)
    return Status(201, audit_services.add_question(actor=request.auth, audit=fetch(Audit, audit_id), **fields))


class AuditStepIn(Schema):
    etape: Literal["commencer", "annuler", "clore"] = Field(
        ..., description="commencer (aujourd'hui, la grille prête), annuler (planifié), clore (tous les constats)"
    )
    conclusion: str = Field("", description="conclusion de l'audit (pour clore)")


@guarded(router, "POST", "/audits/{audit_id}/etape", "quality.audits.edit", response=AuditDetailOut)
def audit_step(request, audit_id: ObjectId, payload: AuditStepIn):
    """As the audit page's buttons: started today, cancelled while planned, or closed with its conclusion."""
    audit = fetch(Audit, audit_id)
    if payload.etape == "commencer":
        return audit_services.start_audit(actor=request.auth, audit=audit)
    if payload.etape == "annuler":
        return audit_services.cancel_audit(actor=request.auth, audit=audit)
    conclusion = through_form(AuditCloseForm, payload)["conclusion"]
    return audit_services.close_audit(actor=request.auth, audit=audit, conclusion=conclusion)


@guarded(router, "POST", "/audits/constats/{finding_id}", "quality.audits.edit", response=AuditItemOut)
def record_finding(request, finding_id: ObjectId, payload: FindingIn):
    """A question's finding (the audit in progress); a non-conformity found opens its record as on the page."""
    fields = through_form(FindingForm, payload)
    return audit_services.record_finding(actor=request.auth, item=fetch(AuditItem, finding_id), **fields)


# --- surveys --------------------------------------------------------------------------------------------------


class SurveyQuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    choices: list[str]
    required: bool


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    audience: str
    status: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    created_at: dt.datetime


class SurveyDetailOut(SurveyOut):
    questions: list[SurveyQuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey):
        return list(obj.questions.order_by("position", "pk"))


class BarOut(Schema):
    label: str
    count: int
    percent: int = Field(..., description="part des réponses, en %")


class ResultRowOut(Schema):
    question_id: int
    question: str
    kind: str
    count: int
    average: float | Decimal | None = None
    nps: int | float | None = None
    bars: list[BarOut] = []
    comments: list[str] = []


class SurveyResultsOut(Schema):
    responses: int
    nps: int | float | None
    rows: list[ResultRowOut]


class SurveyQuestionIn(Schema):
    text: str
    kind: QuestionKind
    choices: list[str] = Field([], max_length=50, description="choix proposés (questions à choix)")
    required: bool = True


class SurveyIn(Schema):
    title: str
    audience: SurveyAudience
    intro: str = ""
    questions: list[SurveyQuestionIn] = Field([], max_length=50)


class SurveyFilters(Paging):
    q: Words = Field("", max_length=200, description="intitulé")
    statut: Literal["", *SurveyStatus.values] = ""  # type: ignore[valid-type]
    public: Literal["", *SurveyAudience.values] = ""  # type: ignore[valid-type]
    tri: str = Field(survey_queries.DEFAULT_SORT, description="creee, intitule, statut, public")


def survey_question_fields(question: SurveyQuestionIn) -> dict:
    """A question checked by the page's question form (its choices one per line), as `add_question` takes it."""
    checked = through_form(SurveyQuestionForm, {**question.dict(), "choices": "\n".join(question.choices)})
    return {**checked, "choices": checked["choices"].splitlines()}


@guarded(router, "GET", "/enquetes", "quality.surveys.view", response=Page[SurveyOut])
def list_surveys(request, filters: Query[SurveyFilters]):
    data = filters.dict()
    items = sort_queryset(survey_queries.filter_surveys(data), data["tri"], survey_queries.SORTS,
                          survey_queries.DEFAULT_SORT)  # fmt: skip
    return page_of(items, data)


@guarded(router, "GET", "/enquetes/{survey_id}", "quality.surveys.view", response=SurveyDetailOut)
def get_survey(request, survey_id: ObjectId):
    return fetch(Survey, survey_id)


@guarded(router, "GET", "/enquetes/{survey_id}/resultats", "quality.surveys.view", response=SurveyResultsOut)
def get_survey_results(request, survey_id: ObjectId):
    """Each question's figures as the results page shows them (averages, NPS, choices counted, comments)."""
    results = survey_queries.results(fetch(Survey, survey_id))
    rows = []
    for row in results["rows"]:
        question = row["question"]
        rows.append({
            "question_id": question.pk, "question": question.text, "kind": question.kind, "count": row["count"],
            "average": row.get("average"), "nps": row.get("nps"), "comments": row.get("comments", []),
            "bars": [{"label": bar["label"], "count": bar["count"], "percent": bar["width"]}
                     for bar in row.get("bars", [])],
        })  # fmt: skip
    return {"responses": results["responses"], "nps": results["nps"], "rows": rows}


@guarded(router, "POST", "/enquetes", "quality.surveys.edit", response={201: SurveyDetailOut})
def create_survey(request, payload: SurveyIn):
    """A survey in preparation with its questions (each checked by the page's question form), all or nothing."""
    from django.db import transaction

    fields = through_form(SurveyForm, payload.dict(exclude={"questions"}))
    questions = [survey_question_fields(question) for question in payload.questions]
    with transaction.atomic():
        survey = survey_services.create_survey(actor=request.auth, **fields)
        for question in questions:
            survey_services.add_question(actor=request.auth, survey=survey, **question)
    return Status(201, fetch(Survey, survey.pk))


class SurveyStepIn(Schema):
    etape: Literal["ouvrir", "clore"]


class InviteIn(Schema):
    tag: OptionalId = Field(None, description="id d'une étiquette : ses contacts actifs sont invités par e-mail")
    contact: OptionalId = Field(None, description="id d'un contact invité par e-mail")
    links: int = Field(0, ge=0, le=500, description="liens anonymes à remettre vous-même")
    message: str = Field("", description="message d'accompagnement de l'e-mail")


class InvitationOut(Schema):
    id: int
    label: str
    email: str
    sent: bool
    url: str = Field(..., description="lien de réponse, donné une seule fois (seule son empreinte est gardée)")


@guarded(router, "POST", "/enquetes/{survey_id}/etape", "quality.surveys.edit", response=SurveyDetailOut)
def survey_step(request, survey_id: ObjectId, payload: SurveyStepIn):
    """Opened (its questions ready) or closed, as the survey page's buttons."""
    step = {"ouvrir": survey_services.open_survey, "clore": survey_services.close_survey}[payload.etape]
    return step(actor=request.auth, survey=fetch(Survey, survey_id))


@guarded(router, "POST", "/enquetes/{survey_id}/invitations", "quality.surveys.edit",
         response={201: list[InvitationOut]})  # fmt: skip
def invite_to_survey(request, survey_id: ObjectId, payload: InviteIn):
    """The open survey's links: e-mailed to the chosen contacts (each with an address), and anonymous ones to hand
    over; each link serves one answer and is shown only here."""
    data = through_form(SurveyInviteForm, payload)
    links = survey_services.invite(actor=request.auth, survey=fetch(Survey, survey_id),
                                   contacts=invited_contacts(data), links=data.get("links") or 0,
                                   message=data["message"], base_url=request.build_absolute_uri("/"))  # fmt: skip
    return Status(201, [{"id": link.invitation.pk, "label": link.invitation.label, "email": link.invitation.email,
                         "sent": link.invitation.sent_at is not None, "url": link.url} for link in links])  # fmt: skip


# --- regulatory watch -----------------------------------------------------------------------------------------


class WatchItemOut(Schema):
    id: int
    source_id: int
    title: str
    link: str
    summary: str
    published_at: dt.datetime | None
    status: str
    note: str
    shared_roles: list[str]
    risk_id: int | None
    nonconformity_id: int | None


class WatchSourceOut(Schema):
    id: int
    name: str
    url: str
    category: str
    keywords: str
    is_active: bool
    last_fetched_at: dt.datetime | None
    last_error: str


class WatchSourceIn(Schema):
    name: str
    url: str = Field(..., description="adresse du flux RSS ou Atom (https://…)")
    category: WatchCategory = WatchCategory.LEGAL
    keywords: str = Field("", description="séparés par des virgules ; vide : tous les articles")


class TriageIn(Schema):
    status: WatchStatus
    note: str = ""
    shared_roles: list[str] = Field([], max_length=10, description="rôles avec qui partager l'article")


class WatchFilters(Paging):
    q: Words = Field("", max_length=200, description="titre, résumé, note")
    etat: Literal["", "actifs", *WatchStatus.values] = ""  # type: ignore[valid-type]
    source: OptionalId = None
    tri: str = Field(watch_queries.DEFAULT_SORT, description="date, titre, source, etat")


@guarded(router, "GET", "/veille", "quality.watch.view", response=Page[WatchItemOut])
def list_watch_items(request, filters: Query[WatchFilters]):
    """The items the caller's role may see (all for those who triage, the ones shared with the role otherwise)."""
    data = filters.dict()
    items = watch_queries.filter_items(request.auth, data)
    return page_of(sort_queryset(items, data["tri"], watch_queries.SORTS, watch_queries.DEFAULT_SORT), data)


@guarded(router, "GET", "/veille/{watch_item_id}", "quality.watch.view", response=WatchItemOut)
def get_watch_item(request, watch_item_id: ObjectId):
    item = watch_queries.visible_items(request.auth).filter(pk=watch_item_id).first()
    if item is None:
        raise Http404
    return item


@guarded(router, "POST", "/veille/{watch_item_id}/tri", "quality.watch.edit", response=WatchItemOut)
def triage_watch_item(request, watch_item_id: ObjectId, payload: TriageIn):
    fields = through_form(WatchTriageForm, payload)
    item = fetch(watch_queries.visible_items(request.auth), watch_item_id)
    return watch_services.triage(actor=request.auth, item=item, **fields)


@guarded(router, "GET", "/veille-sources", "quality.watch.edit", response=list[WatchSourceOut])
def list_watch_sources(request):
    return list(watch_queries.sources())


@guarded(router, "POST", "/veille-sources", "quality.watch.edit", response={201: WatchSourceOut})
def create_watch_source(request, payload: WatchSourceIn):
    fields = through_form(WatchSourceForm, payload)
    return Status(201, watch_services.create_source(actor=request.auth, **fields))


class ConversionIn(Schema):
    vers: Literal["risque", "non-conformite"] = Field(
        ..., description="risque du registre (direction) ou non-conformité (les rôles qui en ouvrent)"
    )


class ConversionOut(Schema):
    vers: str
    id: int
    reference: str


@guarded(router, "POST", "/veille/{watch_item_id}/conversion", "quality.watch.edit", response={201: ConversionOut})
def convert_watch_item(request, watch_item_id: ObjectId, payload: ConversionIn):
    """A risk or a non-conformity from the item (once each), as the item page's one click; the item marked relevant."""
    item = fetch(watch_queries.visible_items(request.auth), watch_item_id)
    made = watch_services.convert(actor=request.auth, item=item, target=payload.vers)
    return Status(201, {"vers": payload.vers, "id": made.pk, "reference": made.reference})


# --- DUERP versions ---------------------------------------------------------------------------------------------


class DuerpVersionOut(Schema):
    id: int
    number: int
    published_on: dt.date
    published_by_name: str
    headcount: int
    note: str
    changes: list[str]
    digest: str


class PublishIn(Schema):
    note: str = Field("", description="motif de la mise à jour")
    confirm: bool = Field(..., description="je valide le document unique tel qu'il est ; la version sera figée")


@guarded(router, "GET", "/duerp/versions", "quality.duerp.view", response=Page[DuerpVersionOut])
def list_duerp_versions(request, paging: Query[Paging]):
    return page_of(DuerpVersion.objects.order_by("-number"), paging)


@guarded(router, "POST", "/duerp/versions", "quality.duerp.publish", response={201: DuerpVersionOut})
def publish_duerp(request, payload: PublishIn):
    """The DUERP as it stands validated today and frozen as the next version, as the publication page does."""
    note = through_form(PublishForm, payload)["note"]
    return Status(201, duerp_services.publish_duerp(actor=request.auth, note=note))
