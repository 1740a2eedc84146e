"""The office over the API beyond bookings: resources created and changed (rooms, vehicles, equipment), a booking
shortened, a waiting-list offer confirmed or withdrawn, the vehicles' log book (trips), general assemblies (the
roll, presence and proxies, resolutions and their votes, minutes, convocation) — each write checked by the page's
form and made by `office.services`, which holds the rules (an overlap, a proxy beyond the maximum, a vote without
quorum: the page's French refusal, 409)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from pilote.api import office
from pilote.api.base import (
    Clock,
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    checked,
    fetch,
    guarded,
    sorted_page,
    through_form,
)
from pilote.core.registry import member_sources
from pilote.office.forms import (
    AssemblyForm,
    AssemblyMemberForm,
    AssemblyMinutesForm,
    ResolutionForm,
    ResourceForm,
    ShortenForm,
    StudyAreaForm,
    StudyFindingForm,
    StudyForm,
    StudyIndicatorForm,
    StudySourceForm,
    StudyValuesForm,
    TripForm,
    VoteForm,
    aware,
)
from pilote.office.models import Assembly, AssemblyMember, Booking, Resolution, Resource, VehicleLog, WaitingRequest
from pilote.office.models_territory import NeedsStudy, StudyArea, StudyFinding, StudyIndicator, StudySource
from pilote.office.queries import assemblies as assembly_queries
from pilote.office.queries import bookings as booking_queries
from pilote.office.queries import territory as territory_queries
from pilote.office.services import assemblies, bookings, territory, waiting

router = Router(tags=["Bureau"])

Kind = Literal["room", "vehicle", "equipment"]


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- resources ------------------------------------------------------------------------------------------------


class ResourceDetailOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    location: str
    registration: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    max_hours: int | None
    rules: str
    description: str
    is_active: bool
    version: int


class ResourcePatch(Schema):
    name: str | None = None
    kind: Kind | None = None
    capacity: int | None = Field(None, ge=1, le=32767, description="places ; 1 pour du matériel")
    location: str | None = None
    registration: str | None = Field(None, description="immatriculation (véhicules)")
    opens_at: Clock | None = Field(None, description="réservable à partir de (HH:MM) ; vide : à toute heure")
    closes_at: Clock | None = Field(None, description="réservable jusqu'à (HH:MM)")
    max_hours: int | None = Field(None, ge=1, le=32767, description="durée maximale d'une réservation (heures)")
    rules: str | None = None
    description: str | None = None
    is_active: bool | None = None


class ResourceIn(ResourcePatch):
    name: str
    kind: Kind = "room"
    capacity: int = Field(1, ge=1, le=32767)
    is_active: bool = True


class ResourceUpdate(ResourcePatch):
    version: int | None = Field(None, description="Version lue ; si la ressource a changé depuis, réponse 409.")


@guarded(router, "GET", "/ressources/{resource_id}", "office.view", response=ResourceDetailOut)
def get_resource(request, resource_id: ObjectId):
    return fetch(Resource, resource_id)


# On the office router, whose `GET /ressources` lists them: one path, one router (else the POST would be a 405).
@guarded(office.router, "POST", "/ressources", "office.resources", response={201: ResourceDetailOut})
def create_resource(request, payload: ResourceIn):
    """A name already used, or opening hours in the wrong order, is the page's French refusal."""
    return Status(201, bookings.create_resource(actor=request.auth, **through_form(ResourceForm, payload)))


@guarded(router, "PATCH", "/ressources/{resource_id}", "office.resources", response=ResourceDetailOut)
def update_resource(request, resource_id: ObjectId, payload: ResourceUpdate):
    resource = fetch(Resource, resource_id)
    fields = through_form(ResourceForm, payload.dict(exclude={"version"}, exclude_unset=True), instance=resource)
    return bookings.update_resource(actor=request.auth, resource=resource, expected_version=payload.version, **fields)


# --- a booking shortened, the waiting list's offers -----------------------------------------------------------


class BookingShortOut(Schema):
    id: int
    resource_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class ShortenIn(Schema):
    day: Day
    start: Clock = Field(..., description="heure locale HH:MM, dans le créneau réservé")
    end: Clock = Field(..., description="heure locale HH:MM, dans le créneau réservé")


