from decimal import Decimal

from django.db import models
from django.db.models import Q

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_percent
from pilote.lib.money import ZERO, MoneyField


class CostBehaviour(models.Model):
    """The share of an expense account that varies with the activity, for the break-even (seuil de
    rentabilité); accounts without a row take `breakeven.DEFAULT_VARIABLE`."""

    account = models.OneToOneField(
        "ledger.Account", verbose_name="compte", on_delete=models.CASCADE, related_name="cost_behaviour"
    )
    variable_share = FrenchDecimalField("part variable (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "comportement d'une charge"
        verbose_name_plural = "comportements des charges"
        constraints = [
            models.CheckConstraint(
                condition=Q(variable_share__gte=Decimal(0)) & Q(variable_share__lte=Decimal(100)),
                name="finance_costbehaviour_share_range",
                violation_error_message="La part variable d'une charge est comprise entre 0 et 100 %%.",
            ),
        ]

    def __str__(self) -> str:
        return f"Compte {self.account.code} : {format_percent(self.variable_share)} variable"


class BudgetKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVISED = "revised", "Révisé"


class Budget(models.Model):
    """A version of a fiscal year's budget (initial, then revisions), lines per account group and month — the
    structure's, or one centre's (`section`)."""

    fiscal_year = models.ForeignKey(
        "ledger.FiscalYear", verbose_name="exercice", on_delete=models.PROTECT, related_name="budgets"
    )
    name = models.CharField("nom", max_length=80)
    kind = models.CharField("version", max_length=10, choices=BudgetKind.choices, default=BudgetKind.INITIAL)
    source = models.ForeignKey(
        "self", verbose_name="révise", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    # A centre's budget (an analytic section): compared with what the analytic aggregates put on the section;
    # none: the whole structure's budget, compared with the general ledger (the one the dashboards read).
    section = models.ForeignKey(
        "ledger.AnalyticSection", verbose_name="centre", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "budget"
        verbose_name_plural = "budgets"
        ordering = ["-fiscal_year__start_date", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "name"],
                name="finance_budget_unique_name",
                violation_error_message="Un budget de ce nom existe déjà pour cet exercice.",
            ),
        ]

    def __str__(self) -> str:
        # « Budget 2026 révisé » is not « Budget Budget 2026 révisé »
        name = self.name if self.name.casefold().startswith("budget") else f"Budget {self.name}"
        return f"{name} ({self.fiscal_year})"


class BudgetLine(models.Model):
    """An account group's budget for one month (the month's first day), in its natural direction: income and
    expenses both positive."""

    budget = models.ForeignKey(Budget, verbose_name="budget", on_delete=models.CASCADE, related_name="lines")
    group = models.CharField("groupe de comptes", max_length=8)
    month = models.DateField("mois")
    amount = MoneyField("montant", default=ZERO)

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["group", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "group", "month"],
                name="finance_budgetline_unique_month",
                violation_error_message="Ce groupe de comptes a déjà un montant pour ce mois dans ce budget.",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget {self.group} — {self.month:%m/%Y}"


class BudgetSalesLine(models.Model):
    """The sales budgeted for one catalogue article in one month (the month's first day): quantity and net amount
    (HT), so that the variance on sales splits into price, mix and volume effects (`sales_variance`). Only a
    structure budget carries them (a centre's sales are not known per article). The article is referenced by
    its row (catalog never learns about budgets; finance imports no catalog module)."""

    budget = models.ForeignKey(Budget, verbose_name="budget", on_delete=models.CASCADE, related_name="sales_lines")
    article = models.ForeignKey("catalog.Product", verbose_name="article", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("mois")
    quantity = FrenchDecimalField("quantité", max_digits=14, decimal_places=3, default=ZERO)
    amount = MoneyField("montant HT", default=ZERO)

    class Meta:
        verbose_name = "vente budgétée par article"
        verbose_name_plural = "ventes budgétées par article"
        ordering = ["article_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "article", "month"],
                name="finance_budgetsalesline_unique_month",
                violation_error_message="Cet article a déjà des ventes budgétées pour ce mois dans ce budget.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=Decimal(0)),
                name="finance_budgetsalesline_quantity_positive",
                violation_error_message="Une quantité budgétée ne peut pas être négative.",
            ),
        ]

    def __str__(self) -> str:
        return f"Ventes budgétées — article {self.article_id} — {self.month:%m/%Y}"


class CostingSetup(models.Model):
    """A fiscal year's full-costing parameters: which axis holds the centres and which the products, the
    auxiliary centres' keys ({aux code: {target code: "percent"}}) and the main centres' work units ({centre
    code: {"label": …, "number": "…", "usage": {product code: "…"}}}), sections named by their codes. Written
    whole by `services.save_costing_setup` (checked all or nothing)."""

    fiscal_year = models.OneToOneField(
        "ledger.FiscalYear", verbose_name="exercice", on_delete=models.CASCADE, related_name="costing_setup"
    )
    centres_axis = models.ForeignKey(
        "ledger.AnalyticAxis", verbose_name="axe des centres", on_delete=models.PROTECT, related_name="+"
    )
    products_axis = models.ForeignKey(
        "ledger.AnalyticAxis", verbose_name="axe des produits", on_delete=models.PROTECT, related_name="+"
    )
    keys = models.JSONField("clés de répartition secondaire", default=dict, blank=True)
    units = models.JSONField("unités d'œuvre", default=dict, blank=True)
    # {product section code: catalogue reference of the article made in-house}: its production cost of the units
    # sold (the workshop's, through core.registry) goes into that product's cost price
    production = models.JSONField("articles fabriqués", default=dict, blank=True)

    class Meta:
        verbose_name = "paramètres des coûts complets"
        verbose_name_plural = "paramètres des coûts complets"

    def __str__(self) -> str:
        return f"Coûts complets — {self.fiscal_year}"


class PaymentBehaviour(models.Model):
    """A customer's habit (its auxiliary account): the amount-weighted average delay between due date and payment
    over its invoices settled in the last twelve months (`forecast.average_delay`). Recomputed each night and by
    « Recalculer » (`services.refresh_payment_behaviour`); the cash plan moves the customer's open items by it."""

    auxiliary = models.OneToOneField(
        "ledger.AuxiliaryAccount", verbose_name="compte client", on_delete=models.CASCADE, related_name="+"
    )
    delay_days = FrenchDecimalField("retard moyen (jours)", max_digits=6, decimal_places=1)
    invoices = models.PositiveIntegerField("factures réglées", default=0)
    computed_on = models.DateField("calculé le")

    class Meta:
        verbose_name = "comportement de paiement d'un client"
        verbose_name_plural = "comportements de paiement des clients"

    def __str__(self) -> str:
        return f"Client {self.auxiliary_id} : {self.delay_days} jours"


class Loan(models.Model):
    """A loan repaid monthly, by constant instalments or constant capital: its schedule (`forecast.loan_schedule`)
    feeds the cash plan."""

    label = models.CharField("libellé", max_length=120)
    lender = models.CharField("prêteur", max_length=120, blank=True)
    principal = MoneyField("capital emprunté")
    annual_rate = FrenchDecimalField("taux annuel (%)", max_digits=6, decimal_places=3)
    months = models.PositiveSmallIntegerField("durée (mois)")
    first_due = models.DateField("première échéance")
    constant_capital = models.BooleanField("amortissement constant", default=False)  # else constant instalments
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "emprunt"
        verbose_name_plural = "emprunts"
        ordering = ["first_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=Decimal(0)),
                name="finance_loan_principal_positive",
                violation_error_message="Le capital emprunté doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=Decimal(0)) & Q(annual_rate__lte=Decimal(100)),
                name="finance_loan_rate_range",
                violation_error_message="Le taux annuel est compris entre 0 et 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=600),
                name="finance_loan_months_range",
                violation_error_message="La durée d'un emprunt va de 1 à 600 mois.",
            ),
        ]

    def __str__(self) -> str:
        return f"Emprunt {self.label}"


class ForecastSnapshot(models.Model):
    """The 13-week plan as it stood on a week's Monday, kept to compare with what the bank did afterwards
    (prévu / réalisé). One per week, written by the nightly schedule (or the page) the first time that week."""

    week_start = models.DateField("semaine du", unique=True)
    taken_on = models.DateField("établi le")
    opening = MoneyField("trésorerie de départ")
    closings = models.JSONField("trésorerie prévue en fin de semaine", default=list)  # decimal strings, 13 weeks

    class Meta:
        verbose_name = "plan de trésorerie archivé"
        verbose_name_plural = "plans de trésorerie archivés"
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"Plan de trésorerie du {self.week_start:%d/%m/%Y}"
