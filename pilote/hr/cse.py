"""CSE elections, pure (FRENCH-RULES §8): the legal headcount, seats and delegation hours (R2314-1), colleges
(L2314-11), gender shares (L2314-30), quorum (L2314-29), the electoral quotient and the highest-average
allocation (R2314-19 and R2314-20), and who is elected on a list (the 10 % crossings-out rule, L2314-29).

Every figure is exact: averages and quotients are `Fraction`s (302/5 = 60.4, 200/6 = 33.33…), shown rounded
only when printed. The UI (`hr/services/cse.py`, `hr/queries/cse.py`) and the integrators' commands
(`cse_seats`, `cse_allocate`) call these same functions."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# ---------------------------------------------------------------------------------------------------------------
# R2314-1: full members (titulaires; as many substitutes) and monthly delegation hours of each full member, by
# headcount. Source: Code du travail art. R2314-1 (décret 2017-1819 du 29 décembre 2017). Rows up to 999 as in
# FRENCH-RULES §8 [43]; seats from 1,000 on as in the decree's table (published by actanceavocats.com) and hours
# from 4,750 on as in the CFE-CGC BTP militant guide (total 1,190 hours at 10,000); hours from 1,000 to 4,749
# (24, 26, 27, 28) ⚠ from the decree's table as remembered, not re-read: check against Légifrance before relying
# on them. Each row: (lowest headcount of the band, seats, hours). A pre-election agreement (PAP) may change
# them within L2314-7.
R2314_1: tuple[tuple[int, int, int], ...] = (
    (11, 1, 10),
    (25, 2, 10),
    (50, 4, 18),
    (75, 5, 19),
    (100, 6, 21),
    (125, 7, 21),
    (150, 8, 21),
    (175, 9, 21),
    (200, 10, 22),
    (250, 11, 22),
    (300, 11, 22),
    (400, 12, 22),
    (500, 13, 24),
    (600, 14, 24),
    (700, 14, 24),
    (800, 15, 24),
    (900, 16, 24),
    (1000, 17, 24),
    (1250, 18, 24),
    (1500, 20, 26),
    (1750, 21, 26),
    (2000, 22, 26),
    (2250, 23, 26),
    (2500, 24, 26),
    (2750, 24, 26),
    (3000, 25, 26),
    (3250, 25, 26),
    (3500, 26, 27),
    (3750, 26, 27),
    (4000, 26, 28),
    (4250, 27, 28),
    (4500, 27, 28),
    (4750, 28, 28),
    (5000, 29, 29),
    (5250, 29, 29),
    (5500, 29, 29),
    (5750, 30, 29),
    (6000, 31, 29),
    (6250, 31, 29),
    (6500, 31, 29),
    (6750, 31, 30),
    (7000, 32, 30),
    (7250, 32, 30),
    (7500, 32, 31),
    (7750, 32, 32),
    (8000, 32, 32),
    (8250, 33, 32),
    (8500, 33, 32),
    (8750, 33, 32),
    (9000, 34, 32),
    (9250, 34, 32),
    (9500, 34, 32),
    (9750, 34, 34),
    (10000, 35, 34),
)
CSE_THRESHOLD = 11  # L2311-2: at least 11 employees for 12 consecutive months
CONSECUTIVE_MONTHS = 12
THIRD_COLLEGE_EXECUTIVES = 25  # L2314-11: a « cadres » college from 25 engineers, heads of department, executives
CROSSINGS_OUT_SHARE = Fraction(1, 10)  # L2314-29: crossings-out under 10 % of the list's votes are ignored
LEGAL_WEEKLY_HOURS = 35
MANDATE_YEARS = 4  # L2314-33
INFORMATION_TO_FIRST_ROUND_DAYS = 90  # L2314-4: the first round at the latest on the 90th day after the information
INVITATION_BEFORE_MEETING_DAYS = 15  # L2314-5: the unions' invitation reaches them 15 days before the first meeting
SECOND_ROUND_DAYS = 15  # L2314-29: the second round within 15 days


@dataclass(frozen=True)
class Delegation:
    seats: int
    hours: int

    def as_dict(self) -> dict:
        return {"seats": self.seats, "hours": self.hours}


def delegation(headcount) -> Delegation:
    """Seats (full members; as many substitutes) and monthly hours of each for a headcount, by R2314-1; no seat
    under 11. The headcount is compared whole: 24.9 is in the 11–24 band."""
    if headcount < 0:
        raise ValueError("L'effectif ne peut pas être négatif.")
    seats, hours = 0, 0
    for low, band_seats, band_hours in R2314_1:
        if headcount >= low:
            seats, hours = band_seats, band_hours
    return Delegation(seats, hours)


# ---------------------------------------------------------------------------------------------------------------
# Headcount (L1111-2, L1111-3): full-time permanent staff count 1; part-timers by their contract's hours over the
# legal 35; fixed-term and temporary staff by their time present (they are counted month by month here, so a CDD
# present half a month counts 0.5 that month); apprentices, professionalisation contracts and trainees are not
# counted. The CSE is due once the headcount reached 11 in each of 12 consecutive months (L2311-2).

EXCLUDED_CONTRACTS = ("apprentissage", "professionnalisation", "stage")


@dataclass(frozen=True)
class Worker:
    entry: dt.date
    exit: dt.date | None
    weekly_hours: Fraction | float | int | str = LEGAL_WEEKLY_HOURS
    contract: str = "cdi"


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_headcount(workers: Iterable[Worker], year: int, month: int) -> Fraction:
    first, last = _month_bounds(year, month)
    days = (last - first).days + 1
    total = Fraction(0)
    for worker in workers:
        if worker.contract in EXCLUDED_CONTRACTS:
            continue
        start, end = max(worker.entry, first), min(worker.exit or last, last)
        if end < start:
            continue
        presence = Fraction((end - start).days + 1, days)
        total += presence * _time_share(worker.weekly_hours)
    return total


@functools.lru_cache(maxsize=256)
def _time_share(weekly_hours) -> Fraction:
    """A worker's share of full time (at most 1): the same few hours for every month of every worker (the
    indicators count twelve months of the whole staff), parsed once."""
    return min(Fraction(str(weekly_hours)) / LEGAL_WEEKLY_HOURS, Fraction(1))


def months_before(day: dt.date, count: int = CONSECUTIVE_MONTHS) -> list[tuple[int, int]]:
    """The `count` whole calendar months before `day`'s month, oldest first."""
    year, month = day.year, day.month
    months = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append((year, month))
    return months[::-1]


