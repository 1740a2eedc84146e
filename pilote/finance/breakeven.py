"""Break-even (seuil de rentabilité) and the date it is reached (point mort), pure over Decimals.

FRENCH-RULES §5–6 « Break-even » (sources [36] fint.fr, digischool.fr):

    MCV (marge sur coûts variables) = chiffre d'affaires − charges variables; taux de MCV = MCV ÷ CA
    SR (seuil de rentabilité)       = charges fixes ÷ taux de MCV
    Point mort                      = SR ÷ CA × 360 jours (activité régulière), counted from the start of the
                                      year in the 30/360 convention (day 270 = 30 September);
                                      with seasonal sales, the day the cumulative monthly sales reach the SR
    Marge de sécurité = CA − SR; indice de sécurité = marge ÷ CA; levier opérationnel = MCV ÷ résultat

Each expense account is split into a variable and a fixed part by a share (0 to 100 % variable):
`DEFAULT_VARIABLE` gives the usual split by account prefix — purchases and their stock variations,
subcontracting, sales commissions and transport on sales vary with the activity; the rest (rent, staff,
insurance, depreciation…) is fixed — and the structure may set its own share per account.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO

HUNDRED = Decimal(100)

# Accounts whose charge follows the activity (variable share 100 %), longest prefix wins; others are fixed.
DEFAULT_VARIABLE: dict[str, Decimal] = {
    "601": HUNDRED, "602": HUNDRED, "603": HUNDRED, "604": HUNDRED, "605": HUNDRED, "607": HUNDRED,
    "608": HUNDRED, "609": HUNDRED, "611": HUNDRED, "6222": HUNDRED, "6241": HUNDRED, "6242": HUNDRED,
}  # fmt: skip
# Expenses outside the ordinary activity: neither variable nor fixed (exceptional items, profit taxes).
EXCLUDED_EXPENSES = ("67", "687", "69")
REVENUE = ("70",)


def default_share(code: str) -> Decimal:
    for length in range(len(code), 0, -1):
        share = DEFAULT_VARIABLE.get(code[:length])
        if share is not None:
            return share
    return ZERO


@dataclass(frozen=True)
class BreakEven:
    revenue: Decimal
    variable_costs: Decimal
    fixed_costs: Decimal
    contribution_margin: Decimal  # MCV
    contribution_rate: Decimal | None  # taux de MCV, in % (2 places)
    threshold: Decimal | None  # SR, None when the MCV is not positive
    result: Decimal
    safety_margin: Decimal | None
    safety_index: Decimal | None  # in %
    leverage: Decimal | None
    days: Decimal | None  # point mort in days of a 360-day year (None when not reached in the period)


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def break_even(revenue: Decimal, variable_costs: Decimal, fixed_costs: Decimal, days_basis: Decimal = Decimal(360)):
    margin = revenue - variable_costs
    result = margin - fixed_costs
    if revenue <= 0 or margin <= 0:
        return BreakEven(revenue, variable_costs, fixed_costs, margin, None, None, result, None, None, None, None)
    threshold = _round(fixed_costs * revenue / margin)
    safety = revenue - threshold
    days = fixed_costs * days_basis / margin  # = SR ÷ CA × basis, without rounding the SR first
    return BreakEven(
        revenue=revenue,
        variable_costs=variable_costs,
        fixed_costs=fixed_costs,
        contribution_margin=margin,
        contribution_rate=_round(margin * HUNDRED / revenue),
        threshold=threshold,
        result=result,
        safety_margin=safety,
        safety_index=_round(safety * HUNDRED / revenue),
        leverage=_round(margin / result) if result else None,
        days=_round(days, "0.1") if days <= days_basis else None,
    )


def variable_part(amount: Decimal, share: Decimal) -> Decimal:
    """The variable part of a charge, to the cent; the fixed part is the rest."""
    return _round(amount * share / HUNDRED)


def split_costs(balances: Mapping[str, Decimal], shares: Mapping[str, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(revenue, variable costs, fixed costs) from balances (debit − credit): class-6 accounts split by their
    variable share (`shares` by code, else the default); other ordinary income (71–79 but 70) lowers the fixed
    costs; exceptional items and profit taxes are left out."""
    revenue = variable = fixed = ZERO
    for code, balance in balances.items():
        if code.startswith(REVENUE):
            revenue -= balance
        elif code.startswith("6") and not code.startswith(EXCLUDED_EXPENSES):
            share = shares.get(code, default_share(code))
            part = variable_part(balance, share)
            variable += part
            fixed += balance - part
        elif code.startswith("7") and not code.startswith(("77", "787")):
            fixed += balance  # a credit balance: other income covers part of the fixed costs
    return revenue, variable, fixed


def annual_threshold(threshold: Decimal, days_basis: Decimal) -> Decimal:
    """The threshold of the whole year from a period's (`days_basis` days of a 360-day year): its fixed costs
    brought to the year at the same pace, to the cent."""
    return threshold if days_basis >= 360 else _round(threshold * 360 / days_basis)


def date_from_days(start: dt.date, days: Decimal) -> dt.date:
    """Day `days` of a 30/360 year starting on `start` (a month start): 270 → the 30th of the 9th month."""
    whole = int(days.to_integral_value(rounding=ROUND_CEILING))
    months, day = divmod(whole, 30)
    if day == 0:
        months, day = months - 1, 30
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return dt.date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


def seasonal_date(threshold: Decimal, months: list[tuple[dt.date, Decimal]]) -> dt.date | None:
    """The day the cumulative monthly sales reach the threshold, linear inside its month; None if never."""
    cumulative = ZERO
    for month, sales in months:
        if sales > 0 and cumulative + sales >= threshold:
            length = calendar.monthrange(month.year, month.month)[1]
            needed = (threshold - cumulative) / sales * length
            day = int(needed.to_integral_value(rounding=ROUND_CEILING))
            return month.replace(day=min(max(day, 1), length))
        cumulative += sales
    return None


def what_if(
    base: BreakEven,
    price_percent: Decimal = Decimal(0),
    volume_percent: Decimal = Decimal(0),
    extra_fixed: Decimal = Decimal(0),
    days_basis: Decimal = Decimal(360),
) -> BreakEven:
    """The same activity with prices changed by p %, volumes by v % and a new fixed cost: revenue × (1 + p) ×
    (1 + v), variable costs × (1 + v) (a price change leaves them), fixed costs + the new one; amounts to the
    cent."""
    price = 1 + price_percent / HUNDRED
    volume = 1 + volume_percent / HUNDRED
    return break_even(
        _round(base.revenue * price * volume),
        _round(base.variable_costs * volume),
        base.fixed_costs + extra_fixed,
        days_basis,
    )
