from decimal import Decimal

from django import forms

from pilote.core.forms import DATE_WIDGET
from pilote.ledger.models import FiscalYear
from pilote.lib.fields import FrenchDecimalFormField


class PeriodForm(forms.Form):
    """A fiscal year, and optionally a date inside it (a provisional diagnosis of an open year)."""

    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"), required=False, empty_label=None
    )
    date = forms.DateField(label="Situation au", required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        year, day = data.get("exercice"), data.get("date")
        if year and day and not year.contains(day):
            self.add_error(
                "date",
                f"Choisissez une date de l'exercice, entre le {year.start_date:%d/%m/%Y} "
                f"et le {year.end_date:%d/%m/%Y}.",
            )
        return data


class CostBehaviourForm(forms.Form):
    compte = forms.RegexField(
        label="Compte", regex=r"^6\d{1,19}$", error_messages={"invalid": "Compte de charges attendu."}
    )
    part = FrenchDecimalFormField(
        label="Part variable (%)", min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2
    )
