"""Training and annual reviews (issue 12 point 7): the training plan's actions with their attendees and evaluation,
each person's training history, and the annual review with its objectives (its content for rh, direction and the
person). Professional interviews (L6315-1, loi 2025-989) are `CareerInterview`."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import MoneyField


class TrainingKind(models.TextChoices):
    # Safety trainings the employer owes (L4141-2) and those that keep one able to hold the job (L6321-1) are
    # « obligatoires »; the others develop skills (L6321-6) and count as « formation non obligatoire » for the
    # review of the professional interviews (L6315-1).
    MANDATORY = "obligatoire", "Obligatoire (sécurité, habilitation, adaptation au poste)"
    DEVELOPMENT = "developpement", "Développement des compétences (non obligatoire)"


class TrainingFunding(models.TextChoices):
    PLAN = "plan", "Plan de développement des compétences (employeur)"
    OPCO = "opco", "Prise en charge OPCO"
    CPF = "cpf", "Compte personnel de formation (CPF)"
    PROA = "proa", "Reconversion ou promotion par alternance (Pro-A)"
    OTHER = "autre", "Autre financement"


class TrainingStatus(models.TextChoices):
    PLANNED = "prevue", "Prévue"
    DONE = "realisee", "Réalisée"
    CANCELLED = "annulee", "Annulée"


class TrainingAction(models.Model):
    title = models.CharField("intitulé", max_length=150)
    provider = models.CharField("organisme de formation", max_length=150)
    kind = models.CharField("nature", max_length=15, choices=TrainingKind.choices, default=TrainingKind.DEVELOPMENT)
    funding = models.CharField("financement", max_length=10, choices=TrainingFunding.choices,
                               default=TrainingFunding.PLAN)  # fmt: skip
    start = models.DateField("du")
    end = models.DateField("au")
    hours = FrenchDecimalField("durée (heures)", max_digits=6, decimal_places=1)
    cost = MoneyField("coût pédagogique", default=0)
    status = models.CharField("état", max_length=10, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED)
    evaluation = models.TextField("évaluation de l'action", blank=True)
    skill = models.ForeignKey("hr.Skill", verbose_name="compétence visée", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="trainings")  # fmt: skip
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "action de formation"
        verbose_name_plural = "actions de formation"
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="hr_trainingaction_end_after_start",
                                   violation_error_message="La fin de la formation ne peut pas précéder son début."),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(cost__gte=0), name="hr_trainingaction_positive",
                                   violation_error_message="Durée positive et coût positif ou nul."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} ({self.start:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    action = models.ForeignKey(TrainingAction, verbose_name="formation", on_delete=models.CASCADE,
                               related_name="attendees")  # fmt: skip
    employee = models.ForeignKey("hr.Employee", verbose_name="salarié", on_delete=models.PROTECT,
                                 related_name="trainings")  # fmt: skip
    attended = models.BooleanField("a suivi la formation", default=False)
    rating = models.PositiveSmallIntegerField("satisfaction (1 à 5)", null=True, blank=True)
    comment = models.CharField("appréciation", max_length=250, blank=True)

    class Meta:
        verbose_name = "participation à une formation"
        verbose_name_plural = "participations aux formations"
        ordering = ["action", "employee__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "employee"], name="hr_trainingattendance_once",
                                    violation_error_message="Ce salarié est déjà inscrit à cette formation."),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="hr_trainingattendance_rating",
                                   violation_error_message="La satisfaction va de 1 à 5."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.employee} — {self.action}"


class AnnualReview(models.Model):
    """An annual review (entretien annuel d'évaluation): the year's assessment and the next year's objectives."""

    employee = models.ForeignKey("hr.Employee", verbose_name="salarié", on_delete=models.PROTECT,
                                 related_name="annual_reviews")  # fmt: skip
    held_on = models.DateField("tenu le")
    reviewer = models.CharField("conduit par", max_length=150)
    assessment = models.TextField("bilan de l'année", blank=True)
    objectives = models.TextField("objectifs de l'année à venir", blank=True, help_text="Un objectif par ligne.")
    training_wishes = models.CharField("souhaits de formation", max_length=250, blank=True)
    created_at = models.DateTimeField("enregistré le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "entretien annuel"
        verbose_name_plural = "entretiens annuels"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Entretien annuel de {self.employee} du {self.held_on:%d/%m/%Y}"

    @property
    def objective_list(self) -> list[str]:
        return [line.strip("-• ").strip() for line in self.objectives.splitlines() if line.strip("-• ").strip()]