class WaitingEntryOut(Schema):
    id: int
    resource_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    booking_id: int | None


@guarded(router, "POST", "/reservations/{booking_id}/raccourcissement", "office.book", response=BookingShortOut)
def shorten_booking(request, booking_id: ObjectId, payload: ShortenIn):
    """Kept only in part (start later, end earlier), by its author or the office; the time given back is offered
    to the waiting list. To lengthen it, book again."""
    booking = fetch(Booking.objects.select_related("resource"), booking_id)
    slot = through_form(ShortenForm, payload)
    return bookings.shorten_booking(actor=request.auth, booking=booking, starts_at=slot["starts_at"],
                                    ends_at=slot["ends_at"], base_url=_base_url(request))  # fmt: skip


@guarded(router, "POST", "/liste-attente/{waiting_id}/confirmation", "office.book", response=BookingShortOut)
def confirm_waiting_offer(request, waiting_id: ObjectId):
    """The slot offered to the caller booked (only by the person it is offered to, before its deadline)."""
    return waiting.confirm_offer(actor=request.auth, request=fetch(WaitingRequest, waiting_id))


@guarded(router, "POST", "/liste-attente/{waiting_id}/retrait", "office.book", response=WaitingEntryOut)
def withdraw_waiting(request, waiting_id: ObjectId):
    """Off the list, or the slot offered declined (it goes to the next person)."""
    return waiting.withdraw(actor=request.auth, request=fetch(WaitingRequest, waiting_id),
                            base_url=_base_url(request))  # fmt: skip


# --- the vehicles' log book -----------------------------------------------------------------------------------


class TripOut(Schema):
    id: int
    resource_id: int
    vehicle: str
    day: dt.date
    driver_id: int
    km_start: int
    km_end: int
    distance: int
    fuel_litres: Decimal
    fuel_cost: Decimal
    purpose: str
    booking_id: int | None

    @staticmethod
    def resolve_vehicle(obj: VehicleLog) -> str:
        return obj.resource.name


class TripIn(Schema):
    resource: RequiredId = Field(..., description="id du véhicule")
    day: Day
    km_start: int = Field(..., ge=0, le=9_999_999)
    km_end: int = Field(..., ge=0, le=9_999_999)
    fuel_litres: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    fuel_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    purpose: str = ""


class TripFilters(Paging):
    vehicule: OptionalId = Field(None, description="id du véhicule")
    du: Day | None = None
    au: Day | None = None
    tri: str = Field(booking_queries.TRIP_DEFAULT_SORT, description="date, vehicule, distance ; préfixe -")


@guarded(router, "GET", "/trajets", "office.view", response=Page[TripOut])
def list_trips(request, filters: Query[TripFilters]):
    data = filters.dict()
    trips = booking_queries.filter_trips(data)
    return sorted_page(trips, data, booking_queries.TRIP_SORTS, booking_queries.TRIP_DEFAULT_SORT)


@guarded(router, "GET", "/trajets/{trip_id}", "office.view", response=TripOut)
def get_trip(request, trip_id: ObjectId):
    return fetch(VehicleLog.objects.select_related("resource"), trip_id)


@guarded(router, "POST", "/trajets", "office.book", response={201: TripOut})
def log_trip(request, payload: TripIn):
    """A trip of a vehicle: the kilometres at departure may not be below the last trip's return."""
    fields = {name: value for name, value in through_form(TripForm, payload).items() if value is not None}
    trip = bookings.log_trip(actor=request.auth, **fields)
    return Status(201, fetch(VehicleLog.objects.select_related("resource"), trip.pk))


# --- general assemblies ---------------------------------------------------------------------------------------


class AssemblyOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: dt.datetime
    place: str
    status: str
    quorum_percent: Decimal
    max_proxies: int
    convened_at: dt.datetime | None


class AssemblyMemberOut(Schema):
    id: int
    name: str
    email: str
    votes: int
    presence: str
    proxy_holder_id: int | None
    contact_id: int | None


class ResolutionOut(Schema):
    id: int
    number: int
    title: str
    text: str
    majority: str
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    adopted: bool | None


