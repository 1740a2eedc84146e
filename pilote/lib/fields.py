"""Shared model and form fields."""

from __future__ import annotations

from django import forms
from django.db import models

from pilote.lib import identifiers


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the user types a bare domain (Django 6 default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


# --- Identifiers (SIREN, SIRET, VAT, IBAN, BIC) --------------------------------------------------------
# Pilote prints « 445 123 789 » and « FR76 3000 6000 … »; people paste them with dots, dashes or
# non-breaking spaces. The fields take any of these forms, store the compact one, and never limit the
# input to the compact length (a maxlength of 9 cut « 445 123 789 » to « 445 123 7 »).

INPUT_LIMIT = 64  # room for every printed form, while refusing a pasted paragraph
INPUT_MODES = {"siren": "numeric", "siret": "numeric"}


class IdentifierFormField(forms.CharField):
    """A form field for one kind of identifier: compacts, validates with lib.identifiers, shows it spaced."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        kwargs["max_length"] = INPUT_LIMIT
        kwargs.pop("min_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs.update(autocomplete="off", spellcheck="false", autocapitalize="characters")
        if self.kind in INPUT_MODES:
            attrs["inputmode"] = INPUT_MODES[self.kind]
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value and len(value) <= INPUT_LIMIT:
            return identifiers.compact(value)
        return value

    def validate(self, value):
        super().validate(value)
        if value:
            identifiers.CLEANERS[self.kind](value)

    def prepare_value(self, value):
        return identifiers.display(self.kind, value) if isinstance(value, str) else value


class IdentifierField(models.CharField):
    """A CharField holding the compact identifier; whatever the input path (form, API, CSV import, command),
    `full_clean` compacts the value before the length check and the model's rules validate it.

    The migration state records a plain CharField: the database column is exactly one, and the
    normalisation is Python-side only, so switching a field to this class needs no migration."""

    kind = ""
    length = 0

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.length)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return identifiers.compact(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IdentifierFormField, "kind": self.kind, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class SirenField(IdentifierField):
    kind, length = "siren", 9


class SiretField(IdentifierField):
    kind, length = "siret", 14


class VatNumberField(IdentifierField):
    kind, length = "vat", 20


class TaxNumberField(IdentifierField):
    """A business's VAT number, or outside the EU its country's tax number (lib.identifiers.clean_tax_number):
    the model's rules check it against the record's country."""

    kind, length = "tax", 20


class IbanField(IdentifierField):
    kind, length = "iban", 34


class BicField(IdentifierField):
    kind, length = "bic", 11
