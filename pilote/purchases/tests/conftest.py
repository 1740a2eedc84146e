import pytest

from pilote.ledger.tests.years import open_years_to_today
from pilote.purchases.tests import factories


@pytest.fixture
def buy(structure, personas):
    """The test structure's books, its assistant and accountant, and the supplier of the sample invoices; its fiscal
    years run to the local today (tests dated from today, run after the structure's 2026 year: make test-future)."""
    made = factories.make_purchases(structure, personas)
    open_years_to_today()
    return made
