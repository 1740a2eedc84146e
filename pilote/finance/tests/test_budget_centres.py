"""Budgets per centre (an analytic section): from the centre's actuals of the year before, compared with what the
analytic aggregates put on the centre; the structure's budget stays the one the dashboards and the plan read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.finance import queries, services
from pilote.finance.tests.test_pages import _post, books  # noqa: F401 — the two-year books of the finance pages
from pilote.ledger import analytics
from pilote.ledger.models import Account, FiscalYear

D = Decimal


@pytest.fixture
def workshop(books, personas):  # noqa: F811
    actor = personas["comptable"]
    axis = analytics.create_axis(actor=actor, code="CENTRE", label="Centres")
    section = analytics.create_section(actor=actor, axis=axis, code="ATL", label="Atelier", kind="main")
    for code in ("706", "641"):
        analytics.set_defaults(
            actor=actor, axis=axis, shares=[(section, D(100))], account=Account.objects.get(code=code)
        )
    _post(actor, dt.date(2025, 6, 10), ("512", "1000", "0"), ("706", "0", "1000"))
    _post(actor, dt.date(2025, 6, 12), ("641", "400", "0"), ("512", "0", "400"))
    _post(actor, dt.date(2026, 6, 5), ("512", "1200", "0"), ("706", "0", "1200"))
    return section


def test_a_centres_budget_from_its_actuals_and_its_variance(workshop, personas):
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Atelier 2026",
                                    percent=D(10), section=workshop)  # fmt: skip
    months = queries.budget_months(budget)
    assert months["706"][5] == D("1100.00") and months["641"][5] == D("440.00")  # June 2025 + 10 %
    assert sum(months["706"]) == D("1100.00")  # the 5 000 of March 2025 were not the workshop's
    day, rows, totals = queries.variance_report(budget, dt.date(2026, 6, 20))
    assert day == dt.date(2026, 6, 30)  # whole months for a centre
    found = {row.group: (row.budget, row.actual, row.status) for row in rows}
    assert found["706"] == (D("1100.00"), D("1200.00"), "favourable")
    assert found["641"] == (D("440.00"), D("0"), "favourable")
    assert totals.result_actual == D("1200.00")
    revision = services.create_budget(actor=personas["direction"], fiscal_year=year, name="Atelier révisé",
                                      source=budget)  # fmt: skip
    assert revision.section == workshop and revision.kind == "revised"
    assert queries.current_budget(year) is None  # the structure has no budget: the centres' are not it


def test_the_centre_on_the_pages(workshop, client_as):
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    client = client_as("comptable")
    response = client.post(reverse("finance:budget-create"), {"exercice": year.pk, "nom": "Atelier", "methode": "reel",
                                                              "pourcentage": "0", "centre": workshop.pk})  # fmt: skip
    assert response.status_code == 302
    listing = client.get(reverse("finance:budget-list"), {"centre": workshop.pk}).content.decode()
    assert "ATL — Atelier" in listing
    budget = year.budgets.get()
    page = client.get(reverse("finance:budget-variance", args=[budget.pk])).content.decode()
    assert "centre ATL" in page


def test_the_multi_year_view(workshop, personas, client_as):
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Budget 2026", percent=D(0))
    rows = {row.year.start_date.year: row for row in queries.years_budgets()}
    assert (rows[2025].budget, rows[2025].income_actual, rows[2025].expenses_actual) == (None, D(6000), D(2400))
    assert (rows[2026].income_budget, rows[2026].expenses_budget) == (D(6000), D(2400))  # 2025 + 0 %
    assert (rows[2026].income_actual, rows[2026].expenses_actual, rows[2026].result_actual) == (D(9200), D(1600),
                                                                                                D(7600))  # fmt: skip
    page = client_as("auditeur").get(reverse("finance:budget-list")).content.decode()
    assert "Vue pluriannuelle" in page and "<svg" in page
