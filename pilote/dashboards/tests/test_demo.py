"""The demo's direction opens Pilote and sees where the business stands: every indicator computed, the
13-week plan under its threshold in one week, the tile red and the alert in the to-do list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.dashboards import queries, services
from pilote.dashboards.demo import treasury_threshold
from pilote.finance.queries import treasury_plan
from pilote.lib.dates import local_today

D = Decimal


def test_treasury_threshold_leaves_one_week_under_it():
    assert treasury_threshold([D(5000), D(-2600), D(-1800), D(400)]) == D(-2000)
    assert treasury_threshold([D("10.00"), D("10.02")]) == D("10.01")
    assert treasury_threshold([D(3), D(3)]) is None
    # one week overdrawn: a cushion of cash, not a negative floor
    assert treasury_threshold([D("67223.00"), D("-69025.00"), D("9433.00")]) == D(5000)
    assert treasury_threshold([D("-10.00"), D("0.01")]) == D("0.01")


@pytest.fixture
def direction(demo_loaded, db):
    return demo_loaded["direction"]


def test_direction_sees_every_indicator_and_the_treasury_alert(direction, client):
    today = local_today()
    tiles = {tile.key: tile for tile in queries.board(direction, today)}
    assert {"ca_mois", "ca_exercice", "marge_brute", "ebe", "tresorerie", "tresorerie_prevue", "creances_echues",
            "dso", "dettes_fournisseurs", "commandes"} <= set(tiles)  # fmt: skip
    assert tiles["ca_exercice"].tile.value > 0 and tiles["tresorerie"].tile.value > 0
    threshold = services.thresholds()["tresorerie_prevue"]
    weeks = treasury_plan(today).weeks
    assert sum(1 for week in weeks if week.closing < threshold) == 1
    assert tiles["tresorerie_prevue"].alert
    client.force_login(direction)
    page = client.get(reverse("core:home")).content.decode()
    assert "Alerte : Point bas de trésorerie prévu" in page and "kpi-tile-alert" in page
    from pilote.dashboards.models import KpiAlert

    # the crossing the demo's threshold makes was mailed to direction once (set_threshold checks the alerts)
    alert = KpiAlert.objects.get(key="tresorerie_prevue", ended_on__isnull=True)
    assert alert.mailed_to >= 1


def test_the_years_budget_is_revised_and_compared(direction, client):
    from pilote.finance import queries as finance
    from pilote.finance.models import Budget, BudgetKind

    budgets = list(Budget.objects.filter(section__isnull=True).order_by("created_at", "id"))
    assert [b.kind for b in budgets] == [BudgetKind.INITIAL, BudgetKind.REVISED]
    centres = Budget.objects.filter(section__isnull=False)
    assert sorted(b.section.code for b in centres) == ["ATL", "DIS"]  # the main centres' own budgets
    for centre in centres:
        _day, _rows, centre_totals = finance.variance_report(centre, local_today())
        assert centre_totals.expenses.budget > 0 and centre_totals.expenses.actual > 0
    revised = budgets[1]
    assert finance.current_budget(revised.fiscal_year) == revised
    day, rows, totals = finance.variance_report(revised, local_today())
    assert totals.income.budget > 0 and totals.expenses.budget > 0
    assert {row.status for row in rows} - {"ok"}  # some variances worth a colour
    tiles = {tile.key: tile for tile in queries.board(direction, local_today())}
    assert [c[0] for c in tiles["ebe"].tile.comparisons][-1] == "Budget"
    client.force_login(direction)
    page = client.get(reverse("finance:budget-variance", args=[revised.pk])).content.decode()
    assert "Favorable" in page or "Défavorable" in page
