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
