"""The ends of fixed-term contracts, shown read-only in the office's agenda (core.registry.register_calendar_layer):
the current version of each employee's contract whose end date falls in the days shown."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from pilote.core.registry import LayerEntry


def contract_ends(user, first: dt.date, last: dt.date) -> list[LayerEntry]:
    from pilote.hr.models import Contract

    later = Contract.objects.filter(employee=OuterRef("employee"), version__gt=OuterRef("version"))
    contracts = (Contract.objects.filter(end_date__gte=first, end_date__lte=last).exclude(Exists(later))
                 .select_related("employee").order_by("end_date", "pk")[:200])  # fmt: skip
    return [
        LayerEntry(f"Fin de contrat — {c.employee}", c.end_date, reverse("hr:employee-detail", args=[c.employee_id]))
        for c in contracts
    ]
