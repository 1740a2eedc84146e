"""Reads of the books for the financial diagnosis: balances by account at a date, from the ledger's aggregates.

`ledger.AccountBalance` holds the posted debit and credit per fiscal year × month × account (aux_key 0 is
the account's total), updated in the posting transaction. A diagnosis at a month's end (or the year's)
sums those rows only; at a date inside a month, the aggregates give the months before it (or the whole month)
and the lines of the month's fewer days are summed in SQL, grouped by account: its first days up to the date,
or the days after it up to the latest line taken off — none at today (`figures_at`). Three queries for one or
several periods, whatever the size of the books.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.finance import breakeven, forecast
from pilote.finance.balance_sheet import FunctionalBalanceSheet, functional_balance_sheet
from pilote.finance.ratios import Flows, Ratio, compute_ratios
from pilote.finance.sig import Sig, compute_sig
from pilote.ledger.models import AccountBalance, Entry, EntryLine, FiscalYear, JournalKind, OpenItemBalance
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO, from_cents


@dataclass
class AccountFigures:
    opening: Decimal = ZERO  # à-nouveaux, debit − credit
    debit: Decimal = ZERO  # movements of the period, à-nouveaux excluded
    credit: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.opening + self.debit - self.credit


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def account_figures(year: FiscalYear, day: dt.date) -> dict[str, AccountFigures]:
    """Opening, debit and credit of each account (by code) from the year's start to `day` included (`figures_at`)."""
    return figures_at([(year, day)])[0].day


@dataclass
class FiguresAt:
    """The accounts' figures at a day, and at the eve of the day's month (opening and the whole months before it)."""

    day: dict[str, AccountFigures]
    month_start: dict[str, AccountFigures]