class QuorumOut(Schema):
    total: int
    present: int
    represented: int
    required: int
    counted: int
    reached: bool


class AssemblyDetailOut(AssemblyOut):
    agenda: str
    chair: str
    secretary: str
    notes: str
    quorum: QuorumOut
    members: list[AssemblyMemberOut]
    resolutions: list[ResolutionOut]

    @staticmethod
    def resolve_quorum(obj: Assembly) -> dict:
        found = assemblies.quorum(obj)
        return {"total": found.total, "present": found.present, "represented": found.represented,
                "required": found.required, "counted": found.counted, "reached": found.reached}  # fmt: skip

    @staticmethod
    def resolve_members(obj: Assembly) -> list:
        return list(obj.members.all())

    @staticmethod
    def resolve_resolutions(obj: Assembly) -> list:
        return list(obj.resolutions.all())


class AssemblyIn(Schema):
    title: str
    kind: Literal["ordinary", "extraordinary", "board", "bureau"] = "ordinary"
    day: Day
    start: Clock = Field(..., description="heure locale HH:MM")
    place: str = ""
    source: str = Field("", description="liste de membres convoqués (adherents…) ; vide : saisis un par un")
    quorum_percent: Decimal = Field(Decimal(25), ge=0, le=100, max_digits=5, decimal_places=2)
    max_proxies: int = Field(2, ge=0, le=50, description="pouvoirs par membre présent")
    agenda: str = ""


class AssemblyFilters(Paging):
    q: Words = Field("", description="intitulé ou ordre du jour")
    instance: Literal["", "ordinary", "extraordinary", "board", "bureau"] = ""
    tri: str = Field(assembly_queries.DEFAULT_SORT, description="date, intitule ; préfixe -")


class AssemblyMemberIn(Schema):
    name: str
    email: str = ""
    votes: int = Field(1, ge=1, le=1_000_000)


class PresenceIn(Schema):
    presence: Literal["invited", "present", "represented", "excused", "absent"]
    proxy_holder: OptionalId = Field(None, description="id du membre présent qui reçoit le pouvoir (représenté)")


class ResolutionIn(Schema):
    title: str
    majority: Literal["simple", "two_thirds", "three_quarters"] = "simple"
    text: str = ""


class VoteIn(Schema):
    votes_for: int = Field(..., ge=0, le=1_000_000)
    votes_against: int = Field(..., ge=0, le=1_000_000)
    abstentions: int = Field(0, ge=0, le=1_000_000)


class AssemblyMinutesIn(Schema):
    chair: str = ""
    secretary: str = ""
    notes: str = ""


class ConvenedOut(Schema):
    convocations: int


def _assembly(pk: int) -> Assembly:
    return fetch(Assembly, pk)


@guarded(router, "GET", "/assemblees", "office.meetings.view", response=Page[AssemblyOut])
def list_assemblies(request, filters: Query[AssemblyFilters]):
    data = filters.dict()
    rows = assembly_queries.filter_assemblies(data)
    return sorted_page(rows, data, assembly_queries.SORTS, assembly_queries.DEFAULT_SORT)


@guarded(router, "GET", "/assemblees/{assembly_id}", "office.meetings.view", response=AssemblyDetailOut)
def get_assembly(request, assembly_id: ObjectId):
    return _assembly(assembly_id)


@guarded(router, "POST", "/assemblees", "office.meetings.edit", response={201: AssemblyDetailOut})
def create_assembly(request, payload: AssemblyIn):
    """With `source`, the members of that list (the association's members…) are convened with their votes."""
    sources = [(source.key, source.label) for source in member_sources()]
    data = through_form(AssemblyForm, payload, sources=sources)
    starts_at = aware(data.pop("day"), data.pop("start"))
    return Status(201, assemblies.create_assembly(actor=request.auth, starts_at=starts_at, **data))


@guarded(router, "POST", "/assemblees/{assembly_id}/membres", "office.meetings.edit",
         response={201: AssemblyMemberOut})  # fmt: skip
