"""Lot and serial numbers, pure: reading what a person types, and the FIFO suggestion of the lots to take.

Typed: lots as « L2401 : 5 ; L2402 : 3 » (number, colon, quantity; « ; », « , » or a new line between them —
a lot alone means the whole quantity when it is the only one); serials one per unit, « SN-001, SN-002 ». A serial
is one unit: it comes in once and leaves once. The FIFO suggestion takes the oldest lots first (received first,
then by number), and the oldest serials."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = re.compile(r"^[\w./-]{1,60}$")
ONE = Decimal("1")


class LotError(ValueError):
    """A French message for the person who typed the lots."""


@dataclass(frozen=True)
class Available:
    number: str
    quantity: Decimal
    received_on: object  # datetime.date


def _number(text: str) -> str:
    number = text.strip().upper()
    if not NUMBER.match(number):
        raise LotError(f"« {text.strip()} » n'est pas un numéro de lot ou de série (lettres, chiffres, . / - _).")
    return number


def parse(text: str, quantity: Decimal, serial: bool) -> list[tuple[str, Decimal]]:
    """The typed lots or serials of a movement of `quantity` units, checked: they add up to it, none twice."""
    parts = [p for p in re.split(r"[;,\n]+", text or "") if p.strip()]
    if not parts:
        what = "les numéros de série" if serial else "le ou les lots"
        raise LotError(f"Cet article est suivi par {'numéro de série' if serial else 'lot'} : indiquez {what}.")
    result: list[tuple[str, Decimal]] = []
    for part in parts:
        if serial:
            result.append((_number(part), ONE))
            continue
        number, _, amount = part.partition(":")
        if not amount.strip():
            if len(parts) > 1:
                raise LotError(f"Lot {number.strip()} : indiquez sa quantité (« {number.strip()} : 3 »).")
            result.append((_number(number), quantity))
            continue
        try:
            value = Decimal(amount.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise LotError(f"Lot {number.strip()} : « {amount.strip()} » n'est pas une quantité.") from None
        if not value.is_finite() or value <= 0:
            raise LotError(f"Lot {number.strip()} : la quantité doit être positive.")
        result.append((_number(number), value))
    numbers = [n for n, _ in result]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise LotError(f"{'Numéro de série' if serial else 'Lot'} cité deux fois : {', '.join(twice)}.")
    total = sum((q for _, q in result), Decimal("0"))
    if total != quantity:
        if serial:
            raise LotError(f"{len(result)} numéro(s) de série pour {quantity.normalize():f} unité(s) : un par unité.")
        raise LotError(f"Les lots font {total.normalize():f}, le mouvement {quantity.normalize():f}.")
    return result


def fifo(available: list[Available], quantity: Decimal) -> list[tuple[str, Decimal]]:
    """The oldest lots first until `quantity` is reached; raises LotError when they do not hold enough."""
    taken, rest = [], quantity
    for lot in sorted(available, key=lambda a: (a.received_on, a.number)):
        if rest <= 0:
            break
        if lot.quantity <= 0:
            continue
        part = min(lot.quantity, rest)
        taken.append((lot.number, part))
        rest -= part
    if rest > 0:
        raise LotError(f"Les lots en stock ne couvrent pas la quantité : il manque {rest.normalize():f}.")
    return taken


def as_text(lots: list[tuple[str, Decimal]], serial: bool) -> str:
    if serial:
        return ", ".join(number for number, _ in lots)
    return " ; ".join(f"{number} : {format(q.normalize(), 'f').replace('.', ',')}" for number, q in lots)
