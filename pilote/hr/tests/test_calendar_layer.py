"""The ends of contracts shown in the office's agenda: the current version's end date only, to HR and direction."""

import datetime as dt

import pytest

from pilote.core.registry import calendar_layers_for
from pilote.hr.models import Contract
from pilote.hr.services import employees

pytestmark = pytest.mark.django_db


def test_contract_ends_are_an_agenda_layer(personas):
    employee = employees.hire_employee(actor=personas["rh"], last_name="Durand", first_names="Alice", sex="F",
                                       birth_date=dt.date(1995, 10, 14), job="Comptable",
                                       entry_date=dt.date(2026, 3, 1))  # fmt: skip
    common = {
        "employee": employee,
        "kind": "cdd",
        "effective_from": dt.date(2026, 3, 1),
        "job": "Comptable",
        "monthly_gross": 2500,
    }
    Contract.objects.create(version=1, end_date=dt.date(2026, 11, 30), **common)
    Contract.objects.create(version=2, end_date=dt.date(2026, 12, 31), **common)  # renewed: the new end counts
    layer = next(layer for layer in calendar_layers_for(personas["rh"]) if layer.key == "rh")
    entries = layer.entries(personas["rh"], dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert [(e.day, e.title) for e in entries] == [(dt.date(2026, 12, 31), "Fin de contrat — Alice Durand")]
    assert all(layer.key != "rh" for layer in calendar_layers_for(personas["assistant"]))


def test_interviews_due_are_an_agenda_layer(personas, settings):
    from pilote.hr.models_training import AnnualReview

    settings.PILOTE_HR_INTERVIEW_RULE = "2025"
    employee = employees.hire_employee(actor=personas["rh"], last_name="Durand", first_names="Alice", sex="F",
                                       birth_date=dt.date(1995, 10, 14), job="Comptable",
                                       entry_date=dt.date(2026, 3, 1))  # fmt: skip
    AnnualReview.objects.create(employee=employee, held_on=dt.date(2026, 4, 10), reviewer="Direction")
    layer = next(layer for layer in calendar_layers_for(personas["rh"]) if layer.key == "entretiens")
    entries = layer.entries(personas["rh"], dt.date(2027, 2, 1), dt.date(2027, 4, 30))
    # Loi 2025-989: the first professional interview within a year of hiring; the annual review a year after the last.
    assert [(e.day, e.title) for e in entries] == [
        (dt.date(2027, 3, 1), "Entretien professionnel de Alice Durand à tenir"),
        (dt.date(2027, 4, 10), "Entretien annuel de Alice Durand"),
    ]
    assert layer.entries(personas["rh"], dt.date(2027, 5, 1), dt.date(2027, 5, 31)) == []
    assert all(layer.key != "entretiens" for layer in calendar_layers_for(personas["assistant"]))
