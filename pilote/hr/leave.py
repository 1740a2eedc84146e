"""Paid leave (congés payés), pure: jours ouvrables, reference periods, acquisition month by month with the
loi 2024-364 rules, and the balance per period with its deadline (FRENCH-RULES §7).

- Acquisition (L3141-3): 2.5 jours ouvrables per month of work, 30 at most per reference period. A month is
  counted by its calendar days: a day employed weighs 2.5 / (days in its month), so a full month gives 2.5
  and a hire on the 16th of a 30-day month 1.25.
- Periods assimilated to work (L3141-5): paid leave, RTT, family events, maternity, paternity, and work
  accident or occupational disease (2.5 a month, with no one-year limit since loi 2024-364).
- Non-occupational sickness (L3141-5-1, loi 2024-364): 2 jours ouvrables per month, at most 24 per reference
  period for those absences; unpaid leave earns nothing.
- The entitlement of a closed period is rounded up to the next whole day (L3141-7).
- Reference period from 1 June by default (R3141-4), configurable (`start_month`).
- Leave earned in a period is taken during the next one; days not taken by its end are lost, unless a
  sickness or work-accident absence was running then: the employer informs the employee on return (within a
  month, L3141-19-3) and the days are carried over 15 months from that information (L3141-19-1); here from
  the return, which the information may not precede.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pilote.lib.dates import add_months
from pilote.lib.public_holidays import is_holiday

MONTHLY_DAYS = Fraction(5, 2)
SICKNESS_MONTHLY_DAYS = Fraction(2)
YEAR_CAP = 30
SICKNESS_CAP = 24
CARRY_OVER_MONTHS = 15

PAID_LEAVE = "conges_payes"
SICKNESS = "maladie"
WORK_ACCIDENT = "accident_travail"
UNPAID = "sans_solde"
# Absences during which no paid leave is earned at all; sickness earns at its own rate; the rest counts as work.
NOT_EARNING = (UNPAID,)
# Absences that, running when leave should be taken, carry it over (L3141-19-1).
CARRYING_OVER = (SICKNESS, WORK_ACCIDENT)


@dataclass(frozen=True)
class Span:
    kind: str
    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def working_days(start: dt.date, end: dt.date, alsace_moselle: bool = False) -> int:
    """Jours ouvrables from `start` to `end` included: every day but Sundays and public holidays (a holiday
    falling on a day otherwise worked is not counted as leave)."""
    count, day = 0, start
    while day <= end:
        if day.weekday() != 6 and not is_holiday(day, alsace_moselle):
            count += 1
        day += dt.timedelta(days=1)
    return count


def reference_period(day: dt.date, start_month: int = 6) -> tuple[dt.date, dt.date]:
    start = dt.date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    return start, add_months(start, 12) - dt.timedelta(days=1)


def _days(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Acquisition:
    worked: Decimal  # earned by work and assimilated periods
    sickness: Decimal  # earned during non-occupational sickness, after its 24-day cap
    total: Decimal  # both, within the 30-day cap

    @property
    def entitlement(self) -> int:
        """The whole days a closed period gives (L3141-7: rounded up)."""
        return math.ceil(self.total)


def acquired(
    start: dt.date,
    end: dt.date,
    entry: dt.date,
    exit: dt.date | None,
    absences: Iterable[Span],
    until: dt.date | None = None,
) -> Acquisition:
    """Days earned from `start` to `end` (or `until`, if earlier: the period in progress) while employed."""
    last = min(end, until) if until else end
    first, last = max(start, entry), min(last, exit) if exit else last
    spans = [a for a in absences if a.end >= first and a.start <= last and a.kind != PAID_LEAVE]
    worked = sick = Fraction(0)
    day = first
    while day <= last:
        weight = Fraction(1, calendar.monthrange(day.year, day.month)[1])
        kind = next((a.kind for a in spans if a.covers(day)), "")
        if kind == SICKNESS:
            sick += SICKNESS_MONTHLY_DAYS * weight
        elif kind not in NOT_EARNING:
            worked += MONTHLY_DAYS * weight
        day += dt.timedelta(days=1)
    sick = min(sick, Fraction(SICKNESS_CAP))
    return Acquisition(_days(worked), _days(sick), _days(min(worked + sick, Fraction(YEAR_CAP))))


@dataclass
class PeriodBalance:
    start: dt.date
    end: dt.date
    acquired: Decimal  # decimals while the period runs, whole days once closed
    closed: bool
    deadline: dt.date | None  # last day to take it (closed periods)
    taken: Decimal = Decimal(0)
    expired: Decimal = Decimal(0)
    carried_over: bool = False
    takings: list = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.acquired - self.taken - self.expired


def deadline_for(period_end: dt.date, absences: Iterable[Span], start_month: int = 6) -> tuple[dt.date, bool]:
    """The last day to take a period's leave: the end of the next period, or 15 months after the return from a
    sickness or work-accident absence running at that date (loi 2024-364)."""
    deadline = add_months(period_end + dt.timedelta(days=1), 12) - dt.timedelta(days=1)
    running = [a for a in absences if a.kind in CARRYING_OVER and a.covers(deadline)]
    if not running:
        return deadline, False
    back = max(a.end for a in running) + dt.timedelta(days=1)
    return max(deadline, add_months(back, CARRY_OVER_MONTHS) - dt.timedelta(days=1)), True


def balances(
    entry: dt.date,
    exit: dt.date | None,
    absences: list[Span],
    taken: list[tuple[dt.date, Decimal]],
    today: dt.date,
    start_month: int = 6,
) -> list[PeriodBalance]:
    """Each reference period since the entry: what it gave, what was taken from it (each leave charged to the
    oldest period still open to it on its first day), what expired at its deadline, what remains."""
    periods: list[PeriodBalance] = []
    start, _ = reference_period(entry, start_month)
    while start <= today and (exit is None or start <= exit):
        end = add_months(start, 12) - dt.timedelta(days=1)
        closed = end < today
        earned = acquired(start, end, entry, exit, absences, until=None if closed else today)
        deadline, carried = deadline_for(end, absences, start_month) if closed else (None, False)
        value = Decimal(earned.entitlement) if closed else earned.total
        periods.append(PeriodBalance(start, end, value, closed, deadline, carried_over=carried))
        start = end + dt.timedelta(days=1)
    for day, days in sorted(taken):
        left = Decimal(days)
        for period in periods:
            if left <= 0:
                break
            open_to_it = period.closed and period.end < day and (period.deadline is None or day <= period.deadline)
            if open_to_it and period.remaining > 0:
                share = min(left, period.remaining)
                period.taken += share
                left -= share
        if left > 0:  # taken ahead of acquisition (by agreement): charged to the period that gives it next
            target = next((p for p in periods if p.end >= day), periods[-1] if periods else None)
            if target is not None:
                target.taken += left
    for period in periods:
        if period.deadline is not None and period.deadline < today and period.remaining > 0:
            period.expired = period.remaining
    return periods


# --- Information on return (L3141-19-3, loi 2024-364) ----------------------------------------------------------
# The duty applies to returns since the law came into force (loi 2024-364 of 22 April 2024, JO of the 23rd).
INFORMATION_IN_FORCE = dt.date(2024, 4, 24)
INFORMATION_DELAY_MONTHS = 1


@dataclass(frozen=True)
class InformationLine:
    start: dt.date
    end: dt.date
    closed: bool
    acquired: Decimal
    taken: Decimal
    remaining: Decimal
    deadline: dt.date
    carried_over: bool


def information_due(back: dt.date) -> dt.date:
    """The employer informs the employee within the month after the return to work (L3141-19-3)."""
    return add_months(back, INFORMATION_DELAY_MONTHS)


def return_information(
    entry: dt.date,
    exit: dt.date | None,
    absences: list[Span],
    taken: list[tuple[dt.date, Decimal]],
    on: dt.date,
    start_month: int = 6,
) -> list[InformationLine]:
    """What the letter on return tells, as of `on`: for each period with days left (or still earning), the days
    acquired, taken, remaining and the last day to take them (a period still running: the end of the next one,
    or later if an absence carries it over)."""
    lines = []
    for period in balances(entry, exit, absences, taken, on, start_month):
        if period.closed and period.remaining <= 0:
            continue  # nothing left to take: taken in full or lost
        deadline, carried = (
            (period.deadline, period.carried_over) if period.closed else deadline_for(period.end, absences, start_month)
        )
        lines.append(InformationLine(period.start, period.end, period.closed, period.acquired, period.taken,
                                     period.remaining, deadline, carried))  # fmt: skip
    return lines
