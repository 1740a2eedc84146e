"""Reads of quotes, orders and deliveries: filtered lists, sort keys, export columns, detail pages.

A list page runs a bounded number of queries whatever the data size: the filters and the totals are SQL
(one aggregate), the rows come with their customer by a join, and one page of them is read.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from pilote.core import audit
from pilote.core.audit import AuditEvent
from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.formats import format_quantity
from pilote.lib.money import ZERO
from pilote.sales import services, totals
from pilote.sales.models import Delivery, DeliveryLine, Order, OrderStatus, Quote, QuoteStatus
from pilote.sales.queries.invoices import customer_named

FOLLOW_UP_DAYS = 7  # « à relancer »: sent quotes whose validity ends within a week

QUOTE_SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "client": [french("customer__name"), french("customer__first_name")],
    "montant": ["total_gross"],
    "validite": ["valid_until"],
}
ORDER_SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "client": [french("customer__name"), french("customer__first_name")],
    "montant": ["total_gross"],
}


quantity = format_quantity  # a quantity as French text with only the decimals it needs: 10, 2,5, 0,125


# --- Quotes -------------------------------------------------------------------------------------


def expire_due_quotes(today: dt.date) -> int:
    """Sent quotes past their validity become « expiré » when a list is shown.

    One indexed EXISTS per display; the write transaction (and its audit events, which the quote's
    history shows) only runs when some quote is actually due, so showing a list takes no write lock
    on SQLite in the usual case."""
    if not Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today).exists():
        return 0
    return services.expire_quotes(actor=None, today=today)


def filter_quotes(data: dict, today: dt.date):
    quotes = Quote.objects.select_related("customer")
    if q := (data.get("q") or "").strip():
        quotes = quotes.filter(Q(number__icontains=q) | customer_named(q, first_name=True))
    if status := data.get("status"):
        quotes = quotes.filter(status=status)
    if start := data.get("start"):
        quotes = quotes.filter(date__gte=start)
    if end := data.get("end"):
        quotes = quotes.filter(date__lte=end)
    if data.get("follow_up"):
        quotes = quotes.filter(
            status=QuoteStatus.SENT, valid_until__gte=today, valid_until__lte=today + dt.timedelta(FOLLOW_UP_DAYS)
        )
    if customer := data.get("customer"):
        quotes = quotes.filter(customer=customer)
    return quotes


def list_totals(documents) -> dict:
    """Count and sums of the filtered rows (one aggregate query; amounts are integer cents in SQL)."""
    sums = documents.order_by().aggregate(
        count=Count("pk"), net=Sum("total_net"), vat=Sum("total_vat"), gross=Sum("total_gross")
    )
    return {key: sums[key] if key == "count" else sums[key] or ZERO for key in sums}


QUOTE_COLUMNS = [
    Column("Numéro", lambda q: q.number),
    Column("Date", lambda q: q.date),
    Column("Client", lambda q: q.customer.display_name),
    Column("SIREN client", lambda q: q.customer.siren),
    Column("Statut", lambda q: q.get_status_display()),
    Column("Valable jusqu'au", lambda q: q.valid_until),
    Column("Total HT", lambda q: q.total_net),
    Column("TVA", lambda q: q.total_vat),
    Column("Total TTC", lambda q: q.total_gross),
]


EVENT_LABELS = {
    "created": "Création",
    "updated": "Modification",
    "sent": "Envoi au client",
    "accepted": "Accord du client",
    "refused": "Refus du client",
    "cancelled": "Annulation",
    "expired": "Expiration (validité dépassée)",
}


def history(obj) -> list[AuditEvent]:
    """The audit events of a document, oldest first (its status history), with a French label."""
    events = list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
    for event in events:
        verb = event.action.rsplit(".", 1)[-1]
        event.label = EVENT_LABELS.get(verb) or audit.label(event.action)
        after = event.after or {}
        event.note = {"accepted": after.get("acceptance_note"), "refused": after.get("refusal_reason")}.get(verb) or ""
    return events


def _with_quantities(lines: list) -> list:
    for line in lines:
        line.quantity_text = quantity(line.quantity)
        for name in ("delivered_quantity", "invoiced_quantity", "to_deliver"):
            if hasattr(line, name):
                setattr(line, f"{name}_text", quantity(getattr(line, name)))
    return lines


def vat_groups(lines) -> tuple:
    return totals.compute_totals(
        totals.PricedLine(line.net_amount, line.rate, line.exemption_mention) for line in lines
    ).groups


def quote_detail(quote: Quote) -> dict:
    lines = _with_quantities(list(quote.lines.select_related("product")))
    return {
        "lines": lines,
        "groups": vat_groups(lines),
        "history": history(quote),
        "orders": list(Order.objects.filter(quote=quote).order_by("pk")),
    }


def quote_for_pdf(pk: int) -> tuple[Quote, list, tuple]:
    quote = Quote.objects.select_related("customer").get(pk=pk)
    lines = _with_quantities(list(quote.lines.all()))
    return quote, lines, vat_groups(lines)


# --- Orders and deliveries ----------------------------------------------------------------------


def filter_orders(data: dict):
    orders = Order.objects.select_related("customer", "quote")
    if q := (data.get("q") or "").strip():
        orders = orders.filter(
            Q(number__icontains=q) | customer_named(q, first_name=True) | Q(customer_reference__icontains=q)
        )
    if status := data.get("status"):
        orders = orders.filter(status=status)
    if data.get("to_deliver"):
        orders = orders.filter(status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL])
    if start := data.get("start"):
        orders = orders.filter(date__gte=start)
    if end := data.get("end"):
        orders = orders.filter(date__lte=end)
    if customer := data.get("customer"):
        orders = orders.filter(customer=customer)
    return orders


ORDER_COLUMNS = [
    Column("Numéro", lambda o: o.number),
    Column("Date", lambda o: o.date),
    Column("Client", lambda o: o.customer.display_name),
    Column("Réf. client", lambda o: o.customer_reference),
    Column("Devis", lambda o: o.quote.number if o.quote else ""),
    Column("Statut", lambda o: o.get_status_display()),
    Column("Total HT", lambda o: o.total_net),
    Column("TVA", lambda o: o.total_vat),
    Column("Total TTC", lambda o: o.total_gross),
]


def order_detail(order: Order) -> dict:
    lines = _with_quantities(list(order.lines.select_related("product")))
    deliveries = order.deliveries.select_related("invoice").annotate(line_count=Count("lines")).order_by("date", "pk")
    return {
        "lines": lines,
        "groups": vat_groups(lines),
        "deliveries": list(deliveries),
        "invoices": list(order.invoices.order_by("date", "pk")),
        "history": history(order),
        "can_deliver": order.status in {OrderStatus.OPEN, OrderStatus.PARTIAL},
        "can_invoice": order.status not in {OrderStatus.CANCELLED, OrderStatus.INVOICED},
    }


DELIVERY_SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "client": [french("order__customer__name")],
    "commande": ["order__number"],
}
DELIVERY_COLUMNS = [
    Column("Numéro", lambda d: d.number),
    Column("Date", lambda d: d.date),
    Column("Commande", lambda d: d.order.number),
    Column("Client", lambda d: d.order.customer.display_name),
    Column("Lignes livrées", lambda d: d.line_count),
    Column("Facture", lambda d: d.invoice.number if d.invoice_id and d.invoice.number else ""),
]


def filter_deliveries(data: dict):
    deliveries = Delivery.objects.select_related("order", "order__customer", "invoice").annotate(
        line_count=Count("lines")
    )
    if q := data.get("q"):
        deliveries = deliveries.filter(
            Q(number__icontains=q) | Q(order__number__icontains=q) | Q(order__customer__name__icontains=q)
        )
    if start := data.get("start"):
        deliveries = deliveries.filter(date__gte=start)
    if end := data.get("end"):
        deliveries = deliveries.filter(date__lte=end)
    if data.get("invoiced") == "non":
        deliveries = deliveries.filter(Q(invoice__isnull=True) | Q(invoice__status="draft"))
    elif data.get("invoiced") == "oui":
        deliveries = deliveries.filter(invoice__status="issued")
    return deliveries


def delivery_detail(pk: int) -> tuple[Delivery, list[DeliveryLine]]:
    delivery = Delivery.objects.select_related(
        "order", "order__customer", "order__delivery_address", "invoice", "created_by"
    ).get(pk=pk)
    lines = list(delivery.lines.select_related("order_line").order_by("order_line__position", "order_line__pk"))
    for line in lines:
        line.quantity_text = quantity(line.quantity)
        line.ordered_text = quantity(line.order_line.quantity)
    return delivery, lines


def open_order_lines(order: Order) -> list:
    """The order's lines with what remains to deliver (the deliver form's rows)."""
    return _with_quantities(list(order.lines.all()))
