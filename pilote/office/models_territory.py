"""The territorial needs study (diagnostic de territoire, MISSION-MAP §7): what an ESS or social structure gathers
about its territory to show the needs it answers (a project, a CPOM, a grant application, an authorisation).

A `NeedsStudy` holds its context and method, the `StudyArea`s compared (the areas studied and one reference — the
department, the region or France), the `StudySource`s the figures come from (INSEE, CAF, ARS, the structure's own
survey…), the `StudyIndicator`s by theme with one `IndicatorValue` per area, and the `StudyFinding`s (the needs
found, their evidence, priority and the response proposed). The analysis (each area against the reference, the
gaps that point to a need) is computed by `territory.py` from these rows, never typed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField

USER = settings.AUTH_USER_MODEL


class StudyStatus(models.TextChoices):
    DRAFT = "draft", "En cours"
    FINAL = "final", "Validée"


class NeedsStudy(models.Model):
    title = models.CharField("intitulé", max_length=200)
    territory = models.CharField("territoire", max_length=200, help_text="Commune, quartier, intercommunalité…")
    population = models.CharField("public concerné", max_length=200, blank=True,
                                  help_text="Personnes âgées, jeunes de 16 à 25 ans, familles…")  # fmt: skip
    purpose = models.TextField("objet et contexte", blank=True, help_text="Pourquoi cette étude, pour quel projet.")
    method = models.TextField("méthode", blank=True, help_text="Données rassemblées, entretiens, questionnaires…")
    conclusion = models.TextField("conclusion", blank=True)
    carried_out_on = models.DateField("date de l'étude")
    status = models.CharField("état", max_length=8, choices=StudyStatus.choices, default=StudyStatus.DRAFT)
    author = models.ForeignKey(USER, verbose_name="rédigée par", on_delete=models.PROTECT, related_name="+")
    threshold = FrenchDecimalField("seuil d'écart significatif (%)", max_digits=5, decimal_places=1, default=10,
                                   help_text="Écart relatif à la référence au-delà duquel un indicateur signale "
                                             "un besoin.")  # fmt: skip
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "étude des besoins du territoire"
        verbose_name_plural = "études des besoins du territoire"
        ordering = ["-carried_out_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0) & Q(threshold__lte=1000),
                                   name="office_study_threshold",
                                   violation_error_message="Le seuil d'écart va de 0 à 1 000 %%."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class StudyArea(models.Model):
    """An area compared in the study; one of them may be the reference the others are measured against."""

    study = models.ForeignKey(NeedsStudy, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField("zone", max_length=120)
    is_reference = models.BooleanField(
        "zone de référence", default=False, help_text="Département, région ou France : les autres zones s'y comparent."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "zone étudiée"
        verbose_name_plural = "zones étudiées"
        ordering = ["is_reference", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="office_studyarea_unique",
                                    violation_error_message="Cette zone figure déjà dans l'étude."),
            models.UniqueConstraint(fields=["study"], condition=Q(is_reference=True), name="office_studyarea_one_ref",
                                    violation_error_message="L'étude a déjà une zone de référence."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class StudySource(models.Model):
    study = models.ForeignKey(NeedsStudy, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField("source", max_length=200, help_text="INSEE, recensement de la population 2021…")
    producer = models.CharField("producteur", max_length=120, blank=True)
    year = models.PositiveSmallIntegerField("millésime", null=True, blank=True)
    url = models.URLField("adresse", blank=True)

    class Meta:
        verbose_name = "source de données"
        verbose_name_plural = "sources de données"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})" if self.year else self.name


class StudyIndicator(models.Model):
    study = models.ForeignKey(NeedsStudy, on_delete=models.CASCADE, related_name="indicators")
    theme = models.CharField("thème", max_length=80, help_text="Démographie, emploi, santé, logement…")
    label = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=20, blank=True, help_text="%, personnes, €…")
    higher_means_need = models.BooleanField("une valeur plus haute signale un besoin", default=True)
    source = models.ForeignKey(StudySource, verbose_name="source", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="indicators")  # fmt: skip

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["theme", "id"]

    def __str__(self) -> str:
        return self.label


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(StudyIndicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(StudyArea, on_delete=models.CASCADE, related_name="values")
    value = FrenchDecimalField("valeur", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area"], name="office_indicatorvalue_unique",
                                    violation_error_message="Cet indicateur a déjà une valeur pour cette zone."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.indicator} — {self.area} : {self.value}"


class FindingPriority(models.IntegerChoices):
    HIGH = 1, "Prioritaire"
    MEDIUM = 2, "Importante"
    LOW = 3, "À surveiller"


class StudyFinding(models.Model):
    """A need the study finds: what, the evidence (indicators, interviews), how urgent, the response proposed."""

    study = models.ForeignKey(NeedsStudy, on_delete=models.CASCADE, related_name="findings")
    theme = models.CharField("thème", max_length=80)
    need = models.CharField("besoin constaté", max_length=300)
    evidence = models.TextField("éléments qui le montrent", blank=True)
    priority = models.PositiveSmallIntegerField("priorité", choices=FindingPriority.choices,
                                                default=FindingPriority.MEDIUM)  # fmt: skip
    response = models.TextField("réponse proposée", blank=True)

    class Meta:
        verbose_name = "constat"
        verbose_name_plural = "constats"
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(priority__in=[1, 2, 3]), name="office_finding_priority",
                                   violation_error_message="La priorité va de 1 à 3."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.need
