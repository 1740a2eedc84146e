"""Shared model and form fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pilote.lib import formats, identifiers


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


# --- Decimal numbers in forms ----------------------------------------------------------------------------
# Django shows a localized Decimal as stored: « 1290,0000 » for a price, « 1,000 » for a quantity. The
# French decimal field shows it as Pilote prints it (lib.formats): 1 290,00 — at least `min_places`
# decimals (2 for money), no trailing zeros beyond them (a quantity of 1 is « 1 », 2,5 stays « 2,5 »).
# Typed input accepts 1 290,50, 1290.50 or a value pasted from a page (narrow no-break spaces).


class FrenchDecimalFormField(forms.DecimalField):
    def __init__(self, *, min_places: int = 0, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.min_places = min_places
        self.widget.attrs.setdefault("inputmode", "decimal")
        # The bounds in the messages as Pilote prints numbers (« 100 000 000 000 », not « 1E+11 »).
        for validator in self.validators:
            if isinstance(validator, MinValueValidator | MaxValueValidator) and not callable(validator.limit_value):
                limit = Decimal(validator.limit_value)
                side = "supérieure" if isinstance(validator, MinValueValidator) else "inférieure"
                shown = formats.format_number(limit, formats.significant_places(limit))
                validator.message = f"Assurez-vous que cette valeur est {side} ou égale à {shown}."

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            most = self.decimal_places if self.decimal_places is not None else 6
            places = max(self.min_places, min(formats.significant_places(value), most))
            return formats.format_number(value, places)
        return value


def money_formfield(**kwargs) -> FrenchDecimalFormField:
    """An amount in euros: 2 decimals, shown 1 290,00."""
    return FrenchDecimalFormField(**{"max_digits": 15, "decimal_places": 2, "min_places": 2, **kwargs})


class FrenchDecimalField(models.DecimalField):
    """A DecimalField whose form field is FrenchDecimalFormField; `min_places` decimals always shown (2 for
    prices, 0 for quantities and rates). The migration state records a plain DecimalField (no new column
    behaviour), so no migration is needed."""

    def __init__(self, *args, min_places: int = 0, **kwargs):
        self.min_places = min_places
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FrenchDecimalFormField, "min_places": self.min_places, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
