"""What hr shows other domains through core's registries: the ends of fixed-term contracts, read-only in the office's
agenda (register_calendar_layer: the current version of each employee's contract whose end date falls in the days
shown), and the dates of accidents at work, for the DUERP's update reminder (register_work_accidents)."""

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


def work_accident_dates(since: dt.date | None) -> list[dt.date]:
    """The first days of the accidents at work recorded after `since` (the DUERP's update reminder reads them
    through core.registry.register_work_accidents: dates only)."""
    from pilote.hr.models import Absence, AbsenceKind, AbsenceStatus

    accidents = Absence.objects.filter(kind=AbsenceKind.WORK_ACCIDENT).exclude(
        status__in=(AbsenceStatus.REFUSED, AbsenceStatus.CANCELLED)
    )
    if since is not None:
        accidents = accidents.filter(start__gt=since)
    return list(accidents.values_list("start", flat=True).distinct())