def add_assembly_member(request, assembly_id: ObjectId, payload: AssemblyMemberIn):
    assembly = _assembly(assembly_id)
    fields = through_form(AssemblyMemberForm, payload)
    return Status(201, assemblies.add_member(actor=request.auth, assembly=assembly, **fields))


@guarded(router, "POST", "/assemblees/membres/{assembly_member_id}/presence", "office.meetings.edit",
         response=AssemblyMemberOut)  # fmt: skip
def set_presence(request, assembly_member_id: ObjectId, payload: PresenceIn):
    """Present, excused, absent — or represented by a member present of the same assembly who holds fewer proxies
    than the assembly's maximum."""
    member = fetch(AssemblyMember, assembly_member_id)
    holder = fetch(AssemblyMember, payload.proxy_holder) if payload.proxy_holder else None
    return assemblies.set_presence(actor=request.auth, member=member, presence=payload.presence, proxy_holder=holder)


@guarded(router, "POST", "/assemblees/{assembly_id}/resolutions", "office.meetings.edit",
         response={201: ResolutionOut})  # fmt: skip
def add_resolution(request, assembly_id: ObjectId, payload: ResolutionIn):
    assembly = _assembly(assembly_id)
    fields = through_form(ResolutionForm, payload)
    return Status(201, assemblies.add_resolution(actor=request.auth, assembly=assembly, **fields))


@guarded(router, "POST", "/assemblees/resolutions/{resolution_id}/vote", "office.meetings.edit",
         response=ResolutionOut)  # fmt: skip
def record_vote(request, resolution_id: ObjectId, payload: VoteIn):
    """The votes counted against the members present or represented; refused without quorum, as on the page."""
    resolution = fetch(Resolution, resolution_id)
    fields = through_form(VoteForm, payload)
    return assemblies.record_vote(actor=request.auth, resolution=resolution, **fields)


@guarded(router, "PUT", "/assemblees/{assembly_id}/proces-verbal", "office.meetings.edit",
         response=AssemblyDetailOut)  # fmt: skip
def record_assembly_minutes(request, assembly_id: ObjectId, payload: AssemblyMinutesIn):
    assembly = _assembly(assembly_id)
    fields = through_form(AssemblyMinutesForm, payload)
    return assemblies.record_minutes(actor=request.auth, assembly=assembly, **fields)


@guarded(router, "POST", "/assemblees/{assembly_id}/convocation", "office.meetings.edit", response=ConvenedOut)
def convene_assembly(request, assembly_id: ObjectId):
    """The convocation e-mailed to every member with an address (none: the page's refusal, 409)."""
    assembly = _assembly(assembly_id)
    return {"convocations": assemblies.convene(actor=request.auth, assembly=assembly, base_url=_base_url(request))}


# --- territory needs studies ----------------------------------------------------------------------------------


class StudyAreaOut(Schema):
    id: int
    name: str
    is_reference: bool
    position: int


class StudySourceOut(Schema):
    id: int
    name: str
    producer: str
    year: int | None
    url: str


class IndicatorValueOut(Schema):
    area_id: int
    value: Decimal


class StudyIndicatorOut(Schema):
    id: int
    theme: str
    label: str
    unit: str
    higher_means_need: bool
    source_id: int | None
    values: list[IndicatorValueOut]

    @staticmethod
    def resolve_values(obj) -> list:
        return list(obj.values.all())


class StudyFindingOut(Schema):
    id: int
    theme: str
    need: str
    evidence: str
    priority: int
    response: str


class StudyOut(Schema):
    id: int
    title: str
    territory: str
    population: str
    carried_out_on: dt.date
    threshold: Decimal
    status: str
    author_id: int


class StudyDetailOut(StudyOut):
    purpose: str
    method: str
    conclusion: str
    areas: list[StudyAreaOut]
    sources: list[StudySourceOut]
    indicators: list[StudyIndicatorOut]
    findings: list[StudyFindingOut]

    @staticmethod
    def resolve_areas(obj) -> list:
        return list(obj.areas.all())

    @staticmethod
    def resolve_sources(obj) -> list:
        return list(obj.sources.all())

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.prefetch_related("values"))

    @staticmethod
    def resolve_findings(obj) -> list:
        return list(obj.findings.all())


