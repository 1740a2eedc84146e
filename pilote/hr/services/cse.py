"""CSE elections: preparing one (headcount, delegation, colleges, frozen electoral lists), recording each
college's count with its lists and crossings-out, proclaiming the results. The figures come from `hr.cse`
(pure); each write in a transaction with an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr import cse
from pilote.hr.models import (
    TRAINEE_TYPES,
    CseBody,
    CseCandidate,
    CseCollege,
    CseElection,
    CseElectionStatus,
    CseList,
    CseTally,
    CseVoter,
    Employee,
)
from pilote.lib.dates import add_months

VOTER_AGE, VOTER_MONTHS = 16, 3  # L2314-18
ELIGIBLE_AGE, ELIGIBLE_MONTHS = 18, 12  # L2314-19
# The employer and those who represent it neither vote nor stand: here the people whose account is direction's.
EMPLOYER_ROLES = ("direction",)


def workers() -> list[cse.Worker]:
    rows = Employee.objects.values_list("entry_date", "exit_date", "part_time", "weekly_hours", "contract_type")
    return [cse.Worker(entry, exit_, hours if part else cse.LEGAL_WEEKLY_HOURS, contract)
            for entry, exit_, part, hours, contract in rows]  # fmt: skip


def current_headcount(day: dt.date) -> cse.Headcount:
    return cse.legal_headcount(workers(), day)


def _reached(birth_or_entry: dt.date, months: int, day: dt.date) -> bool:
    return add_months(birth_or_entry, months) <= day


def electorate(day: dt.date) -> list[tuple[Employee, bool]]:
    """Who votes on `day` (16 years old, 3 months in the structure) and who may stand (18, one year): the
    people present that day, trainees and the employer's representatives apart."""
    people = (
        Employee.objects.filter(entry_date__lte=day)
        .exclude(exit_date__lt=day)
        .exclude(contract_type__in=TRAINEE_TYPES)
        .exclude(user__role__in=EMPLOYER_ROLES)
        .order_by("last_name", "first_names", "pk")
    )
    result = []
    for person in people:
        if _reached(person.birth_date, VOTER_AGE * 12, day) and _reached(person.entry_date, VOTER_MONTHS, day):
            eligible = _reached(person.birth_date, ELIGIBLE_AGE * 12, day) and _reached(
                person.entry_date, ELIGIBLE_MONTHS, day
            )
            result.append((person, eligible))
    return result


