"""Every stock write: locations, stocked articles, movements (one function, `move`, under a row lock on the
article, so two deliveries at once never take the same units), transfers and inventory counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.formats import format_quantity
from pilote.operations import lots, valuation
from pilote.operations.models import (
    COST_ENTRIES,
    CountStatus,
    InventoryCount,
    InventoryLine,
    Location,
    Lot,
    LotMove,
    MoveKind,
    StockItem,
    StockLevel,
    StockMove,
    Tracking,
)

ITEM_FIELDS = (
    "category", "default_location", "reorder_point", "reorder_quantity", "supplier", "allow_negative", "tracking",
)  # fmt: skip
MAX_QUANTITY = Decimal("100000000")
OUT_KINDS = {MoveKind.DELIVERY, MoveKind.ISSUE, MoveKind.CONSUMPTION}


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc


@transaction.atomic
def create_location(*, actor, code: str, name: str, address: str = "") -> Location:
    location = Location(code=code.strip().upper(), name=name.strip(), address=address.strip())
    if Location.objects.filter(code=location.code).exists():
        raise DomainError(f"L'emplacement {location.code} existe déjà.")
    _clean(location)
    location.save()
    audit.record(actor, "operations.location.created", location, after=audit.snapshot(location))
    return location


@transaction.atomic
def track_product(*, actor, product, **fields) -> StockItem:
    """Follow a catalogue article in stock (goods only: a service is never stocked)."""
    if product.kind != "goods":
        raise DomainError(f"« {product.name} » est une prestation de service : elle ne se stocke pas.")
    if StockItem.objects.filter(product=product).exists():
        raise DomainError(f"« {product.name} » est déjà suivi en stock.")
    item = StockItem(product=product, **{k: fields[k] for k in ITEM_FIELDS if k in fields})
    _clean(item)
    item.save()
    audit.record(actor, "operations.item.created", item, after=audit.snapshot(item))
    return item


@transaction.atomic
def update_item(*, actor, item: StockItem, expected_version=None, **fields) -> StockItem:
    item = StockItem.objects.select_for_update().get(pk=item.pk)
    check_version(item.version, expected_version, "L'article stocké")
    before = audit.snapshot(item)
    if "tracking" in fields and fields["tracking"] != item.tracking and item.quantity != 0:
        raise DomainError(f"« {item.product.name} » a du stock : sa traçabilité (lot, numéro de série) se change quand "
                          "son stock est à zéro, pour que chaque unité ait son lot.")  # fmt: skip
    for key in ITEM_FIELDS:
        if key in fields:
            setattr(item, key, fields[key])
    _clean(item)
    item.version += 1
    item.save()
    audit.record(actor, "operations.item.updated", item, before=before, after=audit.snapshot(item))
    return item


def _check_quantity(quantity: Decimal) -> None:
    if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY:
        raise DomainError("La quantité doit être positive (et inférieure à 100 millions).")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise DomainError("La quantité s'arrête au millième.")


def move(
    *,
    actor,
    item: StockItem,
    kind: str,
    quantity: Decimal,
    date: dt.date,
    location: Location | None = None,
    unit_cost: Decimal | None = None,
    reference: str = "",
    note: str = "",
    backdate: bool = False,
    lots: list[tuple[str, Decimal]] | None = None,
    auto_lots: bool = False,
) -> StockMove:
    """One movement. Entries (opening, receipt, production) at `unit_cost` recompute the CMUP; exits (delivery,
    issue, consumption) leave at the CMUP; an adjustment, a count difference or a transfer is signed by
    `quantity` (positive in, negative out). Refused when it would take a location's stock under zero, unless the
    article allows it. Runs inside the caller's transaction (the article row is locked).

    An article tracked by lot or serial number names them in `lots` [(number, quantity)]; with `auto_lots` (the
    receipts and deliveries of other apps, production, counts) an entry without lots is named after its piece
    (serials numbered « piece-001 »…) and an exit takes the oldest lots first (FIFO); otherwise missing lots are
    refused in French. A transfer keeps its lots."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock.move runs inside a transaction")
    item = StockItem.objects.select_for_update().select_related("product").get(pk=item.pk)
    location = location or item.default_location
    signed = Decimal(quantity)
    if kind in OUT_KINDS:
        signed = -abs(signed)
    _check_quantity(abs(signed))
    if not backdate and item.last_move_date and date < item.last_move_date:
        raise DomainError(
            f"Le dernier mouvement de « {item.product.name} » est du {item.last_move_date:%d/%m/%Y} : un mouvement "
            "antérieur fausserait le coût moyen pondéré. Datez-le de ce jour ou après."
        )
    level, _ = StockLevel.objects.select_for_update().get_or_create(item=item, location=location)
    if signed < 0 and not item.allow_negative and level.quantity + signed < 0:
        raise DomainError(
            f"Stock insuffisant de « {item.product.name} » à {location.code} : {format_quantity(level.quantity)} "
            f"disponible(s), {format_quantity(-signed)} demandé(s). Le stock ne peut pas devenir négatif."
        )
    state = valuation.State(item.quantity, item.value, item.average_cost)
    if kind in COST_ENTRIES:
        if unit_cost is None or unit_cost < 0 or not Decimal(unit_cost).is_finite():
            raise DomainError("Une entrée en stock demande son coût unitaire (positif ou nul).")
        state, value = valuation.enter(state, signed, Decimal(unit_cost))
        cost = Decimal(unit_cost)
    elif signed > 0:
        state, value = valuation.adjust_in(state, signed)
        cost = state.average
    else:
        cost = state.average
        if item.allow_negative and -signed > state.quantity:
            value = valuation.round_eur(-signed * state.average)
            state = valuation.State(state.quantity + signed, state.value - value, state.average)
        else:
            state, value = valuation.leave(state, -signed)
        value = -value
    record = StockMove.objects.create(
        item=item, location=location, kind=kind, date=date, quantity=signed, unit_cost=cost, value=value,
        quantity_after=state.quantity, value_after=state.value, average_after=state.average,
        reference=reference[:60], note=note.strip()[:300], created_by=actor,
    )  # fmt: skip
    _track_lots(item, record, lots, auto_lots)
    level.quantity += signed
    level.save(update_fields=["quantity"])
    item.quantity, item.value, item.average_cost = state.quantity, state.value, state.average
    item.last_move_date = max(date, item.last_move_date or date)
    item.save(update_fields=["quantity", "value", "average_cost", "last_move_date"])
    return record