@dataclass(frozen=True)
class Headcount:
    months: list[tuple[tuple[int, int], Fraction]]
    average: Fraction
    due: bool  # 11 or more in each of the 12 months

    @property
    def delegation(self) -> Delegation:
        return delegation(self.average) if self.due else Delegation(0, 0)


def legal_headcount(workers: Sequence[Worker], day: dt.date) -> Headcount:
    """The headcount month by month over the 12 months before `day`, its average, and whether a CSE is due."""
    months = [((y, m), month_headcount(workers, y, m)) for y, m in months_before(day)]
    average = sum((value for _, value in months), Fraction(0)) / len(months)
    return Headcount(months, average, all(value >= CSE_THRESHOLD for _, value in months))


# ---------------------------------------------------------------------------------------------------------------
# Colleges (L2314-11).

WORKERS, SUPERVISORS, EXECUTIVES = "ouvrier_employe", "technicien_am", "cadre"


@dataclass(frozen=True)
class CollegePlan:
    number: int  # 0: the single college
    name: str
    categories: tuple[str, ...]


def colleges(seats: int, executives: int) -> list[CollegePlan]:
    """One college when a single full member is elected; else ouvriers/employés, then the technicians,
    supervisors and executives — the executives apart in a third college from 25 of them (which no agreement
    removes)."""
    if seats <= 1:
        return [CollegePlan(0, "Collège unique", (WORKERS, SUPERVISORS, EXECUTIVES))]
    first = CollegePlan(1, "1er collège — ouvriers et employés", (WORKERS,))
    if executives >= THIRD_COLLEGE_EXECUTIVES:
        return [first, CollegePlan(2, "2e collège — techniciens et agents de maîtrise", (SUPERVISORS,)),
                CollegePlan(3, "3e collège — ingénieurs et cadres", (EXECUTIVES,))]  # fmt: skip
    return [first, CollegePlan(2, "2e collège — techniciens, agents de maîtrise et cadres", (SUPERVISORS, EXECUTIVES))]


