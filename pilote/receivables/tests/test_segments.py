"""ABC (Pareto), RFM, payment delays and churn risk: pure functions, hand-computed cases."""

import datetime as dt
from decimal import Decimal as D

from pilote.receivables.segments import (
    CustomerActivity,
    abc_classes,
    churn_risk,
    classic_dso,
    quintile_scores,
    rfm,
    segment_for,
    weighted_payment_delay,
)


def test_abc_classes_by_cumulative_share_before_each_customer():
    revenue = {"a": D(500), "b": D(250), "c": D(100), "d": D(60), "e": D(50), "f": D(40), "zero": D(0), "neg": D(-5)}
    # total 1000: before a 0 % A, before b 50 % A, before c 75 % A (it crosses 80 %), before d 85 % B,
    # before e 91 % B, before f 96 % C; nothing or negative: C.
    assert abc_classes(revenue) == {"a": "A", "b": "A", "c": "A", "d": "B", "e": "B", "f": "C", "zero": "C", "neg": "C"}


def test_one_customer_with_most_revenue_is_a_and_ties_are_stable():
    assert abc_classes({"big": D(90), "small": D(10)}) == {"big": "A", "small": "B"}
    assert abc_classes({"y": D(50), "x": D(50)}) == {"x": "A", "y": "A"}
    assert abc_classes({}) == {}
    assert abc_classes({"only": D(0)}) == {"only": "C"}


def test_quintile_scores_rank_and_ties():
    values = {f"c{i}": D(i) for i in range(10)}  # 0…9
    assert [quintile_scores(values)[f"c{i}"] for i in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [quintile_scores(values, higher_is_better=False)[f"c{i}"] for i in range(10)] == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]
    assert quintile_scores({"a": 3, "b": 3, "c": 3}) == {"a": 1, "b": 1, "c": 1}


def test_rfm_segments():
    on = dt.date(2026, 11, 2)
    activity = {
        "champion": CustomerActivity(dt.date(2026, 10, 30), 12, D("9000")),
        "loyal": CustomerActivity(dt.date(2026, 10, 1), 10, D("1500")),
        "new": CustomerActivity(dt.date(2026, 10, 25), 1, D("800")),
        "slipping": CustomerActivity(dt.date(2026, 3, 1), 8, D("4000")),
        "lost": CustomerActivity(dt.date(2025, 1, 10), 1, D("200")),
    }
    scores = rfm(activity, on)
    # recency days: 3, 32, 8, 246, 661 → R 5, 3, 4, 2, 1; F 12, 10, 1, 8, 1 → 5, 4, 1, 3, 1;
    # M 9000, 1500, 800, 4000, 200 → 5, 3, 2, 4, 1
    assert {k: (s.r, s.f, s.m) for k, s in scores.items()} == {
        "champion": (5, 5, 5),
        "loyal": (3, 4, 3),
        "new": (4, 1, 2),
        "slipping": (2, 3, 4),
        "lost": (1, 1, 1),
    }
    assert {k: s.segment for k, s in scores.items()} == {
        "champion": "Champions",
        "loyal": "Fidèles",
        "new": "Nouveaux",
        "slipping": "À risque",
        "lost": "Perdus",
    }
    assert scores["slipping"].recency_days == 246
    assert segment_for(3, 3, 3) == "À développer" and rfm({}, on) == {}


def test_weighted_payment_delay_and_classic_dso():
    payments = [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), D("1000")),  # 30 days
        (dt.date(2026, 1, 1), dt.date(2026, 3, 2), D("500")),  # 60 days
        (dt.date(2026, 2, 1), dt.date(2026, 2, 11), D("500")),  # 10 days
    ]
    # (1000 × 30 + 500 × 60 + 500 × 10) / 2000 = 65 000 / 2000 = 32.5
    assert weighted_payment_delay(payments) == D("32.5")
    assert weighted_payment_delay([]) is None
    # 25 000 owed / 150 000 of revenue × 365 days = 60.83… → 60.8
    assert classic_dso(D("25000"), D("150000"), 365) == D("60.8")
    assert classic_dso(D("100"), D("0"), 365) is None


def test_churn_risk():
    on = dt.date(2026, 11, 2)
    monthly = [dt.date(2026, m, 1) for m in range(1, 8)]  # every ~30 days until 1 July
    risk = churn_risk(monthly, D("7000"), D("7000"), on)
    # gaps 31, 28, 31, 30, 31, 30 → median (30 + 31 + 1) // 2 = 31; 124 days of silence > 62
    assert (risk.usual_interval, risk.silence) == (31, 124)
    assert risk.reason == "Aucune facture depuis 124 jours, pour un rythme habituel de 31 jours"
    assert churn_risk([*monthly, dt.date(2026, 10, 15)], D("7000"), D("7000"), on) is None
    drop = churn_risk([dt.date(2026, 10, 1)], D("400"), D("1000"), on)
    assert drop.change == D("-60.0") and drop.reason == "Chiffre d'affaires en baisse de 60,0 % sur un an"
    assert churn_risk([dt.date(2026, 10, 1)], D("500"), D("1000"), on) is None  # exactly half: not « more than »
    assert churn_risk([], D("0"), D("0"), on) is None
