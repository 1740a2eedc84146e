"""The VAT returns' due dates in the office's agenda: declared and still to declare, monthly or quarterly, to the
roles that read the books; nothing for a structure that declares no VAT."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.core.models import Structure, VatRegime
from pilote.core.registry import calendar_layers_for
from pilote.ledger import vat

pytestmark = pytest.mark.django_db


def _layer(user):
    return next(layer for layer in calendar_layers_for(user) if layer.key == "tva")


def test_monthly_returns_due_the_following_month(books, personas, settings):
    settings.PILOTE_VAT_DUE_DAY = 19
    vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    entries = _layer(personas["comptable"]).entries(personas["comptable"], dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert [(e.day, e.title) for e in entries] == [
        (dt.date(2026, 2, 19), "TVA : CA3 janvier 2026 déclarée"),
        (dt.date(2026, 3, 19), "TVA : CA3 février 2026 à déposer et payer"),
        (dt.date(2026, 4, 20), "TVA : CA3 mars 2026 à déposer et payer"),  # the 19th is a Sunday
    ]
    assert entries[0].url == reverse("ledger:vat-return")
    assert all(layer.key != "tva" for layer in calendar_layers_for(personas["assistant"]))


def test_quarterly_returns_and_the_setting_day(books, personas, settings):
    settings.PILOTE_VAT_DUE_DAY = 24
    vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    entries = _layer(personas["comptable"]).entries(personas["comptable"], dt.date(2026, 4, 1), dt.date(2026, 10, 31))
    assert [(e.day, e.title) for e in entries] == [
        (dt.date(2026, 4, 24), "TVA : CA3 janvier à mars 2026 déclarée"),
        (dt.date(2026, 7, 24), "TVA : CA3 avril à juin 2026 à déposer et payer"),
        (dt.date(2026, 10, 26), "TVA : CA3 juillet à septembre 2026 à déposer et payer"),  # 24: a Saturday
    ]


def test_no_vat_deadlines_without_vat(books, personas):
    structure = Structure.objects.filter(pk=1).first()
    if structure is None:
        pytest.skip("no structure in this fixture")
    structure.vat_regime = VatRegime.FRANCHISE
    structure.save(update_fields=["vat_regime"])
    assert (
        _layer(personas["comptable"]).entries(personas["comptable"], dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == []
    )
