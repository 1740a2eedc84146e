"""To-do items: the stocked articles at or under their reorder point, with the quantity to order."""

from __future__ import annotations

from django.urls import reverse

from pilote.core.registry import TodoItem
from pilote.lib.dates import local_today
from pilote.lib.formats import format_quantity
from pilote.operations.queries.stock import reorder_alerts as alerts


def reorder_alerts(user) -> list[TodoItem]:
    today = local_today()
    return [
        TodoItem(
            f"Stock bas : {item.product.name} ({format_quantity(item.quantity)} en stock, point de commande "
            f"{format_quantity(item.reorder_point)})"
            + (f" — commander {format_quantity(item.reorder_quantity)}" if item.reorder_quantity else ""),
            reverse("operations:item", args=[item.pk]),
            due=today,
        )
        for item in alerts()
    ]