def figures_at(periods: list[tuple[FiscalYear, dt.date]]) -> list[FiguresAt]:
    """`account_figures` of several (year, day) — distinct years: the dashboards' N and N−1 — and of the eve of
    each day's month, in at most three queries whatever their number: one grouped read of the aggregates for
    every year (each row marked as of the day's month or before it), and when a day falls inside a month, the
    years' latest line dates (`_latest_dates`) and one grouped read of the partial months' lines (their
    à-nouveaux left out by a subquery). Of a partial month, the side with fewer days of lines is read: its first
    days up to the day, added to the months before, or the days after it up to the year's latest line, taken off
    the whole month's aggregates — at most half a month of lines whatever the day, and none at today in books
    kept day by day. Equal to the sums of the posted lines at the day and at the eve of its month (tested)."""
    from django.db.models import BooleanField, Case, Value, When

    assert len({year.pk for year, _ in periods}) == len(periods), "one day per fiscal year"
    if not periods:
        return []
    reads, recent, partial, tails = Q(), [], [], set()
    latest = _latest_dates([year for year, day in periods if not (day >= year.end_date or day == _month_end(day))])
    for year, day in periods:
        start = day.replace(day=1)
        whole = day >= year.end_date or day == _month_end(day)
        # The side of the month with fewer days of lines: its first days up to the day, or those after it up to
        # the year's latest line — none at today in books that are kept day by day.
        after = (min(_month_end(day), latest.get(year.pk) or day) - day).days
        tail = not whole and after < day.day
        cut = (_month_end(day) + dt.timedelta(days=1)) if whole or tail else day.replace(day=1)
        reads |= Q(fiscal_year=year) & (Q(is_opening=True) | Q(month__lt=cut))
        recent.append(When(fiscal_year=year, is_opening=False, month__gte=start, then=Value(True)))
        if tail:
            tails.add(year.pk)
            partial.append((year, day + dt.timedelta(days=1), _month_end(day)))
        elif not whole:
            partial.append((year, cut, day))
    rows = (
        AccountBalance.objects.filter(reads, aux_key=0)
        .annotate(recent=Case(*recent, default=Value(False), output_field=BooleanField()))
        .values("fiscal_year_id", "account__code", "is_opening", "recent")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    before = {year.pk: {} for year, _ in periods}
    month = {year.pk: {} for year, _ in periods}
    for row in rows:
        code, year_id = row["account__code"], row["fiscal_year_id"]
        if row["is_opening"]:
            for side in (before, month):
                side[year_id].setdefault(code, AccountFigures()).opening += row["d"] - row["c"]
            continue
        targets = (month,) if row["recent"] else (before, month)
        for side in targets:
            item = side[year_id].setdefault(code, AccountFigures())
            item.debit += row["d"]
            item.credit += row["c"]
    for year_id, code, debit, credit in _span_sums(partial) if partial else ():
        item = month[year_id].setdefault(code, AccountFigures())
        sign = -1 if year_id in tails else 1
        item.debit += sign * debit
        item.credit += sign * credit
        if sign < 0 and not (item.opening or item.debit or item.credit):
            del month[year_id][code]  # moved only after the day: not in the books at the day
    return [FiguresAt(month[year.pk], before[year.pk]) for year, _ in periods]


def _latest_dates(years: list[FiscalYear]) -> dict[int, dt.date | None]:
    """The date of each year's latest line (drafts included: it only chooses which side of a month is read), in
    one statement: per year, one step back along the index (year, date). Nothing when no year is given."""
    if not years:
        return {}
    from django.db.models import OuterRef, Subquery

    latest = EntryLine.objects.filter(fiscal_year=OuterRef("pk")).order_by("-date").values("date")[:1]
    rows = FiscalYear.objects.filter(pk__in=[year.pk for year in years]).order_by().annotate(d=Subquery(latest))
    return dict(rows.values_list("pk", "d"))


def _span_sums(spans: list[tuple[FiscalYear, dt.date, dt.date]]) -> list[tuple[int, str, Decimal, Decimal]]:
    """(year id, account code, debit, credit) of the posted lines of each (year, first day, last day) — distinct
    years —, à-nouveaux left out, in one statement. The months' à-nouveaux entries (usually none) are left out by a
    subquery of their ids run once (hashed), not a join of every line to its entry and journal."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return _span_sums_sqlite(spans)
    span = Q()
    for year, first, last in spans:
        span |= Q(fiscal_year=year, date__gte=first, date__lte=last)
    opening = Entry.objects.filter(span, journal__kind=JournalKind.OPENING).values("id")
    lines = (
        EntryLine.objects.filter(span, is_posted=True)
        .exclude(entry_id__in=opening)
        .values_list("fiscal_year_id", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    return [(year_id, code, debit or ZERO, credit or ZERO) for year_id, code, debit, credit in lines]


def _span_sums_sqlite(spans: list[tuple[FiscalYear, dt.date, dt.date]]) -> list[tuple[int, str, Decimal, Decimal]]:
    """`_span_sums` on SQLite: one grouped SELECT per span joined by UNION ALL, each reading the lines account by
    account through the covering index (account, year, posted, date, …, debit, credit, entry) — the index alone,
    never a line's row. SQLite without statistics took the (year, date) index and fetched every line of the days
    from the table (the dashboard's two partial months at a million lines: ~16,000 rows; `figures_at` 22 → 9 ms of
    CPU); the CROSS JOIN fixes its join order (accounts first). PostgreSQL keeps the ORM's query: its plan is the
    same either way, and two branches cost it a second planning."""
    from django.db import connection

    from pilote.ledger.models import Account, Journal

    line, entry = EntryLine._meta.db_table, Entry._meta.db_table
    selects, params = [], []
    for year, first, last in spans:
        selects.append(
            f"SELECT l.fiscal_year_id, a.code, SUM(l.debit), SUM(l.credit) "  # noqa: S608 - table names only
            f"FROM {Account._meta.db_table} a CROSS JOIN {line} l "
            f"WHERE l.account_id = a.id AND l.fiscal_year_id = %s AND l.is_posted = %s "
            f"AND l.date >= %s AND l.date <= %s "
            f"AND l.entry_id NOT IN (SELECT e.id FROM {entry} e JOIN {Journal._meta.db_table} j ON j.id = e.journal_id "
            f"WHERE e.fiscal_year_id = %s AND e.date >= %s AND e.date <= %s AND j.kind = %s) "
            f"GROUP BY l.fiscal_year_id, a.code"
        )
        params += [year.pk, True, first, last, year.pk, first, last, JournalKind.OPENING.value]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    return [(year_id, code, from_cents(debit or 0), from_cents(credit or 0)) for year_id, code, debit, credit in rows]


@dataclass
class Period:
    year: FiscalYear
    day: dt.date

    @property
    def is_whole_year(self) -> bool:
        return self.day >= self.year.end_date

    @property
    def label(self) -> str:
        if self.is_whole_year:
            return str(self.year)
        return f"{self.year} au {self.day:%d/%m/%Y}"

    @property
    def short_label(self) -> str:
        if self.is_whole_year:
            return (
                str(self.year.end_date.year) if self.year.start_date.year == self.year.end_date.year else str(self.year)
            )
        return f"au {self.day:%d/%m/%Y}"

    @property
    def days_basis(self) -> Decimal:
        """360 days for the whole year, prorated by the days elapsed for a part of it."""
        length = (self.year.end_date - self.year.start_date).days + 1
        elapsed = (min(self.day, self.year.end_date) - self.year.start_date).days + 1
        return Decimal(360) * elapsed / length


@dataclass
class Diagnosis:
    period: Period
    figures: dict[str, AccountFigures]
    sig: Sig
    sheet: FunctionalBalanceSheet
    ratios: list[Ratio]
    association: bool = False  # the ANC 2018-06 variant
    in_kind: tuple[Decimal, Decimal] = (ZERO, ZERO)  # associations: 86 uses, 87 sources, below the result

    @property
    def shows_in_kind(self) -> bool:
        return self.association and any(self.in_kind)

    @property
    def is_empty(self) -> bool:
        """Nothing posted up to the date, not even an opening entry: the pages say so instead of zeros."""
        return not self.figures


def _sum(
    figures: dict[str, AccountFigures], prefixes: tuple[str, ...], value, exclude: tuple[str, ...] = ()
) -> Decimal:
    return sum(
        (
            value(f)
            for code, f in figures.items()
            if code.startswith(prefixes) and not code.startswith(exclude or ("~",))
        ),
        ZERO,
    )


def flows(figures: dict[str, AccountFigures], period: Period) -> Flows:
    return Flows(
        customer_invoicing=_sum(figures, ("411",), lambda f: f.debit),
        supplier_invoicing=_sum(figures, ("401",), lambda f: f.credit),
        receivables=_sum(figures, ("411", "413", "416", "418"), lambda f: max(f.balance, ZERO)),
        payables=_sum(figures, ("401", "403", "408"), lambda f: max(-f.balance, ZERO), exclude=("4084",)),
        opening_stock=_sum(figures, ("3",), lambda f: f.opening, exclude=("39",)),
        closing_stock=_sum(figures, ("3",), lambda f: f.balance, exclude=("39",)),
        days_basis=period.days_basis,
    )


def is_association() -> bool:
    """An association keeps the ANC 2018-06 accounts: its SIG reads 755, 6894 and 7894 their way."""
    from pilote.core.models import Structure
    from pilote.core.vocabulary import ASSOCIATION, structure_type_of

    return structure_type_of(Structure.objects.only("type").first()) == ASSOCIATION


def diagnosis(period: Period, association: bool | None = None, figures: dict | None = None) -> Diagnosis:
    """The diagnosis at the period's day; `figures`: its `account_figures` when already read (the dashboards and the
    diagnosis pages read several years at once: `figures_at`)."""
    from pilote.finance.sig import contributions_in_kind

    if association is None:
        association = is_association()
    if figures is None:
        figures = account_figures(period.year, period.day)
    balances = {code: f.balance for code, f in figures.items()}
    sig = compute_sig(balances, association)
    sheet = functional_balance_sheet(balances)
    ratios = compute_ratios(sig, sheet, flows(figures, period))
    return Diagnosis(period, figures, sig, sheet, ratios, association, contributions_in_kind(balances))


def diagnoses(periods: list[Period | None], association: bool | None = None) -> list[Diagnosis | None]:
    """The diagnosis of each period (None where there is none: a year without a year before it), the books of all
    of them read at once (`figures_at`: three queries for N, N−1 and N−2, not three per year)."""
    given = [period for period in periods if period]
    read = iter(figures_at([(period.year, period.day) for period in given]))
    return [diagnosis(period, association, figures=next(read).day) if period else None for period in periods]


def default_period(year: FiscalYear | None = None) -> Period | None:
    """The latest year (or `year`) up to today if today falls inside it, else to its end."""
    year = year or FiscalYear.objects.order_by("-start_date").first()
    if year is None:
        return None
    today = local_today()
    return Period(year, today if year.contains(today) else year.end_date)


def previous_period(period: Period, years: list[FiscalYear] | None = None) -> Period | None:
    """The same stretch of the year before: the whole previous year, or up to the same date a year earlier.
    `years`: every fiscal year, when the caller read them already."""
    if years is None:
        previous = FiscalYear.objects.filter(end_date__lt=period.year.start_date).order_by("-start_date").first()
    else:
        earlier = sorted((y for y in years if y.end_date < period.year.start_date), key=lambda y: y.start_date)
        previous = earlier[-1] if earlier else None
    if previous is None:
        return None
    if period.is_whole_year:
        return Period(previous, previous.end_date)
    try:
        day = period.day.replace(year=period.day.year - 1)
    except ValueError:  # 29 February
        day = period.day.replace(year=period.day.year - 1, day=28)
    return Period(previous, min(max(day, previous.start_date), previous.end_date))


# --- Break-even -------------------------------------------------------------------------------------------


@dataclass
class CostLine:
    code: str
    label: str
    amount: Decimal
    share: Decimal  # % variable
    is_default: bool
    variable: Decimal
    fixed: Decimal


@dataclass
class BreakEvenReport:
    result: breakeven.BreakEven
    date: dt.date | None  # point mort, regular activity
    seasonal_date: dt.date | None  # from the cumulative monthly sales
    months: list[tuple[dt.date, Decimal]]
    lines: list[CostLine]
    # The year's threshold: the period's fixed costs brought to the whole year (the same as `result.threshold` for
    # a whole year); the cumulative monthly sales are set against it.
    annual_threshold: Decimal | None = None


def cost_shares() -> dict[str, Decimal]:
    from pilote.finance.models import CostBehaviour

    return dict(CostBehaviour.objects.values_list("account__code", "variable_share"))


def monthly_revenue(period: Period) -> list[tuple[dt.date, Decimal]]:
    """Net sales (70) per month of the period, from the aggregates; the date's month counts in full."""
    return monthly_revenues([period])[0]


