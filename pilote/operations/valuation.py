"""Stock valuation at the weighted average cost (coût moyen unitaire pondéré après chaque entrée, CMUP).

At each entry the CMUP becomes (value before + quantity in × unit cost) ÷ (quantity before + quantity in);
every exit is valued at the CMUP of the moment and leaves it unchanged. The stock's value is kept to the cent
(each movement's value rounded), so the value at a date is the sum of the movements' values up to it; the
last unit out takes what value is left, so an empty stock is worth exactly 0,00 €.

Worked example (tests/test_valuation.py): 100 u at 10,00 € then 50 u at 13,00 € → CMUP
(1 000,00 + 650,00) ÷ 150 = 11,00 €; 120 u out at 11,00 € = 1 320,00 €, 30 u left worth 330,00 €; 70 u in at
12,00 € → CMUP (330,00 + 840,00) ÷ 100 = 11,70 €.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO, round_eur

COST_PLACES = Decimal("0.0001")


def unit_cost(value: Decimal, quantity: Decimal) -> Decimal:
    return (value / quantity).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class State:
    quantity: Decimal = Decimal("0")
    value: Decimal = ZERO
    average: Decimal = Decimal("0")  # the CMUP; kept when the stock is empty or negative, for the next exit


def enter(state: State, quantity: Decimal, cost: Decimal) -> tuple[State, Decimal]:
    """An entry at its own unit cost: the CMUP is recomputed. Returns the new state and the entry's value."""
    value_in = round_eur(quantity * cost)
    new_quantity, new_value = state.quantity + quantity, state.value + value_in
    # An empty (or negative) stock that comes back takes the entry's cost.
    average = unit_cost(new_value, new_quantity) if new_quantity > 0 and state.quantity > 0 else cost
    average = max(average, Decimal("0")).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    return State(new_quantity, new_value, average), value_in


def leave(state: State, quantity: Decimal) -> tuple[State, Decimal]:
    """An exit of `quantity` (positive) at the CMUP; the last units take the value left. Returns the new state
    and the exit's value (positive)."""
    value_out = state.value if quantity == state.quantity else round_eur(quantity * state.average)
    return State(state.quantity - quantity, state.value - value_out, state.average), value_out


def adjust_in(state: State, quantity: Decimal) -> tuple[State, Decimal]:
    """Units found (inventory gain, transfer in): valued at the CMUP, which does not change."""
    value_in = round_eur(quantity * state.average)
    return State(state.quantity + quantity, state.value + value_in, state.average), value_in


def fifo_value(entries: list[tuple[Decimal, Decimal]], exits: Decimal) -> Decimal:
    """The value of what is left under FIFO (premier entré, premier sorti), for comparison with the CMUP:
    `entries` are (quantity, unit cost) in date order, `exits` the total quantity out."""
    left, value = exits, ZERO
    for quantity, cost in entries:
        taken = min(quantity, max(left, Decimal("0")))
        left -= taken
        value += round_eur((quantity - taken) * cost)
    return value
