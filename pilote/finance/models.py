from decimal import Decimal

from django.db import models
from django.db.models import Q

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.formats import format_percent


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
