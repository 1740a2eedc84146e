import pytest

from pilote.purchases.tests import factories


@pytest.fixture
def buy(structure, personas):
    """The test structure's books, its assistant and accountant, and the supplier of the sample invoices."""
    return factories.make_purchases(structure, personas)