class StudyPatch(Schema):
    title: str | None = None
    territory: str | None = Field(None, description="commune, quartier, intercommunalité…")
    population: str | None = None
    carried_out_on: Day | None = None
    threshold: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1,
                                      description="seuil d'écart significatif (%)")  # fmt: skip
    purpose: str | None = None
    method: str | None = None
    conclusion: str | None = None


class StudyIn(StudyPatch):
    title: str
    territory: str
    carried_out_on: Day


class StudyFilters(Paging):
    q: Words = Field("", description="intitulé, territoire, public")
    etat: Literal["", "draft", "final"] = ""
    tri: str = Field(territory_queries.DEFAULT_SORT, description="date, intitule, territoire ; préfixe -")


class StudyAreaIn(Schema):
    name: str
    is_reference: bool = Field(False, description="zone de référence (département, région, France) : une seule")


class StudySourceIn(Schema):
    name: str
    producer: str = ""
    year: int | None = Field(None, ge=1900, le=2100)
    url: str = ""


class AreaValueIn(Schema):
    area: RequiredId = Field(..., description="id d'une zone de l'étude")
    value: Decimal | None = Field(None, ge=-(10**12), le=10**12, max_digits=14, decimal_places=2,
                                  description="vide : la valeur est effacée")  # fmt: skip


class StudyIndicatorIn(Schema):
    theme: str
    label: str
    unit: str = ""
    higher_means_need: bool = True
    source: OptionalId = Field(None, description="id d'une source de l'étude")
    values: list[AreaValueIn] = Field([], max_length=200)


class StudyValuesIn(Schema):
    values: list[AreaValueIn] = Field(..., max_length=200)


class StudyFindingIn(Schema):
    theme: str
    need: str
    priority: Literal[1, 2, 3] = 2
    evidence: str = ""
    response: str = ""


class StudyStatusIn(Schema):
    etat: Literal["draft", "final"] = Field(..., description="final : validée (au moins une zone, un indicateur "
                                            "et un constat) ; draft : rouverte")  # fmt: skip


def _study(pk: int) -> NeedsStudy:
    return fetch(NeedsStudy, pk)


def _area_fields(values: list, study: NeedsStudy) -> dict:
    """The values as the page's indicator form reads its « zone_<id> » boxes (an area of another study: 422)."""
    fields = {f"zone_{item.area}": item.value for item in values if item.value is not None}
    areas = {area.pk for area in study.areas.all()}
    if unknown := [item.area for item in values if item.area not in areas]:
        raise ValidationError({"values": [f"Zone inconnue dans cette étude : {unknown[0]}."]})
    return fields


@guarded(router, "GET", "/etudes-territoire", "office.meetings.view", response=Page[StudyOut])
def list_studies(request, filters: Query[StudyFilters]):
    data = filters.dict()
    rows = territory_queries.filter_studies(data)
    return sorted_page(rows, data, territory_queries.SORTS, territory_queries.DEFAULT_SORT)


@guarded(router, "GET", "/etudes-territoire/{study_id}", "office.meetings.view", response=StudyDetailOut)
def get_study(request, study_id: ObjectId):
    return _study(study_id)


@guarded(router, "POST", "/etudes-territoire", "office.meetings.edit", response={201: StudyDetailOut})
def create_study(request, payload: StudyIn):
    return Status(201, territory.create_study(actor=request.auth, **through_form(StudyForm, payload)))


@guarded(router, "PATCH", "/etudes-territoire/{study_id}", "office.meetings.edit", response=StudyDetailOut)
def update_study(request, study_id: ObjectId, payload: StudyPatch):
    """Changed while a draft (a final study is reopened first, `POST …/etat`)."""
    study = _study(study_id)
    fields = through_form(StudyForm, payload.dict(exclude_unset=True), instance=study)
    return territory.update_study(actor=request.auth, study=study, **fields)


@guarded(router, "POST", "/etudes-territoire/{study_id}/zones", "office.meetings.edit", response={201: StudyAreaOut})
def add_study_area(request, study_id: ObjectId, payload: StudyAreaIn):
    study = _study(study_id)
    fields = through_form(StudyAreaForm, payload, study=study)
    return Status(201, territory.add_area(actor=request.auth, study=study, **fields))


