"""Break-even on FRENCH-RULES' worked example (sales 600 000, variable 360 000, fixed 180 000)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pilote.finance.breakeven import break_even, date_from_days, default_share, seasonal_date, split_costs

D = Decimal


def test_worked_example():
    result = break_even(D(600_000), D(360_000), D(180_000))
    assert result.contribution_margin == D(240_000)
    assert result.contribution_rate == D("40.00")
    assert result.result == D(60_000)
    assert result.threshold == D("450000.00")
    assert result.days == D("270.0")  # 9 months
    assert date_from_days(dt.date(2026, 1, 1), result.days) == dt.date(2026, 9, 30)
    assert result.safety_margin == D(150_000)
    assert result.safety_index == D("25.00")
    assert result.leverage == D("4.00")


def test_seasonal_sales_reach_the_threshold_later():
    # 450 000 reached with December's sales when most of the year's sales come at its end.
    months = [(dt.date(2026, m, 1), D(20_000)) for m in range(1, 12)] + [(dt.date(2026, 12, 1), D(380_000))]
    assert seasonal_date(D(450_000), months) == dt.date(2026, 12, 19)  # 230 000 of 380 000 × 31 = 18,8 days
    assert seasonal_date(D(1_000_000), months) is None


DATES = [("1", dt.date(2026, 1, 1)), ("30", dt.date(2026, 1, 30)), ("59.5", dt.date(2026, 2, 28)),
         ("360", dt.date(2026, 12, 30))]  # fmt: skip


@pytest.mark.parametrize(("days", "expected"), DATES)
def test_dates_in_the_30_360_convention(days, expected):
    assert date_from_days(dt.date(2026, 1, 1), D(days)) == expected


def test_no_margin_no_threshold():
    result = break_even(D(100), D(120), D(50))
    assert result.threshold is None and result.days is None and result.contribution_rate is None


def test_split_costs_by_account():
    balances = {"707": D(-1000), "607": D(600), "6132": D(100), "641": D(200), "6061": D(50), "758": D(-10),
                "695": D(30), "678": D(5), "512": D(300)}  # fmt: skip
    revenue, variable, fixed = split_costs(balances, {"6061": D(40)})
    assert revenue == D(1000)
    assert variable == D(600 + 20)
    assert fixed == D(100 + 200 + 30 - 10)
    assert default_share("6242") == D(100) and default_share("6132") == D(0)


def test_what_if_price_volume_and_a_new_fixed_cost():
    """FRENCH-RULES §5 example (600 000 / 360 000 / 180 000): +10 % on prices lowers the threshold, +10 % on
    volumes keeps it (same MCV rate), a new fixed cost of 20 000 moves the point mort to day 300."""
    from decimal import Decimal as Dec

    from pilote.finance import breakeven as be

    base = be.break_even(Dec(600000), Dec(360000), Dec(180000))
    price = be.what_if(base, price_percent=Dec(10))
    assert (price.revenue, price.variable_costs, price.threshold) == (Dec(660000), Dec(360000), Dec(396000))
    volume = be.what_if(base, volume_percent=Dec(10))
    assert (volume.variable_costs, volume.threshold, volume.result) == (Dec(396000), Dec(450000), Dec(84000))
    fixed = be.what_if(base, extra_fixed=Dec(20000))
    assert (fixed.threshold, fixed.days) == (Dec(500000), Dec(300))
