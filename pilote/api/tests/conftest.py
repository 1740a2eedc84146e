"""Fixtures of the API's tests."""

import datetime as dt

import pytest

from pilote.api.tests.days import year
from pilote.core import services
from pilote.core.models import Structure


@pytest.fixture
def structure(structure):
    """The project's test structure with its fiscal year on the current local year (its books are opened from it),
    so that the API's tests — the treasury forecast needs an open year, an expense posted today needs its year —
    pass on any day, not only in 2026."""
    Structure.objects.filter(pk=structure.pk).update(fiscal_year_start=dt.date(year(), 1, 1),
                                                     fiscal_year_end=dt.date(year(), 12, 31))  # fmt: skip
    structure.refresh_from_db()
    return structure


@pytest.fixture
def call(client, personas):
    """call(role, method, url, body=None) → response, with a fresh token of that persona."""
    keys = {}

    def make(role: str, method: str, url: str, body=None):
        if role not in keys:
            keys[role] = services.create_api_token(actor=personas[role], name="test")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        if body is None:
            return getattr(client, method)(url, **auth)
        return getattr(client, method)(url, body, content_type="application/json", **auth)

    return make
