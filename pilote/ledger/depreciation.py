"""Depreciation schedules (plans d'amortissement), pure functions over Decimals and dates.

- Linear: rate = 1 / duration; the first annuity is prorated to the day from the date the asset is put
  into service, on a 360-day year (30/360 convention, usual French practice); a last, partial annuity
  completes the plan.
- Declining balance (dégressif fiscal, CGI art. 39 A): rate = linear rate × coefficient (1.25 for 3–4
  years, 1.75 for 5–6 years, 2.25 beyond); the first annuity is prorated by months from the first day
  of the month of acquisition; each year the annuity is the larger of the declining annuity and the net
  book value spread linearly over the remaining years, so the plan ends after exactly `duration` years.
Each annuity is rounded to the cent; the last one takes what remains, so the plan adds up to the base.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pilote.lib.dates import add_months
from pilote.lib.money import round_eur

LINEAR, DECLINING = "linear", "declining"


@dataclass(frozen=True)
class Annuity:
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    accumulated: Decimal
    net_book_value: Decimal


def declining_coefficient(years: int) -> Decimal:
    if years < 3:
        raise ValueError("Le dégressif n'est ouvert qu'aux biens d'une durée d'au moins 3 ans.")
    return Decimal("1.25") if years <= 4 else Decimal("1.75") if years <= 6 else Decimal("2.25")


def days_360(start: dt.date, end: dt.date) -> int:
    """Days from start to end inclusive on the 30/360 (European) basis."""
    d1, d2 = min(start.day, 30), min(end.day, 30)
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + (d2 - d1) + 1


def _periods(first_period_end: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    periods, end = [], first_period_end
    start = add_months(end + dt.timedelta(days=1), -12)
    for _ in range(count):
        periods.append((start, end))
        start = end + dt.timedelta(days=1)
        end = add_months(start, 12) - dt.timedelta(days=1)
    return periods


def schedule(
    *, base: Decimal, method: str, years: int, in_service: dt.date, first_period_end: dt.date
) -> list[Annuity]:
    """The plan for `base` (cost less residual value) from `in_service`, by fiscal periods ending on
    `first_period_end`, then every 12 months."""
    if base <= 0 or years < 1:
        return []
    if first_period_end < in_service:
        raise ValueError("La fin du premier exercice précède la mise en service.")
    annuities: list[Annuity] = []
    remaining = base
    if method == LINEAR:
        plan_end = add_months(in_service, 12 * years) - dt.timedelta(days=1)
        for start, end in _periods(first_period_end, years + 1):
            if remaining <= 0:
                break
            days = min(days_360(max(start, in_service), end), 360)
            amount = round_eur(base / years * days / 360)
            if end >= plan_end or amount > remaining:  # the last annuity takes what remains (rounding)
                amount = remaining
            remaining -= amount
            annuities.append(Annuity(start, end, amount, base - remaining, remaining))
        return annuities
    if method != DECLINING:
        raise ValueError(f"Méthode inconnue : {method}")
    rate = declining_coefficient(years) / years
    month_start = in_service.replace(day=1)
    for index, (start, end) in enumerate(_periods(first_period_end, years)):
        left_years = years - index
        if index == 0:
            months = (end.year - month_start.year) * 12 + end.month - month_start.month + 1
            declining = remaining * rate * Decimal(min(months, 12)) / 12
        else:
            declining = remaining * rate
        linear = remaining / left_years
        amount = remaining if left_years == 1 else round_eur(max(declining, linear) if index else declining)
        remaining -= amount
        annuities.append(Annuity(start, end, amount, base - remaining, remaining))
    return annuities
