"""Customer analysis: revenue by customer, product and month; ABC, RFM, payment delays, churn risk.

Revenue = issued invoices and deposits net of issued credit notes, excluding VAT (total_net), by invoice
date. By product, the invoice and credit-note lines are summed without the deposit invoices and the
deposit deduction lines (a final invoice carries the full product lines and deducts its deposits), keyed
by the catalogue reference, or the typed reference when the line has no product.
Every figure is summed in SQL over integer cents; the page runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, ExpressionWrapper, F, Func, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf

from pilote.contacts.models import Contact
from pilote.core.collation import french_key
from pilote.core.listing import Column
from pilote.lib.charts import MONTHS
from pilote.lib.dates import add_months
from pilote.lib.money import ZERO, MoneyField
from pilote.receivables import segments
from pilote.receivables.queries import BALANCE, id_set, open_invoices
from pilote.sales.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, PaymentAllocation

CREDIT = InvoiceKind.CREDIT_NOTE


def _signed(field: str, kind: str = "kind"):
    negative = ExpressionWrapper(-F(field), output_field=MoneyField())
    return Case(When(**{kind: CREDIT}, then=negative), default=F(field), output_field=MoneyField())


def issued():
    return Invoice.objects.filter(status=InvoiceStatus.ISSUED)


@dataclass(frozen=True)
class Period:
    """The last 12 months (the current one included) and the same months a year before."""

    months: list[dt.date]  # first day of each month, oldest first
    start: dt.date
    end: dt.date

    @classmethod
    def ending(cls, on: dt.date) -> Period:
        current = on.replace(day=1)
        months = [add_months(current, -n) for n in range(11, -1, -1)]
        return cls(months, months[0], on)

    @property
    def previous_start(self) -> dt.date:
        return add_months(self.start, -12)

    @property
    def previous_end(self) -> dt.date:
        return add_months(self.end, -12)


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month:%y}"


def axis_label(month: dt.date, index: int) -> str:
    """Short for a chart axis: the month, with the year below on the first month and on January."""
    return f"{MONTHS[month.month - 1]}\n{month:%Y}" if index == 0 or month.month == 1 else MONTHS[month.month - 1]


def revenue_by_month(period: Period) -> list[dict]:
    # Grouped by day in SQL (a plain GROUP BY on the indexed date: no per-row month function, which SQLite
    # runs in Python), then the few hundred days summed by month here; sums of cents, exact either way.
    rows = (
        issued()
        .filter(date__gte=period.previous_start, date__lte=period.end)
        .values("date")
        .annotate(revenue=Sum(_signed("total_net")))
        .order_by()
    )
    found: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        found[_as_date(row["date"]).replace(day=1)] += row["revenue"]
    out = []
    for month in period.months:
        before = add_months(month, -12)
        current, previous = found.get(month, ZERO), found.get(before, ZERO)
        out.append(
            {
                "month": month,
                "label": month_label(month),
                "revenue": current,
                "previous": previous,
                "change": _change(current, previous),
            }
        )
    return out


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _change(current: Decimal, previous: Decimal) -> Decimal | None:
    if previous <= 0:
        return None
    return ((current - previous) / previous * 100).quantize(Decimal("0.1"))


def revenue_by_customer(start: dt.date, end: dt.date) -> dict[int, Decimal]:
    rows = (
        issued()
        .filter(date__gte=start, date__lte=end)
        .values("customer_id")
        .annotate(revenue=Sum(_signed("total_net")))
    )
    return {row["customer_id"]: row["revenue"] for row in rows}


def revenue_by_product(start: dt.date, end: dt.date) -> list[dict]:
    lines = InvoiceLine.objects.filter(
        invoice__status=InvoiceStatus.ISSUED,
        invoice__date__gte=start,
        invoice__date__lte=end,
        invoice__kind__in=[InvoiceKind.INVOICE, CREDIT],
        deposit_invoice__isnull=True,
    )
    rows = (
        lines.annotate(key=Coalesce("product__reference", NullIf("reference", Value(""))))
        .values("key")
        .annotate(
            label=Coalesce(Max("product__name"), Max("description")),
            revenue=Sum(_signed("net_amount", "invoice__kind")),
        )
        .order_by("-revenue", "key")
    )
    return [
        {"reference": row["key"] or "Sans référence", "label": row["label"], "revenue": row["revenue"]} for row in rows
    ]


@dataclass
class CustomerRow:
    customer: Contact
    revenue: Decimal
    share: Decimal | None
    abc: str
    rfm: segments.RfmScore | None
    delay: Decimal | None
    risk: segments.Risk | None


@dataclass
class Analysis:
    period: Period
    months: list[dict]
    customers: list[CustomerRow]
    products: list[dict]
    total: Decimal
    previous_total: Decimal
    weighted_delay: Decimal | None
    dso: Decimal | None
    receivables: Decimal
    revenue_incl_vat: Decimal

    @property
    def abc_counts(self) -> dict[str, int]:
        counts = {"A": 0, "B": 0, "C": 0}
        for row in self.customers:
            counts[row.abc] += 1
        return counts

    @property
    def at_risk(self) -> list[CustomerRow]:
        return [row for row in self.customers if row.risk is not None]

    @property
    def change(self) -> Decimal | None:
        return _change(self.total, self.previous_total)


def _activity(period: Period, on: dt.date):
    """Per customer over 24 months: last invoice, invoice count, revenue of each 12-month half."""
    recent = Q(date__gte=period.start)
    rows = (
        issued()
        .filter(date__gte=period.previous_start, date__lte=on)
        .values("customer_id")
        .annotate(
            last=Max("date", filter=~Q(kind=CREDIT)),
            count=Count("pk", filter=~Q(kind=CREDIT)),
            revenue=Sum(_signed("total_net"), filter=recent),
            previous=Sum(_signed("total_net"), filter=~recent),
        )
    )
    return {row["customer_id"]: row for row in rows}


def _invoice_dates(period: Period, on: dt.date) -> dict[int, list[dt.date]]:
    """Each customer's distinct invoice days (churn_risk reads the set of days, not every invoice)."""
    days = (
        issued()
        .filter(date__gte=period.previous_start, date__lte=on)
        .exclude(kind=CREDIT)
        .values_list("customer_id", "date")
        .order_by()
        .distinct()
    )
    # Tens of thousands of (customer, day) pairs: read from the cursor, without the ORM's per-row converters
    # (SQLite gives ISO text, PostgreSQL dates).
    sql, params = days.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    dates: dict[int, list[dt.date]] = defaultdict(list)
    parse = dt.date.fromisoformat
    for customer_id, day in rows:
        dates[customer_id].append(parse(day) if isinstance(day, str) else day)
    return dates


