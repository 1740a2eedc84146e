"""CPOM over the API (apic): contracts of objectives and means with their funders, their objectives (indicators)
and yearly targets, the means of each year, the dates owed to the funders, and the services' monthly activity —
for associations and social establishments only, as the pages (another structure: their French refusal, 404).
Each write is checked by the page's form and made by `associations.services.cpom` (a year whose report was handed
in is frozen, an actual computed from the activity is not typed…: the page's refusal, 409)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, Words, fetch, only_for, sorted_page, through_form
from pilote.associations import access, forms
from pilote.associations.models import ActivityMonth, Cpom, CpomDeadline, CpomMeans, CpomObjective
from pilote.associations.queries import cpom as cpom_queries
from pilote.associations.services import cpom as cpom_services
from pilote.lib.dates import local_today

router = Router(tags=["Associations"])

Year = int
Source = Literal["saisi", "occupation", "heures", "journees", "attente", "personnes"]


operation = only_for(router, access.is_for, access.REFUSAL)  # the associations pages' own rule


class CpomTargetOut(Schema):
    id: int
    year: int
    target: Decimal
    actual: Decimal | None


class CpomObjectiveOut(Schema):
    id: int
    cpom_id: int
    position: int
    title: str
    indicator: str
    unit: str
    higher_is_better: bool
    source: str
    service: str
    targets: list[CpomTargetOut]

    @staticmethod
    def resolve_targets(obj: CpomObjective) -> list:
        return list(obj.targets.all())


class CpomMeansOut(Schema):
    id: int
    year: int
    accounts: str
    label: str
    amount: Decimal


class CpomDeadlineOut(Schema):
    id: int
    cpom_id: int
    kind: str
    label: str
    due_on: dt.date
    year: int | None
    done_on: dt.date | None


class CpomOut(Schema):
    id: int
    title: str
    funder_ids: list[int]
    start_year: int
    end_year: int
    signed_on: dt.date | None
    notes: str

    @staticmethod
    def resolve_funder_ids(obj: Cpom) -> list[int]:
        return [funder.pk for funder in obj.funders.all()]


class CpomDetailOut(CpomOut):
    objectives: list[CpomObjectiveOut]
    means: list[CpomMeansOut]
    deadlines: list[CpomDeadlineOut]
    reported_years: list[int]

    @staticmethod
    def resolve_objectives(obj: Cpom) -> list:
        return list(obj.objectives.prefetch_related("targets"))

    @staticmethod
    def resolve_means(obj: Cpom) -> list:
        return list(obj.means.all())

    @staticmethod
    def resolve_deadlines(obj: Cpom) -> list:
        return list(obj.deadlines.all())

    @staticmethod
    def resolve_reported_years(obj: Cpom) -> list[int]:
        return sorted(cpom_services.reported_years(obj))


class CpomIn(Schema):
    title: str
    funders: list[RequiredId] = Field(..., max_length=50, description="ids des contacts financeurs (organisations)")
    start_year: Year = Field(..., ge=2000, le=2100)
    end_year: Year = Field(..., ge=2000, le=2100)
    signed_on: Day | None = None
    notes: str = ""


class CpomFilters(Paging):
    q: Words = Field("", description="intitulé ou financeur")
    annee: int | None = Field(None, ge=2000, le=2100, description="en cours cette année")
    tri: str = Field(cpom_queries.CPOM_DEFAULT_SORT, description="debut, intitule ; préfixe -")


class ObjectiveIn(Schema):
    title: str
    indicator: str
    unit: str = ""
    higher_is_better: bool = True
    source: Source = Field("saisi", description="saisi, ou calculé depuis l'activité mensuelle d'un service")
    service: str = Field("", description="service de l'activité (réalisé calculé)")


class TargetIn(Schema):
    year: Year = Field(..., ge=2000, le=2100)
    target: Decimal = Field(..., ge=-(10**11), le=10**11, max_digits=14, decimal_places=2)
    actual: Decimal | None = Field(None, ge=-(10**11), le=10**11, max_digits=14, decimal_places=2,
                                   description="réalisé (indicateur saisi seulement)")  # fmt: skip
    clear_actual: bool = Field(False, description="effacer le réalisé saisi")


class MeansIn(Schema):
    year: Year = Field(..., ge=2000, le=2100)
    accounts: str = Field(..., description="préfixe de comptes de charges ou de produits : 64, 7311, 6…")
    label: str = ""
    amount: Decimal = Field(..., ge=0, le=10**11, max_digits=14, decimal_places=2)


class CpomDeadlineIn(Schema):
    kind: Literal["dialogue", "autre"] = "autre"
    label: str = ""
    due_on: Day
    year: Year | None = Field(None, ge=2000, le=2100, description="année du CPOM concernée (facultatif)")


class ActivityMonthOut(Schema):
    id: int
    service: str
    month: dt.date
    places: int
    days_open: int
    days_delivered: int
    hours_delivered: Decimal
    persons: int
    waiting_list: int
    occupancy: Decimal | None

    @staticmethod
    def resolve_occupancy(obj: ActivityMonth) -> Decimal | None:
        return cpom_queries.occupancy(obj)


class ActivityMonthIn(Schema):
    service: str = Field(..., description="SSIAD, SAAD, accueil de jour…")
    month: Day = Field(..., description="un jour du mois")
    places: int | None = Field(None, ge=0, le=100_000)
    days_open: int | None = Field(None, ge=0, le=31)
    days_delivered: int | None = Field(None, ge=0, le=10**7)
    hours_delivered: Decimal | None = Field(None, ge=0, le=10**7, max_digits=10, decimal_places=2)
    persons: int | None = Field(None, ge=0, le=10**6)
    waiting_list: int | None = Field(None, ge=0, le=10**6)


class ActivityFilters(Paging):
    service: str = ""
    annee: int | None = Field(None, ge=2000, le=2100)
    tri: str = Field(cpom_queries.ACTIVITY_DEFAULT_SORT, description="mois, service, heures ; préfixe -")


def _cpom(pk: int) -> Cpom:
    return fetch(Cpom.objects.prefetch_related("funders"), pk)


@operation("GET", "/cpom", "associations.view", response=Page[CpomOut])
def list_cpoms(request, filters: Query[CpomFilters]):
    data = filters.dict()
    rows = cpom_queries.filter_cpoms(data).prefetch_related("funders")
    return sorted_page(rows, data, cpom_queries.CPOM_SORTS, cpom_queries.CPOM_DEFAULT_SORT)


@operation("GET", "/cpom/{cpom_id}", "associations.view", response=CpomDetailOut)
def get_cpom(request, cpom_id: ObjectId):
    return _cpom(cpom_id)


@operation("POST", "/cpom", "associations.edit", response={201: CpomDetailOut})
def create_cpom(request, payload: CpomIn):
    """With its yearly reports owed to the funders (30 April of the next year) planned for each year."""
    cpom = cpom_services.create_cpom(actor=request.auth, **through_form(forms.CpomForm, payload))
    return Status(201, _cpom(cpom.pk))


@operation("POST", "/cpom/{cpom_id}/objectifs", "associations.edit", response={201: CpomObjectiveOut})
def add_objective(request, cpom_id: ObjectId, payload: ObjectiveIn):
    cpom = _cpom(cpom_id)
    fields = through_form(forms.ObjectiveForm, payload)
    return Status(201, cpom_services.add_objective(actor=request.auth, cpom=cpom, **fields))


@operation("PUT", "/cpom/objectifs/{objective_id}", "associations.edit", response=CpomObjectiveOut)
def update_objective(request, objective_id: ObjectId, payload: ObjectiveIn):
    """The wording corrected; its indicator or source only while no report handed in carried it."""
    objective = fetch(CpomObjective.objects.select_related("cpom"), objective_id)
    fields = through_form(forms.ObjectiveForm, payload)
    return cpom_services.update_objective(actor=request.auth, objective=objective, **fields)


@operation("PUT", "/cpom/objectifs/{objective_id}/cible", "associations.edit", response=CpomTargetOut)
def set_target(request, objective_id: ObjectId, payload: TargetIn):
    """A year's target (and its typed actual), within the CPOM's years, until that year's report is handed in."""
    objective = fetch(CpomObjective.objects.select_related("cpom"), objective_id)
    fields = through_form(forms.TargetForm, payload)
    return cpom_services.set_target(actor=request.auth, objective=objective, **fields)


