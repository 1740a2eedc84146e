"""Adverse events over the API (apic), for social and medico-social establishments only, as their pages (another
structure: their French refusal, 404): declared by the staff, reported to the authority, analysed, turned into a
non-conformity or closed — each write checked by the page's form and made by `quality.services.events` (a serious
event is always to be reported, an event reported names its authority…: the page's refusal, 409)."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    Page,
    Paging,
    Words,
    fetch,
    guarded,
    only_for,
    page_of,
    sorted_page,
    through_form,
)
from pilote.quality.forms import AdverseEventForm, EventAnalysisForm, EventReportForm
from pilote.quality.models import AdverseEvent
from pilote.quality.queries import events as event_queries
from pilote.quality.services import events

router = Router(tags=["Qualité"])

Kind = Literal["fall", "medication", "disappearance", "violence", "aggression", "care", "property", "safety", "other"]


operation = only_for(router, events.serves, events.REFUSAL)  # the adverse events pages' own rule


class AdverseEventDeclaredOut(Schema):
    """What the person who declares an event gets back (the register is read by direction, HR, the auditor)."""

    id: int
    reference: str
    must_report: bool
    status: str


class AdverseEventOut(AdverseEventDeclaredOut):
    occurred_on: dt.date
    place: str
    kind: str
    facts: str
    people_supported: str
    people_involved: str
    immediate_measures: str
    serious: bool
    authority: str
    reported_on: dt.date | None
    analysis: str
    nonconformity_id: int | None
    declared_by_id: int
    declared_at: dt.datetime
    version: int


class AdverseEventIn(Schema):
    occurred_on: Day = Field(..., description="pas dans le futur")
    place: str
    kind: Kind
    facts: str
    people_supported: str = Field("", description="initiales ou n° de dossier, aucune donnée de santé superflue")
    people_involved: str = ""
    immediate_measures: str
    serious: bool = Field(False, description="événement indésirable grave (EIG) : toujours à signaler")
    must_report: bool = False


class EventReportIn(Schema):
    authority: Literal["ars", "department", "both"]
    reported_on: Day


class EventAnalysisIn(Schema):
    analysis: str
    version: int | None = Field(None, description="Version lue ; si l'événement a changé depuis, réponse 409.")


class EventStepIn(Schema):
    etape: Literal["non-conformite", "clore"] = Field(..., description="ouvrir la non-conformité, ou clore")


class AdverseEventFilters(Paging):
    q: Words = Field("", max_length=200, description="faits, lieu, personnes accompagnées")
    annee: int | None = Field(None, ge=2000, le=2100)
    nature: Kind | Literal[""] = ""
    grave: Literal["", "oui", "non"] = ""
    statut: Literal["", "declared", "analysed", "closed"] = ""
    a_signaler: bool = Field(False, description="signalement à l'autorité en attente")
    tri: str = Field(event_queries.DEFAULT_SORT, description="date, nature, statut, grave ; préfixe -")


def _event(pk: int) -> AdverseEvent:
    return fetch(AdverseEvent.objects.select_related("declared_by", "nonconformity"), pk)


@operation("GET", "/evenements-indesirables", "quality.events.view", response=Page[AdverseEventOut])
def list_adverse_events(request, filters: Query[AdverseEventFilters]):
    data = filters.dict()
    rows = event_queries.with_list_relations(event_queries.filter_events(data))
    return sorted_page(rows, data, event_queries.SORTS, event_queries.DEFAULT_SORT)


@operation("GET", "/evenements-indesirables/{adverse_event_id}", "quality.events.view", response=AdverseEventOut)
def get_adverse_event(request, adverse_event_id: ObjectId):
    return _event(adverse_event_id)


@operation("POST", "/evenements-indesirables", "quality.events.declare", response={201: AdverseEventDeclaredOut})
def declare_adverse_event(request, payload: AdverseEventIn):
    """Declared by any member of the staff; a serious event (EIG) is to be reported to the authority « sans
    délai » (CASF L331-8-1): `must_report` in the answer."""
    fields = through_form(AdverseEventForm, payload)
    return Status(201, events.declare(actor=request.auth, **fields))


@operation("POST", "/evenements-indesirables/{adverse_event_id}/signalement", "quality.events.edit",
           response=AdverseEventOut)  # fmt: skip
def report_adverse_event(request, adverse_event_id: ObjectId, payload: EventReportIn):
    event = _event(adverse_event_id)
    fields = through_form(EventReportForm, payload)
    return events.record_report(actor=request.auth, event=event, **fields)


@operation("POST", "/evenements-indesirables/{adverse_event_id}/analyse", "quality.events.edit",
           response=AdverseEventOut)  # fmt: skip
def analyse_adverse_event(request, adverse_event_id: ObjectId, payload: EventAnalysisIn):
    event = _event(adverse_event_id)
    fields = through_form(EventAnalysisForm, payload)
    return events.record_analysis(actor=request.auth, event=event, analysis=fields["analysis"],
                                  expected_version=payload.version)  # fmt: skip


@operation("POST", "/evenements-indesirables/{adverse_event_id}/etape", "quality.events.edit",
           response=AdverseEventOut)  # fmt: skip
def step_adverse_event(request, adverse_event_id: ObjectId, payload: EventStepIn):
    """`non-conformite`: the non-conformity it reveals opened (its pilot: the caller); `clore`: closed."""
    event = _event(adverse_event_id)
    if payload.etape == "non-conformite":
        events.open_nonconformity(actor=request.auth, event=event, owner=request.auth)
    else:
        events.close(actor=request.auth, event=event)
    return _event(adverse_event_id)


# --- survey answers -------------------------------------------------------------------------------------------


class SurveyAnswerOut(Schema):
    question_id: int
    number: int | None
    selected: list[str]
    text: str


class SurveyResponseOut(Schema):
    id: int
    submitted_at: dt.datetime
    respondent: str
    answers: list[SurveyAnswerOut]

    @staticmethod
    def resolve_respondent(obj) -> str:
        return obj.invitation.label

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class SurveyResponseFilters(Paging):
    du: Day | None = Field(None, description="reçues à partir du")
    au: Day | None = Field(None, description="reçues jusqu'au")


@guarded(router, "GET", "/enquetes/{survey_id}/reponses", "quality.surveys.view", response=Page[SurveyResponseOut])
def list_survey_responses(request, survey_id: ObjectId, filters: Query[SurveyResponseFilters]):
    """Each response with its answers by question, in the order received — what the page's export holds, to the
    same roles."""
    from pilote.quality.models import Survey, SurveyResponse

    survey = fetch(Survey, survey_id)
    data = filters.dict()
    rows = SurveyResponse.objects.filter(survey=survey)
    if data["du"]:  # local dates (the current time zone's), as the page shows them
        rows = rows.filter(submitted_at__date__gte=data["du"])
    if data["au"]:
        rows = rows.filter(submitted_at__date__lte=data["au"])
    rows = rows.select_related("invitation").prefetch_related("answers").order_by("submitted_at", "pk")
    return page_of(rows, data)
