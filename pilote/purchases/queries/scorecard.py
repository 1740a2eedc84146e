"""Reads behind the supplier scorecards: the facts of a period per supplier (and per quarter), in seven queries
whatever the number of suppliers — receipts, receipt lines, matched invoice lines, articles ordered again, invoices
with their disputes (from the audit log: a dispute later settled still counts), manual ratings — then scored by
scorecard.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q

from pilote.core.collation import french_key
from pilote.core.listing import Column
from pilote.lib.money import round_eur
from pilote.purchases import scorecard
from pilote.purchases.models import (
    Receipt,
    ReceiptLine,
    ReceiptQuality,
    SupplierInvoice,
    SupplierInvoiceKind,
    SupplierInvoiceLine,
    SupplierInvoiceStatus,
    SupplierRating,
)

DISPUTE_ACTIONS = ("purchases.invoice.disputed", "purchases.invoice.refused")


def _only(relation: str, supplier, suppliers) -> dict:
    if supplier is not None:
        return {relation: supplier}
    return {f"{relation}_id__in": list(suppliers)} if suppliers is not None else {}


def collect(start: dt.date, end: dt.date, *, supplier=None, suppliers=None, by_quarter: bool = False) -> dict:
    """Facts keyed by supplier id, or by (supplier id, (year, quarter)) with `by_quarter`; of one `supplier` or of
    a list of supplier ids (`suppliers`), else of all."""
    from pilote.core.models import AuditEvent

    def key(supplier_id: int, day: dt.date):
        return (supplier_id, scorecard.quarter_of(day)) if by_quarter else supplier_id

    facts: dict = {}

    def at(supplier_id: int, day: dt.date) -> scorecard.Facts:
        return facts.setdefault(key(supplier_id, day), scorecard.Facts())

    only = _only("order__supplier", supplier, suppliers)
    for supplier_id, day, promised in Receipt.objects.filter(date__range=(start, end), **only).values_list(
        "order__supplier_id", "date", "order__expected_delivery"
    ):
        if promised is None:
            continue
        row = at(supplier_id, day)
        row.receipts_promised += 1
        if day <= promised:
            row.receipts_on_time += 1
        else:
            row.days_late += (day - promised).days
    only = _only("receipt__order__supplier", supplier, suppliers)
    for supplier_id, day, quality, refused in ReceiptLine.objects.filter(
        receipt__date__range=(start, end), **only
    ).values_list("receipt__order__supplier_id", "receipt__date", "quality", "refused_quantity"):
        row = at(supplier_id, day)
        row.receipt_lines += 1
        if quality == ReceiptQuality.CONFORM and not refused:
            row.lines_conform += 1
    only = _only("invoice__supplier", supplier, suppliers)
    matched = (
        SupplierInvoiceLine.objects.filter(invoice__date__range=(start, end), order_line__isnull=False, **only)
        .exclude(invoice__status=SupplierInvoiceStatus.REFUSED)
        .values_list("invoice__supplier_id", "invoice__date", "invoice__kind", "quantity", "net_amount",
                     "order_line__quantity", "order_line__net_amount")
    )  # fmt: skip
    for supplier_id, day, kind, quantity, net, ordered_quantity, ordered_net in matched:
        if not ordered_quantity:
            continue
        sign = -1 if kind == SupplierInvoiceKind.CREDIT_NOTE else 1
        row = at(supplier_id, day)
        row.invoiced_amount += sign * net
        row.ordered_amount += sign * round_eur(Decimal(ordered_net) * Decimal(quantity) / Decimal(ordered_quantity))
    _previous_orders(start, end, supplier, suppliers, at)
    only = _only("supplier", supplier, suppliers)
    invoices = list(
        SupplierInvoice.objects.filter(date__range=(start, end), kind=SupplierInvoiceKind.INVOICE, **only).values_list(
            "pk", "supplier_id", "date", "status", "match_accepted_at"
        )
    )
    disputed = set(
        AuditEvent.objects.filter(
            action__in=DISPUTE_ACTIONS,
            object_type=SupplierInvoice._meta.label_lower,
            object_id__in=[str(pk) for pk, *_ in invoices],
        ).values_list("object_id", flat=True)
    )
    for pk, supplier_id, day, status, accepted_at in invoices:
        row = at(supplier_id, day)
        row.invoices += 1
        if (
            str(pk) in disputed
            or status in (SupplierInvoiceStatus.DISPUTED, SupplierInvoiceStatus.REFUSED)
            or (accepted_at is not None)
        ):
            row.disputed_invoices += 1
    for supplier_id, day, value in SupplierRating.objects.filter(rated_on__range=(start, end), **only).values_list(
        "supplier_id", "rated_on", "score"
    ):
        at(supplier_id, day).ratings.append(value)
    return facts


def _previous_orders(start: dt.date, end: dt.date, supplier, suppliers, at) -> None:
    """Articles ordered in the period that the supplier was already ordered before (two years back at most): this
    order's net against the same quantity at the previous order's net unit price (one query)."""
    from pilote.purchases.models import PurchaseOrderLine, PurchaseOrderStatus

    since = start - dt.timedelta(days=730)
    rows = (
        PurchaseOrderLine.objects.filter(product__isnull=False, order__date__range=(since, end),
                                         **_only("order__supplier", supplier, suppliers))
        .exclude(order__status__in=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.TO_APPROVE,
                                    PurchaseOrderStatus.CANCELLED])
        .order_by("order__date", "order_id", "pk")
        .values_list("order__supplier_id", "product_id", "order_id", "order__date", "quantity", "net_amount")
    )  # fmt: skip
    last: dict[tuple[int, int], tuple[int, Decimal]] = {}  # (supplier, article) → (order, net unit price)
    for supplier_id, product_id, order_id, day, quantity, net in rows:
        if not quantity:
            continue
        previous = last.get((supplier_id, product_id))
        if previous is not None and previous[0] != order_id and day >= start:
            row = at(supplier_id, day)
            row.previous_amount += round_eur(previous[1] * Decimal(quantity))
            row.repeat_amount += Decimal(net)
        last[(supplier_id, product_id)] = (order_id, Decimal(net) / Decimal(quantity))


def supplier_history(supplier, today: dt.date, quarters: int = 4) -> list[tuple[str, scorecard.Score]]:
    """The supplier's score for each of the last quarters (oldest first) and over them all."""
    keys = scorecard.last_quarters(today, quarters)
    start = dt.date(keys[0][0], 3 * keys[0][1] - 2, 1)
    facts = collect(start, today, supplier=supplier, by_quarter=True)
    rows = [(scorecard.quarter_label(k), scorecard.score(facts.get((supplier.pk, k), scorecard.Facts()))) for k in keys]
    total = scorecard.Facts()
    for _, score in rows:
        total = total.add(score.facts)
    return [*rows, (f"{quarters} derniers trimestres", scorecard.score(total))]


