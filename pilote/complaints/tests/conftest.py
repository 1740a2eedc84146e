"""Complaint fixtures: two customers and a helper recording a complaint on a fixed date."""

import datetime as dt

import pytest

from pilote.complaints import services
from pilote.contacts.models import Contact
from pilote.sales.tests import conftest as sales_conftest

MONDAY = dt.date(2026, 3, 2)
shop = sales_conftest.shop  # the sales fixture (books, catalogue, customer) for order and invoice links


@pytest.fixture
def customers(db):
    return {
        "bakery": Contact.objects.create(name="Boulangerie Martin", is_customer=True, email="b@example.fr"),
        "garage": Contact.objects.create(name="Garage du Rhône", is_customer=True),
        "durand": Contact.objects.create(kind="person", name="Durand", first_name="Léa", is_customer=True),
    }


@pytest.fixture
def record(personas, customers):
    def make(customer="bakery", received_on=MONDAY, severity="major", category="quality", **extra):
        fields = {
            "customer": customers[customer],
            "received_on": received_on,
            "channel": "phone",
            "category": category,
            "severity": severity,
            "subject": "Chaises livrées rayées",
            "description": "Trois chaises sur dix présentent des rayures.",
            "expectation": "replacement",
        }
        fields.update(extra)
        return services.record_complaint(actor=personas["commercial"], **fields)

    return make


@pytest.fixture
def sales_documents(shop):
    """An order and an issued invoice of shop's customer (Boulangerie Martin, SIREN 732829320), and the
    same for another customer."""
    from decimal import Decimal

    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    actor, day = shop["actor"], shop["day"]

    def documents(customer):
        lines = [LineSpec.from_product(shop["p"]["chair"], Decimal(2))]
        order = sales.create_order(actor=actor, customer=customer, date=day, lines=lines)
        draft = sales.create_invoice(actor=actor, customer=customer, date=day, lines=lines)
        return order, issuing.issue_invoice(actor=actor, invoice=draft, render_pdf=False)

    other = Contact.objects.create(
        name="Imprimerie Rhône",
        is_customer=True,
        siren="552100554",
        address_line1="1 quai",
        postal_code="69002",
        city="Lyon",
    )
    order, invoice = documents(shop["customer"])
    other_order, other_invoice = documents(other)
    return {
        "customer": shop["customer"],
        "order": order,
        "invoice": invoice,
        "other": other,
        "other_order": other_order,
        "other_invoice": other_invoice,
    }
