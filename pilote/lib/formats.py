"""French display formats: 1 234,56 €, 24/11/2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.lib.amounts import round_eur

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator


def format_number(value: Decimal | int | None, places: int = 2) -> str:
    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(value).quantize(quantum) if places else Decimal(value).quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = NNBSP.join(groups)
    return f"{sign}{text},{fraction}" if places else f"{sign}{text}"


def significant_places(value: Decimal | int) -> int:
    """How many decimals a number really has: 2.500 → 1, 10.000 → 0, 0.125 → 3."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_quantity(value: Decimal | int | None, most: int = 3) -> str:
    """A quantity with only the decimals it needs: 10, 2,5, 0,125."""
    if value is None or value == "":
        return ""
    return format_number(value, min(significant_places(value), most))


def format_percent(value: Decimal | int | None, most: int = 2) -> str:
    """A rate: 20 %, 5,5 %, 12,15 %."""
    if value is None or value == "":
        return ""
    return f"{format_quantity(value, most)}{NNBSP}%"


def format_eur(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return ""
    return f"{format_number(round_eur(value))}{NNBSP}€"


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def decimal_comma(value: Decimal | None) -> str:
    """A plain number with a decimal comma, for CSV exports read by French spreadsheets."""
    if value is None:
        return ""
    return f"{value:f}".replace(".", ",")
