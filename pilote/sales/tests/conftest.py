"""Sales fixtures (the data itself is built by factories.make_shop, shared with other apps' tests)."""

import pytest

from pilote.sales.tests.factories import make_shop


@pytest.fixture
def shop(structure, personas):
    return make_shop(structure, personas)
