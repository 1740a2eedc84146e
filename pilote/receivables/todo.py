"""The home page's to-do: customers whose next dunning level is due, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core.collation import french
from pilote.core.registry import TodoItem
from pilote.lib.formats import format_eur
from pilote.receivables import dunning, ledger_items

LIMIT = 20
BATCH = 50  # customers whose dunning is worked out at a time, in name order, until LIMIT are found due


def due_proposals(on: dt.date, limit: int) -> list:
    """The first `limit` customers (in French name order, as the dunning run lists them) with a level due: worked
    out a batch of customers at a time, not over every overdue invoice of the books to show 20 of them (the
    home page spent ~1 s there on 100,000 invoices)."""
    late = Q(pk__in=dunning.overdue_invoices(on).values("customer_id"))
    old = ledger_items.open_lines(due_before=on, chased_only=True)  # old invoices taken over, not held
    late |= Q(pk__in=old.values("auxiliary__contact_id"))
    ids = list(Contact.objects.filter(late).order_by(french("name"), "pk").values_list("pk", flat=True))
    found = []
    for start in range(0, len(ids), BATCH):
        found += dunning.proposals(on, ids[start : start + BATCH])
        if len(found) >= limit:
            break
    return found[:limit]


def todo_items(user) -> list[TodoItem]:
    today = timezone.localdate()
    items = []
    for proposal in due_proposals(today, LIMIT):
        level = proposal.level
        late = [item for item in proposal.items if item.level is not None]
        due = min(item.invoice.due_date + dt.timedelta(days=item.level.days_after_due) for item in late)
        count = len(late)
        items.append(
            TodoItem(
                f"{level.title} à envoyer : {proposal.customer.display_name} ({count} facture{'s' if count > 1 else ''}"
                f", {format_eur(proposal.total_due)} dus)",
                reverse("receivables:customer", args=[proposal.customer.pk]),
                due,
                "Relance",
            )
        )
    return items
