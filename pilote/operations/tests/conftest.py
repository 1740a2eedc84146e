import pytest

from pilote.catalog.models import Product
from pilote.operations.services import stock


@pytest.fixture
def depot(personas):
    return stock.create_location(actor=personas["assistant"], code="dep", name="Dépôt")


@pytest.fixture
def toner(personas, depot):
    product = Product.objects.create(reference="TON-K", name="Toner noir", unit_price="89.90", kind="goods")
    return stock.track_product(actor=personas["assistant"], product=product, default_location=depot,
                               reorder_point="5", reorder_quantity="20")  # fmt: skip