def split_seats(seats: int, sizes: Sequence[int]) -> list[int]:
    """A proposal for the pre-election agreement: the seats shared between colleges in proportion to their
    voters at the largest remainder, then every college with voters given one seat (taken from the college with
    the most seats) while that leaves each college with one."""
    total = sum(sizes)
    if not sizes or total == 0 or seats <= 0:
        return [0] * len(sizes)
    quotas = [Fraction(seats * size, total) for size in sizes]
    result = [int(q) for q in quotas]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(quotas[i] - result[i]), -sizes[i], i))
    for index in by_remainder[: seats - sum(result)]:
        result[index] += 1
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        donor = max(range(len(sizes)), key=lambda i: (result[i], sizes[i]))
        if sizes[index] and not result[index] and result[donor] > 1:
            result[donor] -= 1
            result[index] += 1
    return result


# ---------------------------------------------------------------------------------------------------------------
# Gender balance (L2314-30).


@dataclass(frozen=True)
class GenderSplit:
    women: int
    men: int
    either: int  # odd seats with exact parity: one more of either sex

    def describe(self) -> str:
        text = f"{self.women} femme{'s' if self.women > 1 else ''} et {self.men} homme{'s' if self.men > 1 else ''}"
        return text + (" (plus un candidat de l'un ou l'autre sexe)" if self.either else "")


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -_round_half_up(-value)


def gender_split(seats: int, women: int, men: int) -> GenderSplit:
    """How many women and men a list of `seats` candidates must hold, from the college's shares: each share
    rounded half up; when both halves round up (odd seats, exact parity) one seat goes to either sex."""
    voters = women + men
    if seats <= 0 or voters == 0:
        return GenderSplit(0, 0, 0)
    w = _round_half_up(Fraction(seats * women, voters))
    m = _round_half_up(Fraction(seats * men, voters))
    if w + m > seats:
        return GenderSplit(w - 1, m - 1, 1)
    return GenderSplit(w, seats - w, 0) if w + m < seats else GenderSplit(w, m, 0)


# ---------------------------------------------------------------------------------------------------------------
# Quorum and allocation (L2314-29, R2314-19, R2314-20).


def quorum_reached(registered: int, valid_votes: int) -> bool:
    """First round: the valid votes (blank and void ballots left out) reach half of the registered voters."""
    return registered > 0 and 2 * valid_votes >= registered


def quotient(valid_votes: int, seats: int) -> Fraction:
    if seats <= 0:
        raise ValueError("Le nombre de sièges doit être positif.")
    return Fraction(valid_votes, seats)


@dataclass
class ListResult:
    name: str
    votes: list[int]  # per candidate, in list order, crossings-out deducted
    ballots: int  # ballots cast for the list
    seats: int = 0
    quotient_seats: int = 0
    average_seats: int = 0
    oldest_birth: dt.date | None = None  # tie-break: the older candidate

    @property
    def average(self) -> Fraction:
        return Fraction(sum(self.votes), len(self.votes)) if self.votes else Fraction(0)

    @property
    def candidates(self) -> int:
        return len(self.votes)


@dataclass
class AverageRound:
    """One seat given at the highest average: every list's average / (seats + 1) and the winner."""

    averages: dict[str, Fraction]
    winner: str | None
    tie: bool = False


@dataclass
class Allocation:
    seats: int
    valid_votes: int
    quotient: Fraction
    lists: list[ListResult]
    rounds: list[AverageRound] = field(default_factory=list)
    unfilled: int = 0  # seats left when every list ran out of candidates

    def seats_by_list(self) -> dict[str, int]:
        return {item.name: item.seats for item in self.lists}


