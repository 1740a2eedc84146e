"""Paid-leave acquisition and balances on hand-built cases (pure: pilote/hr/leave.py), public holidays and
jours ouvrables."""

import datetime as dt
from decimal import Decimal

from pilote.hr.leave import Span, acquired, balances, deadline_for, reference_period, working_days
from pilote.lib.public_holidays import french_holidays, is_alsace_moselle, subdivision

d = dt.date
PERIOD = (d(2025, 6, 1), d(2026, 5, 31))
LONG_AGO = d(2020, 1, 1)


def test_the_eleven_public_holidays_from_the_holidays_package():
    assert d(2025, 4, 21) in french_holidays(2025) and d(2027, 3, 29) in french_holidays(2027)  # Easter Mondays
    days = french_holidays(2026)
    assert len(days) == 11 and days[d(2026, 5, 14)] == "Ascension" and days[d(2026, 5, 25)] == "Lundi de Pentecôte"
    alsace = french_holidays(2026, alsace_moselle=True)
    assert len(alsace) == 13 and alsace[d(2026, 4, 3)] == "Vendredi saint" and d(2026, 12, 26) in alsace
    assert french_holidays(2026, subdiv="6AE") == alsace  # Bas-Rhin and Haut-Rhin: the same two days
    assert [subdivision(code) for code in ("67000", "68100", "57000", "69003", "97400", "")] == [
        "6AE", "6AE", "57", None, "974", None]  # fmt: skip
    assert d(2026, 12, 20) in french_holidays(2026, subdiv="974")  # Réunion: abolition of slavery
    assert is_alsace_moselle("67000") and not is_alsace_moselle("69003")


def test_jours_ouvrables_skip_sundays_and_public_holidays():
    assert working_days(d(2026, 3, 2), d(2026, 3, 8)) == 6  # Monday to Sunday: six jours ouvrables
    assert working_days(d(2026, 5, 4), d(2026, 5, 16)) == 10  # 8 May and Ascension fall in it
    assert working_days(d(2026, 4, 3), d(2026, 4, 3)) == 1
    assert working_days(d(2026, 4, 3), d(2026, 4, 3), alsace_moselle=True) == 0  # Good Friday there
    assert working_days(d(2026, 3, 8), d(2026, 3, 8)) == 0


def test_reference_period_from_1_june():
    assert reference_period(d(2026, 5, 31)) == (d(2025, 6, 1), d(2026, 5, 31))
    assert reference_period(d(2026, 6, 1)) == (d(2026, 6, 1), d(2027, 5, 31))
    assert reference_period(d(2026, 3, 1), start_month=1) == (d(2026, 1, 1), d(2026, 12, 31))


def test_full_month_part_month_and_full_year():
    assert acquired(*PERIOD, LONG_AGO, None, [], until=d(2025, 6, 30)).total == Decimal("2.50")
    assert acquired(*PERIOD, d(2025, 6, 16), None, [], until=d(2025, 6, 30)).total == Decimal("1.25")  # 15/30
    year = acquired(*PERIOD, LONG_AGO, None, [])
    assert (year.total, year.entitlement) == (Decimal("30.00"), 30)
    left = acquired(*PERIOD, LONG_AGO, d(2025, 9, 15), [])  # 3 months + 15/30 of September
    assert (left.total, left.entitlement) == (Decimal("8.75"), 9)  # rounded up (L3141-7)


def test_unpaid_leave_earns_nothing_and_work_accident_earns_fully():
    unpaid = acquired(*PERIOD, LONG_AGO, None, [Span("sans_solde", d(2025, 7, 1), d(2025, 7, 31))])
    assert unpaid.total == Decimal("27.50")
    accident = acquired(*PERIOD, LONG_AGO, None, [Span("accident_travail", d(2025, 6, 1), d(2026, 5, 31))])
    assert accident.total == Decimal("30.00")  # loi 2024-364: 2.5 a month, no one-year limit


def test_sickness_under_loi_2024_364():
    whole_year = acquired(*PERIOD, LONG_AGO, None, [Span("maladie", *PERIOD)])
    assert (whole_year.sickness, whole_year.total) == (Decimal("24.00"), Decimal("24.00"))
    half = acquired(*PERIOD, LONG_AGO, None, [Span("maladie", d(2025, 6, 1), d(2025, 11, 30))])
    assert (half.worked, half.sickness, half.total) == (Decimal("15.00"), Decimal("12.00"), Decimal("27.00"))
    one_month = acquired(*PERIOD, LONG_AGO, None, [Span("maladie", d(2025, 9, 1), d(2025, 9, 30))])
    assert one_month.total == Decimal("29.50")


def test_balance_charges_the_oldest_period_and_expires_at_its_deadline():
    taken = [(d(2025, 8, 4), Decimal(12)), (d(2026, 2, 16), Decimal(6))]
    periods = balances(d(2024, 6, 1), None, [], taken, today=d(2026, 6, 15))
    first, second, running = periods
    assert (first.acquired, first.taken, first.deadline) == (Decimal(30), Decimal(18), d(2026, 5, 31))
    assert (first.expired, first.remaining) == (Decimal(12), Decimal(0))  # not taken by 31 May 2026: lost
    assert (second.acquired, second.taken, second.remaining, second.deadline) == (
        Decimal(30),
        0,
        Decimal(30),
        d(2027, 5, 31),
    )
    assert not running.closed and running.acquired == Decimal("1.25")


def test_carry_over_15_months_after_a_sickness_running_at_the_deadline():
    sickness = [Span("maladie", d(2026, 3, 1), d(2026, 9, 30))]
    deadline, carried = deadline_for(d(2025, 5, 31), sickness)
    assert carried and deadline == d(2027, 12, 31)  # back on 1 October 2026, + 15 months
    assert deadline_for(d(2025, 5, 31), []) == (d(2026, 5, 31), False)
    periods = balances(d(2024, 6, 1), None, sickness, [], today=d(2026, 11, 2))
    assert periods[0].expired == 0 and periods[0].remaining == Decimal(30) and periods[0].carried_over
