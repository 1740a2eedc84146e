"""Form fields every app uses instead of Django's where Django's lets bad input reach the database."""

from pathlib import Path

import pytest
from django import forms

from pilote.contacts.models import Contact
from pilote.core.forms import ModelMultipleChoiceField

PILOTE = Path(__file__).resolve().parents[2]


def test_an_id_beyond_64_bits_is_an_invalid_choice_not_a_server_error():
    field = ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False)
    for value in ("-99999999999999999999", "99999999999999999999"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean([value])
        assert refused.value.code == "invalid_choice"


def test_no_form_uses_djangos_multiple_choice_of_models():
    """Django's ModelMultipleChoiceField checks the chosen ids with one `__in` query that an id beyond 64 bits
    overflows (a 500 on SQLite: the junk-input test found one on the training page): pilote.core.forms' one."""
    found = [
        str(path.relative_to(PILOTE))
        for path in PILOTE.rglob("*.py")
        if "tests" not in path.parts and "forms.ModelMultipleChoiceField(" in path.read_text(encoding="utf-8")
    ]
    assert found == []
