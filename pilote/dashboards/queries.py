"""Reads of the dashboards, shared by the tiles of one page through `KpiContext.shared`: each runs once.

The figures come from the ledger's aggregates (`finance.queries.account_figures`: `AccountBalance` rows,
plus at most the lines of today's month), the treasury plan from the open items of the open years, overdue
receivables from the open invoices (one grouped query), orders in hand from the lines of the open orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pilote.finance import queries as finance
from pilote.finance.sig import compute_sig
from pilote.ledger.models import FiscalYear
from pilote.lib.money import ZERO


def _years(ctx) -> list[FiscalYear]:
    """The fiscal years (a handful), read once for N and N−1."""
    return ctx.shared("years", lambda: list(FiscalYear.objects.order_by("start_date", "pk")))


def _year_at(years: list[FiscalYear], day: dt.date) -> FiscalYear | None:
    """The year containing `day`, else the last one ended before it."""
    containing = [y for y in years if y.start_date <= day <= y.end_date]
    ended = sorted((y for y in years if y.end_date < day), key=lambda y: y.end_date)
    return containing[0] if containing else ended[-1] if ended else None


def period(ctx) -> finance.Period | None:
    """The current fiscal year up to today (or the last year, whole, when today is past every year)."""

    def read():
        year = _year_at(_years(ctx), ctx.today)
        return finance.Period(year, min(ctx.today, year.end_date)) if year else None

    return ctx.shared("period", read)


def previous(ctx) -> finance.Period | None:
    current = period(ctx)
    return ctx.shared("previous", lambda: finance.previous_period(current, _years(ctx)) if current else None)


def figures(ctx) -> dict[bool, finance.FiguresAt]:
    """The books of N and N−1 at their day and at the eve of their day's month, read together (at most three
    queries for both years: `finance.figures_at`), keyed by `before`."""

    def read():
        chosen = [(before, p) for before, p in ((False, period(ctx)), (True, previous(ctx))) if p is not None]
        found = finance.figures_at([(p.year, p.day) for _, p in chosen])
        return {before: at for (before, _), at in zip(chosen, found, strict=True)}

    return ctx.shared("figures", read)


def diagnosis(ctx, *, before: bool = False) -> finance.Diagnosis | None:
    chosen = previous(ctx) if before else period(ctx)
    association = ctx.shared("association", finance.is_association)

    def read():
        if chosen is None:
            return None
        return finance.diagnosis(chosen, association, figures=figures(ctx)[before].day)

    return ctx.shared(f"diagnosis-{before}", read)


def _month_start(p: finance.Period) -> dt.date:
    return max(p.day.replace(day=1), p.year.start_date)


@dataclass
class MonthRevenue:
    start: dt.date
    day: dt.date
    amount: Decimal


def month_revenue(ctx, *, before: bool = False) -> MonthRevenue | None:
    """Net sales from the first of the period's month to its day: the year to date minus the year to the
    previous month's end (both from the one shared read of `figures`)."""
    chosen = previous(ctx) if before else period(ctx)
    whole = diagnosis(ctx, before=before)

    def read():
        if chosen is None or whole is None:
            return None
        start = _month_start(chosen)
        amount = _revenue(whole.figures)
        if start > chosen.year.start_date:
            amount -= _revenue(figures(ctx)[before].month_start)
        return MonthRevenue(start, chosen.day, amount)

    return ctx.shared(f"month-{before}", read)


def _revenue(figures: dict[str, finance.AccountFigures]) -> Decimal:
    from pilote.dashboards.kpis import revenue

    return revenue(compute_sig({code: f.balance for code, f in figures.items()}).items)


def monthly_revenue(ctx, *, before: bool = False) -> list[tuple[dt.date, Decimal]]:
    """Net sales per month of N (or N−1): both years read together (`finance.monthly_revenues`)."""

    def read():
        chosen = [(key, p) for key, p in ((False, period(ctx)), (True, previous(ctx))) if p is not None]
        found = finance.monthly_revenues([p for _, p in chosen])
        return {key: months for (key, _), months in zip(chosen, found, strict=True)}

    return ctx.shared("monthly", read).get(before, [])


def cash(figures: dict[str, finance.AccountFigures]) -> Decimal:
    """Bank and cash balances (class 5 without 59), with bank overdrafts (519) deducted."""
    return sum((f.balance for code, f in figures.items() if code.startswith("5") and not code.startswith("59")), ZERO)


