from decimal import Decimal

from django import forms

from pilote.lib.fields import FrenchDecimalFormField

LIMIT = Decimal("999999999999.99")


class ThresholdForm(forms.Form):
    indicateur = forms.CharField(max_length=40)
    seuil = FrenchDecimalFormField(
        label="Seuil",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=-LIMIT,
        max_value=LIMIT,
        help_text="Laissez vide pour retirer le seuil.",
    )
