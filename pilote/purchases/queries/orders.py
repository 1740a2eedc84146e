"""Reads of purchase orders and receipts: the filtered list, its sorts, totals and export columns, the order page.

The list runs a bounded number of queries: filters and totals in SQL (one aggregate), rows with their supplier by a
join, one page read."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, Sum

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.formats import format_quantity
from pilote.lib.money import ZERO
from pilote.purchases.models import ApprovalLimit, PurchaseOrder, PurchaseOrderStatus, Receipt, ReceiptLine
from pilote.purchases.queries.invoices import history
from pilote.sales.queries.documents import vat_groups

ORDER_SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "fournisseur": [french("supplier__name")],
    "montant": ["total_net"],
    "livraison": ["expected_delivery"],
    "statut": ["status"],
}

ORDER_COLUMNS = [
    Column("Numéro", lambda o: o.number),
    Column("Date", lambda o: o.date),
    Column("Fournisseur", lambda o: o.supplier.display_name),
    Column("SIREN fournisseur", lambda o: o.supplier.siren),
    Column("Statut", lambda o: o.get_status_display()),
    Column("Livraison souhaitée", lambda o: o.expected_delivery),
    Column("Total HT", lambda o: o.total_net),
    Column("TVA", lambda o: o.total_vat),
    Column("Total TTC", lambda o: o.total_gross),
    Column("Demandeur", lambda o: o.created_by.get_full_name() if o.created_by else ""),
]

OPEN_STATUSES = (PurchaseOrderStatus.APPROVED, PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTIAL)


def filter_orders(data: dict):
    orders = PurchaseOrder.objects.select_related("supplier", "created_by")
    if q := (data.get("q") or "").strip():
        orders = orders.filter(
            Q(number__icontains=q) | Q(supplier__name__icontains=q) | Q(supplier_reference__icontains=q)
        )
    if status := data.get("status"):
        orders = orders.filter(status=status)
    if data.get("to_receive"):
        orders = orders.filter(status__in=OPEN_STATUSES)
    if supplier := data.get("supplier"):
        orders = orders.filter(supplier=supplier)
    if start := data.get("start"):
        orders = orders.filter(date__gte=start)
    if end := data.get("end"):
        orders = orders.filter(date__lte=end)
    return orders


def approval_limits() -> dict:
    """Each role's approval limit excl. VAT as set by direction (roles never set are absent)."""
    return {row.role: row.max_amount for row in ApprovalLimit.objects.all()}


def list_totals(orders) -> dict:
    sums = orders.order_by().aggregate(count=Count("pk"), net=Sum("total_net"), gross=Sum("total_gross"))
    return {"count": sums["count"], "net": sums["net"] or ZERO, "gross": sums["gross"] or ZERO}


def _with_texts(lines: list) -> list:
    for line in lines:
        for name in ("quantity", "received_quantity", "refused_quantity", "to_receive"):
            setattr(line, f"{name}_text", format_quantity(getattr(line, name)))
    return lines


def order_lines(order: PurchaseOrder) -> list:
    return _with_texts(list(order.lines.select_related("product")))


def order_detail(order: PurchaseOrder) -> dict:
    lines = order_lines(order)
    receipts = list(
        Receipt.objects.filter(order=order)
        .select_related("created_by")
        .prefetch_related(Prefetch("lines", queryset=ReceiptLine.objects.select_related("order_line")))
        .order_by("date", "pk")
    )
    for receipt in receipts:
        for line in receipt.lines.all():
            line.quantity_text = format_quantity(line.quantity)
            line.refused_text = format_quantity(line.refused_quantity)
    return {
        "lines": lines,
        "groups": vat_groups(lines),
        "receipts": receipts,
        "invoices": list(order.invoices.select_related("supplier").order_by("date", "pk")),
        "history": history(order),
    }


def invoiced_quantities(order: PurchaseOrder) -> dict[int, object]:
    """Per order line, the quantity on the order's invoices not refused, credit notes deducted (one query)."""
    from pilote.purchases.models import SupplierInvoiceKind, SupplierInvoiceLine, SupplierInvoiceStatus

    rows = (
        SupplierInvoiceLine.objects.filter(order_line__order=order)
        .exclude(invoice__status=SupplierInvoiceStatus.REFUSED)
        .values("order_line_id", "invoice__kind")
        .annotate(quantity=Sum("quantity"))
    )
    result: dict[int, object] = {}
    for row in rows:
        sign = -1 if row["invoice__kind"] == SupplierInvoiceKind.CREDIT_NOTE else 1
        result[row["order_line_id"]] = result.get(row["order_line_id"], 0) + sign * row["quantity"]
    return result
