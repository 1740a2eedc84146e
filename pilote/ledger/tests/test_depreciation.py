"""Depreciation plans checked against worked examples of French practice."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.ledger.depreciation import DECLINING, LINEAR, days_360, declining_coefficient, schedule

D = Decimal


def test_days_360():
    assert days_360(dt.date(2026, 7, 1), dt.date(2026, 12, 31)) == 180
    assert days_360(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 360
    assert days_360(dt.date(2026, 4, 15), dt.date(2026, 12, 31)) == 256


def test_linear_with_prorata_temporis():
    # 12,000 € over 5 years put into service on 1 April 2026, calendar fiscal years:
    # 2026: 2,400 × 270/360 = 1,800; 2027–2030: 2,400; 2031: the remaining 600.
    plan = schedule(
        base=D("12000"), method=LINEAR, years=5, in_service=dt.date(2026, 4, 1), first_period_end=dt.date(2026, 12, 31)
    )
    assert [a.amount for a in plan] == [
        D("1800.00"),
        D("2400.00"),
        D("2400.00"),
        D("2400.00"),
        D("2400.00"),
        D("600.00"),
    ]
    assert plan[-1].net_book_value == 0 and plan[-1].accumulated == D("12000")
    assert plan[-1].period_end == dt.date(2031, 12, 31)


def test_linear_starting_on_the_first_day_has_no_extra_year():
    plan = schedule(
        base=D("1000"), method=LINEAR, years=3, in_service=dt.date(2026, 1, 1), first_period_end=dt.date(2026, 12, 31)
    )
    assert [a.amount for a in plan] == [D("333.33"), D("333.33"), D("333.34")]


def test_declining_balance_textbook_example():
    # 10,000 € machine, 5 years (coefficient 1.75 → 35 %), acquired 15 April N (months from 1 April: 9/12).
    # N: 10,000 × 35 % × 9/12 = 2,625; N+1: 7,375 × 35 % = 2,581.25; N+2: 4,793.75 × 35 % = 1,677.81
    # (vs linear 4,793.75 / 3 = 1,597.92); N+3: linear 3,115.94 / 2 = 1,557.97; N+4: 1,557.97.
    plan = schedule(
        base=D("10000"),
        method=DECLINING,
        years=5,
        in_service=dt.date(2026, 4, 15),
        first_period_end=dt.date(2026, 12, 31),
    )
    assert [a.amount for a in plan] == [D("2625.00"), D("2581.25"), D("1677.81"), D("1557.97"), D("1557.97")]
    assert sum(a.amount for a in plan) == D("10000")


def test_coefficients_and_fiscal_years_not_calendar():
    assert [declining_coefficient(n) for n in (3, 4, 5, 6, 7, 10)] == [
        D("1.25"),
        D("1.25"),
        D("1.75"),
        D("1.75"),
        D("2.25"),
        D("2.25"),
    ]
    with pytest.raises(ValueError):
        declining_coefficient(2)
    plan = schedule(
        base=D("3600"), method=LINEAR, years=3, in_service=dt.date(2026, 7, 1), first_period_end=dt.date(2027, 6, 30)
    )
    assert plan[0].period_start == dt.date(2026, 7, 1) and plan[0].amount == D("1200.00") and len(plan) == 3