class DaysBetween(Func):
    """`later - earlier` in whole days, for two date columns (SQLite: julianday difference)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        else:
            sql = f"({later} - {earlier})"
        return sql, (*later_params, *earlier_params)


def _payment_delays(start: dt.date, end: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """Per customer, over the payments dated in the period: (Σ amount × days from invoice to payment, Σ amount),
    summed in SQL on integer cents (exact), for segments.delay_from_sums."""
    weighted = ExpressionWrapper(F("amount") * DaysBetween("payment__date", "invoice__date"), output_field=MoneyField())
    rows = (
        PaymentAllocation.objects.filter(payment__date__gte=start, payment__date__lte=end)
        .values("invoice__customer_id")
        .annotate(weighted=Sum(weighted), total=Sum("amount"))
        .order_by()
    )
    return {row["invoice__customer_id"]: (row["weighted"], row["total"]) for row in rows}


def customer_analysis(on: dt.date) -> Analysis:
    period = Period.ending(on)
    activity = _activity(period, on)
    revenue = {cid: row["revenue"] or ZERO for cid, row in activity.items()}
    total = sum(revenue.values(), ZERO)
    previous_total = sum((row["previous"] or ZERO for row in activity.values()), ZERO)
    classes = segments.abc_classes(revenue)
    rfm = segments.rfm(
        {
            cid: segments.CustomerActivity(row["last"], row["count"], revenue[cid])
            for cid, row in activity.items()
            if row["last"] is not None
        },
        on,
    )
    delays = _payment_delays(period.start, on)
    dates = _invoice_dates(period, on)
    # One query whatever the number of customers (in_bulk of a long id list is split into batches on SQLite).
    contacts = {contact.pk: contact for contact in Contact.objects.filter(pk__in=id_set(activity))} if activity else {}
    rows = [
        CustomerRow(
            customer=contacts[cid],
            revenue=revenue[cid],
            share=(revenue[cid] / total * 100).quantize(Decimal("0.1")) if total > 0 else None,
            abc=classes[cid],
            rfm=rfm.get(cid),
            delay=segments.delay_from_sums(*delays.get(cid, (ZERO, ZERO))),
            risk=segments.churn_risk(dates.get(cid, []), revenue[cid], activity[cid]["previous"] or ZERO, on),
        )
        for cid in activity
    ]
    rows.sort(key=lambda row: (-row.revenue, french_key(row.customer.name)))
    receivables = open_invoices().aggregate(total=Sum(BALANCE, output_field=MoneyField()))["total"] or ZERO
    year_ago = on - dt.timedelta(days=364)
    revenue_incl_vat = (
        issued().filter(date__gte=year_ago, date__lte=on).aggregate(total=Sum(_signed("total_gross")))["total"] or ZERO
    )
    return Analysis(
        period=period,
        months=revenue_by_month(period),
        customers=rows,
        products=revenue_by_product(period.start, on),
        total=total,
        previous_total=previous_total,
        weighted_delay=segments.delay_from_sums(
            sum((weighted for weighted, _ in delays.values()), ZERO), sum((total for _, total in delays.values()), ZERO)
        ),
        dso=segments.classic_dso(receivables, revenue_incl_vat, 365),
        receivables=receivables,
        revenue_incl_vat=revenue_incl_vat,
    )


CUSTOMER_COLUMNS = [
    Column("Client", lambda r: r.customer.display_name),
    Column("CA HT 12 mois", lambda r: r.revenue),
    Column("Part %", lambda r: r.share),
    Column("Classe ABC", lambda r: r.abc),
    Column("Segment RFM", lambda r: r.rfm.segment if r.rfm else ""),
    Column("R", lambda r: r.rfm.r if r.rfm else None),
    Column("F", lambda r: r.rfm.f if r.rfm else None),
    Column("M", lambda r: r.rfm.m if r.rfm else None),
    Column("Jours depuis la dernière facture", lambda r: r.rfm.recency_days if r.rfm else None),
    Column("Délai de paiement moyen (j)", lambda r: r.delay),
    Column("Risque de départ", lambda r: r.risk.reason if r.risk else ""),
]
PRODUCT_COLUMNS = [
    Column("Référence", lambda r: r["reference"]),
    Column("Désignation", lambda r: r["label"]),
    Column("CA HT 12 mois", lambda r: r["revenue"]),
]
MONTH_COLUMNS = [
    Column("Mois", lambda r: r["label"]),
    Column("CA HT", lambda r: r["revenue"]),
    Column("CA HT un an avant", lambda r: r["previous"]),
    Column("Variation %", lambda r: r["change"]),
]
