from __future__ import annotations

from django import forms
from django.utils import timezone

from pilote.complaints.models import AnswerMedium, Category, Complaint, EntryKind, Resolution, Severity, Status
from pilote.complaints.services import assignable_users
from pilote.contacts.models import Contact
from pilote.contacts.pickers import order as contact_order
from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.core.pickers import SearchSelect


def customer_choices():
    """Customers: the role, or an order or an invoice (sales.pickers.customers)."""
    from pilote.sales.pickers import customers

    return customers()


class ComplaintForm(VersionedForm):
    """Order and invoice are typed by number (a select of every order would not scale); the service checks
    they belong to the customer."""

    order_number = forms.CharField(label="N° de commande", max_length=20, required=False)
    invoice_number = forms.CharField(label="N° de facture", max_length=20, required=False)

    class Meta:
        model = Complaint
        fields = [
            "customer",
            "received_on",
            "channel",
            "category",
            "severity",
            "expectation",
            "subject",
            "description",
            "assignee",
            "answer_due",
        ]
        widgets = {
            "customer": SearchSelect("clients"),
            "received_on": DATE_WIDGET,
            "answer_due": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "answer_due": "Laissée vide, elle suit la gravité : critique 2 jours ouvrés, majeure 5, mineure 10.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customers = customer_choices()
        if self.instance.pk:  # keep the current customer even if archived since
            customers = customers | Contact.objects.filter(pk=self.instance.customer_id)
        self.fields["customer"].queryset = customers
        self.fields["assignee"].queryset = assignable_users()
        self.fields["assignee"].empty_label = "— à attribuer —"
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["answer_due"].required = False
        if not self.instance.pk:
            self.fields["received_on"].initial = timezone.localdate()
        else:
            self.fields["order_number"].initial = self.instance.order.number if self.instance.order_id else ""
            self.fields["invoice_number"].initial = self.instance.invoice.number if self.instance.invoice_id else ""

    def _document(self, field: str, model, label: str):
        number = (self.cleaned_data.get(field) or "").strip().upper()
        if not number:
            return None
        document = model.objects.filter(number=number).first()
        if document is None:
            raise forms.ValidationError(f"Aucune {label} ne porte le numéro {number}.")
        return document

    def clean_order_number(self):
        from pilote.sales.models import Order

        return self._document("order_number", Order, "commande")

    def clean_invoice_number(self):
        from pilote.sales.models import Invoice

        return self._document("invoice_number", Invoice, "facture émise")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["order"] = data.pop("order_number", None)
        data["invoice"] = data.pop("invoice_number", None)
        return data


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        choices=[(EntryKind.ANSWER, EntryKind.ANSWER.label), (EntryKind.NOTE, EntryKind.NOTE.label)],
        initial=EntryKind.ANSWER,
    )
    medium = forms.ChoiceField(
        label="Moyen (réponse)", choices=AnswerMedium.choices, initial=AnswerMedium.EMAIL, required=False
    )
    at = forms.DateTimeField(
        label="Date",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        required=False,
    )
    text = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at and at > timezone.now():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return at


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Responsable", queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username


class CloseForm(forms.Form):
    resolution = forms.ChoiceField(label="Résolution", choices=Resolution.choices)
    root_cause = forms.CharField(
        label="Cause racine", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    closed_on = forms.DateField(label="Close le", widget=DATE_WIDGET, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Motif de la réouverture", max_length=500)


STATUS_FILTERS = [
    ("", "Tous les statuts"),
    ("ouvertes", "Non closes"),
    ("en_retard", "En retard de réponse"),
    *Status.choices,
]


class ComplaintFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Objet, client, REC-…", "type": "search"}),
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=STATUS_FILTERS)
    categorie = forms.ChoiceField(label="Catégorie", required=False, choices=[("", "Toutes"), *Category.choices])
    gravite = forms.ChoiceField(label="Gravité", required=False, choices=[("", "Toutes"), *Severity.choices])
    responsable = forms.ChoiceField(label="Responsable", required=False)
    client = forms.ModelChoiceField(label="Client", required=False, queryset=None, empty_label="Tous les clients")
    du = forms.DateField(label="Reçues du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = [(str(u.pk), u.get_full_name() or u.username) for u in assignable_users()]
        self.fields["responsable"].choices = [("", "Tous"), ("aucun", "Non attribuées"), *users]
        # Only customers who have complained: the list stays short whatever the number of contacts.
        self.fields["client"].queryset = Contact.objects.filter(
            pk__in=Complaint.objects.values("customer_id")
        ).order_by(*contact_order())

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La fin de la période précède son début.")
        return data
