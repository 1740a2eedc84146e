"""CSE elections read: each count's outcome (quorum, quotient, allocation, elected) through `hr.cse`, the
college figures (voters, eligible, women and men, the gender split a list must respect), the calendar of the
process. Bounded queries: one per count for its lists and candidates, one per election for its colleges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q

from pilote.core.listing import Column
from pilote.hr import cse
from pilote.hr.models import CseBody, CseCandidate, CseCollege, CseElection, CseList, CseTally, CseVoter
from pilote.lib.formats import format_number


def number(value: Fraction | int) -> str:
    """An exact figure printed the French way, two decimals at most (60,4 ; 33,33)."""
    value = Fraction(value)
    text = format_number(Decimal(value.numerator) / Decimal(value.denominator), 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


# Tally ordering for printing: full members first, then substitutes, round by round.
BODY_ORDER = {CseBody.FULL: 0, CseBody.SUBSTITUTE: 1}


@dataclass
class CandidateRow:
    candidate: CseCandidate
    row: cse.ElectedRow


@dataclass
class ListOutcome:
    item: CseList
    result: cse.ListResult
    rows: list[CandidateRow]
    changed: bool  # crossings-out changed who is elected

    @property
    def elected(self) -> list[CseCandidate]:
        return [r.candidate for r in self.rows if r.row.elected]

    @property
    def average_text(self) -> str:
        return number(self.result.average)

    @property
    def crossings_out(self) -> int:
        return sum(r.row.crossings_out for r in self.rows)


@dataclass
class TallyOutcome:
    tally: CseTally
    seats: int  # seats to fill in this count
    quorum: bool | None  # None in the second round (no quorum)
    allocation: cse.Allocation | None
    lists: list[ListOutcome] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(o.result.seats for o in self.lists) if self.allocation else 0

    @property
    def seats_left(self) -> int:
        return self.seats - self.filled

    @property
    def valid_votes(self) -> int:
        return self.tally.valid_votes

    @property
    def quotient_text(self) -> str:
        return number(self.allocation.quotient) if self.allocation else "—"

    @property
    def average_rounds(self) -> list[str]:
        """Each seat given at the highest average, in words: « A 32 ; B 30,2 ; C 21 → A »."""
        if not self.allocation:
            return []
        return [" ; ".join(f"{name} {number(value)}" for name, value in r.averages.items()) + f" → {r.winner}"
                + (" (égalité)" if r.tie else "") for r in self.allocation.rounds]  # fmt: skip


def _lists(tally: CseTally) -> list[CseList]:
    lists = list(tally.lists.order_by("position"))
    candidates = CseCandidate.objects.filter(candidate_list__in=lists).select_related("employee").order_by("position")
    by_list: dict[int, list[CseCandidate]] = {}
    for candidate in candidates:
        by_list.setdefault(candidate.candidate_list_id, []).append(candidate)
    for item in lists:
        item.rows = by_list.get(item.pk, [])
    return lists


def tally_outcome(tally: CseTally, seats: int | None = None) -> TallyOutcome:
    """The count's result. In the first round nobody is elected without the quorum; a second round fills the
    seats the first left (`seats`)."""
    if seats is None:
        seats = tally.college.seats
        if tally.round == 2:
            first = tally.college.tallies.filter(round=1, body=tally.body).first()
            seats = tally_outcome(first).seats_left if first else seats
    lists = _lists(tally)
    quorum = cse.quorum_reached(tally.registered, tally.valid_votes) if tally.round == 1 else None
    results = [
        cse.make_list(item.name, [item.ballots - c.crossed_out for c in item.rows], item.ballots,
                      oldest_birth=min((c.employee.birth_date for c in item.rows), default=None))
        for item in lists
    ]  # fmt: skip
    outcome = TallyOutcome(tally, seats, quorum, None)
    if quorum is not False and seats > 0 and tally.valid_votes > 0:
        outcome.allocation = cse.allocate(seats, tally.valid_votes, results)
    for item, result in zip(lists, results, strict=True):
        rows, changed = cse.elected(result.votes, item.ballots, result.seats)
        outcome.lists.append(
            ListOutcome(item, result, [CandidateRow(c, r) for c, r in zip(item.rows, rows, strict=True)], changed)
        )
    return outcome


@dataclass
class CollegeView:
    college: CseCollege
    voters: int
    eligible: int
    women: int
    men: int
    split: cse.GenderSplit
    outcomes: list[TallyOutcome]

    @property
    def elected(self) -> list[tuple[str, CseCandidate, ListOutcome]]:
        found = []
        for outcome in self.outcomes:
            for list_outcome in outcome.lists:
                if outcome.allocation:
                    found += [(outcome.tally.body, c, list_outcome) for c in list_outcome.elected]
        return found


def colleges(election: CseElection) -> list[CollegeView]:
    rows = election.colleges.annotate(
        n_voters=Count("voters"),
        n_eligible=Count("voters", filter=Q(voters__eligible=True)),
        n_women=Count("voters", filter=Q(voters__sex="F")),
        n_men=Count("voters", filter=Q(voters__sex="M")),
    ).order_by("number")
    tallies: dict[int, list[CseTally]] = {}
    for tally in CseTally.objects.filter(college__election=election).select_related("college"):
        tallies.setdefault(tally.college_id, []).append(tally)
    views = []
    for college in rows:
        ordered = sorted(tallies.get(college.pk, []), key=lambda t: (BODY_ORDER.get(t.body, 9), t.round))
        outcomes = []
        for tally in ordered:
            first = next((o for o in outcomes if o.tally.body == tally.body and o.tally.round == 1), None)
            outcomes.append(tally_outcome(tally, first.seats_left if (first and tally.round == 2) else None))
        split = cse.gender_split(college.seats, college.n_women, college.n_men)
        views.append(CollegeView(college, college.n_voters, college.n_eligible, college.n_women, college.n_men, split,
                                 outcomes))  # fmt: skip
    return views


@dataclass(frozen=True)
class Step:
    label: str
    due: dt.date
    done: bool


def calendar(election: CseElection, today: dt.date) -> list[Step]:
    """The process (L2314-4, L2314-5, L2314-29): the staff informed and the unions invited, the first PAP
    meeting 15 days after the invitation at the earliest, the first round by the 90th day after the information,
    the second within 15 days; the mandates end 4 years after the proclamation."""
    invited = election.unions_invited_on or election.informed_on
    steps = [
        Step("Informer le personnel de l'organisation des élections", election.informed_on,
             election.informed_on <= today),
        Step("Inviter les organisations syndicales à négocier le protocole préélectoral", invited, invited <= today),
        Step("Première réunion de négociation du protocole préélectoral (au plus tôt)",
             invited + dt.timedelta(days=cse.INVITATION_BEFORE_MEETING_DAYS), invited + dt.timedelta(days=15) <= today),
        Step("Premier tour (au plus tard le 90e jour après l'information)", election.first_round_on,
             election.first_round_on <= today),
    ]  # fmt: skip
    second = election.second_round_on or election.first_round_on + dt.timedelta(days=cse.SECOND_ROUND_DAYS)
    steps.append(Step("Second tour si le quorum n'est pas atteint (dans les 15 jours)", second, second <= today))
    return steps


def mandate_end(election: CseElection) -> dt.date | None:
    day = election.proclaimed_on
    if day is None:
        return None
    try:
        return day.replace(year=day.year + cse.MANDATE_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + cse.MANDATE_YEARS, day=28)


def percent(value: int, total: int) -> str:
    if not total:
        return "—"
    share = Fraction(100 * value, total)
    return f"{round(float(share), 1):.1f} %".replace(".", ",")


VOTER_COLUMNS = [
    Column("Collège", lambda v: v.college.name),
    Column("Nom et prénoms", lambda v: v.name),
    Column("Sexe", lambda v: v.get_sex_display()),
    Column("Éligible", lambda v: "oui" if v.eligible else "non"),
]
VOTER_SORTS = {"nom": ["name", "id"], "college": ["college__number", "name", "id"], "eligible": ["eligible", "name"]}


def voters(election: CseElection, college: str = "", eligible: str = ""):
    rows = CseVoter.objects.filter(college__election=election).select_related("college")
    if college.isdigit():
        rows = rows.filter(college__number=int(college))
    if eligible in ("oui", "non"):
        rows = rows.filter(eligible=eligible == "oui")
    return rows


def due_elections(today: dt.date, elections=None):
    """The elections whose mandates end within 6 months or ended: time to prepare the next one (the last one
    proclaimed, read here or among `elections` when given)."""
    if elections is None:
        latest = CseElection.objects.filter(proclaimed_on__isnull=False).order_by("-proclaimed_on")[:1]
    else:
        proclaimed = [e for e in elections if e.proclaimed_on is not None]
        latest = sorted(proclaimed, key=lambda e: e.proclaimed_on, reverse=True)[:1]
    return [e for e in latest if (end := mandate_end(e)) and end <= today + dt.timedelta(days=183)]
