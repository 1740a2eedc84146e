"""Reads of production: BOMs with their estimated cost, production orders (list, sorts, exports), an order's
needs and shortages."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from pilote.core.listing import Column
from pilote.operations.models import Bom, ProductionOrder
from pilote.operations.services import production as services

ORDER_SORTS = {"numero": ["number"], "date": ["planned_date", "id"], "etat": ["status", "id"]}
ORDER_COLUMNS = [
    Column("Numéro", lambda o: o.number),
    Column("Nomenclature", lambda o: o.bom.name),
    Column("Produit", lambda o: o.bom.product.product.name),
    Column("Quantité", lambda o: o.quantity),
    Column("Date prévue", lambda o: o.planned_date),
    Column("État", lambda o: o.get_status_display()),
    Column("Terminé le", lambda o: o.done_date),
    Column("Coût des matières", lambda o: o.material_cost),
    Column("Coût des postes", lambda o: o.labour_cost),
    Column("Coût unitaire", lambda o: o.unit_cost),
]


def filter_orders(data: dict):
    orders = ProductionOrder.objects.select_related("bom__product__product", "location")
    if data.get("q"):
        orders = orders.filter(Q(number__icontains=data["q"]) | Q(bom__name__icontains=data["q"]))
    if data.get("status"):
        orders = orders.filter(status=data["status"])
    return orders


def boms():
    return Bom.objects.select_related("product__product").annotate(line_count=Count("lines")).order_by("name")


def bom_page(bom: Bom) -> dict:
    needs = services.needs(bom, bom.quantity, bom.product.default_location)
    materials = sum((n.cost for n in needs), Decimal("0"))
    labour = services.labour_cost(bom, bom.quantity)
    return {
        "lines": list(bom.lines.select_related("component__product")),
        "operations": list(bom.operations.select_related("work_centre")),
        "needs": needs,
        "materials": materials,
        "labour": labour,
        "total": materials + labour,
        "unit": ((materials + labour) / bom.quantity).quantize(Decimal("0.01")),
    }


def order_page(order: ProductionOrder) -> dict:
    needs = services.needs(order.bom, order.quantity, order.location)
    materials = sum((n.cost for n in needs), Decimal("0"))
    labour = services.labour_cost(order.bom, order.quantity)
    return {"needs": needs, "short": any(n.shortage for n in needs), "estimate": materials + labour,
            "estimate_materials": materials, "estimate_labour": labour}  # fmt: skip
