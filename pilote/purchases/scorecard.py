"""Supplier scorecard: pure functions over the facts Pilote holds (no database here; queries/scorecard.py reads
them).

Each criterion is a rate turned into a score out of 5, and the overall score is the mean of the criteria that
have facts in the period (a supplier never delivered has no delivery score, not a zero):
- delivery: receipts on or before the promised date (the order's « livraison souhaitée ») / receipts of orders
  that had one;
- conformity: receipt lines conform and with nothing refused / receipt lines;
- price: drift of the invoiced net against the ordered net for the same quantities (invoice lines matched to an
  order line): 0 % or less scores 5, each point of increase costs one point (5 % or more: 0); shown beside it,
  not scored, the drift of the articles ordered again against their price on the supplier's previous order;
- disputes: invoices never disputed, refused or accepted with a matching difference / invoices;
- rating: the mean of the manual ratings (0 to 5) of the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO

FIVE = Decimal(5)
HUNDRED = Decimal(100)
CRITERIA = {
    "delivery": "Délais tenus",
    "conformity": "Réceptions conformes",
    "price": "Prix facturés",
    "disputes": "Factures sans litige",
    "rating": "Évaluations",
}


@dataclass
class Facts:
    receipts_promised: int = 0  # receipts of orders with a promised date
    receipts_on_time: int = 0
    days_late: int = 0  # summed over the late receipts
    receipt_lines: int = 0
    lines_conform: int = 0
    ordered_amount: Decimal = ZERO  # ordered net of the invoiced quantities
    invoiced_amount: Decimal = ZERO  # invoiced net of the same lines
    invoices: int = 0
    disputed_invoices: int = 0
    previous_amount: Decimal = ZERO  # articles ordered again: their quantities at the previous order's price
    repeat_amount: Decimal = ZERO  # the same lines at this order's price
    ratings: list[int] = field(default_factory=list)

    def add(self, other: Facts) -> Facts:
        return Facts(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__ if name != "ratings"),
            ratings=self.ratings + other.ratings,
        )


@dataclass
class Score:
    facts: Facts
    criteria: dict[str, Decimal | None]  # criterion → score out of 5, None without facts
    rates: dict[str, Decimal | None]  # criterion → rate in percent (price: the drift), None without facts

    @property
    def overall(self) -> Decimal | None:
        known = [value for value in self.criteria.values() if value is not None]
        return _round(sum(known, ZERO) / len(known)) if known else None

    @property
    def cells(self) -> list[tuple[str, Decimal | None]]:
        return [(CRITERIA[key], value) for key, value in self.criteria.items()]

    @property
    def average_delay(self) -> Decimal | None:
        late = self.facts.receipts_promised - self.facts.receipts_on_time
        return _round(Decimal(self.facts.days_late) / late) if late else None


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _ratio(good: int, total: int) -> Decimal | None:
    return _round(HUNDRED * good / total) if total else None


def price_drift(ordered: Decimal, invoiced: Decimal) -> Decimal | None:
    """Invoiced against ordered, in percent (positive: invoiced dearer)."""
    return _round(HUNDRED * (invoiced - ordered) / ordered) if ordered else None


def price_score(drift: Decimal | None) -> Decimal | None:
    if drift is None:
        return None
    return _round(min(FIVE, max(ZERO, FIVE - max(drift, ZERO))))


def score(facts: Facts) -> Score:
    rates = {
        "delivery": _ratio(facts.receipts_on_time, facts.receipts_promised),
        "conformity": _ratio(facts.lines_conform, facts.receipt_lines),
        "price": price_drift(facts.ordered_amount, facts.invoiced_amount),
        "disputes": _ratio(facts.invoices - facts.disputed_invoices, facts.invoices),
        "rating": _round(Decimal(sum(facts.ratings)) / len(facts.ratings)) if facts.ratings else None,
        "previous_orders": price_drift(facts.previous_amount, facts.repeat_amount),
    }
    criteria = {
        key: (None if rates[key] is None else _round(rates[key] * FIVE / HUNDRED))
        for key in ("delivery", "conformity", "disputes")
    }
    criteria["price"] = price_score(rates["price"])
    criteria["rating"] = rates["rating"]
    return Score(facts, {key: criteria[key] for key in CRITERIA}, rates)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(key: tuple[int, int]) -> str:
    return f"T{key[1]} {key[0]}"


def last_quarters(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The `count` calendar quarters ending with today's, oldest first."""
    year, quarter = quarter_of(today)
    keys = []
    for _ in range(count):
        keys.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return keys[::-1]