def monthly_revenues(periods: list[Period]) -> list[list[tuple[dt.date, Decimal]]]:
    """`monthly_revenue` of several periods of distinct years (the dashboards' N and N−1) in one grouped read."""
    from django.db.models import Q

    if not periods:
        return []
    span = Q()
    for period in periods:
        span |= Q(fiscal_year=period.year, month__lte=period.day)
    rows = (
        AccountBalance.objects.filter(span, aux_key=0, is_opening=False, account__code__startswith="70")
        .values("fiscal_year_id", "month")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    by_month = {(row["fiscal_year_id"], row["month"]): row["c"] - row["d"] for row in rows}
    found = []
    for period in periods:
        months, month = [], period.year.start_date.replace(day=1)
        while month <= period.day:
            months.append((month, by_month.get((period.year.pk, month), ZERO)))
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        found.append(months)
    return found


def break_even_report(diagnosis: Diagnosis, labels: dict[str, str]) -> BreakEvenReport:
    balances = {code: f.balance for code, f in diagnosis.figures.items()}
    shares = cost_shares()
    revenue, variable, fixed = breakeven.split_costs(balances, shares)
    # The point mort is a day of the whole year: for a part of it, the period's costs and sales are taken to go on
    # at the same pace (SR ÷ CA × 360 does not depend on the period's length), and the cumulative sales are set
    # against the year's fixed costs — never against the period's own, which they would cover too early.
    result = breakeven.break_even(revenue, variable, fixed)
    annual = (
        breakeven.annual_threshold(result.threshold, diagnosis.period.days_basis)
        if result.threshold is not None
        else None
    )
    lines = []
    for code in sorted(balances):
        amount = balances[code]
        if not amount or not code.startswith("6") or code.startswith(breakeven.EXCLUDED_EXPENSES):
            continue
        share = shares.get(code, breakeven.default_share(code))
        part = breakeven.variable_part(amount, share)
        lines.append(CostLine(code, labels.get(code, ""), amount, share, code not in shares, part, amount - part))
    start = diagnosis.period.year.start_date
    months = monthly_revenue(diagnosis.period)
    return BreakEvenReport(
        result=result,
        date=breakeven.date_from_days(start, result.days) if result.days is not None else None,
        seasonal_date=breakeven.seasonal_date(annual, months) if annual is not None else None,
        months=months,
        lines=lines,
        annual_threshold=annual,
    )


# --- Treasury forecast ------------------------------------------------------------------------------------

CUSTOMER_PREFIXES = ("411", "413", "418")  # doubtful debts (416) are not counted on
SUPPLIER_PREFIXES = ("401", "403", "404", "408")
# Tax and social debts paid at a fixed day of the month (the demo declares its CA3 and pays it on the 19th).
DEBTS_BY_DAY = (("44551", 19, "TVA à payer"), ("431", 15, "Charges sociales"), ("437", 15, "Charges sociales"))


def open_item_rows(today: dt.date) -> list[tuple[str, dt.date, Decimal]]:
    """The open items of the open years posted up to today on the customer and supplier accounts (`RECEIVABLE_`,
    `CUSTOMER_` and `SUPPLIER_PREFIXES`) as (account code, expected date, debit − credit): one grouped read of the
    ledger's open-items aggregate (a few rows per day and account), whatever the number of lines — the aged
    receivables and both sides of the treasury plan are taken from it (`receivables_by_age`, `treasury_inputs`)."""
    prefixes = tuple(dict.fromkeys(RECEIVABLE_PREFIXES + CUSTOMER_PREFIXES + SUPPLIER_PREFIXES))
    rows = (
        OpenItemBalance.objects.filter(_prefixes(prefixes), fiscal_year__status="open", date__lte=today)
        .values("account__code", "expected")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    return [(row["account__code"], row["expected"], row["d"] - row["c"]) for row in rows]


def _open_items(prefixes: tuple[str, ...], today: dt.date, kind: str, rows: list | None = None) -> list[forecast.Flow]:
    """The open items posted up to today as dated flows, from the ledger's open-items aggregate (`open_item_rows`,
    or `rows` when already read): customer and supplier lines not fully lettered, at their due date; the lines of
    a partial matching (an invoice and its instalment) are one flow, what is left to settle, at the group's
    date — the instalment already in the bank does not come back as a movement."""
    by_day: dict[dt.date, Decimal] = {}
    for code, expected, amount in open_item_rows(today) if rows is None else rows:
        if code.startswith(prefixes):
            by_day[expected] = by_day.get(expected, ZERO) + amount
    return [forecast.Flow(day, amount, kind) for day, amount in sorted(by_day.items()) if amount]


RECEIVABLE_PREFIXES = ("411", "413", "416")  # what customers owe, doubtful debts included (not 418: not invoiced)


def receivables_by_age(today: dt.date, rows: list | None = None) -> dict[str, Decimal]:
    """The customers' open items posted up to today by age of their expected date (due date, else date) — not
    due, 1–30, 31–60, 61–90, over 90 days late — and their total: from the open-items aggregate
    (`open_item_rows`, or `rows` when already read), whatever the number of invoices and lines."""
    totals = dict.fromkeys(("not_due", "d30", "d60", "d90", "over90", "total"), ZERO)
    for code, expected, amount in open_item_rows(today) if rows is None else rows:
        if not code.startswith(RECEIVABLE_PREFIXES):
            continue
        late = (today - expected).days
        key = (
            "not_due"
            if late <= 0
            else "d30"
            if late <= 30
            else "d60"
            if late <= 60
            else "d90"
            if late <= 90
            else "over90"
        )
        totals[key] += amount
        totals["total"] += amount
    return totals


def _customer_items(today: dt.date, rows: list | None = None) -> forecast.Receivables:
    """The customers' open items at the date each customer usually pays (`PaymentBehaviour`), then as the plans
    count them (`forecast.receivables`: a late one as late again from today, a doubtful one — more than 90 days past
    that date — apart). The open items by expected date (the aggregate's few rows), then what the habits move, by
    day (`_habit_moves`): the items with a due date of the customers whose habit moves a date, taken from that date
    to the day they usually pay. Payments on account and partial groups keep their date."""
    by_day: dict[dt.date, Decimal] = {}
    for flow in _open_items(CUSTOMER_PREFIXES, today, "Clients", rows):
        by_day[flow.day] = by_day.get(flow.day, ZERO) + flow.amount
    for day, cents in _habit_moves(today):
        by_day[day] = by_day.get(day, ZERO) + from_cents(cents)
    return forecast.receivables(today, by_day)


def _habit_moves(today: dt.date) -> list[tuple[dt.date, int]]:
    """What the customers' payment habits move in the cash plan, in integer cents by day: for each customer whose
    habit moves a date (its `PaymentBehaviour.delay_days` rounded half away from zero to whole days, as
    `forecast.expected_at` does, not 0) and each expected date of its items with a due date (customer accounts,
    open years, posted up to today) that it owes on (the items of that date net positive), the amount taken off
    the date and brought to the date moved by the delay. One SQL statement over the per-party open-items
    aggregate joined to the habits (20,000 party × date rows at 1M lines), grouped by day: Python sees a few
    hundred days, never the parties' rows (it moved each of them before: 0.24 s of the dashboard's 0.35 s). A
    move between two dates both more than `forecast.DOUBTFUL_AFTER_DAYS` before today is left out: both ends are
    doubtful, out of the plans alike (`forecast.receivables`); at a million lines with old unpaid invoices that is
    most rows, and half the query's time."""
    from django.db import connection

    from pilote.finance.models import PaymentBehaviour
    from pilote.ledger.models import Account, OpenItemParty

    postgres = connection.vendor == "postgresql"
    # PostgreSQL's round(numeric) and SQLite's round() both round half away from zero (ROUND_HALF_UP on Decimal).
    shift = "ROUND(b.delay_days)::integer" if postgres else "CAST(ROUND(b.delay_days) AS INTEGER)"
    moved = "m.expected + m.shift" if postgres else "date(m.expected, m.shift || ' days')"
    arrives = f"o.expected + {shift}" if postgres else f"date(o.expected, {shift} || ' days')"
    likes = " OR ".join(["code LIKE %s"] * len(CUSTOMER_PREFIXES))
    codes = f"SELECT id FROM {Account._meta.db_table} WHERE {likes}"  # noqa: S608
    # PostgreSQL: the accounts as an array computed first, so the plan counts the rows of their items (an IN joined
    # to the account codes guessed 300 rows for 26,000 and probed the habits by index for each).
    accounts = f"= ANY(ARRAY({codes}))" if postgres else f"IN ({codes})"
    # Each (party, date) row twice through a two-row table: taken off its date (k = 0), brought to the moved one.
    sql = (
        f"SELECT CASE WHEN s.k = 0 THEN m.expected ELSE {moved} END AS day, "  # noqa: S608
        "SUM(CASE WHEN s.k = 0 THEN -m.amount ELSE m.amount END) FROM ("
        f"SELECT o.expected, {shift} AS shift, SUM(o.debit - o.credit) AS amount "
        f"FROM {OpenItemParty._meta.db_table} o JOIN {PaymentBehaviour._meta.db_table} b ON b.auxiliary_id = o.aux_key "
        f"WHERE o.account_id {accounts} "
        f"AND o.fiscal_year_id IN (SELECT id FROM {FiscalYear._meta.db_table} WHERE status = %s) "
        f"AND o.date <= %s AND o.has_due_date = %s AND {shift} <> 0 AND (o.expected >= %s OR {arrives} >= %s) "
        "GROUP BY o.aux_key, o.expected, b.delay_days HAVING SUM(o.debit - o.credit) > 0"
        ") m CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 AS k) s GROUP BY 1"
    )
    day, cutoff = today, today - dt.timedelta(days=forecast.DOUBTFUL_AFTER_DAYS)
    if not postgres:
        day, cutoff = day.isoformat(), cutoff.isoformat()
    params = [f"{prefix}%" for prefix in CUSTOMER_PREFIXES] + ["open", day, True, cutoff, cutoff]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [(day if postgres else dt.date.fromisoformat(day), int(cents)) for day, cents in found if cents]


def _supplier_items(today: dt.date, rows: list | None = None) -> list[forecast.Flow]:
    """The suppliers' open items at their due date, except what an approved payment run pays: at the run's
    execution date (`core.registry.scheduled_payments`: purchases registers its runs). A run never moves more
    than the ledger has open on the invoice's date."""
    from pilote.core.registry import scheduled_payments

    flows = _open_items(SUPPLIER_PREFIXES, today, "Fournisseurs", rows)
    moves = scheduled_payments(today)
    if not moves:
        return flows
    by_day: dict[dt.date, Decimal] = {}
    for flow in flows:
        by_day[flow.day] = by_day.get(flow.day, ZERO) + flow.amount
    for expected, day, amount in moves:
        moved = min(amount, max(-by_day.get(expected, ZERO), ZERO))
        if moved:
            by_day[expected] += moved
            by_day[day] = by_day.get(day, ZERO) - moved
    return [forecast.Flow(day, amount, "Fournisseurs") for day, amount in sorted(by_day.items()) if amount]


def _prefixes(prefixes: tuple[str, ...]):
    from django.db.models import Q

    found = Q()
    for prefix in prefixes:
        found |= Q(account__code__startswith=prefix)
    return found


def customer_settlements(today: dt.date, days: int = 365) -> dict[int, list[forecast.Settlement]]:
    """Each customer's (auxiliary account id) invoices fully settled in the last `days`: due date, the date of the
    last payment of its matching, amount. Two reads: the matchings paid in the window, then their invoices."""
    from django.db.models import Max

    since = today - dt.timedelta(days=days)
    paid = dict(
        EntryLine.objects.filter(
            account__code__startswith="411", is_posted=True, credit__gt=0, date__gte=since, date__lte=today,
            match__matching__is_partial=False,
        )
        .values("match__matching_id")
        .annotate(paid=Max("date"))
        .values_list("match__matching_id", "paid")
    )  # fmt: skip
    found: dict[int, list[forecast.Settlement]] = {}
    ids = list(paid)
    for start in range(0, len(ids), 5000):
        invoices = EntryLine.objects.filter(
            match__matching_id__in=ids[start : start + 5000], debit__gt=0, due_date__isnull=False,
            auxiliary__isnull=False,
        ).values_list("auxiliary_id", "match__matching_id", "due_date", "debit")  # fmt: skip
        for aux, matching, due, amount in invoices:
            found.setdefault(aux, []).append(forecast.Settlement(due, paid[matching], amount))
    return found


def _loan_flows(today: dt.date, end: dt.date) -> list[forecast.Flow]:
    from pilote.finance.models import Loan

    flows = []
    for loan in Loan.objects.all():
        schedule = forecast.loan_schedule(
            loan.principal, loan.annual_rate, loan.months, loan.first_due, constant_capital=loan.constant_capital
        )
        for due in schedule:
            if today < due.day <= end:  # today's instalment is in today's balance already (or will be today)
                flows.append(forecast.Flow(due.day, -due.payment, "Emprunts"))
    return flows


def _source_flows(today: dt.date, end: dt.date) -> tuple[list[forecast.Flow], set[str]]:
    """What the plugged-in domains foresee (hr: pay and social charges) and the budget groups they replace."""
    from pilote.core.registry import cash_forecast_sources

    flows, replaced = [], set()
    for source in cash_forecast_sources():
        found = [forecast.Flow(day, amount, kind) for day, amount, kind in source.flows(today, end) if amount]
        if found:
            flows += found
            replaced.update(source.replaces)
    return flows, replaced


def _year_containing(day: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()


def planned_activity(today: dt.date, months: int = forecast.MONTHS) -> dict[dt.date, dict[str, Decimal]]:
    """Each month of the horizon after today's: its amounts per account group from the latest budget of its fiscal
    year, else the actuals of the same month a year earlier (natural direction)."""
    first = today.replace(day=1)
    wanted = [forecast.add_months(first, i) for i in range(1, months)]
    found: dict[dt.date, dict[str, Decimal]] = {}
    cache: dict[tuple, dict] = {}
    years = list(FiscalYear.objects.all())  # a handful: one read instead of one per month
    versions: dict[int, object] = {}

    def containing(day: dt.date) -> FiscalYear | None:
        return next((y for y in years if y.start_date <= day <= y.end_date), None)

    for month in wanted:
        year = containing(month)
        if year is not None and year.pk not in versions:
            versions[year.pk] = current_budget(year)
        version = versions.get(year.pk) if year else None
        if version is not None:
            key = ("budget", version.pk)
            if key not in cache:
                cache[key] = {"months": year_months(year), "groups": budget_months(version)}
        else:
            year = containing(forecast.add_months(month, -12))
            if year is None:
                continue
            key = ("actual", year.pk)
            if key not in cache:
                cache[key] = {"months": [forecast.add_months(m, 12) for m in year_months(year)],
                              "groups": actuals_by_group(year)}  # fmt: skip
        data = cache[key]
        if month in data["months"]:
            index = data["months"].index(month)
            found[month] = {group: values[index] for group, values in data["groups"].items() if values[index]}
    return found


def vat_terms(today: dt.date) -> forecast.VatTerms:
    """The structure's VAT as the projected activity bears it: its regime, the CA3's due day (ledger.calendar)
    and cadence (quarterly when the last return covered a quarter), and the effective rates of the twelve whole
    months before today's — VAT collected (credits of 4457) ÷ sales (credits of 70), VAT deducted on goods and
    services (debits of 44566) ÷ purchases and external charges bearing VAT (their debits) — from the aggregates
    (one grouped read); the standard 20 % when those months hold no sales or purchases."""
    from pilote.core.models import VatRegime
    from pilote.core.vat_policy import current_policy
    from pilote.ledger.calendar import due_day
    from pilote.ledger.models import VatReturn

    policy = current_policy()
    if not policy.declares_vat:
        return forecast.VatTerms(charges_vat=False, sales_rate=ZERO, purchases_rate=ZERO)
    first = today.replace(day=1)
    rows = (
        AccountBalance.objects.filter(
            aux_key=0, is_opening=False, month__gte=forecast.add_months(first, -12), month__lt=first,
            account__code__regex=r"^(4457|44566|70|60|61|62)",
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )  # fmt: skip
    # Gross movements, not balances: each CA3 settles 4457 and 44566 back to zero (the demo's books: 0 % read
    # from the net), so the VAT side counts what was invoiced (credits of 4457, debits of 44566) like the bases.
    collected = sales = deducted = taxed = ZERO
    for row in rows:
        code = row["account__code"]
        if code.startswith("4457"):
            collected += row["c"]
        elif code.startswith("70"):
            sales += row["c"]
        elif code.startswith("44566"):
            deducted += row["d"]
        elif not code.startswith(forecast.NO_VAT_EXPENSES):
            taxed += row["d"]
    last = VatReturn.objects.order_by("-period_start").values_list("period_start", "period_end").first()
    quarterly = last is not None and (last[1].year - last[0].year) * 12 + last[1].month - last[0].month == 2
    return forecast.VatTerms(
        sales_rate=(collected * 100 / sales).quantize(Decimal("0.01")) if sales > 0 else forecast.VAT_RATE,
        purchases_rate=(deducted * 100 / taxed).quantize(Decimal("0.01")) if taxed > 0 else forecast.VAT_RATE,
        due_day=due_day(),
        quarterly=quarterly,
        on_receipts=policy.regime == VatRegime.RECEIPTS,
    )


@dataclass
class TreasuryInputs:
    """What the plans start from: today's cash and the dated flows, by kind (the dashboards read the
    supplier items due from the same read). `planned` holds the loans' instalments and the plugged-in sources'
    flows (hr) over 12 months; `activity`, for the 12-month plan, the budget of the months ahead."""

    today: dt.date
    cash: Decimal
    customers: list[forecast.Flow]
    suppliers: list[forecast.Flow]
    others: list[forecast.Flow]
    planned: list[forecast.Flow] = dataclass_field(default_factory=list)
    replaced: set = dataclass_field(default_factory=set)
    doubtful: Decimal = ZERO  # customers' receivables too late to count on (`forecast.receivables`): out of the plans
    vat: forecast.VatTerms | None = None  # read by the 12-month plan

    def plan(self, scenario: str = "realiste") -> forecast.Plan:
        end = self.today - dt.timedelta(days=self.today.weekday()) + dt.timedelta(weeks=forecast.WEEKS, days=-1)
        ahead = [f for f in self.planned if f.day <= end]
        flows = forecast.scenario_flows(self.customers + self.suppliers + self.others + ahead, self.today, scenario)
        return forecast.weekly_plan(self.today, self.cash, flows)

    def monthly(self, scenario: str = "realiste") -> forecast.Plan:
        self.vat = self.vat or vat_terms(self.today)  # the page prints the rates and the CA3's day it used
        activity = forecast.budget_flows(
            planned_activity(self.today), self.today, payroll="64" not in self.replaced,
            loans=any(f.kind == "Emprunts" for f in self.planned), vat=self.vat,
        )  # fmt: skip
        flows = self.customers + self.suppliers + self.others + self.planned + activity
        return forecast.monthly_plan(self.today, self.cash, forecast.scenario_flows(flows, self.today, scenario))


def treasury_inputs(
    today: dt.date | None = None, figures: dict | None = None, *, year: FiscalYear | None = None,
    open_items: list | None = None,
) -> TreasuryInputs | None:  # fmt: skip
    """Today's cash (the books at today), the open items of the open years, loans and plugged-in sources.
    What the caller read already (the dashboards): `figures`, the books at today; `year`, the fiscal year
    containing today; `open_items`, `open_item_rows(today)`."""
    today = today or local_today()
    if year is None or not year.contains(today):
        year = FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
    if year is None:
        return None
    if figures is None:
        figures = account_figures(year, today)
    cash = _cash(figures)
    others = []
    from pilote.ledger.calendar import due_day

    for prefix, day, kind in DEBTS_BY_DAY:
        day = due_day() if prefix == "44551" else day  # the structure's own CA3 day
        amount = sum((f.balance for code, f in figures.items() if code.startswith(prefix)), ZERO)
        if amount:
            others.append(forecast.Flow(forecast.next_on(today, day), amount, kind))
    wages = sum((f.balance for code, f in figures.items() if code.startswith("421")), ZERO)
    if wages:
        others.append(forecast.Flow(today, wages, "Salaires"))
    end = forecast.add_months(today.replace(day=1), forecast.MONTHS) - dt.timedelta(days=1)
    planned, replaced = _source_flows(today, end)
    customers = _customer_items(today, open_items)
    return TreasuryInputs(
        today,
        cash,
        customers.flows,
        _supplier_items(today, open_items),
        others,
        planned + _loan_flows(today, end),
        replaced,
        doubtful=customers.doubtful,
    )


def treasury_plan(today: dt.date | None = None, scenario: str = "realiste", monthly: bool = False
                  ) -> forecast.Plan | None:  # fmt: skip
    """The 13-week plan (or the 12-month one) from today's cash (the books at today) and the open items of the open
    years — the cash plan page, the dashboards and the API; None without an open fiscal year."""
    inputs = treasury_inputs(today)
    if inputs is None:
        return None
    return inputs.monthly(scenario) if monthly else inputs.plan(scenario)


def _cash(figures: dict[str, AccountFigures]) -> Decimal:
    return sum((f.balance for code, f in figures.items() if code.startswith("5") and not code.startswith("59")), ZERO)


def cash_by_day(start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
    """The bank and cash balance (class 5 without 59) the day before `start`, then at the end of each day up to
    `end` that moved it: the books at the day before (aggregates), then one grouped read of the lines (the
    à-nouveaux of a new year left out: they carry the same money over)."""
    before = start - dt.timedelta(days=1)
    year = _year_containing(before)
    balance = _cash(account_figures(year, before)) if year else ZERO
    opening_ids = list(
        Entry.objects.filter(journal__kind=JournalKind.OPENING, date__gte=start, date__lte=end).values_list(
            "id", flat=True
        )
    )
    rows = (
        EntryLine.objects.filter(is_posted=True, date__gte=start, date__lte=end, account__code__startswith="5")
        .exclude(account__code__startswith="59")
        .exclude(entry_id__in=opening_ids)
        .values("date")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("date")
    )
    days = {before: balance}
    for row in rows:
        balance += row["d"] - row["c"]
        days[row["date"]] = balance
    return days


def forecast_vs_actual(today: dt.date | None = None, count: int = 8):
    """The last `count` archived plans, each week already over compared with the bank's balance at its end."""
    from pilote.finance.models import ForecastSnapshot

    today = today or local_today()
    snapshots = list(ForecastSnapshot.objects.filter(week_start__lt=today).order_by("-week_start")[:count])
    if not snapshots:
        return []
    first = min(s.week_start for s in snapshots)
    actual = cash_by_day(first, today)
    return [
        (snapshot, forecast.compare(snapshot.week_start, [Decimal(v) for v in snapshot.closings], actual, today))
        for snapshot in snapshots
    ]


# --- Budgets ----------------------------------------------------------------------------------------------


def year_months(year: FiscalYear) -> list[dt.date]:
    """The first day of each month of the fiscal year (at most 24: a long first year)."""
    months, month = [], year.start_date.replace(day=1)
    while month <= year.end_date and len(months) < 24:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def actuals_by_group(year: FiscalYear, digits: int = 3, section=None) -> dict[str, list[Decimal]]:
    """Each account group's (the first `digits` of classes 6 and 7) monthly amounts of `year`, natural
    direction, from the aggregates (one grouped query) — the general ledger's, or with `section` what the
    analytic aggregates put on that centre."""
    from pilote.finance.budgets import natural
    from pilote.ledger.models import AnalyticBalance

    months = year_months(year)
    position = {month: index for index, month in enumerate(months)}
    if section is None:
        source = AccountBalance.objects.filter(fiscal_year=year, aux_key=0, is_opening=False)
    else:
        source = AnalyticBalance.objects.filter(fiscal_year=year, section=section)
    rows = (
        source.filter(account__code__regex=r"^[67]")
        .values("account__code", "month")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    groups: dict[str, list[Decimal]] = {}
    for row in rows:
        group = row["account__code"][:digits]
        index = position.get(row["month"].replace(day=1))
        if index is None:
            continue
        groups.setdefault(group, [ZERO] * len(months))[index] += natural(group, row["d"] - row["c"])
    return groups


def section_balances(year: FiscalYear, section, day: dt.date) -> dict[str, Decimal]:
    """The accounts' balances (debit − credit) a centre carries from the year's start to the end of `day`'s month
    (the analytic aggregates are monthly)."""
    from pilote.ledger.models import AnalyticBalance

    cut = _month_end(min(day, year.end_date)) + dt.timedelta(days=1)
    rows = (
        AnalyticBalance.objects.filter(fiscal_year=year, section=section, month__lt=cut)
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    return {row["account__code"]: row["d"] - row["c"] for row in rows}


def budget_months(budget) -> dict[str, list[Decimal]]:
    """The budget's amounts per group as one list of monthly amounts over its fiscal year."""
    months = year_months(budget.fiscal_year)
    position = {month: index for index, month in enumerate(months)}
    groups: dict[str, list[Decimal]] = {}
    for group, month, amount in budget.lines.values_list("group", "month", "amount"):
        if month in position:
            groups.setdefault(group, [ZERO] * len(months))[position[month]] = amount
    return groups


@dataclass
class ArticleBudget:
    """One article's sales in a budget: monthly quantities and net amounts over the fiscal year."""

    article_id: int
    reference: str
    name: str
    quantities: list[Decimal]
    amounts: list[Decimal]

    @property
    def quantity(self) -> Decimal:
        return sum(self.quantities, ZERO)

    @property
    def amount(self) -> Decimal:
        return sum(self.amounts, ZERO)

    @property
    def price(self) -> Decimal | None:
        """The average budgeted price (amount ÷ quantity), to the cent, for display."""
        from pilote.lib.money import round_eur

        return round_eur(self.amount / self.quantity) if self.quantity else None

    @property
    def months_set(self) -> int:
        return sum(1 for q, a in zip(self.quantities, self.amounts, strict=True) if q or a)


def budget_sales(budget) -> list[ArticleBudget]:
    """The budget's sales per article (by reference), each as monthly quantities and amounts (one read)."""
    from pilote.finance.models import BudgetSalesLine

    months = year_months(budget.fiscal_year)
    position = {month: index for index, month in enumerate(months)}
    found: dict[int, ArticleBudget] = {}
    rows = BudgetSalesLine.objects.filter(budget=budget).values_list(
        "article_id", "article__reference", "article__name", "month", "quantity", "amount"
    )
    for article, reference, name, month, quantity, amount in rows:
        if month not in position:
            continue
        row = found.setdefault(article, ArticleBudget(article, reference, name, [ZERO] * len(months),
                                                      [ZERO] * len(months)))  # fmt: skip
        row.quantities[position[month]] = quantity
        row.amounts[position[month]] = amount
    return sorted(found.values(), key=lambda r: r.reference)


def sales_by_month(year: FiscalYear) -> dict[str, tuple[str, list[Decimal], list[Decimal]]]:
    """The registered sales sources' quantities and net amounts per article reference, month by month of `year`
    (one grouped read per month): {reference: (name, quantities, amounts)}."""
    from pilote.core.registry import sales_volume_sources

    months = year_months(year)
    found: dict[str, tuple[str, list[Decimal], list[Decimal]]] = {}
    for index, month in enumerate(months):
        end = min(_month_end(month), year.end_date)
        for source in sales_volume_sources():
            for key, label, quantity, net in source(max(month, year.start_date), end):
                row = found.setdefault(key, (label, [ZERO] * len(months), [ZERO] * len(months)))
                row[1][index] += quantity
                row[2][index] += net
    return found


def budget_sales_variance(budget, day: dt.date):
    """The year's sales from its start to `day` against the budget's sales per article to that day (whole months,
    the day's month prorated by days, quantities as amounts), split into price, mix and volume effects
    (`sales_variance`). Articles sold without a budget line come in at their own price. None when the budget has
    no sales per article."""
    from pilote.core.registry import sales_volume_sources
    from pilote.finance import budgets
    from pilote.finance.sales_variance import ProductSales, sales_variance

    planned = budget_sales(budget)
    if not planned:
        return None
    year = budget.fiscal_year
    day = min(max(day, year.start_date), year.end_date)
    actual: dict[str, tuple[str, Decimal, Decimal]] = {}
    for source in sales_volume_sources():
        for key, label, quantity, net in source(year.start_date, day):
            _, q, n = actual.get(key, (label, ZERO, ZERO))
            actual[key] = (label, q + quantity, n + net)
    lines = []
    for row in planned:
        _, q_actual, n_actual = actual.pop(row.reference, ("", ZERO, ZERO))
        q_budget = budgets.to_date(row.quantities, year.start_date, day, rounding=budgets.round_quantity)
        n_budget = budgets.to_date(row.amounts, year.start_date, day)
        lines.append(ProductSales(f"{row.reference} — {row.name}", q_budget, n_budget, max(q_actual, ZERO), n_actual))
    for key, (label, q_actual, n_actual) in sorted(actual.items()):
        if q_actual > 0 or n_actual:
            lines.append(ProductSales(f"{key} — {label} (hors budget)", ZERO, ZERO, max(q_actual, ZERO), n_actual))
    return sales_variance(lines)


def current_budget(year: FiscalYear):
    """The year's latest version of the structure's budget (the last revision, else the initial budget)."""
    from pilote.finance.models import Budget

    return (
        Budget.objects.filter(fiscal_year=year, section__isnull=True)
        .select_related("fiscal_year")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass
class YearBudget:
    year: FiscalYear
    budget: object | None  # the structure's latest version
    income_budget: Decimal
    expenses_budget: Decimal
    income_actual: Decimal
    expenses_actual: Decimal

    @property
    def result_budget(self) -> Decimal:
        return self.income_budget - self.expenses_budget

    @property
    def result_actual(self) -> Decimal:
        return self.income_actual - self.expenses_actual


def years_budgets() -> list[YearBudget]:
    """Every fiscal year side by side (multi-year view): its latest structure budget's income and expenses, and the
    books' (whole year, or to date for the open one) — two grouped reads a year."""
    rows = []
    for year in FiscalYear.objects.order_by("start_date"):
        version = current_budget(year)
        planned = budget_months(version) if version else {}
        actual = actuals_by_group(year, digits=1)

        def total(groups, klass):
            return sum((sum(values, ZERO) for group, values in groups.items() if group.startswith(klass)), ZERO)

        rows.append(YearBudget(year, version, total(planned, "7"), total(planned, "6"), total(actual, "7"),
                               total(actual, "6")))  # fmt: skip
    return rows


def variance_report(budget, day: dt.date, labels: dict[str, str] | None = None):
    """Actual against budget for every group of `budget` from its year's start to `day`."""
    from pilote.finance import budgets

    year = budget.fiscal_year
    day = budgets.situation_day(day, year.start_date, year.end_date, whole_months=bool(budget.section_id))
    if budget.section_id:  # the analytic aggregates are monthly: a centre compares whole months
        balances = section_balances(year, budget.section, day)
    else:
        balances = {code: f.balance for code, f in account_figures(year, day).items()}
    months = budget_months(budget)
    if labels is None:
        from pilote.ledger.models import Account

        labels = dict(Account.objects.filter(code__in=list(months)).values_list("code", "label"))
    rows = budgets.variances(months, balances, labels, year.start_date, day)
    return day, rows, budgets.totals(rows)


# --- Analytic accounting ----------------------------------------------------------------------------------


def analytic_report(axis, year: FiscalYear, day: dt.date):
    """The axis' result per section from the year's start to the end of `day`'s month: the analytic
    aggregates beside the general ledger's (two grouped reads, whatever the number of lines)."""
    from pilote.finance.analytic import build_report
    from pilote.ledger.models import AnalyticBalance, AnalyticSection

    cut = _month_end(min(day, year.end_date)) + dt.timedelta(days=1)
    ledger = {
        row["account__code"]: (row["d"], row["c"])
        for row in AccountBalance.objects.filter(fiscal_year=year, aux_key=0, is_opening=False, month__lt=cut)
        .filter(account__code__regex=r"^[67]")
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    distributed = {
        (row["section_id"], row["account__code"]): (row["d"], row["c"])
        for row in AnalyticBalance.objects.filter(fiscal_year=year, section__axis=axis, month__lt=cut)
        .values("section_id", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    sections = list(AnalyticSection.objects.filter(axis=axis).values_list("id", "code", "label"))
    return build_report(sections, ledger, distributed)


def costing_study(setup):
    """The full-costing study of `setup`'s year from the analytic aggregates: each centre's primary allocation
    (its charges), each product's revenue and direct costs (charges of accounts with nothing on the centres),
    the totals of classes 6 and 7 for the reconciliation. Three grouped reads."""
    from pilote.core.registry import production_costs
    from pilote.finance import costing
    from pilote.ledger.models import AnalyticBalance

    year = setup.fiscal_year
    totals = {"6": ZERO, "7": ZERO}
    for row in (
        AccountBalance.objects.filter(fiscal_year=year, aux_key=0, is_opening=False, account__code__regex=r"^[67]")
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    ):
        code = row["account__code"]
        totals[code[0]] += row["d"] - row["c"] if code[0] == "6" else row["c"] - row["d"]
    rows = (
        AnalyticBalance.objects.filter(fiscal_year=year, section__axis__in=[setup.centres_axis, setup.products_axis])
        .values("section__axis_id", "section__code", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    primary: dict[str, Decimal] = {}
    indirect_accounts: set[str] = set()
    product_rows = []
    for row in rows:
        code, account = row["section__code"], row["account__code"]
        if row["section__axis_id"] == setup.centres_axis_id:
            if account.startswith("6"):
                primary[code] = primary.get(code, ZERO) + row["d"] - row["c"]
                indirect_accounts.add(account)
        else:
            product_rows.append((code, account, row["d"], row["c"]))
    revenue: dict[str, Decimal] = {}
    direct: dict[str, Decimal] = {}
    for code, account, debit, credit in product_rows:
        if account.startswith("7"):
            revenue[code] = revenue.get(code, ZERO) + credit - debit
        elif account not in indirect_accounts:
            direct[code] = direct.get(code, ZERO) + debit - credit
    sections = setup.centres_axis.sections.filter(is_active=True).exclude(kind="plain")
    centres = [costing.Centre(s.code, s.label, s.kind == "auxiliary", primary.get(s.code, ZERO)) for s in sections]
    keys = {aux: {t: Decimal(p) for t, p in shares.items()} for aux, shares in setup.keys.items()}
    units = {code: (u.get("label", ""), Decimal(u.get("number") or 0)) for code, u in setup.units.items()}
    usage = {
        (code, product): Decimal(q) for code, u in setup.units.items() for product, q in u.get("usage", {}).items()
    }
    # A product made in-house carries the workshop's production cost of its units sold (core.registry: finance
    # never imports operations): production cost → cost price → result.
    made = production_costs(year.start_date, year.end_date) if setup.production else {}
    products = [
        (s.code, s.label, revenue.get(s.code, ZERO), direct.get(s.code, ZERO),
         made[setup.production[s.code]].cost_of_sold if setup.production.get(s.code) in made else ZERO)
        for s in setup.products_axis.sections.all()
    ]  # fmt: skip
    # Charges put on a centre that is not part of the study (a plain section of the centres axis) are left out
    # of the centres: they count as not distributed.
    return costing.full_costing(centres, keys, units, products, usage, totals["6"], totals["7"])


# --- Sales: price, volume and mix ------------------------------------------------------------------------


def sales_mix(period: Period):
    """The sales of the period (from the year's start to its day) against the same period a year earlier, per
    article, split in price, mix and volume effects (`sales_variance`): the year before is the reference (the
    « prévu »), as the textbooks do when two real years are compared. Quantities and amounts come from the
    registered sales source (the sales app). A new article is valued at its own price (no price effect), an
    article no longer sold at last year's; the amounts are the invoices' own, so the effects add up to them."""
    from pilote.core.registry import sales_volume_sources
    from pilote.finance.sales_variance import ProductSales, sales_variance

    previous = previous_period(period)
    if previous is None:
        return None
    now, before, labels = {}, {}, {}
    for source in sales_volume_sources():
        for key, label, quantity, net in source(period.year.start_date, period.day):
            now[key] = (quantity, net)
            labels[key] = label
        for key, label, quantity, net in source(previous.year.start_date, previous.day):
            before[key] = (quantity, net)
            labels.setdefault(key, label)
    lines = []
    for key in sorted(set(now) | set(before)):
        q_actual, n_actual = now.get(key, (ZERO, ZERO))
        q_budget, n_budget = before.get(key, (ZERO, ZERO))
        if q_actual <= 0 and q_budget <= 0 and not n_actual and not n_budget:
            continue
        lines.append(ProductSales(f"{key} — {labels[key]}", max(q_budget, ZERO), n_budget, max(q_actual, ZERO),
                                  n_actual))  # fmt: skip
    return previous, sales_variance(lines)


# --- shared by the pages, the command and the API --------------------------------------------------------------

BUDGET_SORTS = {
    "exercice": ["fiscal_year__start_date", "created_at"],
    "nom": ["name"],
    "version": ["kind", "created_at"],
    "cree": ["created_at"],
    "centre": ["section__code", "created_at"],
}


def filter_budgets(data: dict):
    """Budgets with their income and expenses, narrowed by name (`q`), fiscal year (`exercice`), centre (`centre`)."""
    from django.db.models import Q, Sum

    from pilote.finance.models import Budget

    rows = Budget.objects.select_related("fiscal_year", "section").annotate(
        income=Sum("lines__amount", filter=Q(lines__group__startswith="7")),
        expenses=Sum("lines__amount", filter=Q(lines__group__startswith="6")),
    )
    if data.get("q"):
        rows = rows.filter(name__icontains=data["q"])
    if data.get("exercice"):
        rows = rows.filter(fiscal_year=data["exercice"])
    if data.get("centre"):
        rows = rows.filter(section=data["centre"])
    return rows


def budget_grid(budget) -> tuple[list[dt.date], list[dict]]:
    """The budget's months and its rows: each account group (income first) with its label, monthly amounts, total."""
    from pilote.finance import budgets as pure

    months = year_months(budget.fiscal_year)
    amounts = budget_months(budget)
    from pilote.ledger.models import Account

    labels = dict(Account.objects.filter(code__in=list(amounts)).values_list("code", "label"))
    rows = []
    for group in sorted(amounts, key=lambda g: (not pure.is_income(g), g)):
        values = amounts[group]
        rows.append({"group": group, "label": labels.get(group, ""), "months": values, "total": sum(values, ZERO)})
    return months, rows


DIAGNOSIS_SHEET_KEYS = ("ressources_stables", "emplois_stables", "frng", "bfre", "bfrhe", "tn")


def diagnosis_figures(found: Diagnosis) -> dict[str, Decimal]:
    """The SIG, the CAF by both methods and the functional balance sheet (`manage.py financial_diagnosis`, the API)."""
    sig, sheet = found.sig, found.sheet
    result = dict(sig.balances.items())
    result["caf_from_ebe"] = sig.caf_from_ebe
    result["caf_from_net_result"] = sig.caf_from_net_result
    result |= {key: getattr(sheet, key) for key in DIAGNOSIS_SHEET_KEYS}
    return result


def diagnosis_period(closing_year: int | None, day: dt.date | None = None) -> Period:
    """The fiscal year closing in `closing_year` (None: the latest begun by today), at `day` (its end by default);
    a French DomainError otherwise."""
    from pilote.core.exceptions import DomainError

    if closing_year is None:
        year = FiscalYear.objects.filter(start_date__lte=local_today()).order_by("-start_date").first()
        if year is None:
            raise DomainError("Aucun exercice n'a commencé : ouvrez d'abord un exercice.")
    else:
        year = FiscalYear.objects.filter(end_date__year=closing_year).first()
    if year is None:
        raise DomainError(f"Aucun exercice ne se clôt en {closing_year}.")
    if day is not None and not year.contains(day):
        raise DomainError(f"Le {day:%d/%m/%Y} n'appartient pas à l'{str(year).lower()}.")
    return Period(year, day or year.end_date)
