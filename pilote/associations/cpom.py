"""Pure rules of CPOM follow-up and activity indicators (no Django): the occupancy rate, a year's activity from
its months, and the variance of an actual against its target (objectives) or budget (means)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
TOLERANCE = Decimal("5")  # % within which an actual is « conforme » to its target


def occupancy_rate(days_delivered: int, places: int, days_open: int) -> Decimal | None:
    """Days delivered ÷ (places × days open), as a percentage to 0.1; None when nothing was open."""
    capacity = places * days_open
    if capacity <= 0:
        return None
    return (Decimal(days_delivered) * 100 / capacity).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Month:
    places: int
    days_open: int
    days_delivered: int
    hours_delivered: Decimal
    persons: int
    waiting_list: int


@dataclass(frozen=True)
class YearActivity:
    months: int
    capacity: int  # Σ places × days open
    days_delivered: int
    hours_delivered: Decimal
    average_persons: Decimal
    waiting_list_end: int  # the last month's

    @property
    def occupancy(self) -> Decimal | None:
        if self.capacity <= 0:
            return None
        return (Decimal(self.days_delivered) * 100 / self.capacity).quantize(Decimal("0.1"), ROUND_HALF_UP)


def year_activity(months: Iterable[Month]) -> YearActivity:
    """A year from its months in calendar order: the occupancy is Σ days ÷ Σ (places × days), not an average of
    monthly rates."""
    rows = list(months)
    persons = sum(m.persons for m in rows)
    return YearActivity(
        months=len(rows),
        capacity=sum(m.places * m.days_open for m in rows),
        days_delivered=sum(m.days_delivered for m in rows),
        hours_delivered=sum((Decimal(m.hours_delivered) for m in rows), ZERO),
        average_persons=(Decimal(persons) / len(rows)).quantize(Decimal("0.1"), ROUND_HALF_UP) if rows else ZERO,
        waiting_list_end=rows[-1].waiting_list if rows else 0,
    )


@dataclass(frozen=True)
class Variance:
    target: Decimal
    actual: Decimal | None
    gap: Decimal | None  # actual − target
    rate: Decimal | None  # gap ÷ target, %
    status: str  # « atteint », « conforme », « non atteint », « à saisir »


def variance(target: Decimal, actual: Decimal | None, *, higher_is_better: bool = True) -> Variance:
    """An actual against its target: reached when on the good side, « conforme » within ±5 % on the bad side."""
    target = Decimal(target)
    if actual is None:
        return Variance(target, None, None, None, "à saisir")
    actual = Decimal(actual)
    gap = actual - target
    rate = (gap * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP) if target else None
    good = gap >= 0 if higher_is_better else gap <= 0
    if good:
        status = "atteint"
    elif rate is not None and abs(rate) <= TOLERANCE:
        status = "conforme"
    else:
        status = "non atteint"
    return Variance(target, actual, gap, rate, status)


def prorated(amount: Decimal, part: int, whole: int) -> Decimal:
    """`amount` × part ÷ whole to the cent (a yearly budget to date, a target for the months entered)."""
    if part >= whole:
        return Decimal(amount)
    return (Decimal(amount) * part / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)