class RankingRow:
    def __init__(self, supplier, score: scorecard.Score):
        self.supplier, self.score = supplier, score


def ranking(start: dt.date, end: dt.date, q: str = "") -> list[RankingRow]:
    """Suppliers with facts in the period, best overall score first (those without any score last)."""
    from pilote.contacts.models import Contact

    facts = collect(start, end)
    suppliers = Contact.objects.filter(Q(pk__in=list(facts)))
    if q:
        suppliers = suppliers.filter(name__icontains=q)
    rows = [RankingRow(contact, scorecard.score(facts[contact.pk])) for contact in suppliers]
    return sort_rows(rows, "-global")


RANKING_SORTS: dict[str, Callable] = {
    "fournisseur": lambda r: french_key(r.supplier.display_name),
    "global": lambda r: r.score.overall if r.score.overall is not None else Decimal(-1),
    **{key: (lambda r, key=key: r.score.criteria[key] if r.score.criteria[key] is not None else Decimal(-1))
       for key in scorecard.CRITERIA},
}  # fmt: skip


def sort_rows(rows: list[RankingRow], requested: str) -> list[RankingRow]:
    key = requested.lstrip("-")
    if key not in RANKING_SORTS:
        requested, key = "-global", "global"
    return sorted(rows, key=RANKING_SORTS[key], reverse=requested.startswith("-"))


def _value(value):
    return value if value is not None else ""


RANKING_COLUMNS = [
    Column("Fournisseur", lambda r: r.supplier.display_name),
    Column("SIREN", lambda r: r.supplier.siren),
    Column("Note globale (sur 5)", lambda r: _value(r.score.overall)),
    *[Column(f"{label} (sur 5)", lambda r, key=key: _value(r.score.criteria[key]))
      for key, label in scorecard.CRITERIA.items()],
    Column("Réceptions à l'heure (%)", lambda r: _value(r.score.rates["delivery"])),
    Column("Retard moyen (jours)", lambda r: _value(r.score.average_delay)),
    Column("Lignes conformes (%)", lambda r: _value(r.score.rates["conformity"])),
    Column("Écart de prix (%)", lambda r: _value(r.score.rates["price"])),
    Column("Évolution des prix vs commandes précédentes (%)", lambda r: _value(r.score.rates["previous_orders"])),
    Column("Factures", lambda r: r.score.facts.invoices),
    Column("Factures en litige", lambda r: r.score.facts.disputed_invoices),
]  # fmt: skip
