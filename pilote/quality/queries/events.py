"""Reads on adverse events: the register (filters, sorts, exports through core.listing) and its statistics — by
month over the last 12 months, by nature, by seriousness — in three grouped queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from pilote.core.listing import Column
from pilote.lib.charts import MONTHS
from pilote.lib.dates import add_months
from pilote.quality import surveys
from pilote.quality.models import AdverseEvent, EventKind

SORTS = {"date": ["occurred_on"], "nature": ["kind"], "statut": ["status"], "grave": ["serious"]}
DEFAULT_SORT = "-date"


def filter_events(data: dict):
    events = AdverseEvent.objects.all()
    if data.get("annee"):
        events = events.filter(occurred_on__year=data["annee"])
    for key, field in (("nature", "kind"), ("statut", "status")):
        if data.get(key):
            events = events.filter(**{field: data[key]})
    if data.get("grave") == "oui":
        events = events.filter(serious=True)
    elif data.get("grave") == "non":
        events = events.filter(serious=False)
    if data.get("a_signaler"):
        events = events.filter(must_report=True, reported_on__isnull=True)
    if q := (data.get("q") or "").strip():
        events = events.filter(Q(facts__icontains=q) | Q(place__icontains=q) | Q(people_supported__icontains=q))
    return events


def with_list_relations(events):
    return events.select_related("declared_by", "nonconformity")


EXPORT_COLUMNS = [
    Column("Référence", lambda e: e.reference),
    Column("Survenu le", lambda e: e.occurred_on),
    Column("Lieu", lambda e: e.place),
    Column("Nature", lambda e: e.get_kind_display()),
    Column("EIG", lambda e: "oui" if e.serious else "non"),
    Column("À signaler", lambda e: "oui" if e.must_report else "non"),
    Column("Autorité", lambda e: e.get_authority_display()),
    Column("Signalé le", lambda e: e.reported_on),
    Column("Statut", lambda e: e.get_status_display()),
    Column("Non-conformité", lambda e: e.nonconformity.reference if e.nonconformity_id else ""),
    Column("Déclaré par", lambda e: e.declared_by.get_full_name() or e.declared_by.username),
]


def export_rows(events):
    return with_list_relations(events).iterator(chunk_size=500)


def statistics(today: dt.date) -> dict:
    start = add_months(today.replace(day=1), -11)
    recent = AdverseEvent.objects.filter(occurred_on__gte=start, occurred_on__lte=today)
    by_month = Counter({
        row["month"].strftime("%Y-%m"): row["n"]
        for row in recent.annotate(month=TruncMonth("occurred_on")).values("month").annotate(n=Count("pk")).order_by()
    })  # fmt: skip
    months = [add_months(start, n) for n in range(12)]
    labels = [f"{MONTHS[m.month - 1]} {m:%Y}" for m in months]
    month_counts = Counter(
        {label: by_month.get(m.strftime("%Y-%m"), 0) for label, m in zip(labels, months, strict=True)}
    )
    total = recent.count()
    kinds = Counter(dict(recent.values_list("kind").annotate(n=Count("pk")).order_by()))
    kind_counts = Counter({k.label: kinds.get(k.value, 0) for k in EventKind})
    serious = recent.aggregate(serious=Count("pk", filter=Q(serious=True)), pending=Count(
        "pk", filter=Q(must_report=True, reported_on__isnull=True)))  # fmt: skip
    severity = Counter({"Événements indésirables graves (EIG)": serious["serious"],
                        "Autres événements": total - serious["serious"]})  # fmt: skip
    largest = max(month_counts.values(), default=0)
    return {
        "total": total, "since": start, "pending": serious["pending"],
        "by_month": surveys.bars(labels, month_counts, largest),
        "by_kind": surveys.bars([k.label for k in EventKind], kind_counts, total),
        "by_severity": surveys.bars(list(severity), severity, total),
    }  # fmt: skip
