"""The home page (to-do list of every app, the indicators' panel, the menu's tiles) runs a bounded number of
queries for each role, whatever the data: the same count with one late customer, task and opportunity as with
six of each (no query per item), and under a fixed ceiling."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

# The ceiling per role (measured: direction 52, comptable 36, commercial 37 on this data — 60, 41, 42 before the
# to-do providers read each kind of item once with only the columns they print, 67, 46, 47 before the indicators
# shared their reads with the to-do list and grouped them; the page has every app's to-do provider and the indicators
# the role reads).
CEILING = {"direction": 52, "comptable": 36, "commercial": 37}


def _activity(personas, start: int, count: int) -> None:
    """`count` customers each with a late issued invoice, and for each role an open office task and an
    opportunity whose next action is due."""
    from pilote.contacts.models import Contact
    from pilote.office.models import Task
    from pilote.pipeline.models import Opportunity
    from pilote.sales.models import Invoice

    today = timezone.localdate()
    customers = Contact.objects.bulk_create(
        Contact(name=f"Client {start + i:03d}", is_customer=True, email=f"c{start + i}@example.fr")
        for i in range(count)
    )
    Invoice.objects.bulk_create(
        Invoice(
            customer=c,
            date=today - dt.timedelta(days=70),
            due_date=today - dt.timedelta(days=40),
            status="issued",
            number=f"F-H-{start + i:03d}",
            issued_at=timezone.now(),
            total_net=D("100"),
            total_vat=D("20"),
            total_gross=D("120"),
        )  # fmt: skip
        for i, c in enumerate(customers)
    )
    for user in personas.values():
        for i in range(count):
            Task.objects.create(title=f"Tâche {start + i}", owner=user, created_by=user, due_on=today)
            Opportunity.objects.create(contact=customers[i], title=f"Affaire {start + i}", owner=user,
                                       next_action="Rappeler", next_action_date=today)  # fmt: skip


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_home_page_queries_are_bounded(client, personas):
    """One test for the three roles of the load journeys (the structure and personas are set up once)."""
    _activity(personas, 0, 1)
    counts = {}
    for role in CEILING:
        client.force_login(personas[role])
        _count(client)  # the session's first request
        counts[role] = [_count(client)]
    _activity(personas, 1, 6)
    for role in CEILING:
        client.force_login(personas[role])
        _count(client)
        counts[role].append(_count(client))
        page = client.get(reverse("core:home")).content.decode()
        if role != "comptable":
            assert "Tâche 0" in page and "Affaire 0" in page  # the items are there
    for role, (few, many) in counts.items():
        assert many == few <= CEILING[role], (role, few, many)
