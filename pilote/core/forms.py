from __future__ import annotations

import re

from django import forms
from django.contrib.auth.password_validation import validate_password

from pilote.core import uploads
from pilote.core.images import BoundedImageField
from pilote.core.listing import WordsField
from pilote.core.models import Structure, User
from pilote.core.params import MAX_ID, to_int
from pilote.core.roles import Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing as an invalid choice an id that no 64-bit column holds: Django checks the chosen
    ids with one `__in` query, which such a number overflows (a 500 instead of the form's message)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if re.fullmatch(r"\s*-?[0-9]+\s*", str(pk)) and to_int(pk, minimum=-MAX_ID) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(pk)[:30]}
                )
        return super()._check_values(value)


class VersionedForm(forms.ModelForm):
    """Carries the record's version through the edit so the service can refuse a concurrent overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class StructureIdentityForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "type",
            "legal_name",
            "trade_name",
            "legal_form",
            "siren",
            "siret",
            "rcs_city",
            "share_capital",
            "naf_code",
            "rna_number",
            "finess",
        ]
        help_texts = {
            "siren": "9 chiffres ; le numéro de TVA intracommunautaire en est déduit.",
            "rna_number": "Associations : W suivi de 9 chiffres.",
            "finess": "Établissements sociaux et médico-sociaux.",
        }


class StructureContactForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "email",
            "phone",
            "website",
            "iban",
            "bic",
            "logo",
        ]
        help_texts = {
            "bic": "Laissé vide, il est déduit de l'IBAN quand la banque est connue.",
            "logo": "PNG ou JPEG, au plus 4 000 × 4 000 pixels.",
        }
        field_classes = {"logo": BoundedImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uploads.limit_field(self.fields["logo"], "logo")


class StructureFiscalForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["fiscal_year_start", "fiscal_year_end", "vat_regime", "vat_number"]
        widgets = {"fiscal_year_start": DATE_WIDGET, "fiscal_year_end": DATE_WIDGET}
        help_texts = {
            "fiscal_year_end": "Un premier exercice peut durer jusqu'à 24 mois.",
            "vat_number": "Laissé vide, il est calculé à partir du SIREN.",
        }


class StructureSettingsForm(VersionedForm):
    class Meta:
        model = Structure
        fields = StructureIdentityForm.Meta.fields + StructureContactForm.Meta.fields + StructureFiscalForm.Meta.fields
        widgets = StructureFiscalForm.Meta.widgets
        field_classes = StructureContactForm.Meta.field_classes
        help_texts = {
            **StructureIdentityForm.Meta.help_texts,
            **StructureContactForm.Meta.help_texts,
            **StructureFiscalForm.Meta.help_texts,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uploads.limit_field(self.fields["logo"], "logo")


class FirstUserForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="E-mail", required=False)
    username = forms.CharField(label="Identifiant de connexion", max_length=150)
    password1 = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirmation du mot de passe", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif data.get("password1"):
            probe = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(data["password1"], probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "job_title", "role", "is_active"]


class UserCreateForm(UserForm):
    password = forms.CharField(
        label="Mot de passe initial",
        widget=forms.PasswordInput,
        help_text="Au moins 10 caractères, pas uniquement des chiffres, pas trop courant.",
    )

    class Meta(UserForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "job_title", "role"]


class SetPasswordForm(forms.Form):
    password = forms.CharField(label="Nouveau mot de passe", widget=forms.PasswordInput)


class UserFilterForm(forms.Form):
    q = WordsField(label="Recherche", required=False)
    role = forms.ChoiceField(label="Rôle", required=False, choices=[("", "Tous les rôles"), *Role.choices])
    actif = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), ("1", "Actifs"), ("0", "Désactivés")]
    )


class AuditFilterForm(forms.Form):
    q = WordsField(label="Objet ou action", required=False)
    auteur = forms.ModelChoiceField(label="Auteur", queryset=User.objects.all(), required=False)
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def apply(self, queryset):
        from django.db.models import Q

        data = self.cleaned_data
        if data.get("q"):
            from pilote.core.audit_labels import ACTION_LABELS

            words = data["q"].casefold()
            labelled = [code for code, label in ACTION_LABELS.items() if words in label.casefold()]
            queryset = queryset.filter(
                Q(object_repr__icontains=data["q"]) | Q(action__icontains=data["q"]) | Q(action__in=labelled)
            )
        if data.get("auteur"):
            queryset = queryset.filter(actor=data["auteur"])
        if data.get("du"):
            queryset = queryset.filter(at__date__gte=data["du"])
        if data.get("au"):
            queryset = queryset.filter(at__date__lte=data["au"])
        return queryset