def _to_decimal(value) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def prepare_election(
    *,
    actor,
    title: str,
    informed_on: dt.date,
    first_round_on: dt.date,
    second_round_on: dt.date | None = None,
    unions_invited_on: dt.date | None = None,
    seats: int | None = None,
    hours: int | None = None,
) -> CseElection:
    if first_round_on < informed_on:
        raise DomainError("Le premier tour ne peut pas précéder l'information du personnel.")
    if (first_round_on - informed_on).days > cse.INFORMATION_TO_FIRST_ROUND_DAYS:
        raise DomainError("Le premier tour se tient au plus tard le 90e jour suivant l'information du personnel "
                          "(article L2314-4).")  # fmt: skip
    if second_round_on and not (0 < (second_round_on - first_round_on).days <= cse.SECOND_ROUND_DAYS):
        raise DomainError("Le second tour se tient dans les 15 jours suivant le premier (article L2314-29).")
    if CseElection.objects.filter(status=CseElectionStatus.PREPARATION).exists():
        raise DomainError("Une élection est déjà en préparation : proclamez ses résultats d'abord.")
    count = current_headcount(informed_on)
    table = cse.delegation(count.average)
    if seats is None and table.seats == 0:
        raise DomainError("L'effectif n'a pas atteint 11 salariés pendant 12 mois consécutifs : aucune élection "
                          "n'est obligatoire. Indiquez le nombre de sièges pour une élection volontaire.")  # fmt: skip
    seats = seats or table.seats
    hours = hours if hours is not None else max(table.hours, 10)
    people = electorate(first_round_on)
    if not any(eligible for _, eligible in people):
        raise DomainError("Aucun salarié n'est éligible à la date du premier tour.")
    executives = sum(1 for person, _ in people if person.cse_category == cse.EXECUTIVES)
    plans = cse.colleges(seats, executives)
    members = [[(p, e) for p, e in people if p.cse_category in plan.categories] for plan in plans]
    split = cse.split_seats(seats, [len(group) for group in members])
    election = CseElection.objects.create(
        title=title, informed_on=informed_on, unions_invited_on=unions_invited_on, first_round_on=first_round_on,
        second_round_on=second_round_on, headcount=_to_decimal(count.average), seats=seats, hours=hours,
        created_by=(actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote",
    )  # fmt: skip
    for plan, group, college_seats in zip(plans, members, split, strict=True):
        college = CseCollege.objects.create(election=election, number=plan.number, name=plan.name,
                                            categories=",".join(plan.categories), seats=college_seats)  # fmt: skip
        CseVoter.objects.bulk_create(
            CseVoter(college=college, employee=person, name=f"{person.last_name} {person.first_names}",
                     sex=person.sex, eligible=eligible)
            for person, eligible in group
        )  # fmt: skip
    audit.record(actor, "hr.cse.prepared", election, after={"seats": seats, "hours": hours,
                 "headcount": str(election.headcount), "colleges": len(plans), "voters": len(people)})  # fmt: skip
    return election


@dataclass
class CandidateInput:
    employee: Employee
    crossed_out: int = 0


@dataclass
class ListInput:
    name: str
    ballots: int
    candidates: list[CandidateInput]
    union: bool = True


def _check_open(election: CseElection) -> None:
    if election.status != CseElectionStatus.PREPARATION:
        raise DomainError("Les résultats de cette élection sont proclamés : ils ne changent plus.")


@transaction.atomic
def record_tally(
    *, actor, college: CseCollege, round: int, body: str, votes_cast: int, blank_void: int, lists: list[ListInput]
) -> CseTally:
    """Record (or re-record, until the results are proclaimed) a college's count for a round and a body."""
    election = CseElection.objects.select_for_update().get(pk=college.election_id)
    _check_open(election)
    if round not in (1, 2) or body not in CseBody.values:
        raise DomainError("Tour ou scrutin inconnu.")
    if round == 2:
        from pilote.hr.queries.cse import tally_outcome

        first = college.tallies.filter(round=1, body=body).first()
        if first is None:
            raise DomainError("Saisissez le premier tour avant le second.")
        if tally_outcome(first).seats_left == 0:
            raise DomainError("Tous les sièges ont été pourvus au premier tour : pas de second tour.")
    registered = college.voters.count()
    if not 0 <= blank_void <= votes_cast <= registered:
        raise DomainError(f"Les votants ({votes_cast}) ne peuvent dépasser les {registered} inscrits, ni les blancs "
                          "et nuls les votants.")  # fmt: skip
    if not lists:
        raise DomainError("Saisissez au moins une liste de candidats.")
    if round == 1 and not all(item.union for item in lists):
        raise DomainError("Au premier tour, seules les organisations syndicales présentent des listes "
                          "(article L2314-29).")  # fmt: skip
    eligible = set(college.voters.filter(eligible=True).values_list("employee_id", flat=True))
    seen, names = set(), set()
    for item in lists:
        if not item.name.strip() or item.name in names:
            raise DomainError("Chaque liste porte un nom, différent des autres.")
        names.add(item.name)
        if not item.candidates:
            raise DomainError(f"La liste « {item.name} » n'a aucun candidat.")
        if len(item.candidates) > college.seats:
            raise DomainError(f"La liste « {item.name} » présente plus de candidats ({len(item.candidates)}) que de "
                              f"sièges à pourvoir ({college.seats}).")  # fmt: skip
        for candidate in item.candidates:
            if candidate.employee.pk not in eligible:
                raise DomainError(f"{candidate.employee.full_name} n'est pas éligible dans ce collège.")
            if candidate.employee.pk in seen:
                raise DomainError(f"{candidate.employee.full_name} figure sur deux listes.")
            seen.add(candidate.employee.pk)
            if not 0 <= candidate.crossed_out <= item.ballots:
                raise DomainError(f"Les ratures de {candidate.employee.full_name} dépassent les bulletins de la liste.")
    if sum(item.ballots for item in lists) > votes_cast - blank_void:
        raise DomainError("Les bulletins des listes dépassent les suffrages valablement exprimés.")
    college.tallies.filter(round=round, body=body).delete()
    tally = CseTally.objects.create(college=college, round=round, body=body, registered=registered,
                                    votes_cast=votes_cast, blank_void=blank_void)  # fmt: skip
    for position, item in enumerate(lists, start=1):
        record = CseList.objects.create(tally=tally, position=position, name=item.name.strip(), union=item.union,
                                        ballots=item.ballots)  # fmt: skip
        CseCandidate.objects.bulk_create(
            CseCandidate(candidate_list=record, position=rank, employee=c.employee, crossed_out=c.crossed_out,
                         name=f"{c.employee.last_name} {c.employee.first_names}")
            for rank, c in enumerate(item.candidates, start=1)
        )  # fmt: skip
    audit.record(actor, "hr.cse.tally_recorded", tally, after={"college": college.name, "round": round,
                 "body": body, "votes_cast": votes_cast, "blank_void": blank_void, "lists": len(lists)})  # fmt: skip
    return tally


@transaction.atomic
def proclaim(*, actor, election: CseElection, on: dt.date) -> CseElection:
    election = CseElection.objects.select_for_update().get(pk=election.pk)
    _check_open(election)
    if on < election.first_round_on:
        raise DomainError("Les résultats se proclament après le premier tour.")
    missing = [
        c.name
        for c in election.colleges.filter(seats__gt=0)
        if not c.tallies.filter(round=1, body=CseBody.FULL).exists()
    ]
    if missing:
        raise DomainError(f"Saisissez le dépouillement des titulaires du premier tour : {', '.join(missing)}.")
    election.status, election.proclaimed_on = CseElectionStatus.PROCLAIMED, on
    election.save(update_fields=["status", "proclaimed_on"])
    audit.record(actor, "hr.cse.proclaimed", election, after={"proclaimed_on": str(on)})
    return election
