"""The tenders' deadlines (questions, submission) as a read-only layer of the office agenda (core.registry:
the pipeline never imports the office)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import LayerEntry
from pilote.pipeline.models import OPEN_TENDER_STATUSES, Tender


def tender_deadlines(user, first: dt.date, last: dt.date) -> list[LayerEntry]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    tenders = Tender.objects.filter(status__in=OPEN_TENDER_STATUSES).filter(
        Q(submission_deadline__gte=start, submission_deadline__lt=end)
        | Q(questions_deadline__gte=start, questions_deadline__lt=end)
    )
    entries = []
    for tender in tenders.order_by("pk")[:200]:
        url = reverse("pipeline:tender-detail", args=[tender.pk])
        for moment, what in ((tender.submission_deadline, "Remise des offres"),
                             (tender.questions_deadline, "Questions")):  # fmt: skip
            if moment is not None and start <= moment < end:
                local = timezone.localtime(moment)
                entries.append(LayerEntry(f"{what} — {tender.title}", local.date(), url, local.time()))
    return entries
