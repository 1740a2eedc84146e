"""The home page's to-do: customers whose next dunning level is due, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import TodoItem
from pilote.lib.formats import format_eur
from pilote.receivables import dunning

LIMIT = 20


def todo_items(user) -> list[TodoItem]:
    today = timezone.localdate()
    items = []
    for proposal in dunning.proposals(today)[:LIMIT]:
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
