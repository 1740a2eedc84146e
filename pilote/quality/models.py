"""Risks and quality: the structure's settings, the risk register (risks and their treatment actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.quality import scoring


class QualitySettings(models.Model):
    """One row (id 1): the risk rating scale chosen for the structure and its headcount (the DUERP's
    yearly update is due from 11 employees, FRENCH-RULES §7)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    risk_scale = models.PositiveSmallIntegerField(
        "échelle de cotation", choices=[(4, "1 à 4"), (5, "1 à 5")], default=4
    )
    headcount = models.PositiveIntegerField(
        "effectif",
        default=0,
        help_text="Effectif moyen (salariés) : la mise à jour annuelle du DUERP est due à partir de 11.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "paramètres qualité"
        verbose_name_plural = "paramètres qualité"
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="quality_qualitysettings_single_row",
                violation_error_message="Les paramètres qualité sont uniques.",
            ),
            models.CheckConstraint(
                condition=Q(risk_scale__in=scoring.SCALES), name="quality_qualitysettings_scale_valid",
                violation_error_message="L'échelle de cotation va de 1 à 4 ou de 1 à 5.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return "Paramètres qualité"


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", "Stratégique"
    FINANCIAL = "financial", "Financier"
    LEGAL = "legal", "Juridique et réglementaire"
    OPERATIONAL = "operational", "Opérationnel"
    IT = "it", "Informatique et données"
    REPUTATION = "reputation", "Image et réputation"


class RiskStatus(models.TextChoices):
    ACTIVE = "active", "Suivi"
    CLOSED = "closed", "Clos"


class Risk(models.Model):
    """A risk of the register: rated before (inherent) and after (residual) its controls and treatment."""

    title = models.CharField("intitulé", max_length=200)
    category = models.CharField("nature", max_length=15, choices=RiskCategory.choices)
    cause = models.TextField("causes")
    consequence = models.TextField("conséquences")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pilote du risque", on_delete=models.PROTECT, related_name="+"
    )
    likelihood = models.PositiveSmallIntegerField("probabilité (brute)")
    impact = models.PositiveSmallIntegerField("impact (brut)")
    inherent_score = models.PositiveSmallIntegerField("criticité brute", editable=False)
    controls = models.TextField("mesures de maîtrise existantes", blank=True)
    residual_likelihood = models.PositiveSmallIntegerField("probabilité (résiduelle)")
    residual_impact = models.PositiveSmallIntegerField("impact (résiduel)")
    residual_score = models.PositiveSmallIntegerField("criticité résiduelle", editable=False)
    review_on = models.DateField("prochaine revue le")
    reviewed_on = models.DateField("dernière revue le", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=RiskStatus.choices, default=RiskStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "risque"
        verbose_name_plural = "risques"
        ordering = ["-residual_score", "-inherent_score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5,
                            residual_likelihood__gte=1, residual_likelihood__lte=5,
                            residual_impact__gte=1, residual_impact__lte=5),
                name="quality_risk_ratings_in_scale",
                violation_error_message="Probabilité et impact se cotent de 1 à 5 au plus.",
            ),
            models.CheckConstraint(
                condition=Q(inherent_score=F("likelihood") * F("impact"))
                & Q(residual_score=F("residual_likelihood") * F("residual_impact")),
                name="quality_risk_scores_are_products",
                violation_error_message="La criticité est le produit de la probabilité par l'impact.",
            ),
            models.CheckConstraint(
                condition=Q(residual_score__lte=F("inherent_score")),
                name="quality_risk_residual_not_above_inherent",
                violation_error_message="La criticité résiduelle ne peut pas dépasser la criticité brute.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RiskStatus]), name="quality_risk_status_valid",
                violation_error_message="Ce statut de risque n'existe pas.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in RiskCategory]), name="quality_risk_category_valid",
                violation_error_message="Cette nature de risque n'existe pas.",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["status", "review_on"], name="quality_risk_review_idx"),
            models.Index(fields=["-residual_score", "-inherent_score"], name="quality_risk_criticality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:03d}" if self.pk else "R-(nouveau)"

    def compute_scores(self) -> None:
        self.inherent_score = (self.likelihood or 0) * (self.impact or 0)
        self.residual_score = (self.residual_likelihood or 0) * (self.residual_impact or 0)

    def clean(self) -> None:
        self.compute_scores()  # derived from the ratings before the constraints are checked

    def review_overdue(self, today) -> bool:
        return self.status == RiskStatus.ACTIVE and self.review_on < today


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "À faire"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Faite"
    CANCELLED = "cancelled", "Abandonnée"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class RiskAction(models.Model):
    """A treatment action of a risk (reduce, transfer, avoid): who, by when, where it stands."""

    risk = models.ForeignKey(Risk, verbose_name="risque", on_delete=models.PROTECT, related_name="actions")
    title = models.CharField("action", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="responsable", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "action de traitement"
        verbose_name_plural = "actions de traitement"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="quality_riskaction_done_has_date",
                violation_error_message="Une action faite porte sa date de réalisation.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ActionStatus]), name="quality_riskaction_status_valid",
                violation_error_message="Cet état d'action n'existe pas.",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["status", "due_on"], name="quality_riskaction_due_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def overdue(self, today) -> bool:
        return self.is_open and self.due_on < today
