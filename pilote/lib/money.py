"""Money helpers: Decimal only, rounded the French / EN 16931 way, stored as integer cents.

SQLite stores a DecimalField as a binary float, so SQL SUM() drifts by cents at scale; every amount
that SQL aggregates is therefore stored as integer cents through MoneyField, which hands out Decimal.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

# The arithmetic lives in pilote.lib.amounts (no Django); the app imports it from here, beside the field.
from pilote.lib.amounts import CENT, ZERO, from_cents, round_eur, split_amount, to_cents, to_decimal

__all__ = ["CENT", "ZERO", "MoneyField", "from_cents", "round_eur", "split_amount", "to_cents", "to_decimal"]


class MoneyField(models.BigIntegerField):
    """An amount in euros exposed as Decimal, stored as integer cents (exact SUM on every database)."""

    description = "Montant en euros (stocké en centimes)"

    def from_db_value(self, value, expression, connection):
        return from_cents(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return round_eur(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError("Montant invalide.", code="invalid") from exc

    def get_prep_value(self, value):
        if value is None:
            return None
        return to_cents(value)

    def formfield(self, **kwargs):
        from pilote.lib.fields import FrenchDecimalFormField

        defaults = {"form_class": FrenchDecimalFormField, "max_digits": 15, "decimal_places": 2, "min_places": 2}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
