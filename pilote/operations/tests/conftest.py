import pytest

from pilote.catalog.models import Product
from pilote.contacts.models import Contact
from pilote.operations.services import interventions, stock


@pytest.fixture
def depot(personas):
    return stock.create_location(actor=personas["assistant"], code="dep", name="Dépôt")


@pytest.fixture
def toner(personas, depot):
    product = Product.objects.create(reference="TON-K", name="Toner noir", unit_price="89.90", kind="goods")
    return stock.track_product(actor=personas["assistant"], product=product, default_location=depot,
                               reorder_point="5", reorder_quantity="20")  # fmt: skip


@pytest.fixture
def setup(personas):
    """A customer and a technician (the salarie persona) for the interventions tests."""
    customer = Contact.objects.create(name="Boulangerie Martin", is_customer=True)
    tech = personas["salarie"]
    interventions.set_technician(actor=personas["assistant"], user=tech, skills="copieurs, réseau")
    return {"customer": customer, "tech": tech, "planner": personas["assistant"]}
