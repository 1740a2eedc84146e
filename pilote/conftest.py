"""Shared fixtures: the structure, and one persona per role (direction, accountant, HR, sales, employee…)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from pilote.core import services
from pilote.core.roles import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop beside live_server

pytest_plugins = ["pilote.browser_fixtures"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def structure(db):
    return services.create_structure(
        actor=None,
        type="company",
        legal_name="Atelier Test SARL",
        legal_form="SARL",
        siren="912345675",
        fiscal_year_start=dt.date(2026, 1, 1),
        fiscal_year_end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def personas(structure) -> dict[str, object]:
    """One active user per role, keyed by role value ('direction', 'comptable', …)."""
    return {
        role.value: services.create_user(
            actor=None,
            username=role.value,
            role=role,
            password="demo",
            validate=False,
            first_name=role.label.split()[0],
            last_name="Test",
        )
        for role in Role
    }


@pytest.fixture
def client_as(client, personas):
    """client_as('commercial') returns the test client signed in with that role."""

    def sign_in(role: str):
        client.force_login(personas[role])
        return client

    return sign_in
