"""Skills (GPEC, issue 12 point 8): the skills repository, the levels each job requires, each person's assessed
level (the latest assessment; each one audited)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.hr.gpec import LEVELS


class Skill(models.Model):
    name = models.CharField("compétence", max_length=120, unique=True)
    family = models.CharField("famille", max_length=80, blank=True)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name


class JobSkill(models.Model):
    job = models.CharField("emploi", max_length=120)
    skill = models.ForeignKey(Skill, verbose_name="compétence", on_delete=models.CASCADE, related_name="jobs")
    level = models.PositiveSmallIntegerField("niveau requis", choices=LEVELS[1:])

    class Meta:
        verbose_name = "compétence requise par un emploi"
        verbose_name_plural = "compétences requises par les emplois"
        ordering = ["job", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["job", "skill"], name="hr_jobskill_once",
                                    violation_error_message="Cette compétence est déjà requise pour cet emploi."),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="hr_jobskill_level",
                                   violation_error_message="Le niveau requis va de 1 à 4."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.job} : {self.skill} ({self.level})"


class EmployeeSkill(models.Model):
    employee = models.ForeignKey("hr.Employee", verbose_name="salarié", on_delete=models.CASCADE,
                                 related_name="skills")  # fmt: skip
    skill = models.ForeignKey(Skill, verbose_name="compétence", on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField("niveau", choices=LEVELS)
    assessed_on = models.DateField("évalué le", default=timezone.localdate)
    assessed_by = models.CharField("évalué par", max_length=150, blank=True)

    class Meta:
        verbose_name = "compétence d'un salarié"
        verbose_name_plural = "compétences des salariés"
        ordering = ["employee", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "skill"], name="hr_employeeskill_once",
                                    violation_error_message="Cette compétence est déjà évaluée pour ce salarié."),
            models.CheckConstraint(condition=Q(level__lte=4), name="hr_employeeskill_level",
                                   violation_error_message="Le niveau va de 0 à 4."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.employee} : {self.skill} ({self.level})"
