"""Reads of the stock: the stocked articles with their value (today or at a date), the movements, an article's
page, the counts; each list with its sorts and export columns, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.money import ZERO, MoneyField
from pilote.operations.models import InventoryCount, StockItem, StockMove

ITEM_SORTS = {
    "reference": ["product__reference"],
    "article": [french("product__name")],
    "quantite": ["quantity", "id"],
    "valeur": ["value", "id"],
    "cmup": ["average_cost", "id"],
}
ITEM_COLUMNS = [
    Column("Référence", lambda i: i.product.reference),
    Column("Article", lambda i: i.product.name),
    Column("Nature du stock", lambda i: i.get_category_display()),
    Column("Emplacement habituel", lambda i: i.default_location.code),
    Column("Quantité", lambda i: i.shown_quantity),
    Column("CMUP", lambda i: i.average_cost),
    Column("Valeur", lambda i: i.shown_value),
    Column("Point de commande", lambda i: i.reorder_point),
    Column("À commander", lambda i: "oui" if i.below_reorder_point else ""),
]


def _eur(amount) -> Decimal:
    """An aggregate over a MoneyField: Decimal euros (from_db_value), or a bare 0 when nothing was summed."""
    return amount if isinstance(amount, Decimal) else ZERO


def filter_items(data: dict):
    items = StockItem.objects.select_related("product", "default_location")
    if data.get("q"):
        items = items.filter(Q(product__reference__icontains=data["q"]) | Q(product__name__icontains=data["q"]))
    if data.get("category"):
        items = items.filter(category=data["category"])
    if data.get("location"):
        items = items.filter(levels__location=data["location"], levels__quantity__gt=0)
    if data.get("alert"):
        items = items.filter(reorder_point__gt=0, quantity__lte=F("reorder_point"))
    return items


def with_value_at(items, day: dt.date | None):
    """Each article's quantity and value at the end of `day` (the sum of its movements up to it), or now."""
    if day is None:
        return items.annotate(at_quantity=F("quantity"), at_value=F("value"))
    moves = StockMove.objects.filter(item=OuterRef("pk"), date__lte=day).values("item")
    return items.annotate(
        at_quantity=Coalesce(Subquery(moves.annotate(s=Sum("quantity")).values("s")), Value(Decimal("0")),
                             output_field=DecimalField(max_digits=14, decimal_places=3)),
        at_value=Coalesce(Subquery(moves.annotate(s=Sum("value")).values("s")), Value(0), output_field=MoneyField()),
    )  # fmt: skip


def decorate(items):
    """Rows of the list: the quantity and value shown (at the date asked), in euros."""
    for item in items:
        item.shown_quantity = item.at_quantity
        item.shown_value = _eur(item.at_value)
        yield item


def total_value(day: dt.date | None) -> Decimal:
    if day is None:
        return _eur(StockItem.objects.aggregate(s=Sum("value"))["s"])
    return _eur(StockMove.objects.filter(date__lte=day).aggregate(s=Sum("value"))["s"])


def value_by_category(day: dt.date) -> dict[str, Decimal]:
    rows = StockMove.objects.filter(date__lte=day).values("item__category").annotate(s=Sum("value"))
    return {row["item__category"]: _eur(row["s"]) for row in rows}


MOVE_SORTS = {"date": ["date", "id"], "article": ["item__product__reference", "date", "id"], "valeur": ["value", "id"]}
MOVE_COLUMNS = [
    Column("Date", lambda m: m.date),
    Column("Référence", lambda m: m.item.product.reference),
    Column("Article", lambda m: m.item.product.name),
    Column("Nature", lambda m: m.get_kind_display()),
    Column("Emplacement", lambda m: m.location.code),
    Column("Quantité", lambda m: m.quantity),
    Column("Coût unitaire", lambda m: m.unit_cost),
    Column("Valeur", lambda m: m.value),
    Column("Stock après", lambda m: m.quantity_after),
    Column("CMUP après", lambda m: m.average_after),
    Column("Pièce", lambda m: m.reference),
    Column("Motif", lambda m: m.note),
]


def filter_moves(data: dict):
    moves = StockMove.objects.select_related("item__product", "location")
    if data.get("q"):
        text = data["q"]
        moves = moves.filter(
            Q(item__product__reference__icontains=text) | Q(item__product__name__icontains=text)
            | Q(reference__icontains=text)
        )  # fmt: skip
    if data.get("kind"):
        moves = moves.filter(kind=data["kind"])
    if data.get("start"):
        moves = moves.filter(date__gte=data["start"])
    if data.get("end"):
        moves = moves.filter(date__lte=data["end"])
    return moves


def item_page(item: StockItem) -> dict:
    return {
        "levels": list(item.levels.select_related("location").filter(~Q(quantity=0))),
        "moves": list(item.moves.select_related("location", "created_by").order_by("-date", "-id")[:100]),
    }


def counts(data: dict | None = None):
    """Inventory counts, newest first; `data` may narrow them to a location or a status (the API's filters)."""
    data = data or {}
    found = InventoryCount.objects.select_related("location").order_by("-date", "-id")
    if data.get("location"):
        found = found.filter(location_id=data["location"])
    if data.get("status"):
        found = found.filter(status=data["status"])
    return found


COUNT_COLUMNS = [
    Column("Référence", lambda line: line.item.product.reference),
    Column("Article", lambda line: line.item.product.name),
    Column("Unité", lambda line: line.item.product.get_unit_display()),
    Column("Quantité théorique", lambda line: line.expected),
    Column("Quantité comptée", lambda line: line.counted if line.counted is not None else ""),
    Column("Écart", lambda line: line.difference if line.difference is not None else ""),
    Column("CMUP", lambda line: line.unit_cost),
]


def reorder_alerts(limit: int = 10):
    return list(
        StockItem.objects.select_related("product")
        .filter(product__is_active=True, reorder_point__gt=0, quantity__lte=F("reorder_point"))
        .order_by("product__reference")[:limit]
    )
