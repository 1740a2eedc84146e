"""Reads of the books for the financial diagnosis: balances by account at a date, from the ledger's aggregates.

`ledger.AccountBalance` holds the posted debit and credit per fiscal year × month × account (aux_key 0 is
the account's total), updated in the posting transaction. A diagnosis at a month's end (or the year's)
sums those rows only; at a date inside a month, the months before come from the aggregates and only the
lines of that month up to the date are summed in SQL (at most one month, grouped by account). Two or
three queries per period, whatever the size of the books.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from pilote.finance import breakeven, forecast
from pilote.finance.balance_sheet import FunctionalBalanceSheet, functional_balance_sheet
from pilote.finance.ratios import Flows, Ratio, compute_ratios
from pilote.finance.sig import Sig, compute_sig
from pilote.ledger.models import AccountBalance, Entry, EntryLine, FiscalYear, JournalKind
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO


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
    """Opening, debit and credit of each account (by code) from the year's start to `day` included."""
    figures: dict[str, AccountFigures] = {}
    whole_month = day >= year.end_date or day == _month_end(day)
    cut = (_month_end(day) + dt.timedelta(days=1)) if whole_month else day.replace(day=1)
    rows = (
        AccountBalance.objects.filter(fiscal_year=year, aux_key=0)
        .exclude(is_opening=False, month__gte=cut)
        .values("account__code", "is_opening")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in rows:
        item = figures.setdefault(row["account__code"], AccountFigures())
        if row["is_opening"]:
            item.opening += row["d"] - row["c"]
        else:
            item.debit += row["d"]
            item.credit += row["c"]
    if not whole_month:
        # The month's à-nouveaux entries (usually none) by id: joining every line to its entry and journal cost
        # one entry lookup per line of the month (the bench's 1,000,000-line ledger: 17,000 lookups, 100 ms).
        opening = list(
            Entry.objects.filter(
                fiscal_year=year, journal__kind=JournalKind.OPENING, date__gte=cut, date__lte=day
            ).values_list("id", flat=True)
        )
        lines = (
            EntryLine.objects.filter(fiscal_year=year, is_posted=True, date__gte=cut, date__lte=day)
            .exclude(entry_id__in=opening)
            .values("account__code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        )
        for row in lines:
            item = figures.setdefault(row["account__code"], AccountFigures())
            item.debit += row["d"] or ZERO
            item.credit += row["c"] or ZERO
    return figures


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


def diagnosis(period: Period, association: bool | None = None) -> Diagnosis:
    from pilote.finance.sig import contributions_in_kind

    if association is None:
        association = is_association()
    figures = account_figures(period.year, period.day)
    balances = {code: f.balance for code, f in figures.items()}
    sig = compute_sig(balances, association)
    sheet = functional_balance_sheet(balances)
    ratios = compute_ratios(sig, sheet, flows(figures, period))
    return Diagnosis(period, figures, sig, sheet, ratios, association, contributions_in_kind(balances))


def default_period(year: FiscalYear | None = None) -> Period | None:
    """The latest year (or `year`) up to today if today falls inside it, else to its end."""
    year = year or FiscalYear.objects.order_by("-start_date").first()
    if year is None:
        return None
    today = local_today()
    return Period(year, today if year.contains(today) else year.end_date)


def previous_period(period: Period) -> Period | None:
    """The same stretch of the year before: the whole previous year, or up to the same date a year earlier."""
    previous = FiscalYear.objects.filter(end_date__lt=period.year.start_date).order_by("-start_date").first()
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


def cost_shares() -> dict[str, Decimal]:
    from pilote.finance.models import CostBehaviour

    return dict(CostBehaviour.objects.values_list("account__code", "variable_share"))


def monthly_revenue(period: Period) -> list[tuple[dt.date, Decimal]]:
    """Net sales (70) per month of the period, from the aggregates; the date's month counts in full."""
    rows = (
        AccountBalance.objects.filter(
            fiscal_year=period.year, aux_key=0, is_opening=False, account__code__startswith="70", month__lte=period.day
        )
        .values("month")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    by_month = {row["month"]: row["c"] - row["d"] for row in rows}
    months, month = [], period.year.start_date.replace(day=1)
    while month <= period.day:
        months.append((month, by_month.get(month, ZERO)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def break_even_report(diagnosis: Diagnosis, labels: dict[str, str]) -> BreakEvenReport:
    balances = {code: f.balance for code, f in diagnosis.figures.items()}
    shares = cost_shares()
    revenue, variable, fixed = breakeven.split_costs(balances, shares)
    result = breakeven.break_even(revenue, variable, fixed, diagnosis.period.days_basis)
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
        seasonal_date=breakeven.seasonal_date(result.threshold, months) if result.threshold is not None else None,
        months=months,
        lines=lines,
    )


# --- Treasury forecast ------------------------------------------------------------------------------------

CUSTOMER_PREFIXES = ("411", "413", "418")  # doubtful debts (416) are not counted on
SUPPLIER_PREFIXES = ("401", "403", "404", "408")
# Tax and social debts paid at a fixed day of the month (the demo declares its CA3 and pays it on the 19th).
DEBTS_BY_DAY = (("44551", 19, "TVA à payer"), ("431", 15, "Charges sociales"), ("437", 15, "Charges sociales"))


def _open_items(prefixes: tuple[str, ...], today: dt.date, kind: str) -> list[forecast.Flow]:
    """The open items posted up to today as dated flows, from the ledger's open-items aggregate (one grouped
    read, whatever the number of lines): customer and supplier lines not fully lettered, at their due date;
    the lines of a partial matching (an invoice and its instalment) are one flow, what is left to settle, at
    the group's date — the instalment already in the bank does not come back as a movement."""
    from django.db.models import Q

    from pilote.ledger.models import OpenItemBalance

    prefix_filter = Q()
    for prefix in prefixes:
        prefix_filter |= Q(account__code__startswith=prefix)
    rows = (
        OpenItemBalance.objects.filter(prefix_filter, fiscal_year__status="open", date__lte=today)
        .values("expected")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("expected")
    )
    return [forecast.Flow(row["expected"], row["d"] - row["c"], kind) for row in rows if row["d"] != row["c"]]


@dataclass
class TreasuryInputs:
    """What the plan starts from: today's cash and the dated flows, by kind (the dashboards read the
    supplier items due from the same read)."""

    today: dt.date
    cash: Decimal
    customers: list[forecast.Flow]
    suppliers: list[forecast.Flow]
    others: list[forecast.Flow]

    def plan(self, scenario: str = "realiste") -> forecast.Plan:
        flows = forecast.scenario_flows(self.customers + self.suppliers + self.others, self.today, scenario)
        return forecast.weekly_plan(self.today, self.cash, flows)


def treasury_inputs(today: dt.date | None = None) -> TreasuryInputs | None:
    """Today's cash (the books at today) and the open items of the open years, for the plan."""
    today = today or local_today()
    year = FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
    if year is None:
        return None
    figures = account_figures(year, today)
    cash = sum((f.balance for code, f in figures.items() if code.startswith("5") and not code.startswith("59")), ZERO)
    others = []
    for prefix, day, kind in DEBTS_BY_DAY:
        amount = sum((f.balance for code, f in figures.items() if code.startswith(prefix)), ZERO)
        if amount:
            others.append(forecast.Flow(forecast.next_on(today, day), amount, kind))
    wages = sum((f.balance for code, f in figures.items() if code.startswith("421")), ZERO)
    if wages:
        others.append(forecast.Flow(today, wages, "Salaires"))
    return TreasuryInputs(
        today,
        cash,
        _open_items(CUSTOMER_PREFIXES, today, "Clients"),
        _open_items(SUPPLIER_PREFIXES, today, "Fournisseurs"),
        others,
    )


def treasury_plan(today: dt.date | None = None, scenario: str = "realiste") -> forecast.Plan | None:
    """The 13-week plan from today's cash (the books at today) and the open items of the open years."""
    inputs = treasury_inputs(today)
    return inputs.plan(scenario) if inputs else None


# --- Budgets ----------------------------------------------------------------------------------------------


def year_months(year: FiscalYear) -> list[dt.date]:
    """The first day of each month of the fiscal year (at most 24: a long first year)."""
    months, month = [], year.start_date.replace(day=1)
    while month <= year.end_date and len(months) < 24:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def actuals_by_group(year: FiscalYear, digits: int = 3) -> dict[str, list[Decimal]]:
    """Each account group's (the first `digits` of classes 6 and 7) monthly amounts of `year`, natural
    direction, from the aggregates (one grouped query)."""
    from pilote.finance.budgets import natural

    months = year_months(year)
    position = {month: index for index, month in enumerate(months)}
    rows = (
        AccountBalance.objects.filter(fiscal_year=year, aux_key=0, is_opening=False, account__code__regex=r"^[67]")
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


def budget_months(budget) -> dict[str, list[Decimal]]:
    """The budget's amounts per group as one list of monthly amounts over its fiscal year."""
    months = year_months(budget.fiscal_year)
    position = {month: index for index, month in enumerate(months)}
    groups: dict[str, list[Decimal]] = {}
    for group, month, amount in budget.lines.values_list("group", "month", "amount"):
        if month in position:
            groups.setdefault(group, [ZERO] * len(months))[position[month]] = amount
    return groups


def current_budget(year: FiscalYear):
    """The year's latest version (the last revision, else the initial budget)."""
    from pilote.finance.models import Budget

    return Budget.objects.filter(fiscal_year=year).order_by("-created_at", "-id").first()


def variance_report(budget, day: dt.date, labels: dict[str, str] | None = None):
    """Actual against budget for every group of `budget` from its year's start to `day`."""
    from pilote.finance import budgets

    year = budget.fiscal_year
    day = min(max(day, year.start_date), year.end_date)
    figures = account_figures(year, day)
    balances = {code: f.balance for code, f in figures.items()}
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
    products = [
        (s.code, s.label, revenue.get(s.code, ZERO), direct.get(s.code, ZERO))
        for s in setup.products_axis.sections.all()
    ]
    # Charges put on a centre that is not part of the study (a plain section of the centres axis) are left out
    # of the centres: they count as not distributed.
    return costing.full_costing(centres, keys, units, products, usage, totals["6"], totals["7"])
