"""Fixed assets register (registre des immobilisations)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from pilote.lib.formats import format_eur
from pilote.lib.money import MoneyField


class DepreciationMethod(models.TextChoices):
    LINEAR = "linear", "Linéaire"
    DECLINING = "declining", "Dégressif"
    NONE = "none", "Non amortissable"


class FixedAsset(models.Model):
    label = models.CharField("désignation", max_length=200)
    reference = models.CharField("n° d'inventaire", max_length=40, unique=True)
    account = models.ForeignKey(
        "ledger.Account", verbose_name="compte d'immobilisation", on_delete=models.PROTECT, related_name="+"
    )
    depreciation_account = models.ForeignKey(
        "ledger.Account",
        verbose_name="compte d'amortissement (28)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expense_account = models.ForeignKey(
        "ledger.Account",
        verbose_name="compte de dotation (681)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acquisition_date = models.DateField("date d'acquisition")
    in_service_date = models.DateField("date de mise en service")
    cost = MoneyField("valeur d'origine HT")
    residual_value = MoneyField("valeur résiduelle", default=0)
    method = models.CharField(
        "mode", max_length=10, choices=DepreciationMethod.choices, default=DepreciationMethod.LINEAR
    )
    years = models.PositiveSmallIntegerField("durée (années)", default=5)
    supplier = models.CharField("fournisseur", max_length=200, blank=True)
    disposal_date = models.DateField("date de sortie", null=True, blank=True)
    disposal_price = MoneyField("prix de cession", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "immobilisation"
        verbose_name_plural = "immobilisations"
        ordering = ["acquisition_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gt=0),
                name="ledger_fixedasset_cost_positive",
                violation_error_message="Le coût d'acquisition doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(in_service_date__gte=models.F("acquisition_date")),
                name="ledger_fixedasset_service_after_acquisition",
                violation_error_message="La mise en service ne peut pas précéder l'acquisition.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.label}"

    @property
    def is_disposed(self) -> bool:
        return self.disposal_date is not None


class DepreciationPosting(models.Model):
    """The depreciation posted for one asset and one fiscal year (never twice)."""

    asset = models.ForeignKey(FixedAsset, on_delete=models.PROTECT, related_name="postings")
    fiscal_year = models.ForeignKey("ledger.FiscalYear", on_delete=models.PROTECT)
    amount = MoneyField()
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "dotation aux amortissements"
        verbose_name_plural = "dotations aux amortissements"
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "fiscal_year"],
                name="ledger_depreciation_once",
                violation_error_message="La dotation de cette immobilisation est déjà passée pour cet exercice.",
            )
        ]

    def __str__(self) -> str:
        return f"Dotation de {format_eur(self.amount)} pour {self.asset} ({self.fiscal_year})"
