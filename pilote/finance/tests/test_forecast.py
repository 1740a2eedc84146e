"""The 13-week cash plan on a hand-built case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.finance.forecast import Flow, next_on, weekly_plan

D = Decimal
TODAY = dt.date(2026, 12, 3)  # a Thursday: the first week runs from Monday 30 November


def test_hand_built_plan():
    flows = [
        Flow(dt.date(2026, 11, 15), D("1200.00"), "Clients"),  # overdue: expected in the first week
        Flow(dt.date(2026, 12, 10), D("-5000.00"), "Fournisseurs"),
        Flow(dt.date(2026, 12, 19), D("-800.00"), "TVA à payer"),
        Flow(dt.date(2027, 1, 4), D("3000.00"), "Clients"),
        Flow(dt.date(2027, 6, 1), D("99.00"), "Clients"),  # beyond the 13 weeks
    ]
    plan = weekly_plan(TODAY, D("2000.00"), flows)
    assert len(plan.weeks) == 13 and plan.weeks[0].start == dt.date(2026, 11, 30)
    assert [w.closing for w in plan.weeks[:6]] == [D("3200.00"), D("-1800.00"), D("-2600.00"), D("-2600.00"),
                                                   D("-2600.00"), D("400.00")]  # fmt: skip
    assert plan.lowest.start == dt.date(2026, 12, 14) and plan.lowest.closing == D("-2600.00")
    assert plan.final == D("400.00") and plan.beyond == D("99.00")
    assert plan.weeks[1].payments == D("5000.00") and plan.weeks[0].receipts == D("1200.00")


def test_next_legal_day():
    assert next_on(dt.date(2026, 12, 3), 19) == dt.date(2026, 12, 19)
    assert next_on(dt.date(2026, 12, 19), 19) == dt.date(2027, 1, 19)


def test_pessimistic_scenario_delays_and_cuts_customer_receipts_only():
    import datetime as dt
    from decimal import Decimal as Dec

    from pilote.finance.forecast import Flow, scenario_flows

    today = dt.date(2026, 12, 3)
    flows = [
        Flow(dt.date(2026, 11, 20), Dec("1000.05"), "Clients"),  # overdue: from today + 30 days
        Flow(dt.date(2026, 12, 20), Dec("-500"), "Fournisseurs"),
        Flow(dt.date(2026, 12, 10), Dec("-80"), "Clients"),  # a credit note: unchanged
    ]
    assert scenario_flows(flows, today, "realiste") == flows
    assert scenario_flows(flows, today, "pessimiste") == [
        Flow(dt.date(2027, 1, 2), Dec("900.05"), "Clients"),
        flows[1],
        flows[2],
    ]


def test_late_receivables_as_late_again_and_the_doubtful_apart():
    """What customers owe by expected date: on time at that date; late as late again from today (a week late: next
    week; 90 days late: in 90 days, about the horizon's end), not all in the first week; more than 90 days late
    doubtful, out of both scenarios (old credits netted against it)."""
    from pilote.finance.forecast import DOUBTFUL_AFTER_DAYS, receivables, scenario_flows

    today = dt.date(2026, 12, 3)  # Thursday
    owed = {
        dt.date(2026, 12, 20): D("500.00"),  # not due yet: at its date
        TODAY: D("40.00"),  # expected today: today
        dt.date(2026, 11, 26): D("1000.00"),  # 7 days late: in 7 days
        dt.date(2026, 11, 27): D("-100.00"),  # a payment on account 6 days ago: netted in 6 days
        dt.date(2026, 10, 4): D("2000.00"),  # 60 days late: in 60 days
        dt.date(2026, 9, 4): D("300.00"),  # 90 days late: still counted, in 90 days
        dt.date(2026, 9, 3): D("7000.00"),  # 91 days late: doubtful
        dt.date(2025, 3, 1): D("450.00"),  # long forgotten: doubtful
        dt.date(2025, 6, 1): D("-50.00"),  # an old credit note: set against the doubtful
    }
    found = receivables(today, owed)
    assert DOUBTFUL_AFTER_DAYS == 90
    assert found.doubtful == D("7400.00")
    assert found.flows == [
        Flow(today, D("40.00"), "Clients"),
        Flow(dt.date(2026, 12, 9), D("-100.00"), "Clients"),
        Flow(dt.date(2026, 12, 10), D("1000.00"), "Clients"),
        Flow(dt.date(2026, 12, 20), D("500.00"), "Clients"),
        Flow(dt.date(2027, 2, 1), D("2000.00"), "Clients"),
        Flow(dt.date(2027, 3, 3), D("300.00"), "Clients"),
    ]
    plan = weekly_plan(today, D("10000.00"), found.flows)
    # Week 1 (30/11–6/12) holds only what is due this week; the 7-day-late item comes in week 2, not week 1.
    assert [w.receipts for w in plan.weeks[:3]] == [D("40.00"), D("1000.00"), D("500.00")]
    assert plan.weeks[1].by_kind == {"Clients": D("900.00")} and plan.weeks[1].payments == D("100.00")
    assert plan.weeks[9].receipts == D("2000.00") and plan.beyond == D("300.00")  # 90 days from a Thursday: past
    assert plan.final == D("10000.00") + D("3440.00")  # the doubtful 7 400 € are in no week, nor beyond
    pessimistic = scenario_flows(found.flows, today, "pessimiste")
    assert sum(f.amount for f in pessimistic) == D("36.00") - D("100.00") + D("900.00") + D("450.00") + D("1800.00") \
        + D("270.00")  # fmt: skip
    assert min(f.day for f in pessimistic if f.amount > 0) == today + dt.timedelta(days=30)
