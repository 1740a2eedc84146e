"""Pure computations of the dashboard's indicators, over Decimals: no database.

- Gross margin (marge brute) = net sales of goods and production sold − cost of the goods sold and of the
  materials consumed (purchases 607, 601, 602 with their stock variations 6037, 6031, 6032 and rebates 6097,
  6091, 6092): the SIG items, so it agrees with the diagnosis.
- A variation is (N − N−1) ÷ |N−1| × 100, none when N−1 is nil.
- Orders in hand (carnet de commandes): each open order line's net amount × the share not yet invoiced.
- A threshold alerts when the value falls under it (cash, revenue) or exceeds it (overdue receivables, DSO),
  as the indicator declares.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.formats import format_eur, format_number
from pilote.lib.money import ZERO, round_eur

HUNDRED = Decimal(100)


def revenue(items: dict[str, Decimal]) -> Decimal:
    """Net sales of the period from the SIG items (goods sold + production sold)."""
    return items["ventes_marchandises"] + items["production_vendue"]


def gross_margin(items: dict[str, Decimal]) -> Decimal:
    goods_sold = items["achats_marchandises"] + items["variation_stock_marchandises"]
    materials = items["achats_matieres"] + items["variation_stock_matieres"]
    return revenue(items) - goods_sold - materials


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def variation(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return ((current - previous) * HUNDRED / abs(previous)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def variation_text(current: Decimal | None, previous: Decimal | None) -> str:
    change = variation(current, previous)
    if change is None:
        return ""
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{format_number(abs(change), 1)}\u202f%"


def remaining_to_invoice(net: Decimal, quantity: Decimal, invoiced: Decimal) -> Decimal:
    """The net amount of an order line not invoiced yet, to the cent."""
    if quantity <= 0 or invoiced >= quantity:
        return ZERO
    if invoiced <= 0:
        return net
    return round_eur(net * (quantity - invoiced) / quantity)


def breached(value: Decimal | None, threshold: Decimal | None, *, below: bool) -> bool:
    if value is None or threshold is None:
        return False
    return value < threshold if below else value > threshold


def display(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "€":
        return format_eur(value)
    places = 1 if unit in ("%", "j") and value != value.to_integral_value() else 0
    return f"{format_number(value, places)}\u202f{unit}"
