"""The skills repository, the levels jobs require and people's assessed levels, kept by rh and direction."""

from __future__ import annotations

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import Employee, EmployeeSkill, JobSkill, Skill
from pilote.lib.dates import local_today


@transaction.atomic
def create_skill(*, actor, name: str, family: str = "") -> Skill:
    name = " ".join(name.split())[:120]
    if not name:
        raise DomainError("Nommez la compétence.")
    if Skill.objects.filter(name__iexact=name).exists():
        raise DomainError(f"La compétence « {name} » existe déjà.")
    skill = Skill.objects.create(name=name, family=" ".join(family.split())[:80])
    audit.record(actor, "hr.skill.created", skill, after={"name": skill.name})
    return skill


@transaction.atomic
def require_skill(*, actor, job: str, skill: Skill, level: int) -> JobSkill | None:
    """The level `job` requires of `skill` (0 removes the requirement)."""
    job = " ".join(job.split())[:120]
    if not job or not 0 <= level <= 4:
        raise DomainError("Choisissez l'emploi et un niveau de 0 à 4.")
    if level == 0:
        JobSkill.objects.filter(job=job, skill=skill).delete()
        audit.record(actor, "hr.skill.requirement_removed", skill, after={"job": job})
        return None
    row, _ = JobSkill.objects.update_or_create(job=job, skill=skill, defaults={"level": level})
    audit.record(actor, "hr.skill.required", skill, after={"job": job, "level": level})
    return row


@transaction.atomic
def assess(*, actor, employee: Employee, levels: dict[Skill, int]) -> int:
    """A person's assessed levels (the latest one kept); returns how many changed."""
    if any(not 0 <= level <= 4 for level in levels.values()):
        raise DomainError("Un niveau va de 0 à 4.")
    current = {row.skill_id: row for row in EmployeeSkill.objects.select_for_update().filter(employee=employee)}
    author, today, changed = (actor.get_full_name() or actor.username)[:150], local_today(), 0
    for skill, level in levels.items():
        row = current.get(skill.pk)
        if row is not None and row.level == level:
            continue
        values = {"level": level, "assessed_on": today, "assessed_by": author}
        EmployeeSkill.objects.update_or_create(employee=employee, skill=skill, defaults=values)
        changed += 1
    audit.record(actor, "hr.skill.assessed", employee, after={"skills": changed})
    return changed