def _lot_refusal(item: StockItem, message: str) -> DomainError:
    return DomainError(f"« {item.product.name} » : {message}")


def _track_lots(item: StockItem, record: StockMove, wanted, auto: bool) -> None:
    """The lots (or serials) of a movement of a tracked article: checked, their quantities moved, each one's part of
    the movement recorded (LotMove)."""
    if item.tracking == Tracking.NONE or record.kind == MoveKind.TRANSFER:
        return
    serial = item.tracking == Tracking.SERIAL
    quantity = abs(record.quantity)
    if serial and quantity != quantity.to_integral_value():
        raise _lot_refusal(item, "un article suivi par numéro de série se compte en unités entières.")
    if wanted is not None:
        try:
            wanted = lots.parse(lots.as_text(wanted, serial), quantity, serial)
        except lots.LotError as exc:
            raise _lot_refusal(item, str(exc)) from exc
    entering = record.quantity > 0
    if wanted is None and not auto:
        kind = "ses numéros de série" if serial else "son ou ses lots"
        raise _lot_refusal(item, f"cet article est suivi {'par numéro de série' if serial else 'par lot'} : "
                                 f"indiquez {kind}.")  # fmt: skip
    existing = {lot.number: lot for lot in Lot.objects.select_for_update().filter(item=item)}
    if wanted is None and entering:
        base = (record.reference or f"E{record.date:%Y%m%d}").upper().replace(" ", "-")[:55]
        count = int(quantity) if serial else 0
        wanted = [(f"{base}-{i:03d}", Decimal(1)) for i in range(1, count + 1)] if serial else [(base, quantity)]
    elif wanted is None:
        available = [lots.Available(lot.number, lot.quantity, lot.received_on) for lot in existing.values()]
        try:
            wanted = lots.fifo(available, quantity)
        except lots.LotError as exc:
            raise _lot_refusal(item, str(exc)) from exc
    rows = []
    for number, part in wanted:
        lot = existing.get(number)
        if entering:
            if lot is None:
                lot = Lot.objects.create(item=item, number=number, is_serial=serial, quantity=Decimal(0),
                                         received_on=record.date, origin=record.reference[:60])  # fmt: skip
            elif serial and lot.quantity > 0:
                raise _lot_refusal(item, f"le numéro de série {number} est déjà en stock : il n'entre qu'une fois.")
            lot.quantity += part
        else:
            if lot is None:
                raise _lot_refusal(item, f"{'numéro de série' if serial else 'lot'} {number} inconnu pour cet article.")
            if lot.quantity < part:
                if serial:
                    raise _lot_refusal(item, f"le numéro de série {number} est déjà sorti du stock.")
                raise _lot_refusal(item, f"le lot {number} n'a plus que {format_quantity(lot.quantity)} en stock.")
            lot.quantity -= part
        lot.save(update_fields=["quantity"])
        rows.append(LotMove(move=record, lot=lot, quantity=part if entering else -part))
    LotMove.objects.bulk_create(rows)


