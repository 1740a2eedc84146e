"""Late-payment penalties (C. com. L441-10 II, D441-5): pure functions over Decimals, no database.

Conventions (FRENCH-RULES §2; the formula itself is « usual practice », not written in the sources):

- Interest runs from the day after the due date to `until` included, with no reminder needed.
- Without an agreed rate, each half-year slice uses that half-year's rate: the ECB main refinancing
  rate in force on 1 January (first half) or 1 July (second half) plus 10 points (`terms.rate_for`).
  With an agreed rate, that single rate applies throughout.
- Penalty of a slice = base incl. VAT × rate × days / 365 — 365 even in leap years, the usual practice
  for commercial late-payment interest. Each slice is rounded to the cent half-up (`round_eur`) and
  the total is the sum of the rounded slices, so the detail printed on a letter always adds up.
- The base follows partial payments and credit notes by date: an amount paid on day P still bears
  interest on day P (days late = payment date − due date, the usual count) and leaves the base from
  P + 1. An amount paid on or before the due date is deducted from the start.
- The 40 € fixed recovery indemnity (D441-5) is due once per late invoice by a business customer;
  consumers (Contact.kind == "person") owe none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pilote.lib.money import ZERO, round_eur
from pilote.sales.terms import RATE_TABLE, RECOVERY_INDEMNITY, HalfYearRate, rate_for

DAYS_IN_YEAR = Decimal(365)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PenaltySlice:
    start: dt.date
    end: dt.date  # included
    base: Decimal
    rate: Decimal  # annual, in percent
    amount: Decimal  # rounded to the cent

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict:
        """JSON-safe, for the snapshot kept on a dunning letter."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "base": str(self.base),
            "rate": str(self.rate),
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class PenaltyResult:
    days_late: int
    slices: tuple[PenaltySlice, ...]
    total: Decimal


def _half_year_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """1 January and 1 July strictly after `start` and not after `end`."""
    found = []
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            day = dt.date(year, month, 1)
            if start < day <= end:
                found.append(day)
    return found


def late_penalty(
    amount_incl_vat: Decimal,
    due_date: dt.date,
    until: dt.date,
    rate_table: tuple[HalfYearRate, ...] = RATE_TABLE,
    agreed_rate: Decimal | None = None,
    *,
    reductions: Iterable[tuple[dt.date, Decimal]] = (),
) -> PenaltyResult:
    """Penalty interest on `amount_incl_vat` due on `due_date`, counted until `until` included.

    `reductions` are (date, amount) of partial payments and credit notes on the invoice.
    """
    amount = round_eur(amount_incl_vat)
    reductions = sorted((day, round_eur(value)) for day, value in reductions)
    start, end = due_date + ONE_DAY, until
    if end < start:
        return PenaltyResult(0, (), ZERO)
    breaks = set(_half_year_starts(start, end))
    breaks |= {day + ONE_DAY for day, _ in reductions if start < day + ONE_DAY <= end}
    bounds = [start, *sorted(breaks), end + ONE_DAY]
    slices = []
    for first, after in zip(bounds, bounds[1:], strict=False):
        base = amount - sum((value for day, value in reductions if day < first), ZERO)
        if base <= 0:
            break
        rate = agreed_rate if agreed_rate is not None else rate_for(first, rate_table).penalty_rate
        days = (after - first).days
        interest = round_eur(base * rate * days / (100 * DAYS_IN_YEAR))
        slices.append(PenaltySlice(first, after - ONE_DAY, base, rate, interest))
    return PenaltyResult(
        days_late=sum(s.days for s in slices),
        slices=tuple(slices),
        total=sum((s.amount for s in slices), ZERO),
    )


def recovery_indemnity(customer_kind: str) -> Decimal:
    """40 € per late invoice for a business customer (D441-5 C. com.); nothing for a consumer."""
    return ZERO if customer_kind == "person" else RECOVERY_INDEMNITY
