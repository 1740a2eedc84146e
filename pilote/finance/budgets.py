"""Budgets and variance, pure: no database.

A budget line is an account group (a prefix of classes 6 or 7: « 706 », « 64 ») and twelve monthly amounts
in the group's natural direction (income and expenses both positive). Groups of one budget never overlap
(« 60 » and « 607 » would count 607 twice).

- From last year's actuals: each group's monthly amount of the year before × (1 + p %), to the cent.
- Budget to a date: the months before the date's month in full, the date's month prorated by its days
  (day ÷ days of the month), to the cent.
- Actual of a group: the balances of its accounts (credit − debit for class 7, debit − credit for class 6).
- Variance = actual − budget; favourable when income is above or expenses below the budget; within the
  tolerance (5 % of the budget by default) it is shown as « conforme ».
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO, round_eur, split_amount

MONTHS = 12
TOLERANCE = Decimal(5)  # %
HUNDRED = Decimal(100)


def is_income(group: str) -> bool:
    return group.startswith("7")


def valid_group(group: str) -> bool:
    return group.isdigit() and 2 <= len(group) <= 8 and group[0] in "67"


def overlapping(groups: list[str]) -> list[tuple[str, str]]:
    """Pairs of groups where one is a prefix of the other (« 60 » and « 607 »)."""
    ordered = sorted(set(groups))
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if b.startswith(a)]


def group_of(code: str, groups: list[str]) -> str | None:
    """The group an account falls in (the longest prefix: groups do not overlap, so at most one)."""
    found = [g for g in groups if code.startswith(g)]
    return max(found, key=len) if found else None


def natural(group: str, balance: Decimal) -> Decimal:
    """An account balance (debit − credit) in the group's direction: income and expenses positive."""
    return -balance if is_income(group) else balance


def from_actuals(monthly: dict[str, list[Decimal]], percent: Decimal) -> dict[str, list[Decimal]]:
    """Last year's monthly actuals per group (natural direction) × (1 + percent %), each month to the cent."""
    factor = 1 + Decimal(percent) / HUNDRED
    return {group: [round_eur(amount * factor) for amount in months] for group, months in monthly.items()}


def spread(annual: Decimal) -> list[Decimal]:
    """An annual amount in twelve equal months that add up to the cent."""
    return split_amount(annual, [1] * MONTHS)


QUANTITY = Decimal("0.001")


def round_quantity(value: Decimal) -> Decimal:
    return Decimal(value).quantize(QUANTITY, rounding=ROUND_HALF_UP)


def spread_quantity(annual: Decimal) -> list[Decimal]:
    """An annual quantity in twelve months to the thousandth that add up exactly (100 → 8,334 × 4 + 8,333 × 8)."""
    return [part / 10 for part in split_amount(round_quantity(annual) * 10, [1] * MONTHS)]


def situation_day(day: dt.date, start: dt.date, end: dt.date, whole_months: bool = False) -> dt.date:
    """The date a budget's variance is read at for the date asked: inside its fiscal year (`start`–`end`), and for a
    centre's budget (`whole_months`: the analytic aggregates are monthly) at the end of its month."""
    day = min(max(day, start), end)
    if whole_months:
        day = min(day.replace(day=calendar.monthrange(day.year, day.month)[1]), end)
    return day


def situation_notice(asked: dt.date, used: dt.date, start: dt.date, end: dt.date) -> str:
    """Why the variance is shown at `used` rather than at the date typed (`asked`), in French; "" when they agree."""
    if used == asked:
        return ""
    year = f"l'exercice de ce budget (du {start:%d/%m/%Y} au {end:%d/%m/%Y})"
    if asked < start:
        return f"Le {asked:%d/%m/%Y} est avant {year} : la situation est montrée au {used:%d/%m/%Y}, son premier jour."
    if asked > end:
        return f"Le {asked:%d/%m/%Y} est après {year} : la situation est montrée au {used:%d/%m/%Y}, son dernier jour."
    return (f"Un budget de centre se compare par mois entiers (la comptabilité analytique est mensuelle) : la "
            f"situation est montrée au {used:%d/%m/%Y}, fin du mois du {asked:%d/%m/%Y}.")  # fmt: skip


