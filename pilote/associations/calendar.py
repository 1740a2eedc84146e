"""The grants' reports and deadlines still to do, shown read-only in the office's agenda
(core.registry.register_calendar_layer)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pilote.core.registry import LayerEntry


def grant_deadlines(user, first: dt.date, last: dt.date) -> list[LayerEntry]:
    from pilote.associations.models import GrantDeadline

    deadlines = (GrantDeadline.objects.filter(due_on__gte=first, due_on__lte=last, done_on__isnull=True)
                 .select_related("grant").order_by("due_on", "pk")[:200])  # fmt: skip
    return [LayerEntry(f"{d.label} — subvention {d.grant.code}", d.due_on,
                       reverse("associations:grant-detail", args=[d.grant_id])) for d in deadlines]  # fmt: skip
