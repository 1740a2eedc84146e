from decimal import Decimal

from django import forms

from pilote.contacts.models import Contact
from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.models import User
from pilote.ledger.models_analytic import AnalyticSection
from pilote.lib.fields import FrenchDecimalFormField
from pilote.projects.budget import NATURES
from pilote.projects.models import Dependency, DependencyKind, Project, ProjectKind, ProjectStatus, Task


def _users():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class ProjectFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *ProjectStatus.choices])
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *ProjectKind.choices])


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "name", "kind", "status", "customer", "manager", "start_date", "description", "billing_product",
            "hourly_rate", "analytic_section",
        ]  # fmt: skip
        widgets = {"start_date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Contact.objects.filter(is_customer=True).order_by("name")
        self.fields["manager"].queryset = _users()
        self.fields["billing_product"].help_text = "Prestation du catalogue qui facture le temps passé (projet client)."
        self.fields["analytic_section"].queryset = AnalyticSection.objects.filter(is_active=True).select_related("axis")
        self.fields[
            "analytic_section"
        ].help_text = "Les écritures ventilées sur cette section donnent le réalisé du projet face à son budget."

    def clean_hourly_rate(self):
        rate = self.cleaned_data.get("hourly_rate")
        if rate is not None and rate < 0:
            raise forms.ValidationError("Le taux horaire ne peut pas être négatif.")
        return rate

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class BudgetForm(forms.Form):
    """One amount per nature of the project's budget (empty: no budget for it)."""

    def __init__(self, *args, budget: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, _, _) in NATURES.items():
            self.fields[key] = FrenchDecimalFormField(label=label, max_digits=12, decimal_places=2, min_places=2,
                                                      min_value=Decimal("0"), required=False,
                                                      initial=(budget or {}).get(key))  # fmt: skip


class TimeInvoiceForm(forms.Form):
    until = forms.DateField(label="Temps passé jusqu'au", widget=DATE_WIDGET)
    date = forms.DateField(label="Date de la facture", widget=DATE_WIDGET)


class TaskForm(VersionedForm):
    class Meta:
        model = Task
        fields = ["name", "owner", "duration_days", "not_before", "done_percent"]
        widgets = {"not_before": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DependencyForm(forms.Form):
    predecessor = forms.ModelChoiceField(label="Tâche précédente", queryset=Task.objects.none())
    successor = forms.ModelChoiceField(label="Tâche suivante", queryset=Task.objects.none())
    kind = forms.ChoiceField(label="Type", choices=DependencyKind.choices, initial=DependencyKind.FS)
    lag_days = forms.IntegerField(label="Décalage (jours ouvrés)", initial=0, min_value=-250, max_value=250)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = project.tasks.order_by("position", "id")
        self.fields["predecessor"].queryset = tasks
        self.fields["successor"].queryset = tasks


class TimeEntryForm(forms.Form):
    task = forms.ModelChoiceField(label="Tâche", queryset=Task.objects.none())
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    hours = FrenchDecimalFormField(label="Heures", max_digits=5, decimal_places=2, min_value=Decimal("0.25"),
                                   max_value=Decimal("24"))  # fmt: skip
    note = forms.CharField(label="Commentaire", max_length=200, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = project.tasks.order_by("position", "id")


class TimeFilterForm(forms.Form):
    person = forms.ModelChoiceField(label="Personne", queryset=User.objects.none(), required=False, empty_label="Tous")
    project = forms.ModelChoiceField(label="Projet", queryset=Project.objects.none(), required=False,
                                     empty_label="Tous")  # fmt: skip
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _users()
        self.fields["project"].queryset = Project.objects.order_by("name")


__all__ = [
    "Dependency",
    "DependencyForm",
    "ProjectFilterForm",
    "ProjectForm",
    "TaskForm",
    "TimeEntryForm",
    "TimeFilterForm",
]
