"""Decimal values in forms are shown as Pilote prints them (1 290,00; a quantity of 1 is « 1 »), never as
stored (« 1290,0000 », « 1,000 »), and typed values are read back in every French form."""

import ast
from decimal import Decimal as D
from pathlib import Path

from django import forms
from django.apps import apps
from django.db import models

from pilote.lib.fields import FrenchDecimalFormField, money_formfield

NNBSP = "\u202f"
ROOT = Path(__file__).resolve().parents[3]


class LineForm(forms.Form):
    quantity = FrenchDecimalFormField(max_digits=12, decimal_places=3)
    unit_price = FrenchDecimalFormField(max_digits=14, decimal_places=4, min_places=2)
    amount = money_formfield()


def _values(**initial) -> dict:
    form = LineForm(initial=initial)
    return {name: form[name].value() for name in initial}


def test_initial_values_are_shown_in_french():
    assert _values(quantity=D("1.000"), unit_price=D("1290.0000"), amount=D("1290.00")) == {
        "quantity": "1",
        "unit_price": f"1{NNBSP}290,00",
        "amount": f"1{NNBSP}290,00",
    }
    assert _values(quantity=D("2.500"), unit_price=D("24.5000")) == {"quantity": "2,5", "unit_price": "24,50"}
    assert _values(quantity=D("0.125"), unit_price=D("12.3456")) == {"quantity": "0,125", "unit_price": "12,3456"}


def test_typed_values_are_read_back():
    for typed in (f"1{NNBSP}290,50", "1 290,50", "1290,50", "1290.50"):
        form = LineForm({"quantity": "1", "unit_price": typed, "amount": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["unit_price"] == form.cleaned_data["amount"] == D("1290.50")
    shown = LineForm({"quantity": "2,5", "unit_price": "abc", "amount": "1"})
    assert not shown.is_valid() and 'value="abc"' in str(shown["unit_price"])  # what was typed comes back


def test_every_model_decimal_gets_the_french_form_field():
    plain = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("pilote.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.DecimalField | models.BigIntegerField)
        and (field.__class__.__name__ == "MoneyField" or isinstance(field, models.DecimalField))
        and not isinstance(field.formfield(), FrenchDecimalFormField)
    ]
    assert plain == []


def test_no_form_declares_a_plain_decimal_field():
    """Forms use lib.fields.FrenchDecimalFormField (or money_formfield), never forms.DecimalField."""
    offenders, scanned = [], 0
    for path in (ROOT / "pilote").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "fields.py":
            continue
        scanned += 1
        for node in ast.walk(ast.parse(path.read_text())):
            is_attribute = isinstance(node, ast.Attribute) and node.attr == "DecimalField"
            if is_attribute and isinstance(node.value, ast.Name) and node.value.id == "forms":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert scanned > 100 and offenders == []


def test_bounds_are_printed_in_french_in_the_messages():
    """« inférieure ou égale à 100000000000 » could not be read: the bound is printed as Pilote prints numbers."""

    class Bounded(forms.Form):
        amount = FrenchDecimalFormField(max_digits=16, decimal_places=2, min_value=D("-1e11"), max_value=D("1e11"))
        rate = FrenchDecimalFormField(max_digits=5, decimal_places=2, min_value=D("0.5"), max_value=D(100))

    errors = Bounded({"amount": "200 000 000 000", "rate": "0,1"}).errors
    assert errors["amount"] == [
        f"Assurez-vous que cette valeur est inférieure ou égale à 100{NNBSP}000{NNBSP}000{NNBSP}000."
    ]
    assert errors["rate"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0,5."]
    assert Bounded({"amount": "-200000000000", "rate": "5"}).errors["amount"] == [
        f"Assurez-vous que cette valeur est supérieure ou égale à -100{NNBSP}000{NNBSP}000{NNBSP}000."
    ]
