from decimal import Decimal

from django import forms

from pilote.core.forms import DATE_WIDGET
from pilote.core.listing import WordsField
from pilote.core.uploads import LimitedFileField
from pilote.ledger.models import AnalyticSection, FiscalYear
from pilote.ledger.models_analytic import SectionKind
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


class WhatIfForm(forms.Form):
    """Break-even simulation: prices and volumes changed by a percentage, a new fixed cost."""

    prix = FrenchDecimalFormField(
        label="Prix de vente (variation %)",
        required=False,
        min_value=Decimal(-99),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
    )
    volume = FrenchDecimalFormField(
        label="Volume vendu (variation %)",
        required=False,
        min_value=Decimal(-100),
        max_value=Decimal(1000),
        max_digits=6,
        decimal_places=2,
    )
    charges_fixes = FrenchDecimalFormField(
        label="Nouvelle charge fixe (€)",
        required=False,
        min_value=Decimal(-1_000_000_000),
        max_value=Decimal(1_000_000_000),
        max_digits=14,
        decimal_places=2,
    )


class BudgetCreateForm(forms.Form):
    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"), empty_label=None
    )
    nom = forms.CharField(label="Nom", max_length=80, initial="Budget initial")
    centre = forms.ModelChoiceField(
        label="Centre (section analytique)", required=False, empty_label="Toute la structure",
        queryset=AnalyticSection.objects.filter(is_active=True).select_related("axis").order_by("axis__code", "code"),
        help_text="Le budget d'un centre se compare à ce que la comptabilité analytique lui affecte.",
    )  # fmt: skip
    methode = forms.ChoiceField(
        label="Montants",
        choices=[("reel", "Réalisé de l'exercice précédent, augmenté ou diminué d'un pourcentage"), ("vide", "Saisis")],
        initial="reel",
        widget=forms.RadioSelect,
    )
    pourcentage = FrenchDecimalFormField(
        label="Évolution (%)",
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(-100),
        max_value=Decimal(1000),
        help_text="Par exemple 5 pour +5 %, −3 pour −3 %.",
    )


class BudgetFilterForm(forms.Form):
    q = WordsField(label="Nom", required=False, max_length=80)
    centre = forms.ModelChoiceField(
        label="Centre", required=False, empty_label="Tous",
        queryset=AnalyticSection.objects.select_related("axis").order_by("axis__code", "code"),
    )  # fmt: skip
    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"), required=False, empty_label="Tous"
    )


def budget_group_form(months, data=None, initial=None):
    """A group and its monthly amounts (or an annual amount spread over the months)."""
    from pilote.lib.formats import format_date

    fields = {
        "groupe": forms.RegexField(
            label="Groupe de comptes",
            regex=r"^[67]\d{1,7}$",
            error_messages={"invalid": "Groupe de comptes attendu : 2 à 8 chiffres, classe 6 ou 7."},
        ),
        "annuel": FrenchDecimalFormField(
            label="Montant annuel (réparti sur les mois)", required=False, max_digits=14, decimal_places=2,
            min_value=Decimal(-1e11), max_value=Decimal(1e11),
        ),
    }  # fmt: skip
    for index, month in enumerate(months):
        fields[f"m{index}"] = FrenchDecimalFormField(
            label=format_date(month)[3:], required=False, max_digits=14, decimal_places=2,
            min_value=Decimal(-1e11), max_value=Decimal(1e11),
        )  # fmt: skip
    form_class = type("BudgetGroupForm", (forms.Form,), fields)
    return form_class(data, initial=initial)


def budget_sales_form(months, data=None):
    """One article's budgeted sales: its quantity and net amount for one month, or for the whole year spread over
    the months. The article is chosen with the catalogue's picker (search as you type)."""
    from pilote.core.pickers import SearchSelect, get_picker
    from pilote.lib.formats import format_date

    periods = [("annee", "Toute l'année (répartie sur les douze mois)")] if len(months) == 12 else []
    periods += [(str(index), format_date(month)[3:]) for index, month in enumerate(months)]
    fields = {
        "article": forms.ModelChoiceField(
            label="Article", queryset=get_picker("articles").queryset(), widget=SearchSelect("articles"),
            error_messages={"invalid_choice": "Choisissez un article actif du catalogue."},
        ),
        "periode": forms.ChoiceField(label="Période", choices=periods),
        "quantite": FrenchDecimalFormField(label="Quantité", max_digits=14, decimal_places=3,
                                           min_value=Decimal(0), max_value=Decimal(1e10)),
        "montant": FrenchDecimalFormField(label="Montant HT (€)", max_digits=14, decimal_places=2,
                                          min_value=Decimal(0), max_value=Decimal(1e11)),
    }  # fmt: skip
    return type("BudgetSalesForm", (forms.Form,), fields)(data)


class BudgetImportForm(forms.Form):
    fichier = LimitedFileField(label="Classeur XLSX", kind="budget")


class BudgetReviseForm(forms.Form):
    nom = forms.CharField(label="Nom de la révision", max_length=80)


class VarianceForm(forms.Form):
    date = forms.DateField(label="Situation au", required=False, widget=DATE_WIDGET)


class LoanForm(forms.Form):
    """A loan for the cash plan (constant monthly instalments); the service checks the figures."""

    label = forms.CharField(label="Libellé", max_length=120)
    lender = forms.CharField(label="Prêteur", max_length=120, required=False)
    principal = FrenchDecimalFormField(label="Capital emprunté (€)", max_digits=14, decimal_places=2)
    annual_rate = FrenchDecimalFormField(label="Taux annuel (%)", max_digits=6, decimal_places=3)
    months = forms.IntegerField(label="Durée (mois)", min_value=1, max_value=600,
                                error_messages={"min_value": "La durée d'un emprunt va de 1 à 600 mois.",
                                                "max_value": "La durée d'un emprunt va de 1 à 600 mois."})  # fmt: skip
    first_due = forms.DateField(label="Première échéance", widget=DATE_WIDGET)
    constant_capital = forms.BooleanField(label="Amortissement constant (sinon mensualités constantes)", required=False)

    def clean(self):
        """The service's checks (`forecast.loan_problems`), each under its field: an emprunt already repaid, a rate
        of 100 % or more, a first instalment years away."""
        from pilote.finance.forecast import loan_problems
        from pilote.lib.dates import local_today

        data = super().clean()
        figures = [data.get(name) for name in ("principal", "annual_rate", "months", "first_due")]
        for name, message in loan_problems(*figures, local_today()).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class SectionForm(forms.Form):
    """A section (an analysis centre) changed on its page or through the API (`analytics.update_section`)."""

    code = forms.CharField(label="Code", max_length=20, help_text="Fixe dès que la section est utilisée.")
    label = forms.CharField(label="Intitulé", max_length=100)
    kind = forms.ChoiceField(label="Nature", choices=SectionKind.choices)
    is_active = forms.BooleanField(
        label="Active", required=False, help_text="Inactive : plus de nouvelle ventilation ; l'historique reste."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
