"""The customer pickers (core.pickers). A contact with an order or an invoice is a customer whatever its
flag says (issue 8 point 6: a prospect with invoices vanished from the complaint form)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from pilote.contacts.models import Contact
from pilote.contacts.pickers import contact_picker


def has_documents() -> Q:
    from pilote.sales.models import Invoice, Order

    return Q(Exists(Invoice.objects.filter(customer=OuterRef("pk")))) | Q(
        Exists(Order.objects.filter(customer=OuterRef("pk")))
    )


def customers():
    """Active customers: the role, or an order or an invoice."""
    return Contact.objects.filter(is_active=True).filter(Q(is_customer=True) | has_documents())


def customers_and_prospects():
    """Who a quote, an order or an invoice may be made out to."""
    return Contact.objects.filter(is_active=True).filter(Q(is_customer=True) | Q(is_prospect=True) | has_documents())


CUSTOMERS = contact_picker("clients", "sales.view", customers)
CUSTOMERS_AND_PROSPECTS = contact_picker("clients-prospects", "sales.view", customers_and_prospects)
