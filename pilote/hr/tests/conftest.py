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