def fifo_suggestion(item: StockItem, quantity: Decimal) -> str:
    """The lots (or serials) an exit of `quantity` would take, oldest first, as a person would type them ("" when
    the article is not tracked or its lots do not cover the quantity)."""
    if item.tracking == Tracking.NONE or not quantity or quantity <= 0:
        return ""
    available = [lots.Available(lot.number, lot.quantity, lot.received_on)
                 for lot in Lot.objects.filter(item=item, quantity__gt=0)]  # fmt: skip
    try:
        return lots.as_text(lots.fifo(available, quantity), item.tracking == Tracking.SERIAL)
    except lots.LotError:
        return ""


def parse_lots(item: StockItem, text: str, quantity: Decimal) -> list[tuple[str, Decimal]] | None:
    """What a person typed in the lots field of a movement of a tracked article (None for an untracked one)."""
    if item.tracking == Tracking.NONE:
        return None
    try:
        return lots.parse(text, abs(Decimal(quantity)), item.tracking == Tracking.SERIAL)
    except lots.LotError as exc:
        raise _lot_refusal(item, str(exc)) from exc


@transaction.atomic
def record_move(*, actor, item: StockItem, kind: str, quantity: Decimal, date: dt.date, **kwargs) -> StockMove:
    """A movement typed by a person (entry, exit, adjustment), audited."""
    record = move(actor=actor, item=item, kind=kind, quantity=quantity, date=date, **kwargs)
    audit.record(actor, "operations.move.created", record, after=audit.snapshot(record))
    return record


@transaction.atomic
def transfer(*, actor, item: StockItem, quantity: Decimal, date: dt.date, source: Location, target: Location,
             note: str = "") -> tuple[StockMove, StockMove]:  # fmt: skip
    """Units moved from one location to another at the CMUP: the article's total and value do not change."""
    if source == target:
        raise DomainError("Choisissez deux emplacements différents.")
    reference = f"Transfert {source.code} → {target.code}"
    out = move(actor=actor, item=item, kind=MoveKind.TRANSFER, quantity=-Decimal(quantity), date=date,
               location=source, reference=reference, note=note)  # fmt: skip
    back = move(actor=actor, item=item, kind=MoveKind.TRANSFER, quantity=Decimal(quantity), date=date,
                location=target, reference=reference, note=note)  # fmt: skip
    audit.record(actor, "operations.move.transferred", out, after={"vers": target.code, "quantité": str(quantity)})
    return out, back


MANUAL = {  # a movement typed on the article's page (or sent to the API) → (movement kind, sign of the quantity)
    "receipt": (MoveKind.RECEIPT, 1),
    "issue": (MoveKind.ISSUE, 1),
    "adjustment_in": (MoveKind.ADJUSTMENT, 1),
    "adjustment_out": (MoveKind.ADJUSTMENT, -1),
}