def make_list(name: str, votes: Sequence[int], ballots: int | None = None, **extra) -> ListResult:
    """A list from its candidates' votes (crossings-out deducted). The ballots default to the best candidate's
    votes (a candidate crossed out on no ballot has them all)."""
    votes = [int(v) for v in votes]
    if not votes:
        raise ValueError(f"La liste {name} n'a aucun candidat.")
    if any(v < 0 for v in votes):
        raise ValueError(f"La liste {name} a un nombre de voix négatif.")
    ballots = max(votes) if ballots is None else int(ballots)
    if any(v > ballots for v in votes):
        raise ValueError(f"Un candidat de la liste {name} a plus de voix que la liste n'a de bulletins.")
    return ListResult(name=name, votes=votes, ballots=ballots, **extra)


def allocate(seats: int, valid_votes: int, lists: Sequence[ListResult]) -> Allocation:
    """R2314-19 and -20: seats at the electoral quotient (⌊list average / QE⌋), then one at a time to the highest
    average (list average / (seats won + 1)). Ties go to the list with more votes (its average), then to the one
    whose oldest candidate is older; a tie remaining is flagged. A list never gets more seats than candidates."""
    if seats <= 0:
        raise ValueError("Le nombre de sièges doit être positif.")
    if valid_votes <= 0:
        raise ValueError("Le nombre de suffrages valablement exprimés doit être positif.")
    if sum(item.ballots for item in lists) > valid_votes:
        raise ValueError("Les bulletins des listes dépassent les suffrages valablement exprimés.")
    qe = quotient(valid_votes, seats)
    result = Allocation(seats, valid_votes, qe, list(lists))
    for item in result.lists:
        item.quotient_seats = min(int(item.average // qe), item.candidates)
        item.seats = item.quotient_seats
    left = seats - sum(item.seats for item in result.lists)
    if left < 0:  # cannot happen with ballots ≤ valid votes; kept as a guard
        raise ValueError("Plus de sièges au quotient que de sièges à pourvoir.")
    for _ in range(left):
        open_lists = [item for item in result.lists if item.seats < item.candidates]
        if not open_lists:
            result.unfilled = seats - sum(item.seats for item in result.lists)
            break
        averages = {item.name: item.average / (item.seats + 1) for item in open_lists}

        def key(item, averages=averages):
            oldest = item.oldest_birth.toordinal() if item.oldest_birth else 10**9
            return (averages[item.name], item.average, -oldest)

        ranked = sorted(open_lists, key=key, reverse=True)
        tie = len(ranked) > 1 and key(ranked[0]) == key(ranked[1])
        ranked[0].seats += 1
        ranked[0].average_seats += 1
        result.rounds.append(AverageRound(averages, ranked[0].name, tie))
    return result


@dataclass(frozen=True)
class ElectedRow:
    position: int  # 1-based, in list order
    votes: int
    crossings_out: int
    counted: int  # the votes counted for the ranking
    elected: bool


def elected(votes: Sequence[int], ballots: int, seats: int) -> tuple[list[ElectedRow], bool]:
    """Who is elected on a list that won `seats`: candidates in list order, unless crossings-out change it —
    a candidate's crossings-out count only when they reach 10 % of the list's ballots; then the candidates rank
    by the votes counted, list order breaking ties. Returns the rows and whether crossings-out changed anything."""
    counted = []
    for position, vote in enumerate(votes, start=1):
        crossed = ballots - vote
        counts = ballots > 0 and Fraction(crossed, ballots) >= CROSSINGS_OUT_SHARE
        counted.append((position, vote, crossed, vote if counts else ballots))
    ranking = sorted(counted, key=lambda row: (-row[3], row[0]))
    chosen = {row[0] for row in ranking[:seats]}
    rows = [ElectedRow(p, v, c, k, p in chosen) for p, v, c, k in counted]
    return rows, chosen != set(range(1, min(seats, len(votes)) + 1))


def parse_list_argument(text: str) -> tuple[str, list[int]]:
    """`NAME=v1,v2,…` as the `cse_allocate` command takes it."""
    name, sep, values = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"« {text} » : attendu NOM=voix1,voix2,…")
    try:
        votes = [int(value) for value in values.split(",") if value.strip()]
    except ValueError as exc:
        raise ValueError(f"« {text} » : les voix sont des nombres entiers.") from exc
    return name.strip(), votes
