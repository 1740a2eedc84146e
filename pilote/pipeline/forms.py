from __future__ import annotations

from django import forms
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.contacts.pickers import order as contact_order
from pilote.core.collation import french
from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.models import User
from pilote.core.permissions import MATRIX
from pilote.core.pickers import SearchSelect
from pilote.core.uploads import LimitedFileField
from pilote.lib.fields import FrenchDecimalFormField
from pilote.pipeline.models import (
    Decision,
    DocumentKind,
    LostReason,
    Opportunity,
    Tender,
    TenderStatus,
)
from pilote.pipeline.rules import check_upload
from pilote.pipeline.stages import Stage, open_stages

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def pipeline_users():
    return User.objects.filter(is_active=True, role__in=MATRIX["pipeline.edit"]).order_by(
        french("last_name"), french("first_name")
    )


def contact_choices():
    return Contact.objects.filter(is_active=True).order_by(*contact_order())


class OpportunityForm(VersionedForm):
    stage = forms.ChoiceField(label="Étape", choices=[])

    class Meta:
        model = Opportunity
        fields = [
            "contact",
            "title",
            "amount",
            "probability",
            "expected_close_date",
            "owner",
            "source",
            "next_action",
            "next_action_date",
            "notes",
        ]
        widgets = {
            "contact": SearchSelect("contacts"),
            "expected_close_date": DATE_WIDGET,
            "next_action_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        localized_fields = ["amount"]
        help_texts = {"probability": "Laissée vide à la création : celle de l'étape (10, 25, 50 ou 75 %)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contact_choices()
        self.fields["owner"].queryset = pipeline_users()
        self.fields["probability"].widget.attrs.update(min=0, max=100)
        if self.instance.pk:
            del self.fields["stage"]  # moves go through the stage form and leave a trace
        else:
            self.fields["stage"].choices = [(s.value, s.label) for s in open_stages()]
            self.fields["probability"].required = False
            self.fields["amount"].required = False
            self.order_fields(["contact", "title", "stage"])

    def clean_amount(self):
        return self.cleaned_data.get("amount") or 0


class OpportunityFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé, contact, action…"}),
    )
    etape = forms.ChoiceField(
        label="Étape",
        required=False,
        choices=[("", "Toutes"), ("ouvertes", "En cours"), *Stage.choices],
    )
    responsable = forms.ModelChoiceField(label="Responsable", required=False, queryset=User.objects.none())
    periode = forms.ChoiceField(
        label="Signature prévue",
        required=False,
        choices=[
            ("", "Toute date"),
            ("retard", "Dépassée (en cours)"),
            ("mois", "Ce mois-ci"),
            ("trimestre", "Ce trimestre"),
            ("annee", "Cette année"),
        ],
    )
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = pipeline_users()
        self.fields["responsable"].empty_label = "Tous"

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", "La fin de la période précède son début.")
        return data


class KanbanFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    responsable = forms.ModelChoiceField(label="Responsable", required=False, queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = pipeline_users()
        self.fields["responsable"].empty_label = "Tous"


class MoveForm(forms.Form):
    """The small per-card form (also posted by the kanban's drag and drop)."""

    stage = forms.ChoiceField(label="Étape", choices=Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Résultat", choices=[(Stage.WON, "Gagnée"), (Stage.LOST, "Perdue")], widget=forms.RadioSelect
    )
    closed_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    amount = FrenchDecimalFormField(
        label="Montant final HT", required=False, min_places=2, min_value=0, max_digits=15, decimal_places=2,
        help_text="Laissé vide : le montant estimé est conservé.",
    )  # fmt: skip
    lost_reason = forms.ChoiceField(
        label="Raison de la perte", required=False, choices=[("", "—"), *LostReason.choices]
    )
    lost_details = forms.CharField(label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Stage.LOST and not data.get("lost_reason"):
            self.add_error("lost_reason", "Indiquez la raison de la perte.")
        if data.get("closed_on") and data["closed_on"] > timezone.localdate():
            self.add_error("closed_on", "La date ne peut pas être dans le futur.")
        return data


class TenderForm(VersionedForm):
    class Meta:
        model = Tender
        fields = [
            "buyer",
            "title",
            "reference",
            "procedure",
            "published_on",
            "questions_deadline",
            "submission_deadline",
            "estimated_value",
            "owner",
            "opportunity",
            "go_threshold",
            "status",
            "offer_amount",
            "outcome_reasons",
            "winner_name",
            "winning_price",
            "notes",
        ]
        widgets = {
            "buyer": SearchSelect("contacts"),
            "published_on": DATE_WIDGET,
            "questions_deadline": DATETIME_WIDGET,
            "submission_deadline": DATETIME_WIDGET,
            "outcome_reasons": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        localized_fields = ["estimated_value", "offer_amount", "winning_price"]
        help_texts = {"outcome_reasons": "Notation obtenue, motifs de rejet communiqués par l'acheteur…"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = contact_choices()
        self.fields["owner"].queryset = pipeline_users()
        self.fields["opportunity"].queryset = Opportunity.objects.select_related("contact").order_by("-pk")
        if not self.instance.pk:
            for name in ("status", "offer_amount", "outcome_reasons", "winner_name", "winning_price"):
                del self.fields[name]


class TenderFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Objet, référence, acheteur…"}),
    )
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), ("ouverts", "En cours"), *TenderStatus.choices]
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=Decision.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionForm(forms.Form):
    label = forms.CharField(label="Nouveau critère", max_length=150)
    weight = forms.IntegerField(label="Poids", min_value=1, max_value=10, initial=1)


class GridForm(forms.Form):
    """One weight and one score per criterion of the tender."""

    SCORE_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(6)]]

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.IntegerField(
                label=f"Poids — {criterion.label}", min_value=1, max_value=10, initial=criterion.weight
            )
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"Note — {criterion.label}",
                choices=self.SCORE_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
                initial="" if criterion.score is None else str(criterion.score),
            )

    def rows(self):
        """(criterion, weight field, score field) for the template."""
        return [(c, self[f"weight_{c.pk}"], self[f"score_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, int | None]]:
        data = self.cleaned_data
        return {c.pk: (data[f"weight_{c.pk}"], data[f"score_{c.pk}"]) for c in self.criteria}


class TaskForm(forms.Form):
    title = forms.CharField(label="Tâche", max_length=200)
    assignee = forms.ModelChoiceField(label="Confiée à", required=False, queryset=User.objects.none())
    due_date = forms.DateField(label="Échéance", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = pipeline_users()
        self.fields["assignee"].empty_label = "— personne —"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=DocumentKind.choices)
    file = LimitedFileField(
        kind="tender", label="Fichier", help_text="PDF, bureautique, images ou ZIP.", validators=[check_upload]
    )