@operation("PUT", "/cpom/{cpom_id}/moyens", "associations.edit", response=CpomMeansOut)
def set_means(request, cpom_id: ObjectId, payload: MeansIn):
    """A year's budget for an account group (charges 6x or income 7x): set, or changed when it exists."""
    cpom = _cpom(cpom_id)
    fields = through_form(forms.MeansForm, payload)
    return cpom_services.set_means(actor=request.auth, cpom=cpom, **fields)


@operation("POST", "/cpom/{cpom_id}/echeances", "associations.edit", response={201: CpomDeadlineOut})
def add_cpom_deadline(request, cpom_id: ObjectId, payload: CpomDeadlineIn):
    cpom = _cpom(cpom_id)
    fields = through_form(forms.CpomDeadlineForm, payload)
    return Status(201, cpom_services.add_deadline(actor=request.auth, cpom=cpom, **fields))


@operation("POST", "/cpom/echeances/{cpom_deadline_id}/fait", "associations.edit", response=CpomDeadlineOut)
def complete_cpom_deadline(request, cpom_deadline_id: ObjectId):
    """Held today (a yearly report: once its year has ended; that year's objectives and means are then frozen)."""
    deadline = fetch(CpomDeadline, cpom_deadline_id)
    return cpom_services.complete_deadline(actor=request.auth, deadline=deadline, done_on=local_today())


@operation("GET", "/activite-mensuelle", "associations.view", response=Page[ActivityMonthOut])
def list_activity(request, filters: Query[ActivityFilters]):
    data = filters.dict()
    rows = cpom_queries.filter_activity(data)
    return sorted_page(rows, data, cpom_queries.ACTIVITY_SORTS, cpom_queries.ACTIVITY_DEFAULT_SORT)


@operation("POST", "/activite-mensuelle", "associations.edit", response=ActivityMonthOut)
def record_activity(request, payload: ActivityMonthIn):
    """A service's month typed or corrected (one row per service and month)."""
    fields = through_form(forms.ActivityMonthForm, payload)
    return cpom_services.record_activity(actor=request.auth, **fields)


@operation("DELETE", "/cpom/objectifs/{objective_id}", "associations.edit", response={204: None})
def delete_objective(request, objective_id: ObjectId):
    """Withdrawn with its targets (the next ones move up); refused once a report handed in carried it, or while it
    holds typed actuals."""
    objective = fetch(CpomObjective.objects.select_related("cpom"), objective_id)
    cpom_services.delete_objective(actor=request.auth, objective=objective)
    return Status(204, None)


@operation("DELETE", "/cpom/moyens/{means_id}", "associations.edit", response={204: None})
def delete_means(request, means_id: ObjectId):
    """A year's budget line withdrawn; refused once that year's report was handed in."""
    cpom_services.delete_means(actor=request.auth, means=fetch(CpomMeans.objects.select_related("cpom"), means_id))
    return Status(204, None)
