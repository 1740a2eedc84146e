"""What hr shows other domains through core's registries: the ends of fixed-term contracts and the interviews due,
read-only in the office's agenda (register_calendar_layer: the current version of each employee's contract whose end
date falls in the days shown; the professional interview and review due under the configured rule, and the annual
review a year after the last one held), and the dates of accidents at work, for the DUERP's update reminder
(register_work_accidents)."""

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


def interviews_due(user, first: dt.date, last: dt.date) -> list[LayerEntry]:
    """The interviews to hold by a date in the days shown, for the people present today: the professional interview
    and the review (état des lieux) due under the rule (queries/interviews.due_rows), and, for those who had an
    annual review, the next one a year after the last. Dates and names only: the contents stay in hr."""
    from django.db.models import Max

    from pilote.hr.interviews import REVIEW
    from pilote.hr.models_training import AnnualReview
    from pilote.hr.queries.interviews import due_rows, present
    from pilote.lib.dates import add_months, local_today

    today = local_today()
    people = present(today)
    entries = []
    for row in due_rows(today, people):
        url = reverse("hr:employee-detail", args=[row.employee.pk])
        for due in (row.interview, row.review):
            if first <= due.due <= last:
                what = "État des lieux récapitulatif" if due.kind == REVIEW else "Entretien professionnel"
                entries.append(LayerEntry(f"{what} de {row.employee.full_name} à tenir", due.due, url))
    annual = AnnualReview.objects.filter(employee__in=people).values("employee").annotate(last=Max("held_on"))
    names = {e.pk: e.full_name for e in people}
    for row in annual:
        due = add_months(row["last"], 12)
        if first <= due <= last and row["employee"] in names:
            entries.append(LayerEntry(f"Entretien annuel de {names[row['employee']]}", due,
                                      reverse("hr:employee-detail", args=[row["employee"]])))  # fmt: skip
    return sorted(entries, key=lambda entry: (entry.day, entry.title))
