"""Bills of materials and production orders: planned, released when no component is short, done by consuming
the components at their CMUP and bringing the finished goods in at their production cost (production.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.formats import format_quantity
from pilote.operations import production
from pilote.operations.models import (
    Bom,
    BomLine,
    BomOperation,
    MoveKind,
    ProductionOrder,
    ProductionStatus,
    StockItem,
    StockLevel,
    Tracking,
    WorkCentre,
)
from pilote.operations.services import stock
from pilote.operations.services.stock import _check_quantity, _clean
from pilote.sales import numbering

SERIES = "OF"  # ordre de fabrication


@transaction.atomic
def create_work_centre(*, actor, name: str, hourly_rate: Decimal) -> WorkCentre:
    centre = WorkCentre(name=name.strip(), hourly_rate=hourly_rate)
    _clean(centre)
    centre.save()
    audit.record(actor, "operations.workcentre.created", centre, after=audit.snapshot(centre))
    return centre


@transaction.atomic
def create_bom(*, actor, product: StockItem, name: str, quantity: Decimal = Decimal("1")) -> Bom:
    bom = Bom(product=product, name=name.strip(), quantity=quantity)
    _clean(bom)
    bom.save()
    audit.record(actor, "operations.bom.created", bom, after=audit.snapshot(bom))
    return bom


@transaction.atomic
def add_component(*, actor, bom: Bom, component: StockItem, quantity: Decimal, scrap_percent=Decimal("0")) -> BomLine:
    if component.pk == bom.product_id:
        raise DomainError("Un produit ne peut pas être son propre composant.")
    line = BomLine(bom=bom, component=component, quantity=quantity, scrap_percent=scrap_percent)
    _clean(line)
    line.save()
    audit.record(actor, "operations.bom.changed", bom, after={"composant": str(component), "quantité": str(quantity)})
    return line


@transaction.atomic
def add_operation(*, actor, bom: Bom, work_centre: WorkCentre, hours: Decimal) -> BomOperation:
    operation = BomOperation(bom=bom, work_centre=work_centre, hours=hours)
    _clean(operation)
    operation.save()
    audit.record(actor, "operations.bom.changed", bom, after={"poste": str(work_centre), "heures": str(hours)})
    return operation


@transaction.atomic
def remove_line(*, actor, line) -> None:
    audit.record(actor, "operations.bom.changed", line.bom, before={"retiré": str(line)})
    line.delete()


def needs(bom: Bom, quantity: Decimal, location) -> list[production.Need]:
    """Each component's requirement for `quantity` units, what the location holds of it, and its CMUP."""
    lines = list(bom.lines.select_related("component__product"))
    levels = dict(
        StockLevel.objects.filter(location=location, item__in=[x.component_id for x in lines]).values_list(
            "item_id", "quantity"
        )
    )
    return [
        production.Need(
            line.component_id, str(line.component),
            production.required(line.quantity, bom.quantity, quantity, line.scrap_percent),
            levels.get(line.component_id, Decimal("0")), line.component.average_cost,
        )
        for line in lines
    ]  # fmt: skip


def tracked_needs(order: ProductionOrder) -> list[tuple[StockItem, production.Need, str]]:
    """(component, need, FIFO suggestion) of the order's components followed by lot or serial number."""
    items = {i.pk: i for i in StockItem.objects.select_related("product").exclude(tracking=Tracking.NONE)
             .filter(pk__in=[line.component_id for line in order.bom.lines.all()])}  # fmt: skip
    return [
        (items[need.component_id], need, stock.fifo_suggestion(items[need.component_id], need.required))
        for need in needs(order.bom, order.quantity, order.location)
        if need.component_id in items
    ]


def typed_lots(order: ProductionOrder, texts: dict[int, str]) -> dict:
    """The lots or serials typed for the order's tracked components ({component id: text}), read for `complete`;
    a component left blank takes its oldest lots (FIFO)."""
    lots = {}
    for item, need, _ in tracked_needs(order):
        text = (texts.get(item.pk) or "").strip()
        if text:
            lots[item.pk] = stock.parse_lots(item, text, need.required)
    return lots


def labour_cost(bom: Bom, quantity: Decimal) -> Decimal:
    rates = [(op.hours, op.work_centre.hourly_rate) for op in bom.operations.select_related("work_centre")]
    return production.labour(rates, bom.quantity, quantity)


