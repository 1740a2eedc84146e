"""Reads of the lots and serial numbers: the list (filters, sorts, exports) and a lot's traceability — where it came
from (its entries: a receipt, a production order and the component lots it consumed) and where it went (its exits:
deliveries, and the production orders it went into with the lots they made)."""

from __future__ import annotations

from django.db.models import Q

from pilote.core.listing import Column
from pilote.operations.models import Lot, LotMove, MoveKind

SORTS = {"article": ["item__product__reference", "received_on"], "numero": ["number"], "entree": ["received_on", "id"],
         "quantite": ["quantity", "id"]}  # fmt: skip
COLUMNS = [
    Column("Référence", lambda lot: lot.item.product.reference),
    Column("Article", lambda lot: lot.item.product.name),
    Column("Numéro", lambda lot: lot.number),
    Column("Type", lambda lot: "Numéro de série" if lot.is_serial else "Lot"),
    Column("Entré le", lambda lot: lot.received_on),
    Column("Origine", lambda lot: lot.origin),
    Column("Quantité restante", lambda lot: lot.quantity),
]


def filter_lots(data: dict):
    lots = Lot.objects.select_related("item__product")
    if data.get("q"):
        text = data["q"]
        lots = lots.filter(
            Q(number__icontains=text) | Q(origin__icontains=text) | Q(item__product__name__icontains=text)
            | Q(item__product__reference__icontains=text)
        )  # fmt: skip
    if data.get("article"):
        lots = lots.filter(item=data["article"])
    if data.get("in_stock"):
        lots = lots.filter(quantity__gt=0)
    return lots


def _moves(**filters):
    return list(
        LotMove.objects.filter(**filters)
        .select_related("move__location", "lot__item__product")
        .order_by("move__date", "id")
    )


def traceability(lot: Lot) -> dict:
    """The lot's movements in and out, and the lots linked to it through a production order (same piece)."""
    moves = _moves(lot=lot)
    made_by = {m.move.reference for m in moves if m.move.kind == MoveKind.PRODUCTION_IN}
    went_into = {m.move.reference for m in moves if m.move.kind == MoveKind.CONSUMPTION}
    components = _moves(move__kind=MoveKind.CONSUMPTION, move__reference__in=made_by) if made_by else []
    products = _moves(move__kind=MoveKind.PRODUCTION_IN, move__reference__in=went_into) if went_into else []
    return {
        "entries": [m for m in moves if m.quantity > 0],
        "exits": [m for m in moves if m.quantity < 0],
        "components": components,
        "products": products,
    }