def manual_move(
    *, actor, item: StockItem, kind: str, quantity: Decimal, date: dt.date, location: Location,
    target: Location | None = None, unit_cost=None, reference: str = "", note: str = "", lots: str = "",
) -> list[StockMove]:  # fmt: skip
    """A movement typed by a person, as the article's page offers them: an entry, an exit, an adjustment either way
    (`MANUAL`, with the lots or serial numbers typed for a tracked article) or a transfer to `target` (which keeps
    its lots)."""
    if kind == "transfer":
        return list(transfer(actor=actor, item=item, quantity=quantity, date=date, source=location, target=target,
                             note=note))  # fmt: skip
    move_kind, sign = MANUAL[kind]
    typed_lots = parse_lots(item, lots or "", quantity)
    return [record_move(actor=actor, item=item, kind=move_kind, quantity=sign * quantity, date=date,
                        location=location, unit_cost=unit_cost, reference=reference, note=note,
                        lots=typed_lots)]  # fmt: skip


# --- Inventory counts -----------------------------------------------------------------------------------------


@transaction.atomic
def open_count(*, actor, location: Location, date: dt.date, note: str = "") -> InventoryCount:
    """A count sheet of every active article stocked at the location (or usually kept there), with the
    quantity the system expects and the CMUP of the day."""
    count = InventoryCount.objects.create(location=location, date=date, note=note.strip()[:300], created_by=actor)
    levels = dict(StockLevel.objects.filter(location=location).values_list("item_id", "quantity"))
    items = StockItem.objects.filter(product__is_active=True).filter(pk__in=list(levels)) | StockItem.objects.filter(
        product__is_active=True, default_location=location
    )
    InventoryLine.objects.bulk_create(
        InventoryLine(count=count, item=item, expected=levels.get(item.pk, Decimal("0")), unit_cost=item.average_cost)
        for item in items.distinct().order_by("product__reference")
    )
    audit.record(actor, "operations.count.opened", count, after={"emplacement": location.code, "lignes": len(levels)})
    return count


@transaction.atomic
def record_counts(*, actor, count: InventoryCount, counted: dict[int, Decimal | None]) -> InventoryCount:
    count = InventoryCount.objects.select_for_update().get(pk=count.pk)
    if count.status != CountStatus.OPEN:
        raise DomainError("Cet inventaire est clos : ses quantités ne changent plus.")
    lines = {line.pk: line for line in count.lines.all()}
    for pk, quantity in counted.items():
        if pk not in lines:
            continue
        if quantity is not None and (quantity < 0 or quantity >= MAX_QUANTITY):
            raise DomainError(f"{lines[pk].item} : la quantité comptée doit être positive ou nulle.")
        lines[pk].counted = quantity
    InventoryLine.objects.bulk_update(list(lines.values()), ["counted"])
    audit.record(actor, "operations.count.recorded", count, after={"lignes": len(counted)})
    return count


@transaction.atomic
def post_count(*, actor, count: InventoryCount) -> list[StockMove]:
    """Every counted difference becomes an « écart d'inventaire » movement at the CMUP (a shortfall leaves, a
    surplus comes in); lines left uncounted are refused, so nothing is posted from half a sheet."""
    count = InventoryCount.objects.select_for_update().select_related("location").get(pk=count.pk)
    if count.status != CountStatus.OPEN:
        raise DomainError("Les écarts de cet inventaire sont déjà passés.")
    lines = list(count.lines.select_related("item__product"))
    missing = [line.item.product.reference for line in lines if line.counted is None]
    if missing:
        raise DomainError(f"Quantités non comptées : {', '.join(missing[:10])}. Saisissez 0 pour un article absent.")
    moves = []
    levels = dict(StockLevel.objects.filter(location=count.location).values_list("item_id", "quantity"))
    for line in lines:
        # The difference against the stock as it stands now: movements since the sheet was opened are counted.
        difference = line.counted - levels.get(line.item_id, Decimal("0"))
        if difference:
            moves.append(
                move(actor=actor, item=line.item, kind=MoveKind.COUNT, quantity=difference, date=count.date,
                     location=count.location, reference=f"Inventaire n° {count.pk}", backdate=True,
                     auto_lots=True)
            )  # fmt: skip
    count.status = CountStatus.POSTED
    count.save(update_fields=["status"])
    audit.record(actor, "operations.count.posted", count, after={"écarts": len(moves)})
    return moves
