"""The finance share of the demo: the current year's budget, made from last year's actuals + 5 % (initial: account
groups, and each article's sales in quantity and amount), then revised with the sales of services raised by 10 %
(their prices, article by article) and the staff costs by 3 % from the current month on — so the variance page
splits the sales variance into price, mix and volume and the dashboard tiles compare the year to date with a
budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.finance import budgets, queries, services
from pilote.ledger.models import AnalyticAxis, FiscalYear
from pilote.lib.money import round_eur


def costed_years():
    """The years the demo sets a full costing up on: each one holding a whole month of activity (its month-end
    purchases and payroll). In early January the new year holds a few days' sales and none of their costs: its
    costing would mean nothing, and the page opens on the year just ended."""
    return FiscalYear.objects.filter(start_date__lt=DEMO_TODAY.replace(day=1)).order_by("start_date")


def load_costing(users) -> None:
    """Full costing of each year on the demo's centres (the §6 keys between the two auxiliary centres) and its
    activities: supplies by €1,000 bought, the workshop by technician hour, distribution by €100 of sales; on the
    years of `costed_years`."""
    centres, activities = (
        AnalyticAxis.objects.filter(code="CENTRE").first(),
        AnalyticAxis.objects.filter(code="ACT").first(),
    )
    if centres is None or activities is None:
        return
    keys = {
        "ADM": {"ENT": Decimal(10), "APP": Decimal(20), "ATL": Decimal(40), "DIS": Decimal(30)},
        "ENT": {"ADM": Decimal(20), "APP": Decimal(10), "ATL": Decimal(60), "DIS": Decimal(10)},
    }
    for year in costed_years():
        report = queries.analytic_report(activities, year, year.end_date)
        revenue = {row.code: (row.income / 100).quantize(Decimal(1)) for row in report.rows}
        trade = next(row for row in report.rows if row.code == "NEGOCE")
        goods = (trade.by_group.get("60", Decimal(0)) / 1000).quantize(Decimal(1))
        hours = {"NEGOCE": Decimal(1200), "MAINT": Decimal(1500), "CONSEIL": Decimal(300)}
        services.save_costing_setup(
            actor=users["comptable"], fiscal_year=year, centres_axis=centres, products_axis=activities, keys=keys,
            units={
                "APP": ("1 000 € d'achats de marchandises", goods, {"NEGOCE": goods}),
                "ATL": ("heure de technicien", Decimal(3000), hours),
                "DIS": ("100 € de chiffre d'affaires", sum(revenue.values(), Decimal(0)), revenue),
            },
        )  # fmt: skip


ARCHIVED_WEEKS = 8  # the weeks before the current one whose Monday's plan the demo archives (the page shows 8)


def timeline(rng, users) -> list[tuple[dt.date, str, object]]:
    """The treasury's dated demo activity, run by the ledger demo among the books' days: the bank loan entered
    before its first instalment, then on each Monday of the eight weeks before the current one that week's plan
    archived as the nightly schedule does (the customers' payment habits, then `services.take_snapshot`) from the
    books as they stood that day — so « Prévu et réalisé » compares each plan with what the bank then did."""
    del rng
    from pilote.core.demo import FIRST_YEAR

    steps = [(dt.date(FIRST_YEAR, 1, 1), "emprunt du plan de trésorerie", lambda: _create_loan(users))]
    this_monday = DEMO_TODAY - dt.timedelta(days=DEMO_TODAY.weekday())
    for weeks in range(ARCHIVED_WEEKS, 0, -1):
        monday = this_monday - dt.timedelta(weeks=weeks)
        steps.append((monday, "plan de trésorerie archivé", lambda day=monday: _treasury_night(day)))
    return steps


def _treasury_night(day: dt.date) -> None:
    """What the nightly `finance.treasury` schedule does, on that day: the customers' habits, then the week's plan."""
    services.refresh_payment_behaviour(day)
    services.take_snapshot(day)


def _create_loan(users) -> None:
    """The bank loan the ledger demo repays (90 000 € at 3,6 %, 1 500 € of capital a month from January of the
    first year, `ledger.demo.Books.loan`) as a loan of the cash plan."""
    from pilote.core.demo import FIRST_YEAR
    from pilote.ledger.demo import LOAN_RATE

    services.create_loan(
        actor=users["comptable"], label="Prêt d'installation", lender="BNP Paribas Pro", principal=Decimal(90000),
        annual_rate=LOAN_RATE * 100, months=60, first_due=dt.date(FIRST_YEAR, 1, 5), constant_capital=True,
    )  # fmt: skip


def load_treasury(users) -> None:
    """The customers' payment habits, after the calendar (the loan and the archived plans come with it: `timeline`)."""
    services.refresh_payment_behaviour(DEMO_TODAY)


def load(rng, users) -> None:
    load_costing(users)
    load_treasury(users)
    year = FiscalYear.objects.filter(start_date__lte=DEMO_TODAY, end_date__gte=DEMO_TODAY).first()
    if year is None or not FiscalYear.objects.filter(end_date__lt=year.start_date).exists():
        return
    actor = users["comptable"]
    initial = services.create_budget(
        actor=actor, fiscal_year=year, name=f"Budget {year.start_date.year}", percent=Decimal(5)
    )
    revision = services.create_budget(
        actor=users["direction"], fiscal_year=year, name=f"Budget {year.start_date.year} révisé", source=initial
    )
    from pilote.ledger.models import AnalyticSection

    for code in ("ATL", "DIS"):  # the two main centres: their own budgets, from last year's actuals + 3 %
        section = AnalyticSection.objects.filter(axis__code="CENTRE", code=code).first()
        if section is not None:
            name = f"Budget {year.start_date.year} — {section.label}"
            services.create_budget(actor=actor, fiscal_year=year, name=name, percent=Decimal(3), section=section)
    now = budgets.month_index(year.start_date, DEMO_TODAY)
    for group, values in queries.budget_months(revision).items():
        factor = Decimal("1.10") if group == "706" else Decimal("1.03") if group.startswith("64") else None
        if factor is not None:
            changed = [round_eur(v * factor) if i >= now else v for i, v in enumerate(values)]
            services.set_budget_group(actor=users["direction"], budget=revision, group=group, months=changed)
    service_articles = set(revision.sales_lines.filter(article__kind="service").values_list("article_id", flat=True))
    for row in queries.budget_sales(revision):
        if row.article_id in service_articles:  # the same quantities, sold 10 % dearer from this month on
            amounts = [round_eur(v * Decimal("1.10")) if i >= now else v for i, v in enumerate(row.amounts)]
            article = services.article_model().objects.get(pk=row.article_id)
            services.set_budget_sales(actor=users["direction"], budget=revision, article=article,
                                      quantities=row.quantities, amounts=amounts)  # fmt: skip
