"""Penalty interest, hand-computed: amount × rate × days / 365 per half-year slice, rounded half-up."""

import datetime as dt
from decimal import Decimal as D

from pilote.receivables.penalties import late_penalty, recovery_indemnity
from pilote.sales.terms import HalfYearRate


def _detail(result):
    return [(s.start, s.end, s.days, s.base, s.rate, s.amount) for s in result.slices]


def test_slice_crossing_1_july_uses_each_half_years_rate():
    # 2025 H1: ECB 3.15 → 13.15 %; 2025 H2: ECB 2.15 → 12.15 %.
    result = late_penalty(D("1000.00"), dt.date(2025, 6, 20), dt.date(2025, 7, 10))
    assert _detail(result) == [
        # 21 → 30 June: 1000 × 13.15 % × 10 / 365 = 3.6027… → 3.60
        (dt.date(2025, 6, 21), dt.date(2025, 6, 30), 10, D("1000.00"), D("13.15"), D("3.60")),
        # 1 → 10 July: 1000 × 12.15 % × 10 / 365 = 3.3287… → 3.33
        (dt.date(2025, 7, 1), dt.date(2025, 7, 10), 10, D("1000.00"), D("12.15"), D("3.33")),
    ]
    assert result.days_late == 20 and result.total == D("6.93")


def test_slice_crossing_a_year_end():
    # 2024 H2: ECB 4.25 → 14.25 %; 2025 H1: 13.15 %.
    result = late_penalty(D("2000"), dt.date(2024, 12, 15), dt.date(2025, 1, 15))
    assert _detail(result) == [
        # 16 → 31 Dec: 2000 × 14.25 % × 16 / 365 = 12.4931… → 12.49
        (dt.date(2024, 12, 16), dt.date(2024, 12, 31), 16, D("2000.00"), D("14.25"), D("12.49")),
        # 1 → 15 Jan: 2000 × 13.15 % × 15 / 365 = 10.8082… → 10.81
        (dt.date(2025, 1, 1), dt.date(2025, 1, 15), 15, D("2000.00"), D("13.15"), D("10.81")),
    ]
    assert result.days_late == 31 and result.total == D("23.30")


def test_partial_payment_reduces_the_base_from_the_day_after_it():
    # 1200 due 31/03/2026 (12.15 %), 500 paid on 10/04: the 500 bears interest up to 10/04 included.
    result = late_penalty(
        D("1200"), dt.date(2026, 3, 31), dt.date(2026, 4, 30), reductions=[(dt.date(2026, 4, 10), D("500"))]
    )
    assert _detail(result) == [
        # 1200 × 12.15 % × 10 / 365 = 3.9945… → 3.99
        (dt.date(2026, 4, 1), dt.date(2026, 4, 10), 10, D("1200.00"), D("12.15"), D("3.99")),
        # 700 × 12.15 % × 20 / 365 = 4.6602… → 4.66
        (dt.date(2026, 4, 11), dt.date(2026, 4, 30), 20, D("700.00"), D("12.15"), D("4.66")),
    ]
    assert result.total == D("8.65") and result.days_late == 30


def test_payment_before_due_date_lowers_the_base_from_the_start_and_settlement_stops_interest():
    early = late_penalty(
        D("1000"), dt.date(2026, 3, 31), dt.date(2026, 4, 9), reductions=[(dt.date(2026, 3, 1), D("635"))]
    )
    # 365 × 12.15 % × 9 / 365 = 1.0935 → 1.09
    assert _detail(early) == [(dt.date(2026, 4, 1), dt.date(2026, 4, 9), 9, D("365.00"), D("12.15"), D("1.09"))]
    settled = late_penalty(
        D("365"), dt.date(2026, 3, 31), dt.date(2026, 6, 30), reductions=[(dt.date(2026, 4, 4), D("365"))]
    )
    # paid 4 days late: 365 × 12.15 % × 4 / 365 = 0.486 → 0.49; nothing after the payment.
    assert settled.days_late == 4 and settled.total == D("0.49") and len(settled.slices) == 1


def test_zero_days_and_until_before_due_date():
    assert late_penalty(D("1000"), dt.date(2026, 3, 31), dt.date(2026, 3, 31)).total == D("0.00")
    none = late_penalty(D("1000"), dt.date(2026, 3, 31), dt.date(2026, 3, 1))
    assert (none.days_late, none.slices, none.total) == (0, (), D("0.00"))


def test_cents_are_rounded_half_up():
    # 456.25 × 10 % × 1 / 365 = 0.125 exactly → 0.13 (half-up), not 0.12 (half-even).
    result = late_penalty(D("456.25"), dt.date(2026, 3, 31), dt.date(2026, 4, 1), agreed_rate=D("10"))
    assert result.total == D("0.13")


def test_agreed_rate_applies_across_half_years_and_365_days_even_in_a_leap_year():
    # 29/02/2028 and 01/03/2028: 3650 × 10 % × 2 / 365 = 2.00
    result = late_penalty(D("3650"), dt.date(2028, 2, 28), dt.date(2028, 3, 1), agreed_rate=D("10"))
    assert result.total == D("2.00") and result.days_late == 2
    across = late_penalty(D("3650"), dt.date(2026, 6, 28), dt.date(2026, 7, 2), agreed_rate=D("10"))
    assert [(s.days, s.rate, s.amount) for s in across.slices] == [(2, D("10"), D("2.00")), (2, D("10"), D("2.00"))]


def test_custom_rate_table_and_latest_rate_stays_in_force():
    table = (HalfYearRate(dt.date(2030, 1, 1), D("1.00"), D("1.00")),)
    result = late_penalty(D("3650"), dt.date(2031, 1, 1), dt.date(2031, 1, 11), rate_table=table)
    # 3650 × 11 % × 10 / 365 = 11.00 (the 2030 rate stays in force until a newer one is published)
    assert result.total == D("11.00")


def test_indemnity_is_for_business_customers_only():
    assert recovery_indemnity("organisation") == D("40.00")
    assert recovery_indemnity("person") == D("0.00")


def test_old_invoices_use_the_published_half_year_rates():
    import datetime as dt
    from decimal import Decimal

    from pilote.receivables.penalties import late_penalty

    # Due 31/12/2022, paid 30/06/2023: H1 2023 at ECB 2,50 % + 10 = 12,50 % over 181 days.
    result = late_penalty(Decimal("1000.00"), dt.date(2022, 12, 31), dt.date(2023, 6, 30))
    assert [(s.rate, s.amount) for s in result.slices] == [(Decimal("12.50"), Decimal("61.99"))]
    # An invoice due before the first half-year of the table does not make the page fail.
    assert late_penalty(Decimal("100.00"), dt.date(2015, 1, 31), dt.date(2015, 3, 2)).total == Decimal("0.82")