def month_index(year_start: dt.date, day: dt.date) -> int:
    """0 for the fiscal year's first month."""
    return (day.year - year_start.year) * 12 + day.month - year_start.month


def to_date(months: list[Decimal], year_start: dt.date, day: dt.date, rounding=round_eur) -> Decimal:
    """The budget from the year's start to `day`: whole months before its month, its month prorated by days
    (rounded by `rounding`: to the cent for amounts, `round_quantity` for quantities)."""
    index = month_index(year_start, day)
    if index < 0:
        return ZERO
    if index >= len(months):
        return sum(months, ZERO)
    done = sum(months[:index], ZERO)
    days = calendar.monthrange(day.year, day.month)[1]
    return done + rounding(months[index] * day.day / days)


@dataclass(frozen=True)
class Variance:
    group: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def income(self) -> bool:
        return is_income(self.group)

    @property
    def gap(self) -> Decimal:
        return self.actual - self.budget

    @property
    def percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.gap * HUNDRED / abs(self.budget)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def favourable(self) -> bool:
        return self.gap >= 0 if self.income else self.gap <= 0

    @property
    def status(self) -> str:
        """« ok » within the tolerance, else « favourable » or « unfavourable » (the page's colour)."""
        if self.percent is not None and abs(self.percent) <= TOLERANCE:
            return "ok"
        if self.budget == 0 and self.actual == 0:
            return "ok"
        return "favourable" if self.favourable else "unfavourable"

    @property
    def status_label(self) -> str:
        return {"ok": "Conforme", "favourable": "Favorable", "unfavourable": "Défavorable"}[self.status]


def variances(
    budget_months: dict[str, list[Decimal]],
    balances: dict[str, Decimal],
    labels: dict[str, str],
    year_start: dt.date,
    day: dt.date,
) -> list[Variance]:
    """One row per budgeted group: its budget to `day` and the actual of its accounts (natural direction).
    Accounts of classes 6-7 outside every group are gathered in « hors budget » rows by class."""
    groups = list(budget_months)
    actual = dict.fromkeys(groups, ZERO)
    outside = {"6": ZERO, "7": ZERO}
    for code, balance in balances.items():
        if code[:1] not in ("6", "7"):
            continue
        group = group_of(code, groups)
        if group is None:
            outside[code[0]] += natural(code[0], balance)
        else:
            actual[group] += natural(group, balance)
    rows = [Variance(g, labels.get(g, ""), to_date(budget_months[g], year_start, day), actual[g]) for g in groups]
    rows.sort(key=lambda v: (not v.income, v.group))
    for klass, label in (("7", "Produits hors budget"), ("6", "Charges hors budget")):
        if outside[klass]:
            rows.append(Variance(klass, label, ZERO, outside[klass]))
    return rows


@dataclass(frozen=True)
class Totals:
    income: Variance
    expenses: Variance
    result_budget: Decimal
    result_actual: Decimal


def totals(rows: list[Variance]) -> Totals:
    income = [r for r in rows if r.income]
    expenses = [r for r in rows if not r.income]
    inc = Variance(
        "7", "Total des produits", sum((r.budget for r in income), ZERO), sum((r.actual for r in income), ZERO)
    )
    exp = Variance(
        "6", "Total des charges", sum((r.budget for r in expenses), ZERO), sum((r.actual for r in expenses), ZERO)
    )
    return Totals(inc, exp, inc.budget - exp.budget, inc.actual - exp.actual)


def as_balances(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Budget amounts as account balances (debit − credit), to run the SIG over a budget."""
    return {group: -amount if is_income(group) else amount for group, amount in amounts.items()}


def group_months(data: dict, count: int) -> list[Decimal]:
    """The monthly amounts of the budget group form (`m0`…): typed month by month, or an annual amount (`annuel`)
    spread over a twelve-month year when no month is typed."""
    values = [data.get(f"m{i}") or Decimal(0) for i in range(count)]
    if data.get("annuel") is not None and not any(values) and count == MONTHS:
        values = spread(data["annuel"])[:count]
    return values
