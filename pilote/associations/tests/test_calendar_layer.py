"""The grants' deadlines still to do, shown in the office's agenda to those who follow the grants."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.associations.models import Grant, GrantDeadline
from pilote.contacts.models import Contact
from pilote.core.registry import calendar_layers_for

pytestmark = pytest.mark.django_db


def test_grant_deadlines_are_an_agenda_layer(personas):
    funder = Contact.objects.create(name="Région", is_funder=True)
    grant = Grant.objects.create(code="SUB-1", funder=funder, title="Insertion", amount_requested=Decimal(1000),
                                 period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))  # fmt: skip
    GrantDeadline.objects.create(grant=grant, label="Compte rendu financier", due_on=dt.date(2026, 6, 30))
    GrantDeadline.objects.create(grant=grant, label="Bilan d'étape", due_on=dt.date(2026, 6, 1),
                                 done_on=dt.date(2026, 5, 28))  # fmt: skip
    layer = next(layer for layer in calendar_layers_for(personas["assistant"]) if layer.key == "subventions")
    entries = layer.entries(personas["assistant"], dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert [(e.day, e.title) for e in entries] == [(dt.date(2026, 6, 30), "Compte rendu financier — subvention SUB-1")]
    assert all(layer.key != "subventions" for layer in calendar_layers_for(personas["salarie"]))
