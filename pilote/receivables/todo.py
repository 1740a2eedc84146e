"""The home page's to-do: customers whose next dunning level is due, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core.collation import french_key
from pilote.core.registry import TodoItem
from pilote.lib.formats import format_eur
from pilote.receivables import dunning, ledger_items
from pilote.receivables.queries import id_set

LIMIT = 20
BATCH = 50  # customers whose dunning is worked out at a time, in name order, until LIMIT are found due


def late_customers(on: dt.date) -> list[int]:
    """The ids of the customers with an overdue invoice (or an old one taken over in the ledger), in French name
    order."""
    return _late_customers(on)[0]


def _late_customers(on: dt.date) -> tuple[list[int], set[int]]:
    """`late_customers`, and those of them with an old invoice taken over in the ledger. Three reads: each source's
    distinct customers (from the open invoices' partial index), then their names, sorted in Python — not one query
    whose plan probed the invoices once per contact of the file (~90 ms on 2,000 customers and 100,000 invoices)."""
    ids = set(dunning.overdue_invoices(on).order_by().values_list("customer_id", flat=True).distinct())
    taken_over = ledger_items.open_lines(due_before=on, chased_only=True)  # old invoices taken over, not held
    taken_over = set(taken_over.order_by().values_list("auxiliary__contact_id", flat=True).distinct())
    taken_over.discard(None)
    ids |= taken_over
    if not ids:
        return [], taken_over
    # Sorted here by the same keys as the SQL collation (`french_key`): SQLite called the collation back for each
    # comparison (16,000 calls for 1,560 late customers, ~25 ms), Python computes one cached key per name.
    names = Contact.objects.filter(pk__in=id_set(ids)).values_list("pk", "name")
    return [pk for pk, _ in sorted(names, key=lambda row: (french_key(row[1]), row[0]))], taken_over


def due_proposals(on: dt.date, limit: int) -> list:
    """The first `limit` customers (in French name order, as the dunning run lists them) with a level due: worked
    out a batch of customers at a time, not over every overdue invoice of the books to show 20 of them (the
    home page spent ~1 s there on 100,000 invoices). The penalties are not read (the items show the amounts due),
    nor the ledger's old invoices of a batch without any."""
    ids, taken_over = _late_customers(on)
    found = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found += dunning.proposals(on, batch, penalties=False, taken_over=not taken_over.isdisjoint(batch))
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