@guarded(router, "POST", "/etudes-territoire/{study_id}/sources", "office.meetings.edit",
         response={201: StudySourceOut})  # fmt: skip
def add_study_source(request, study_id: ObjectId, payload: StudySourceIn):
    study = _study(study_id)
    fields = through_form(StudySourceForm, payload, study=study)
    return Status(201, territory.add_source(actor=request.auth, study=study, **fields))


@guarded(router, "POST", "/etudes-territoire/{study_id}/indicateurs", "office.meetings.edit",
         response={201: StudyIndicatorOut})  # fmt: skip
def add_study_indicator(request, study_id: ObjectId, payload: StudyIndicatorIn):
    """An indicator with its value in each area given (a source and areas of this study only)."""
    study = _study(study_id)
    sent = {**payload.dict(exclude={"values", "source"}), "higher_means_need": "1" if payload.higher_means_need
            else "0", "source": payload.source or "", **_area_fields(payload.values, study)}  # fmt: skip
    form = checked(StudyIndicatorForm(data=sent, study=study))
    return Status(201, territory.add_indicator(actor=request.auth, study=study, **form.service_data()))


@guarded(router, "PUT", "/etudes-territoire/indicateurs/{study_indicator_id}/valeurs", "office.meetings.edit",
         response=StudyIndicatorOut)  # fmt: skip
def set_study_values(request, study_indicator_id: ObjectId, payload: StudyValuesIn):
    """The values of the areas given (null: cleared); the other areas keep theirs."""
    indicator = fetch(StudyIndicator.objects.select_related("study"), study_indicator_id)
    areas = [area for area in indicator.study.areas.all() if area.pk in {item.area for item in payload.values}]
    form = checked(StudyValuesForm(data=_area_fields(payload.values, indicator.study), indicator=indicator,
                                   areas=areas))  # fmt: skip
    return territory.set_values(actor=request.auth, indicator=indicator, values=form.area_values())


@guarded(router, "POST", "/etudes-territoire/{study_id}/constats", "office.meetings.edit",
         response={201: StudyFindingOut})  # fmt: skip
def add_study_finding(request, study_id: ObjectId, payload: StudyFindingIn):
    study = _study(study_id)
    fields = through_form(StudyFindingForm, payload, study=study)
    return Status(201, territory.add_finding(actor=request.auth, study=study, **fields))


@guarded(router, "POST", "/etudes-territoire/{study_id}/etat", "office.meetings.edit", response=StudyDetailOut)
def set_study_status(request, study_id: ObjectId, payload: StudyStatusIn):
    return territory.set_status(actor=request.auth, study=_study(study_id), status=payload.etat)


def _remove(request, model, part: str, pk: int):
    row = fetch(model, pk)
    territory.remove_part(actor=request.auth, study=_study(row.study_id), part=part, pk=row.pk)
    return Status(204, None)


@guarded(router, "DELETE", "/etudes-territoire/zones/{study_area_id}", "office.meetings.edit", response={204: None})
def remove_study_area(request, study_area_id: ObjectId):
    """An area removed with its values (a draft study only)."""
    return _remove(request, StudyArea, "zone", study_area_id)


@guarded(router, "DELETE", "/etudes-territoire/sources/{study_source_id}", "office.meetings.edit",
         response={204: None})  # fmt: skip
def remove_study_source(request, study_source_id: ObjectId):
    """A source removed: its indicators keep their figures, without source."""
    return _remove(request, StudySource, "source", study_source_id)


@guarded(router, "DELETE", "/etudes-territoire/indicateurs/{study_indicator_id}", "office.meetings.edit",
         response={204: None})  # fmt: skip
def remove_study_indicator(request, study_indicator_id: ObjectId):
    return _remove(request, StudyIndicator, "indicateur", study_indicator_id)


@guarded(router, "DELETE", "/etudes-territoire/constats/{study_finding_id}", "office.meetings.edit",
         response={204: None})  # fmt: skip
def remove_study_finding(request, study_finding_id: ObjectId):
    return _remove(request, StudyFinding, "constat", study_finding_id)
