"""Sales' items in the to-do list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import TodoItem
from pilote.sales.models import NumberReservation

# An issue takes well under a minute from its number to its seal: a reservation older than this was interrupted.
INTERRUPTED_AFTER = dt.timedelta(minutes=5)


def interrupted_issues(user) -> list[TodoItem]:
    """Drafts holding a reserved number whose issue did not finish: issue them again (they keep the number)."""
    stale = timezone.now() - INTERRUPTED_AFTER
    reservations = (
        NumberReservation.objects.filter(reserved_at__lt=stale)
        .select_related("invoice__customer")
        .only("number", "date", "invoice__customer__kind", "invoice__customer__name", "invoice__customer__first_name")
        .order_by("number")[:20]
    )
    return [
        TodoItem(
            f"Émission interrompue : {r.number} ({r.invoice.customer.display_name}) — à émettre de nouveau",
            reverse("sales:invoice-detail", args=[r.invoice_id]),
            r.date,
            kind="Facture",
            urgent=True,
        )
        for r in reservations
    ]