def treasury(ctx) -> finance.TreasuryInputs | None:
    """The plan's inputs; the books at today are the day's diagnosis when it is today's (one read for both)."""

    def read():
        current = period(ctx)
        same_day = current is not None and current.day == ctx.today and current.year.contains(ctx.today)
        return finance.treasury_inputs(
            ctx.today,
            diagnosis(ctx).figures if same_day else None,
            year=current.year if same_day else None,
            open_items=open_items(ctx),
        )

    return ctx.shared("treasury", read)


def plan(ctx):
    inputs = treasury(ctx)
    return ctx.shared("plan", lambda: inputs.plan() if inputs else None)


def open_items(ctx) -> list:
    """The customers' and suppliers' open items (`finance.open_item_rows`), read once for the overdue
    receivables and both sides of the treasury plan."""
    return ctx.shared("open-items", lambda: finance.open_item_rows(ctx.today))


def aged_receivables(ctx) -> dict:
    """The customers' open items by age, from the ledger's open-items aggregate (not the invoices one by one)."""
    return ctx.shared("aged", lambda: finance.receivables_by_age(ctx.today, open_items(ctx)))


@dataclass
class OrdersInHand:
    amount: Decimal
    count: int


def orders_in_hand(ctx) -> OrdersInHand:
    """Net amount of the open orders' lines not invoiced yet (carnet de commandes)."""

    def read():
        from pilote.dashboards.kpis import remaining_to_invoice
        from pilote.sales.models import OrderLine, OrderStatus

        open_statuses = (OrderStatus.OPEN, OrderStatus.PARTIAL, OrderStatus.DELIVERED)
        rows = OrderLine.objects.filter(order__status__in=open_statuses).values_list(
            "order_id", "net_amount", "quantity", "invoiced_quantity"
        )
        amount, orders = ZERO, set()
        for order_id, net, quantity, invoiced in rows:
            left = remaining_to_invoice(net, quantity, invoiced)
            if left:
                amount += left
                orders.add(order_id)
        return OrdersInHand(amount, len(orders))

    return ctx.shared("orders", read)


@dataclass
class BoardTile:
    """A registered indicator as one user sees it today: its figures and whether it passed its threshold."""

    key: str
    label: str
    section: str
    tile: object  # core.registry.KpiTile
    threshold: Decimal | None
    threshold_text: str
    alert: bool


def context_for(user, today: dt.date):
    """One KpiContext per request: the home page's to-do list and tiles read the same figures once (the
    same `request.user` object reaches both)."""
    from pilote.core.registry import KpiContext

    ctx = getattr(user, "_pilote_kpis", None)
    if ctx is None or ctx.today != today:
        ctx = KpiContext(user, today)
        user._pilote_kpis = ctx
    return ctx


def board(user, today: dt.date, *, keys: set[str] | None = None) -> list[BoardTile]:
    """The tiles `user`'s role may read (or only those of `keys`), computed once each, with their threshold."""
    from pilote.core.registry import kpi_providers_for
    from pilote.dashboards.kpis import breached, display
    from pilote.dashboards.services import thresholds

    ctx = context_for(user, today)
    limits = ctx.shared("thresholds", thresholds)
    tiles = []
    for provider in kpi_providers_for(user):
        if keys is not None and provider.key not in keys:
            continue
        tile = ctx.shared(f"tile-{provider.key}", lambda p=provider: p.compute(ctx))
        if tile is None:
            continue
        limit = limits.get(provider.key)
        side = "plancher" if provider.alert_below else "plafond"
        tiles.append(
            BoardTile(
                provider.key,
                provider.label,
                provider.section,
                tile,
                limit,
                f"{side} {display(limit, provider.unit)}" if limit is not None else "",
                breached(tile.value, limit, below=provider.alert_below),
            )
        )
    return tiles


@dataclass
class BudgetFigures:
    name: str
    items: dict[str, Decimal]  # SIG items of the budget to date
    ebe: Decimal
    month_revenue: Decimal


def budget(ctx) -> BudgetFigures | None:
    """The current year's latest budget version to today (months elapsed, today's month prorated), run
    through the SIG like the books, so it compares item by item."""

    def read():
        from pilote.dashboards.kpis import revenue
        from pilote.finance import budgets

        current = period(ctx)
        version = finance.current_budget(current.year) if current else None
        if version is None:
            return None
        months = finance.budget_months(version)
        start = current.year.start_date

        def sig_to(day):
            amounts = {group: budgets.to_date(values, start, day) for group, values in months.items()}
            return compute_sig(budgets.as_balances(amounts))

        now = sig_to(current.day)
        month_start = _month_start(current)
        before = sig_to(month_start - dt.timedelta(days=1)) if month_start > start else None
        month = revenue(now.items) - (revenue(before.items) if before else ZERO)
        return BudgetFigures(version.name, now.items, now.balances["ebe"], month)

    return ctx.shared("budget", read)
