"""Analytic accounting (comptabilité analytique): axes, their sections, the distribution of income and
expense lines over them, defaults per account or article, and the monthly aggregates the reports read.

Management accounting, outside the legal chain: a line's distribution is not sealed and a posted line's
distribution may be set or changed later (`analytics.distribute`), the aggregates moving with it."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_percent
from pilote.lib.money import MoneyField


class AnalyticAxis(models.Model):
    """A way of cutting the income and expenses: activity, site, project, cost centres…"""

    code = models.CharField("code", max_length=12, unique=True)
    label = models.CharField("intitulé", max_length=100)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "axe analytique"
        verbose_name_plural = "axes analytiques"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class SectionKind(models.TextChoices):
    PLAIN = "plain", "Section"
    MAIN = "main", "Centre principal"
    AUXILIARY = "auxiliary", "Centre auxiliaire"


class AnalyticSection(models.Model):
    """A section of an axis (a centre, a site, a product line, a project). Centres of analysis for full
    costing are sections of kind main or auxiliary."""

    axis = models.ForeignKey(AnalyticAxis, verbose_name="axe", on_delete=models.PROTECT, related_name="sections")
    code = models.CharField("code", max_length=20)
    label = models.CharField("intitulé", max_length=100)
    kind = models.CharField("nature", max_length=10, choices=SectionKind.choices, default=SectionKind.PLAIN)
    is_active = models.BooleanField("active", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "section analytique"
        verbose_name_plural = "sections analytiques"
        ordering = ["axis__position", "axis__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "code"],
                name="ledger_section_unique_code",
                violation_error_message="Une section de ce code existe déjà sur cet axe.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class AnalyticDefault(models.Model):
    """The share of an account's (or an article's) lines that goes to a section when nothing else is said.
    An account or article's shares on one axis add up to 100 % (`analytics.set_defaults`)."""

    account = models.ForeignKey(
        "ledger.Account", verbose_name="compte", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name="article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(AnalyticSection, verbose_name="section", on_delete=models.CASCADE, related_name="+")
    percent = FrenchDecimalField("part (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "ventilation analytique par défaut"
        verbose_name_plural = "ventilations analytiques par défaut"
        constraints = [
            models.CheckConstraint(
                condition=(Q(account__isnull=False) & Q(product__isnull=True))
                | (Q(account__isnull=True) & Q(product__isnull=False)),
                name="ledger_analyticdefault_one_owner",
                violation_error_message="Une ventilation par défaut appartient à un compte ou à un article.",
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=Decimal(0)) & Q(percent__lte=Decimal(100)),
                name="ledger_analyticdefault_percent_range",
                violation_error_message="Une part de ventilation est comprise entre 0 et 100 %%.",
            ),
            models.UniqueConstraint(
                fields=["account", "section"],
                condition=Q(account__isnull=False),
                name="ledger_analyticdefault_account_section",
                violation_error_message="Ce compte est déjà ventilé sur cette section.",
            ),
            models.UniqueConstraint(
                fields=["product", "section"],
                condition=Q(product__isnull=False),
                name="ledger_analyticdefault_product_section",
                violation_error_message="Cet article est déjà ventilé sur cette section.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} : {format_percent(self.percent)}"


class AnalyticLine(models.Model):
    """The part of an entry line that goes to one section (one axis: the parts of a line add up to it)."""

    line = models.ForeignKey("ledger.EntryLine", on_delete=models.CASCADE, related_name="analytic_lines")
    axis = models.ForeignKey(AnalyticAxis, on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(AnalyticSection, verbose_name="section", on_delete=models.PROTECT, related_name="+")
    percent = FrenchDecimalField("part (%)", max_digits=7, decimal_places=4)
    debit = MoneyField("débit", default=0)
    credit = MoneyField("crédit", default=0)

    class Meta:
        verbose_name = "ligne analytique"
        verbose_name_plural = "lignes analytiques"
        constraints = [
            models.UniqueConstraint(
                fields=["line", "section"],
                name="ledger_analyticline_unique",
                violation_error_message="Cette ligne est déjà ventilée sur cette section.",
            ),
        ]
        indexes = [models.Index(fields=["section", "line"], name="ledger_analytic_section_idx")]

    def __str__(self) -> str:
        return f"{self.section} : {format_percent(self.percent)}"


class AnalyticBalance(models.Model):
    """Posted analytic movements per fiscal year, month, account and section, moved in the posting
    transaction (and when a posted line is distributed again): the analytic reports read these rows."""

    fiscal_year = models.ForeignKey("ledger.FiscalYear", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(AnalyticSection, on_delete=models.PROTECT, related_name="+")
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)

    class Meta:
        verbose_name = "cumul analytique mensuel"
        verbose_name_plural = "cumuls analytiques mensuels"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "account", "section", "month"],
                name="ledger_analyticbalance_unique",
                violation_error_message="Les totaux de cette section viennent de changer : réessayez.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} — {self.account_id} {self.month:%m/%Y}"
