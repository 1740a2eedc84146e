"""Receipts of purchase orders and customer deliveries move the stock of the articles followed in stock.

Purchases and sales never import operations: operations listens to their lines being created (`post_save`,
connected in `OperationsConfig.ready()`), inside the receipt's or the delivery's own transaction — a delivery
that would take the stock under zero is refused with the French message and nothing of it is written. A line
without a catalogue article, or whose article is not followed in stock, moves nothing. An article tracked by lot
receives the lots (or serials) typed on the receipt form (`ReceiptLine.lots`), else a lot named after the receipt
(serials: « BR-…-001 »…); a delivery takes the lots chosen on the delivery form (`DeliveryLine.lots`, pre-filled
with the oldest), else the oldest lots (FIFO). `tracked` and `suggest` are offered to those forms through
`core.registry.register_lot_tracking`."""

from __future__ import annotations

from decimal import Decimal

from pilote.operations.models import MoveKind, StockItem, Tracking
from pilote.operations.services import stock


def _item(product_id):
    if product_id is None:
        return None
    return StockItem.objects.filter(product_id=product_id).first()


def _typed_lots(item: StockItem, line) -> dict:
    """The lots typed on the line (checked: they add up to its quantity, none twice), else the automatic ones."""
    typed = (getattr(line, "lots", "") or "").strip()
    if typed and item.tracking != Tracking.NONE:
        return {"lots": stock.parse_lots(item, typed, line.quantity)}
    return {"auto_lots": True}


def tracked(product_ids) -> dict:
    return dict(
        StockItem.objects.filter(product_id__in=product_ids)
        .exclude(tracking=Tracking.NONE)
        .values_list("product_id", "tracking")
    )


def suggest(product_id, quantity) -> str:
    item = _item(product_id)
    return stock.fifo_suggestion(item, Decimal(quantity)) if item is not None and quantity else ""


def purchase_received(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw or not instance.quantity:
        return
    line = instance.order_line
    item = _item(line.product_id)
    if item is None:
        return
    cost = line.unit_price * (1 - (line.discount_percent or Decimal("0")) / 100)
    receipt = instance.receipt
    stock.move(actor=receipt.created_by, item=item, kind=MoveKind.RECEIPT, quantity=instance.quantity,
               date=receipt.date, unit_cost=cost, reference=receipt.number, backdate=True,
               **_typed_lots(item, instance))  # fmt: skip


def sale_delivered(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    item = _item(instance.order_line.product_id)
    if item is None:
        return
    delivery = instance.delivery
    stock.move(actor=delivery.created_by, item=item, kind=MoveKind.DELIVERY, quantity=instance.quantity,
               date=delivery.date, reference=delivery.number, backdate=True,
               **_typed_lots(item, instance))  # fmt: skip


def connect() -> None:
    from django.db.models.signals import post_save

    from pilote.purchases.models import ReceiptLine
    from pilote.sales.models import DeliveryLine

    post_save.connect(purchase_received, sender=ReceiptLine, dispatch_uid="operations.purchase_received")
    post_save.connect(sale_delivered, sender=DeliveryLine, dispatch_uid="operations.sale_delivered")
