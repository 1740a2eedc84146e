"""The diagnosis on the demo's two years of books: believable figures, both CAF methods and FRNG − BFR = TN
to the cent, and the aggregates read equal to a direct sum over the posted lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from pilote.finance import queries
from pilote.ledger.models import EntryLine, FiscalYear
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO


@pytest.fixture
def years(demo_loaded, db):
    return list(FiscalYear.objects.order_by("start_date"))


def test_both_caf_methods_agree_and_tn_is_frng_minus_bfr(years):
    assert len(years) == 2
    for year in years:
        diagnosis = queries.diagnosis(queries.default_period(year))
        sig, sheet = diagnosis.sig, diagnosis.sheet
        assert sig.caf_from_ebe == sig.caf_from_net_result, year
        assert sig.cascade_agrees
        assert sheet.tn == sheet.frng - sheet.bfre - sheet.bfrhe, year
        # Believable, non-zero figures: goods sold at a margin, staff paid, a positive cash position.
        assert sig.balances["mc"] > 0 and sig.balances["va"] > 0 and sig.balances["ebe"] != 0
        assert sig.caf_from_ebe != 0
        assert sheet.frng > 0 and sheet.tn > 0 and sheet.bfre != 0
        ratios = {r.key: r.value for r in diagnosis.ratios}
        assert ratios["delai_clients"] and ratios["autonomie_financiere"]


def test_the_aggregates_read_equal_a_direct_sum_over_the_lines(years):
    for year in years:
        diagnosis = queries.diagnosis(queries.default_period(year))
        lines = (
            EntryLine.objects.filter(fiscal_year=year, entry__status="posted", date__lte=diagnosis.period.day)
            .values("account__code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        )
        direct = {row["account__code"]: row["d"] - row["c"] for row in lines}
        read = {code: f.balance for code, f in diagnosis.figures.items()}
        assert {c: v for c, v in direct.items() if v} == {c: v for c, v in read.items() if v}
        assert sum(direct.values(), ZERO) == 0


def test_a_date_inside_the_open_year_compares_with_the_same_date_a_year_before(years):
    open_year = years[-1]
    day = open_year.start_date.replace(month=6, day=15)
    current = queries.diagnosis(queries.Period(open_year, day))
    previous = queries.previous_period(current.period)
    assert previous.year == years[0] and previous.day == day.replace(year=day.year - 1)
    assert current.sig.caf_from_ebe == current.sig.caf_from_net_result
    assert current.sheet.check_holds


@pytest.mark.parametrize("name", ["finance:diagnosis", "finance:balance-sheet", "finance:ratios"])
def test_pages_on_the_demo(demo_loaded, db, client, name):
    client.force_login(demo_loaded["direction"])
    page = client.get(reverse(name)).content.decode()
    assert "Contrôle réussi" in page or name == "finance:ratios"
    assert "\u202f€" in page or "\u202f%" in page


def test_break_even_on_the_demo(years):
    closed = years[0]
    diagnosis = queries.diagnosis(queries.default_period(closed))
    report = queries.break_even_report(diagnosis, {})
    result = report.result
    assert result.threshold and 0 < result.threshold < result.revenue  # the closed year made a profit
    assert closed.start_date < report.date <= closed.end_date
    assert result.result == diagnosis.sig.balances["rcai"]  # no other income: the current result


def test_treasury_plan_on_the_demo(years):
    """On the demo's own date (it is dated from the day it is loaded): the plan reads the items open today
    (an item lettered since is settled, so a past date would not show what was open then)."""
    open_year = years[-1]
    today = local_today()
    plan = queries.treasury_plan(today)
    diagnosis = queries.diagnosis(queries.Period(open_year, today))
    assert plan.opening == diagnosis.sheet.tn  # today's cash is the class-5 net cash of the books
    assert any(week.receipts for week in plan.weeks) and any(week.payments for week in plan.weeks)
    assert plan.final == plan.opening + sum((w.receipts - w.payments for w in plan.weeks), ZERO)


def test_the_demo_loan_schedule_is_the_books_repayments_and_customers_have_habits(years):
    """The cash plan's loan repays what the ledger demo posts each month (164 capital + 661 interest, on the
    bank), and the demo's customers' habits come from their settled invoices."""
    from pilote.finance import forecast
    from pilote.finance.models import Loan, PaymentBehaviour

    loan = Loan.objects.get()
    schedule = forecast.loan_schedule(loan.principal, loan.annual_rate, loan.months, loan.first_due,
                                      constant_capital=True)  # fmt: skip
    books = (
        EntryLine.objects.filter(
            entry__status="posted",
            account__code__in=["164", "661"],
            debit__gt=0,
            entry__label__startswith="Échéance prêt",
        )  # fmt: skip
        .values("date")
        .annotate(d=Sum("debit"))
        .order_by("date")
    )
    paid = [(row["date"], row["d"]) for row in books]
    assert paid and paid == [(i.day, i.payment) for i in schedule[: len(paid)]]
    assert PaymentBehaviour.objects.exists()
    monthly = queries.treasury_inputs(local_today()).monthly()
    assert len(monthly.weeks) == 12 and any("Emprunts" in m.by_kind for m in monthly.weeks)


def test_sales_price_volume_mix_on_the_demo(years, demo_loaded, client):
    """The demo's sales of the year to date against the same days of the year before, per article: the three
    effects make the total to the cent, and the sales read equal a direct sum over the issued invoice lines."""
    from pilote.sales.models import InvoiceKind, InvoiceLine, InvoiceStatus

    period = queries.default_period()
    previous, result = queries.sales_mix(period)
    assert result.lines and result.price + result.mix + result.volume == result.total
    lines = InvoiceLine.objects.filter(
        invoice__status=InvoiceStatus.ISSUED, invoice__date__gte=period.year.start_date, invoice__date__lte=period.day,
        product__isnull=False, deposit_invoice__isnull=True,
    )  # fmt: skip
    sold = lines.filter(invoice__kind=InvoiceKind.INVOICE).aggregate(s=Sum("net_amount"))["s"] or ZERO
    back = lines.filter(invoice__kind=InvoiceKind.CREDIT_NOTE).aggregate(s=Sum("net_amount"))["s"] or ZERO
    direct = sold - back
    assert result.actual == direct
    client.force_login(demo_loaded["comptable"])
    page = client.get(reverse("finance:sales-mix")).content.decode()
    assert "Effet composition" in page and "<svg" in page


def test_the_budget_explains_the_sales_variance_on_the_demo(years, demo_loaded, client):
    """The demo's budgets of this year carry each article's sales (last year + 5 %, the revision copying them): the
    variance page splits the sales variance into price, mix and volume, adding up to the cent, on the invoices."""
    from pilote.finance.models import Budget
    from pilote.sales.models import InvoiceKind, InvoiceLine, InvoiceStatus

    revision = Budget.objects.get(fiscal_year=years[1], name__endswith="révisé")
    initial = revision.source
    planned = queries.budget_sales(initial)
    assert len(planned) >= 10 and [r.reference for r in queries.budget_sales(revision)] == [
        r.reference for r in planned
    ]
    day = local_today()
    mix = queries.budget_sales_variance(revision, day)
    assert mix.price + mix.mix + mix.volume == mix.total and mix.price and mix.mix and mix.volume
    lines = InvoiceLine.objects.filter(
        invoice__status=InvoiceStatus.ISSUED, invoice__date__gte=years[1].start_date, invoice__date__lte=day,
        product__isnull=False, deposit_invoice__isnull=True,
    )  # fmt: skip
    sold = lines.filter(invoice__kind=InvoiceKind.INVOICE).aggregate(s=Sum("net_amount"))["s"] or ZERO
    back = lines.filter(invoice__kind=InvoiceKind.CREDIT_NOTE).aggregate(s=Sum("net_amount"))["s"] or ZERO
    assert mix.actual == sold - back
    # the initial budget is last year's sales + 5 % per article and month
    last = queries.sales_by_month(years[0])
    row = max(planned, key=lambda r: r.amount)
    assert row.amounts[0] == (last[row.reference][2][0] * Decimal("1.05")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    client.force_login(demo_loaded["direction"])
    page = client.get(reverse("finance:budget-variance", args=[revision.pk])).content.decode()
    assert (
        "Écart sur composition des ventes" in page and "Budget Budget" not in page and f'value="{day:%Y-%m-%d}"' in page
    )


def _posted_sums(year, day) -> dict:
    """The accounts' figures at `day` summed from the posted lines themselves: the reference of `figures_at`."""
    from django.db.models import Sum

    from pilote.ledger.models import EntryLine, JournalKind

    figures = {}
    rows = (
        EntryLine.objects.filter(fiscal_year=year, is_posted=True, date__lte=day)
        .values_list("account__code", "entry__journal__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for code, kind, debit, credit in rows:
        item = figures.setdefault(code, queries.AccountFigures())
        if kind == JournalKind.OPENING:
            item.opening += debit - credit
        else:
            item.debit, item.credit = item.debit + debit, item.credit + credit
    return figures


def test_one_read_of_both_years_equals_the_posted_lines(years, django_assert_max_num_queries):
    """The dashboards read N and N−1 together (`figures_at`, which `account_figures` calls for one day): the sums of
    the posted lines at each day and at the eve of its month, in three queries for both years, whichever side of a
    partial month is read (its first days: 15 March; its last ones taken off the whole month: 25 March, and
    today, whose month has no line dated after it)."""
    import datetime as dt

    current, before = years[1], years[0]
    this_year = current.start_date.year  # the demo's current year, whatever the year it is loaded in
    today = local_today()
    for day in (today, dt.date(this_year, 6, 30), current.start_date, dt.date(this_year, 3, 15),
                dt.date(this_year, 3, 25), today - dt.timedelta(days=1)):  # fmt: skip
        previous = day.replace(year=day.year - 1)
        with django_assert_max_num_queries(3):
            found = queries.figures_at([(current, day), (before, previous)])
        for year, at, chosen in ((current, found[0], day), (before, found[1], previous)):
            assert at.day == _posted_sums(year, chosen) == queries.account_figures(year, chosen), chosen
            eve = chosen.replace(day=1) - dt.timedelta(days=1)
            expected = _posted_sums(year, eve) if eve >= year.start_date else {
                code: queries.AccountFigures(opening=f.opening) for code, f in at.month_start.items()}  # fmt: skip
            assert at.month_start == expected, chosen


def test_the_demo_archived_past_weekly_plans_to_compare_with_the_bank(years, demo_loaded, client):
    """The demo archived the plan of each of the eight Mondays before its today, from the books as they stood that
    day (its opening is the class-5 cash of that Monday), so « Prévu et réalisé » compares each with the bank."""
    from pilote.finance.models import ForecastSnapshot

    today = local_today()
    snapshots = list(ForecastSnapshot.objects.order_by("week_start"))
    assert len(snapshots) == 8 and all(s.week_start.weekday() == 0 and s.week_start < today for s in snapshots)
    for snapshot in snapshots:
        year = next(y for y in years if y.start_date <= snapshot.week_start <= y.end_date)
        assert snapshot.opening == queries._cash(queries.account_figures(year, snapshot.week_start))
    comparisons = queries.forecast_vs_actual(today)
    assert len(comparisons) == 8 and all(rows for _, rows in comparisons)
    assert any(row.gap for _, rows in comparisons for row in rows)
    # The plans saw the staff's pay: the contracts hr projects it from were signed before the books' calendar ran.
    from pilote.core.registry import demo_loaders

    orders = {label: order for order, label, _ in demo_loaders()}
    assert orders["personnel (contrats de travail)"] < orders["comptabilité (deux exercices)"]
    client.force_login(demo_loaded["direction"])
    page = client.get(reverse("finance:treasury")).content.decode()
    assert page.count("Plan établi le") == 8 and "Fin de semaine : prévu et réalisé" in page
    doubtful = queries.treasury_inputs(today).doubtful
    assert doubtful > 0 and "Créances clients en retard de plus de 90 jours, hors prévision" in page
    assert f'href="{reverse("receivables:run")}">à relancer' in page
