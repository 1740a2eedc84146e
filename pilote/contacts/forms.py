from __future__ import annotations

from django import forms
from django.utils import timezone

from pilote.contacts.models import (
    ROLE_FIELDS,
    Address,
    Contact,
    ContactKind,
    ContactPerson,
    Interaction,
    InteractionKind,
    Tag,
)
from pilote.core.forms import VersionedForm
from pilote.core.listing import WordsField
from pilote.core.uploads import LimitedFileField


class ContactForm(VersionedForm):
    tags_text = forms.CharField(
        label="Étiquettes", required=False, help_text="Séparées par des virgules, ex. : BTP, salon 2026"
    )

    class Meta:
        model = Contact
        fields = [
            "kind",
            "name",
            "first_name",
            *ROLE_FIELDS,
            "legal_form",
            "siren",
            "siret",
            "vat_number",
            "naf_code",
            "email",
            "phone",
            "website",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "iban",
            "bic",
            "payment_days",
            "payment_end_of_month",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "siret": "14 chiffres ; le SIREN en est déduit.",
            "vat_number": "UE : avec le code pays, ex. FR44732829320. Hors UE : le n° fiscal du pays "
            "(CHE-123.456.789 TVA, EIN 12-3456789…).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())


class ContactFilterForm(forms.Form):
    q = WordsField(
        label="Recherche",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Nom, SIREN, ville, e-mail…", "type": "search"}),
    )
    role = forms.ChoiceField(label="Rôle", required=False, choices=[("", "Tous les rôles"), *ROLE_FIELDS.items()])
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous les types"), *ContactKind.choices])
    tag = forms.ModelChoiceField(
        label="Étiquette", required=False, queryset=Tag.objects.all(), empty_label="Toutes les étiquettes"
    )
    departement = forms.RegexField(
        label="Département",
        required=False,
        regex=r"^(\d{2,3}|2[AB])$",
        error_messages={"invalid": "Département : 2 ou 3 chiffres (ex. 69, 974)."},
        widget=forms.TextInput(attrs={"size": 3, "placeholder": "69"}),
    )
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("actifs", "Actifs"), ("archives", "Archivés"), ("tous", "Tous")]
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["civility", "first_name", "last_name", "job_title", "email", "phone", "is_primary"]


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["label", "line1", "line2", "postal_code", "city", "country", "is_default_delivery"]


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "occurred_at", "person", "subject", "body"]
        widgets = {
            "kind": forms.Select(choices=InteractionKind.choices),
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = contact.persons.all()
        self.fields["person"].empty_label = "— aucun en particulier —"
        self.fields["kind"].initial = "call"
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ImportForm(forms.Form):
    file = LimitedFileField(
        label="Fichier CSV", kind="contacts", help_text="Séparateur « ; » ou « , », encodage UTF-8 ou Windows-1252."
    )
