import datetime as dt

import pytest

from pilote.hr.services import employees as services


def employee_fields(**overrides) -> dict:
    fields = {
        "last_name": "Durand",
        "first_names": "Alice Marie",
        "sex": "F",
        "birth_date": dt.date(1995, 10, 14),
        "nationality": "Française",
        "nir": "2 95 10 99 126 111 93",
        "job": "Comptable",
        "qualification": "Technicienne",
        "cse_category": "technicien_am",
        "contract_type": "cdi",
        "entry_date": dt.date(2024, 3, 1),
    }
    return fields | overrides


@pytest.fixture
def hire(personas):
    def make(**overrides):
        return services.hire_employee(
            actor=personas["rh"], recorded_on=dt.date(2024, 3, 1), **employee_fields(**overrides)
        )

    return make


@pytest.fixture
def books(personas):
    from pilote.core.models import Structure
    from pilote.ledger import bank
    from pilote.ledger import services as ledger
    from pilote.ledger.tests.years import open_years_to_today

    ledger.initialise_books(structure=Structure.objects.get(), actor=None)
    open_years_to_today()  # reports are paid on the local today
    return bank.create_bank_account(actor=personas["comptable"], name="Banque", iban="FR7630004000010001234567830",
                                    journal_code="BQ")  # fmt: skip


@pytest.fixture
def staff(hire, personas):
    boss = hire(last_name="Martin", first_names="Claire", nir="", user=personas["direction"])
    thomas = hire(last_name="Girard", first_names="Thomas", sex="M", nir="", user=personas["salarie"], manager=boss)
    return {"boss": boss, "thomas": thomas}
