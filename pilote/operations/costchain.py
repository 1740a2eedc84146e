"""The stock's and the workshop's share of the cost chain (purchase cost → stock at CMUP → production cost → cost
price), offered to the finance's costing page through `core.registry.register_cost_chain` (finance never imports
operations). For a period: the stock at its start, what came in at purchase cost, what the workshop produced at
materials (CMUP) + work centres' time per product, what production consumed and what left for the customers at the
CMUP (the cost of the goods sold, per article), the other movements, and the stock at its end — the flows add up:
start + entries − exits = end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from pilote.core.registry import CostChainRow, ProductionCost
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO
from pilote.operations.models import Bom, MoveKind, ProductionOrder, ProductionStatus, StockItem, StockMove
from pilote.operations.queries.stock import total_value

UNIT = Decimal("0.0001")


def _unit(amount: Decimal, quantity: Decimal):
    return (amount / quantity).quantize(UNIT) if quantity else None


def _eur(value) -> Decimal:
    return value if isinstance(value, Decimal) else ZERO


def rows(first: dt.date, last: dt.date) -> list[CostChainRow]:
    moves = StockMove.objects.filter(date__gte=first, date__lte=last)
    by_kind = {r["kind"]: _eur(r["v"]) for r in moves.values("kind").annotate(v=Sum("value"))}
    result = [CostChainRow("Stock au début (CMUP)", f"au {first - dt.timedelta(days=1):%d/%m/%Y}",
                           total_value(first - dt.timedelta(days=1)))]  # fmt: skip
    result.append(CostChainRow("Entrées d'achats (coût d'achat)", "Tous articles", by_kind.get(MoveKind.RECEIPT, ZERO)))
    orders = (
        ProductionOrder.objects.filter(status=ProductionStatus.DONE, done_date__gte=first, done_date__lte=last)
        .values("bom__product_id", "bom__product__product__name")
        .annotate(q=Sum("quantity"), m=Sum("material_cost"), w=Sum("labour_cost"))
        .order_by("bom__product__product__name")
    )
    for row in orders:
        materials, labour = _eur(row["m"]), _eur(row["w"])
        result.append(CostChainRow(
            "Coût de production (matières au CMUP + postes de charge)",
            f"{row['bom__product__product__name']} — matières {format_eur(materials)} + postes {format_eur(labour)}",
            materials + labour, row["q"], _unit(materials + labour, row["q"]),
            reverse("operations:item", args=[row["bom__product_id"]]),
        ))  # fmt: skip
    result.append(CostChainRow("Consommations de production (CMUP)", "Composants",
                               by_kind.get(MoveKind.CONSUMPTION, ZERO)))  # fmt: skip
    sold = (
        moves.filter(kind=MoveKind.DELIVERY)
        .values("item_id", "item__product__name")
        .annotate(q=Sum("quantity"), v=Sum("value"))
        .order_by("item__product__name")
    )
    for row in sold:
        value, quantity = _eur(row["v"]), -row["q"]
        url = reverse("operations:item", args=[row["item_id"]])
        result.append(CostChainRow("Coût des ventes (sorties au CMUP)", row["item__product__name"], value, quantity,
                                   _unit(-value, quantity), url))  # fmt: skip
    chained = (MoveKind.RECEIPT, MoveKind.PRODUCTION_IN, MoveKind.CONSUMPTION, MoveKind.DELIVERY)
    other = sum((v for k, v in by_kind.items() if k not in chained), ZERO)
    result.append(CostChainRow("Autres mouvements (inventaires, régularisations, sorties diverses)", "Tous articles",
                               other))  # fmt: skip
    result.append(CostChainRow("Stock à la fin (CMUP)", f"au {last:%d/%m/%Y}", total_value(last)))
    return result


def products(first: dt.date, last: dt.date) -> list[ProductionCost]:
    """The articles made in-house (those with a bill of materials) over the period: units made and their production
    cost (the done orders' materials at CMUP + work centres), units delivered to customers and their production
    cost at the CMUP of the moment they left — the figure the full costing puts in the product's cost price."""
    made = {
        row["bom__product_id"]: row
        for row in ProductionOrder.objects.filter(
            status=ProductionStatus.DONE, done_date__gte=first, done_date__lte=last
        )
        .values("bom__product_id")
        .annotate(q=Sum("quantity"), m=Sum("material_cost"), w=Sum("labour_cost"))
    }
    sold = {
        row["item_id"]: row
        for row in StockMove.objects.filter(kind=MoveKind.DELIVERY, date__gte=first, date__lte=last)
        .filter(item_id__in=Bom.objects.values("product_id"))
        .values("item_id")
        .annotate(q=Sum("quantity"), v=Sum("value"))
    }
    items = StockItem.objects.filter(pk__in=set(made) | set(sold)).select_related("product")
    result = []
    for item in sorted(items, key=lambda i: i.product.reference):
        m, s = made.get(item.pk, {}), sold.get(item.pk, {})
        result.append(ProductionCost(
            item.product.reference, item.product.name, m.get("q") or ZERO, _eur(m.get("m")) + _eur(m.get("w")),
            -(s.get("q") or ZERO), -_eur(s.get("v")),
        ))  # fmt: skip
    return result