@transaction.atomic
def create_order(*, actor, bom: Bom, quantity: Decimal, planned_date: dt.date, location) -> ProductionOrder:
    _check_quantity(Decimal(quantity))
    if not bom.lines.exists():
        raise DomainError("Cette nomenclature n'a aucun composant.")
    order = ProductionOrder(
        number=numbering.next_number(SERIES, planned_date.year), bom=bom, quantity=quantity,
        planned_date=planned_date, location=location, created_by=actor,
    )  # fmt: skip
    _clean(order)
    order.save()
    audit.record(actor, "operations.production.created", order, after=audit.snapshot(order))
    return order


def _shortages(order: ProductionOrder) -> list[str]:
    return [
        f"{need.label} : il manque {format_quantity(need.shortage)} (besoin {format_quantity(need.required)}, "
        f"en stock {format_quantity(need.available)})"
        for need in needs(order.bom, order.quantity, order.location)
        if need.shortage
    ]


@transaction.atomic
def release(*, actor, order: ProductionOrder) -> ProductionOrder:
    order = ProductionOrder.objects.select_for_update().select_related("bom", "location").get(pk=order.pk)
    if order.status != ProductionStatus.PLANNED:
        raise DomainError(f"L'ordre {order.number} est {order.get_status_display().lower()} : il ne se lance plus.")
    missing = _shortages(order)
    if missing:
        raise DomainError("Lancement impossible, composants manquants — " + " ; ".join(missing) + ".")
    order.status = ProductionStatus.RELEASED
    order.version += 1
    order.save(update_fields=["status", "version"])
    audit.record(actor, "operations.production.released", order)
    return order


@transaction.atomic
def complete(*, actor, order: ProductionOrder, date: dt.date, lots: dict | None = None) -> ProductionOrder:
    """Consume the components at their CMUP, then bring the finished goods in at (materials + work centres' time)
    ÷ quantity: the finished good's CMUP is recomputed like at a purchase. A tracked component consumes the lots or
    serials named in `lots` {component id: [(number, quantity)]}, else the oldest (FIFO); tracked finished goods come
    in as the order's lot (serials « OF-…-001 »…)."""
    lots = lots or {}
    order = ProductionOrder.objects.select_for_update().select_related("bom__product", "location").get(pk=order.pk)
    if order.status != ProductionStatus.RELEASED:
        raise DomainError(f"Seul un ordre lancé se termine ; {order.number} est {order.get_status_display().lower()}.")
    if date < order.planned_date - dt.timedelta(days=366):
        raise DomainError("La date de fin est trop éloignée de la date prévue.")
    materials = Decimal("0")
    for need in needs(order.bom, order.quantity, order.location):
        consumed = stock.move(actor=actor, item=StockItem(pk=need.component_id), kind=MoveKind.CONSUMPTION,
                              quantity=need.required, date=date, location=order.location, reference=order.number,
                              backdate=True, lots=lots.get(need.component_id), auto_lots=True)  # fmt: skip
        materials -= consumed.value
    labour = labour_cost(order.bom, order.quantity)
    unit_cost = ((materials + labour) / order.quantity).quantize(Decimal("0.0001"))
    stock.move(actor=actor, item=order.bom.product, kind=MoveKind.PRODUCTION_IN, quantity=order.quantity, date=date,
               location=order.location, unit_cost=unit_cost, reference=order.number, backdate=True,
               auto_lots=True)  # fmt: skip
    order.material_cost, order.labour_cost, order.unit_cost = materials, labour, unit_cost
    order.status, order.done_date = ProductionStatus.DONE, date
    order.version += 1
    order.save()
    audit.record(actor, "operations.production.done", order, after={"coût": str(materials + labour)})
    return order


@transaction.atomic
def cancel(*, actor, order: ProductionOrder) -> ProductionOrder:
    order = ProductionOrder.objects.select_for_update().get(pk=order.pk)
    if order.status == ProductionStatus.DONE:
        raise DomainError("Un ordre terminé ne s'annule pas : ses mouvements de stock sont passés.")
    order.status = ProductionStatus.CANCELLED
    order.version += 1
    order.save(update_fields=["status", "version"])
    audit.record(actor, "operations.production.cancelled", order)
    return order
