"""Numbers in pages: ids never get a thousand separator (links and form values must stay digits), while
typed amounts may carry one."""

from decimal import Decimal

from django import forms
from django.template import Context, Template


def test_ids_are_printed_as_digits():
    html = Template('<a href="?client={{ pk }}">{{ pk }}</a><input value="{{ big }}">').render(
        Context({"pk": 2087, "big": 1234567})
    )
    assert html == '<a href="?client=2087">2087</a><input value="1234567">'


def test_typed_amounts_may_have_thousand_separators():
    field = forms.DecimalField(localize=True, decimal_places=2)
    for typed in ("1 290,50", "1\u202f290,50", "1290,50"):  # typed, pasted from a Pilote page, plain
        assert field.clean(typed) == Decimal("1290.50")
