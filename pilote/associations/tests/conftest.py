"""The associations' tests run in an association (ANC 2018-06 chart, fiscal year 2026, a bank account)."""

from __future__ import annotations

import datetime as dt

import pytest

from pilote.contacts.models import Contact
from pilote.core import services


@pytest.fixture
def structure(db):
    structure = services.create_structure(
        actor=None,
        type="association",
        legal_name="Les Amis du Théâtre",
        legal_form="ASSO",
        siren="912345675",
        address_line1="3 rue des Arts",
        postal_code="69001",
        city="Lyon",
        iban="FR7630004000010001234567830",
        vat_regime="non_assujettie",
        fiscal_year_start=dt.date(2026, 1, 1),
        fiscal_year_end=dt.date(2026, 12, 31),
    )
    services.initialise_structure(actor=None, structure=structure)
    return structure


@pytest.fixture
def books(structure, personas):
    from pilote.ledger.models_bank import BankAccount
    from pilote.ledger.tests.years import open_years_to_today

    open_years_to_today()  # the pages' defaults (dues up to date, register) are the local today's
    return {"actor": personas["comptable"], "bank": BankAccount.objects.get(), "day": dt.date(2026, 3, 2)}


@pytest.fixture
def donor(db):
    return Contact.objects.create(
        kind="person", name="Martin", first_name="Léa", email="lea.martin@example.org", address_line1="8 rue Neuve",
        postal_code="69002", city="Lyon",
    )  # fmt: skip


@pytest.fixture
def company_donor(db):
    return Contact.objects.create(kind="organisation", name="Imprimerie Durand", siren="443061841", city="Lyon")
