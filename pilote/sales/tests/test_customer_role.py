"""Issue 8 point 6: a prospect becomes a customer with its first order or invoice (it disappeared from the
complaint form), and contacts that already had documents are fixed by a data migration."""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps

from pilote.contacts import services as contacts
from pilote.contacts.models import Contact
from pilote.core.models import AuditEvent
from pilote.sales import services
from pilote.sales.models import Invoice
from pilote.sales.services import LineSpec

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def prospect(shop):
    return contacts.create_contact(actor=shop["actor"], name="Agence Horizon", is_prospect=True, city="Lyon")


def _lines(shop):
    return [LineSpec.from_product(shop["p"]["install"], D(2))]


def _assert_customer(contact):
    contact.refresh_from_db()
    assert (contact.is_customer, contact.is_prospect) == (True, False)


def test_a_quote_leaves_a_prospect_a_prospect(shop, prospect):
    services.create_quote(actor=shop["actor"], customer=prospect, date=DAY, valid_until=DAY, lines=_lines(shop))
    prospect.refresh_from_db()
    assert (prospect.is_customer, prospect.is_prospect) == (False, True)


def test_the_first_order_makes_a_customer(shop, prospect):
    services.create_order(actor=shop["actor"], customer=prospect, date=DAY, lines=_lines(shop))
    _assert_customer(prospect)
    assert AuditEvent.objects.filter(action="contacts.contact.became_customer", object_id=str(prospect.pk)).count() == 1
    services.create_order(actor=shop["actor"], customer=prospect, date=DAY, lines=_lines(shop))
    assert AuditEvent.objects.filter(action="contacts.contact.became_customer").count() == 1  # once


def test_a_converted_quote_makes_a_customer(shop, prospect):
    quote = services.create_quote(
        actor=shop["actor"], customer=prospect, date=DAY, valid_until=DAY + dt.timedelta(30), lines=_lines(shop)
    )
    services.convert_quote(actor=shop["actor"], quote=quote, date=DAY)
    _assert_customer(prospect)


def test_the_first_invoice_makes_a_customer(shop, prospect):
    services.create_invoice(actor=shop["actor"], customer=prospect, date=DAY, lines=_lines(shop))
    _assert_customer(prospect)


def test_the_data_migration_fixes_contacts_that_already_have_documents(shop, prospect):
    untouched = contacts.create_contact(actor=shop["actor"], name="Cabinet Sans Facture", is_prospect=True)
    Invoice.objects.create(customer=prospect, date=DAY, created_by=shop["actor"])  # as before the fix
    Contact.objects.filter(pk=prospect.pk).update(is_customer=False, is_prospect=True)
    migration = importlib.import_module("pilote.sales.migrations.0006_customers_from_documents")
    migration.mark_customers(apps, None)
    _assert_customer(prospect)
    untouched.refresh_from_db()
    assert (untouched.is_customer, untouched.is_prospect) == (False, True)
