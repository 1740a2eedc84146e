"""The articles at or under their reorder point, with what to order, from whom and at what price (three queries)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum

from pilote.core.listing import Column
from pilote.lib.money import round_eur
from pilote.operations import reorder
from pilote.operations.models import StockCategory, StockItem
from pilote.purchases.models import PurchaseOrderLine, PurchaseOrderStatus

S = PurchaseOrderStatus
OPEN_ORDERS = (S.DRAFT, S.TO_APPROVE, S.APPROVED, S.SENT, S.PARTIAL)
EXPENSE_ACCOUNTS = {StockCategory.GOODS: "607", StockCategory.MATERIALS: "601", StockCategory.PRODUCTS: "601"}


@dataclass
class Suggestion:
    item: StockItem
    on_order: Decimal
    quantity: Decimal
    supplier: object  # contacts.Contact or None
    supplier_source: str  # « habituel », « dernière commande » or ""
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return round_eur(self.quantity * self.unit_price)

    @property
    def account(self) -> str:
        return EXPENSE_ACCOUNTS.get(self.item.category, "607")


def suggestions(item_ids=None) -> list[Suggestion]:
    items = (
        StockItem.objects.select_related("product", "supplier", "default_location")
        .filter(product__is_active=True, reorder_point__gt=0)
        .order_by("product__reference")
    )
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    items = list(items)
    products = [item.product_id for item in items]
    open_lines = PurchaseOrderLine.objects.filter(product_id__in=products, order__status__in=OPEN_ORDERS)
    on_order = dict(
        open_lines.values("product_id")
        .annotate(rest=Sum(F("quantity") - F("received_quantity")))
        .values_list("product_id", "rest")
    )
    last = {}
    for line in (
        PurchaseOrderLine.objects.filter(product_id__in=products)
        .exclude(order__status=S.CANCELLED)
        .select_related("order__supplier")
        .order_by("order__date", "order_id", "id")
    ):
        last[line.product_id] = line  # the latest wins
    result = []
    for item in items:
        ordered = on_order.get(item.product_id) or Decimal("0")
        quantity = reorder.suggested_quantity(item.quantity, ordered, item.reorder_point, item.reorder_quantity)
        if quantity <= 0:
            continue
        previous = last.get(item.product_id)
        supplier, source = item.supplier, "habituel"
        if supplier is None and previous is not None:
            supplier, source = previous.order.supplier, "dernière commande"
        price = item.product.purchase_price
        if price is None:
            price = previous.unit_price if previous is not None else item.average_cost
        result.append(Suggestion(item, ordered, quantity, supplier, source if supplier else "", Decimal(price)))
    return result


COLUMNS = [
    Column("Référence", lambda s: s.item.product.reference),
    Column("Article", lambda s: s.item.product.name),
    Column("En stock", lambda s: s.item.quantity),
    Column("Déjà commandé", lambda s: s.on_order),
    Column("Point de commande", lambda s: s.item.reorder_point),
    Column("Quantité suggérée", lambda s: s.quantity),
    Column("Fournisseur", lambda s: s.supplier.display_name if s.supplier else ""),
    Column("Prix unitaire HT", lambda s: s.unit_price),
    Column("Montant HT", lambda s: s.amount),
]
SORTS = {
    "reference": lambda s: s.item.product.reference,
    "article": lambda s: s.item.product.name.lower(),
    "fournisseur": lambda s: s.supplier.display_name.lower() if s.supplier else "~",
    "montant": lambda s: s.amount,
}


def search(rows: list[Suggestion], text: str) -> list[Suggestion]:
    """The suggestions whose article (name, reference) or supplier holds `text`, as the list's search box."""
    text = (text or "").strip().lower()
    if not text:
        return rows
    return [s for s in rows if text in s.item.product.name.lower() or text in s.item.product.reference.lower()
            or (s.supplier and text in s.supplier.display_name.lower())]  # fmt: skip
