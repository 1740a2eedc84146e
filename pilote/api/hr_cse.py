"""CSE elections over the API (apic), for HR and direction as their pages (`hr.view`, `hr.edit`): an election
prepared from the headcount (its colleges, seats and electoral lists established by `hr.services.cse`), its
colleges and voters read, its results proclaimed — the pages' forms and refusals (the 90 days after the staff is
informed, the 15 days of the second round, one election in preparation at a time…: 409)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, fetch, guarded, page_of, sorted_page, through_form
from pilote.hr.forms import CseElectionForm, CseProclaimForm, CseTallyForm
from pilote.hr.models import CseCollege, CseElection, CseVoter
from pilote.hr.queries import cse as cse_queries
from pilote.hr.services import cse as cse_services

router = Router(tags=["Ressources humaines"])


class CseCollegeOut(Schema):
    id: int
    number: int
    name: str
    categories: str
    seats: int


class CseElectionOut(Schema):
    id: int
    title: str
    informed_on: dt.date
    unions_invited_on: dt.date | None
    first_round_on: dt.date
    second_round_on: dt.date | None
    headcount: Decimal
    seats: int
    hours: int
    status: str
    proclaimed_on: dt.date | None


class CseElectionDetailOut(CseElectionOut):
    colleges: list[CseCollegeOut]
    mandate_end: dt.date | None

    @staticmethod
    def resolve_colleges(obj: CseElection) -> list:
        return list(obj.colleges.order_by("number"))

    @staticmethod
    def resolve_mandate_end(obj: CseElection) -> dt.date | None:
        return cse_queries.mandate_end(obj)


class CseElectionIn(Schema):
    title: str
    informed_on: Day = Field(..., description="information du personnel")
    unions_invited_on: Day | None = None
    first_round_on: Day = Field(..., description="au plus tard le 90e jour suivant l'information")
    second_round_on: Day | None = Field(None, description="dans les 15 jours suivant le premier")
    seats: int | None = Field(None, ge=1, le=75, description="sièges de titulaires, si le protocole en décide")
    hours: int | None = Field(None, ge=0, le=200, description="heures de délégation par mois, idem")


class CseProclaimIn(Schema):
    on: Day = Field(..., description="résultats proclamés le")


class CseVoterOut(Schema):
    id: int
    college_id: int
    college_number: int
    employee_id: int
    name: str
    sex: str
    eligible: bool

    @staticmethod
    def resolve_college_number(obj) -> int:
        return obj.college.number


class CseVoterFilters(Paging):
    college: int | None = Field(None, ge=0, le=99, description="numéro du collège")
    eligible: Literal["", "oui", "non"] = ""
    tri: str = Field("college", description="nom, college, eligible ; préfixe -")


@guarded(router, "GET", "/cse/elections", "hr.view", response=Page[CseElectionOut])
def list_cse_elections(request, filters: Query[Paging]):
    return page_of(CseElection.objects.order_by("-first_round_on", "-id"), filters)


@guarded(router, "GET", "/cse/elections/{election_id}", "hr.view", response=CseElectionDetailOut)
def get_cse_election(request, election_id: ObjectId):
    return fetch(CseElection, election_id)


@guarded(router, "POST", "/cse/elections", "hr.edit", response={201: CseElectionDetailOut})
def prepare_cse_election(request, payload: CseElectionIn):
    """Colleges, seats and delegation hours from the headcount (or the protocol's figures), the electoral lists
    from the employees at the first round's date."""
    fields = through_form(CseElectionForm, payload)
    return Status(201, cse_services.prepare_election(actor=request.auth, **fields))


@guarded(router, "GET", "/cse/elections/{election_id}/electeurs", "hr.view", response=Page[CseVoterOut])
def list_cse_voters(request, election_id: ObjectId, filters: Query[CseVoterFilters]):
    election = fetch(CseElection, election_id)
    data = filters.dict()
    college = "" if data["college"] is None else str(data["college"])
    rows = cse_queries.voters(election, college, data["eligible"])
    return sorted_page(rows, data, cse_queries.VOTER_SORTS, "college")


@guarded(router, "POST", "/cse/elections/{election_id}/proclamation", "hr.edit", response=CseElectionDetailOut)
def proclaim_cse_election(request, election_id: ObjectId, payload: CseProclaimIn):
    """Once every college's first-round count of the full members is recorded; the results then change no more."""
    election = fetch(CseElection, election_id)
    on = through_form(CseProclaimForm, payload)["on"]
    return cse_services.proclaim(actor=request.auth, election=election, on=on)


# --- a college's count ----------------------------------------------------------------------------------------


class CseCandidateOut(Schema):
    position: int
    employee_id: int
    name: str
    crossed_out: int


class CseListOut(Schema):
    position: int
    name: str
    union: bool
    ballots: int
    candidates: list[CseCandidateOut]

    @staticmethod
    def resolve_candidates(obj) -> list:
        return list(obj.candidates.order_by("position"))


class CseTallyOut(Schema):
    id: int
    college_id: int
    round: int
    body: str
    registered: int
    votes_cast: int
    blank_void: int
    lists: list[CseListOut]

    @staticmethod
    def resolve_lists(obj) -> list:
        return list(obj.lists.order_by("position"))


class CseCandidateIn(Schema):
    employee: RequiredId = Field(..., description="id du salarié, électeur éligible du collège")
    crossed_out: int = Field(0, ge=0, le=10**7, description="ratures")


class CseListIn(Schema):
    name: str = Field(..., min_length=1, max_length=120, pattern=r"^[^;#\r\n]+$", description="nom de la liste")
    ballots: int = Field(..., ge=0, le=10**7, description="bulletins de la liste")
    union: bool = Field(True, description="liste syndicale (au premier tour, seules celles-ci)")
    candidates: list[CseCandidateIn] = Field(..., max_length=75, description="dans l'ordre de la liste")


class CseTallyIn(Schema):
    round: Literal[1, 2] = 1
    body: Literal["titulaires", "suppleants"] = "titulaires"
    votes_cast: int = Field(..., ge=0, le=10**7, description="votants")
    blank_void: int = Field(0, ge=0, le=10**7, description="bulletins blancs et nuls")
    lists: list[CseListIn] = Field(..., max_length=50)


def _as_typed(lists: list[CseListIn], voters: list) -> str:
    """The lists as the count page's form reads them typed (« # Nom ; bulletins ; syndicale », then « Nom Prénoms ;
    ratures » per candidate): the form, its checks and messages, are the page's. A candidate who is not a voter of
    the college: its French refusal (422)."""
    names = {voter.employee_id: voter.name for voter in voters}
    lines = []
    for item in lists:
        lines.append(f"# {item.name} ; {item.ballots} ; {'syndicale' if item.union else 'libre'}")
        for candidate in item.candidates:
            if candidate.employee not in names:
                raise ValidationError({"lists": [f"Le salarié {candidate.employee} n'est pas sur la liste électorale "
                                                 "du collège."]})  # fmt: skip
            lines.append(f"{names[candidate.employee]} ; {candidate.crossed_out}")
    return "\n".join(lines)


@guarded(router, "POST", "/cse/colleges/{college_id}/depouillement", "hr.edit", response=CseTallyOut)
def record_cse_tally(request, college_id: ObjectId, payload: CseTallyIn):
    """A college's count for a round and a body, recorded (or recorded again) until the results are proclaimed:
    the page's checks (votes within the registered, candidates eligible and on one list, a second round only when
    seats are left…)."""
    college = fetch(CseCollege.objects.select_related("election"), college_id)
    voters = list(CseVoter.objects.filter(college=college).select_related("employee"))
    sent = {**payload.dict(exclude={"lists"}), "lists": _as_typed(payload.lists, voters)}
    fields = through_form(CseTallyForm, sent, voters=voters)
    return cse_services.record_tally(actor=request.auth, college=college, **fields)
