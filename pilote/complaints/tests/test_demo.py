"""The demo loader: a dozen complaints in every state, linked to invoices when the sales demo made some."""

import datetime as dt
import random
from collections import Counter

from pilote.complaints import demo
from pilote.complaints.models import Complaint, Status
from pilote.contacts.models import Interaction


def _load(personas, seed=7):
    demo.load(random.Random(seed), personas)
    return Complaint.objects.order_by("pk")


def test_demo_complaints_in_every_state(customers, personas):
    complaints = _load(personas)
    assert complaints.count() == len(demo.PLANS) == 12
    assert set(Counter(complaints.values_list("status", flat=True))) == set(Status.values)
    assert not complaints.filter(invoice__isnull=False).exists()  # no sales demo here: no link
    answered = complaints.filter(first_answer_on__isnull=False).count()
    assert Interaction.objects.count() == answered  # each answer is in the customer's history


def test_demo_is_deterministic_and_links_invoices_when_there_are_some(sales_documents, personas, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_TODAY", dt.date(2026, 5, 1))  # the invoices are of 2 March 2026
    complaints = _load(personas)
    linked = complaints.filter(invoice__isnull=False)
    assert linked.count() == 2  # the two invoice plans received within 60 days after an invoice
    assert all(c.invoice.customer_id == c.customer_id for c in linked)
    first = list(complaints.values_list("customer_id", "subject", "status", "invoice_id"))
    Complaint.objects.all().delete()
    assert list(_load(personas).values_list("customer_id", "subject", "status", "invoice_id")) == first


def test_no_customer_no_complaint(db, personas):
    assert not _load(personas).exists()
