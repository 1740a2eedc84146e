"""Reads for the skills matrix (GPEC): requirements, people and levels read in four queries, gaps and coverage
computed by `gpec`, departures ahead (legal retirement age, fixed-term contracts ending), trainings aimed at a
skill."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from pilote.hr import gpec
from pilote.hr.models import (
    Contract,
    ContractType,
    Employee,
    EmployeeSkill,
    JobSkill,
    Skill,
    TrainingAction,
    TrainingStatus,
)
from pilote.lib.dates import add_months

HORIZON_MONTHS = 60  # retirements within five years
FIXED_TERM = (ContractType.CDD, ContractType.APPRENTICESHIP, ContractType.PROFESSIONALISATION)


@dataclass
class Matrix:
    skills: list[Skill]
    rows: list[tuple[Employee, list[tuple[Skill, int | None, int]]]]  # per skill: (skill, required or None, level)
    gaps: list[gpec.Gap]
    fragile: list[tuple[str, Skill, list[Employee]]]
    departures: list[tuple[dt.date, Employee, str]]
    trainings: list[TrainingAction]


def matrix(today: dt.date) -> Matrix:
    people = list(Employee.objects.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=today))
                  .exclude(contract_type=ContractType.INTERNSHIP).order_by("job", "last_name"))  # fmt: skip
    skills = list(Skill.objects.order_by("family", "name"))
    requirements = {(r.job, r.skill_id): r.level for r in JobSkill.objects.all()}
    levels = {(r.employee_id, r.skill_id): r.level for r in EmployeeSkill.objects.filter(employee__in=people)}
    pairs = [(p.pk, p.job) for p in people]
    by_pk, by_skill = {p.pk: p for p in people}, {s.pk: s for s in skills}
    rows = [(p, [(s, requirements.get((p.job, s.pk)), levels.get((p.pk, s.pk), 0)) for s in skills]) for p in people]
    fragile = [(job, by_skill[skill], [by_pk[pk] for pk in held])
               for job, skill, held in gpec.one_person_deep(gpec.holders(requirements, pairs, levels))
               if any(p.job == job for p in people)]  # fmt: skip
    return Matrix(skills, rows, gpec.gaps(requirements, pairs, levels), fragile, departures(people, today),
                  list(TrainingAction.objects.filter(skill__isnull=False, status=TrainingStatus.PLANNED)
                       .select_related("skill").order_by("start")))  # fmt: skip


def departures(people: list[Employee], today: dt.date) -> list[tuple[dt.date, Employee, str]]:
    horizon = add_months(today, HORIZON_MONTHS)
    found = []
    for person in people:
        day = gpec.retirement_date(person.birth_date)
        if day <= horizon:
            found.append((max(day, today), person, "âge légal de départ à la retraite (indicatif)"))
    last = {}
    for contract in Contract.objects.filter(employee__in=people).order_by("version"):
        last[contract.employee_id] = contract
    by_pk = {p.pk: p for p in people}
    for pk, contract in last.items():
        if contract.kind in FIXED_TERM and contract.end_date and today <= contract.end_date <= add_months(today, 12):
            found.append((contract.end_date, by_pk[pk], f"fin du {contract.get_kind_display()}"))
    return sorted(found, key=lambda item: (item[0], item[1].last_name))
