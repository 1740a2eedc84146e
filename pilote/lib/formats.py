"""French display formats: 1 234,56 €, 24/11/2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.lib.money import round_eur

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
