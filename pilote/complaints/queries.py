"""Reads on complaints: the filtered list, sort keys, export columns, the detail page and the indicators
(`indicators(period)`, also meant for dashboards) — each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils import timezone

from pilote.complaints.models import Category, Complaint, Severity, Status
from pilote.core.collation import french
from pilote.core.listing import Column

SEVERITY_RANK = Case(
    When(severity=Severity.CRITICAL, then=Value(3)),
    When(severity=Severity.MAJOR, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)
SORTS = {
    "recue": ["received_on"],
    "client": [french("customer__name"), french("customer__first_name")],
    "gravite": [SEVERITY_RANK],
    "statut": ["status"],
    "echeance": ["answer_due"],
    "objet": [french("subject")],
}
DEFAULT_SORT = "-recue"


def _awaiting_answer(today: dt.date) -> Q:
    return Q(first_answer_on__isnull=True) & ~Q(status=Status.CLOSED) & Q(answer_due__lt=today)


def filter_complaints(data: dict, today: dt.date | None = None):
    """Complaints matching the list filters (`data` is a cleaned ComplaintFilterForm)."""
    today = today or timezone.localdate()
    complaints = Complaint.objects.all()
    status = data.get("statut")
    if status == "ouvertes":
        complaints = complaints.exclude(status=Status.CLOSED)
    elif status == "en_retard":
        complaints = complaints.filter(_awaiting_answer(today))
    elif status in Status.values:
        complaints = complaints.filter(status=status)
    for key, field_name in (("categorie", "category"), ("gravite", "severity")):
        if data.get(key):
            complaints = complaints.filter(**{field_name: data[key]})
    assignee = data.get("responsable")
    if assignee == "aucun":
        complaints = complaints.filter(assignee__isnull=True)
    elif assignee:
        complaints = complaints.filter(assignee_id=assignee)
    if data.get("client"):
        complaints = complaints.filter(customer=data["client"])
    if data.get("du"):
        complaints = complaints.filter(received_on__gte=data["du"])
    if data.get("au"):
        complaints = complaints.filter(received_on__lte=data["au"])
    query = (data.get("q") or "").strip()
    if query:
        condition = (
            Q(subject__icontains=query)
            | Q(description__icontains=query)
            | Q(customer__name__icontains=query)
            | Q(customer__first_name__icontains=query)
        )
        number = query.upper().removeprefix("REC-").lstrip("0")
        if number.isdigit():
            condition |= Q(pk=int(number))
        complaints = complaints.filter(condition)
    return complaints


def with_list_relations(complaints, today: dt.date | None = None):
    late = ExpressionWrapper(_awaiting_answer(today or timezone.localdate()), output_field=BooleanField())
    return complaints.select_related("customer", "assignee").annotate(late=late)


def export_rows(complaints):
    return complaints.select_related("customer", "assignee", "order", "invoice").iterator(chunk_size=2000)


def _yes_no(value):
    return None if value is None else bool(value)


EXPORT_COLUMNS = [
    Column("Référence", lambda c: c.reference),
    Column("Reçue le", lambda c: c.received_on),
    Column("Client", lambda c: c.customer.display_name),
    Column("Canal", lambda c: c.get_channel_display()),
    Column("Catégorie", lambda c: c.get_category_display()),
    Column("Gravité", lambda c: c.get_severity_display()),
    Column("Attente du client", lambda c: c.get_expectation_display()),
    Column("Objet", lambda c: c.subject),
    Column("Commande", lambda c: c.order.number if c.order_id else ""),
    Column("Facture", lambda c: (c.invoice.number or "") if c.invoice_id else ""),
    Column("Responsable", lambda c: c.assignee.get_full_name() if c.assignee_id else ""),
    Column("Échéance", lambda c: c.answer_due),
    Column("Statut", lambda c: c.get_status_display()),
    Column("Première réponse le", lambda c: c.first_answer_on),
    Column("Répondue dans le délai", lambda c: _yes_no(c.answered_in_time)),
    Column("Close le", lambda c: c.closed_on),
    Column("Résolution", lambda c: c.get_resolution_display()),
    Column("Cause racine", lambda c: c.root_cause),
]


def complaint_detail(pk: int) -> Complaint:
    return Complaint.objects.select_related("customer", "assignee", "order", "invoice", "created_by").get(pk=pk)


def timeline(complaint: Complaint):
    return complaint.entries.select_related("author").order_by("at", "id")


# --- Indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @classmethod
    def last_months(cls, months: int, today: dt.date | None = None) -> Period:
        from pilote.lib.dates import add_months

        today = today or timezone.localdate()
        return cls(add_months(today, -months) + dt.timedelta(days=1), today)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int  # percent of the longest bar, for the chart
    key: str = ""


@dataclass(frozen=True)
class Indicators:
    period: Period
    received: int
    open: int
    overdue: int
    due: int  # received in the period and answered, or unanswered past their deadline
    answered_in_time: int
    answered_in_time_rate: Decimal | None  # percent, one decimal
    avg_days_to_answer: Decimal | None  # calendar days from receipt, one decimal
    avg_days_to_close: Decimal | None
    by_category: list[Bar] = field(default_factory=list)
    by_severity: list[Bar] = field(default_factory=list)
    top_customers: list[Bar] = field(default_factory=list)


def _days(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        value = Decimal(value.total_seconds()) / Decimal(86400)
    return Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _bars(rows: list[tuple[str, str, int]]) -> list[Bar]:
    longest = max((count for _, _, count in rows), default=0)
    return [Bar(label, count, round(100 * count / longest) if longest else 0, key) for key, label, count in rows]


def _duration(end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F("received_on"), output_field=DurationField())


def indicators(period: Period | None = None, today: dt.date | None = None, *, breakdown: bool = True) -> Indicators:
    """Complaints received in `period` (default: the last 12 months) and the current backlog (open,
    overdue: no first answer and the deadline passed), in four queries; in one without the `breakdown` by
    category, severity and customer (the dashboards' tiles).

    « Answered within the deadline » is measured on the complaints of the period that are due: answered,
    or past their deadline without an answer (those count as late)."""
    today = today or timezone.localdate()
    period = period or Period.last_months(12, today)
    in_period = Q(received_on__gte=period.start, received_on__lte=period.end)
    figures = Complaint.objects.aggregate(
        received=Count("pk", filter=in_period),
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=_awaiting_answer(today)),
        due=Count("pk", filter=in_period & (Q(first_answer_on__isnull=False) | Q(answer_due__lt=today))),
        in_time=Count("pk", filter=in_period & Q(first_answer_on__lte=F("answer_due"))),
        to_answer=Avg(_duration("first_answer_on"), filter=in_period & Q(first_answer_on__isnull=False)),
        to_close=Avg(_duration("closed_on"), filter=in_period & Q(status=Status.CLOSED)),
    )
    per_category, per_severity, customers = {}, {}, []
    if breakdown:
        received = Complaint.objects.filter(in_period)
        per_category = dict(received.values_list("category").annotate(n=Count("pk")).order_by())
        per_severity = dict(received.values_list("severity").annotate(n=Count("pk")).order_by())
        customers = (
            received.values("customer_id", "customer__name", "customer__first_name", "customer__kind")
            .annotate(n=Count("pk"))
            .order_by("-n", french("customer__name"), "customer_id")[:5]
        )
    rate = None
    if figures["due"]:
        rate = (Decimal(100) * figures["in_time"] / figures["due"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Indicators(
        period=period,
        received=figures["received"],
        open=figures["open"],
        overdue=figures["overdue"],
        due=figures["due"],
        answered_in_time=figures["in_time"],
        answered_in_time_rate=rate,
        avg_days_to_answer=_days(figures["to_answer"]),
        avg_days_to_close=_days(figures["to_close"]),
        by_category=_bars([(c.value, c.label, per_category.get(c.value, 0)) for c in Category]),
        by_severity=_bars([(s.value, s.label, per_severity.get(s.value, 0)) for s in reversed(Severity)]),
        top_customers=_bars([(str(row["customer_id"]), _customer_name(row), row["n"]) for row in customers]),
    )


def _customer_name(row: dict) -> str:
    if row["customer__kind"] == "person" and row["customer__first_name"]:
        return f"{row['customer__first_name']} {row['customer__name']}"
    return row["customer__name"]
