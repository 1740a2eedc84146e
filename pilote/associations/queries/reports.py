"""The association's reports for a fiscal year: income by origin (grants by funder), the use of dedicated funds
(per grant: opening, carried, used, closing, against account 19), and the simplified annual figures (compte de
résultat with 86/87 below the result, bilan) — all from the ledger's trial balance (its monthly aggregates), so
they agree with it by construction; `annual.py` holds the headings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.associations import annual
from pilote.associations.models import DedicatedFundMove, Grant
from pilote.ledger.models import AccountBalance, EntryLine, FiscalYear
from pilote.ledger.queries import trial_balance
from pilote.lib.money import ZERO


def balances(year: FiscalYear) -> dict[str, Decimal]:
    """Each account's balance (debit − credit) at the year's end: à-nouveaux and the year's movements."""
    return {row.code: row.balance for row in trial_balance(year) if row.balance}


def sheet_balances(year: FiscalYear) -> dict[str, Decimal]:
    """Classes 1–5 at the year's end for the bilan. While earlier years are not closed (no à-nouveaux yet), their
    balances are added from the last year that opened with à-nouveaux (or the first), and their results (classes
    6–7) show as « report à nouveau » (key « 11 »); the year's own classes 6–7 stay for its result."""
    chain = []
    for earlier in FiscalYear.objects.filter(start_date__lte=year.start_date).order_by("-start_date"):
        chain.append(earlier)
        if AccountBalance.objects.filter(fiscal_year=earlier, is_opening=True).exists():
            break
    totals: dict[str, Decimal] = {}
    for earlier in chain:
        for row in trial_balance(earlier):
            code = "11" if earlier != year and row.code[0] in "67" else row.code
            if row.code[0] in "8":
                continue
            totals[code] = totals.get(code, ZERO) + row.balance
    return {code: balance for code, balance in totals.items() if balance}


def grants_by_funder(year: FiscalYear) -> dict[str, Decimal]:
    """Grant income (74) of the year by funder, from the lines tagged with each grant's code (one grouped query)."""
    lines = EntryLine.objects.filter(fiscal_year=year, is_posted=True, account__code__startswith=annual.GRANTS_PREFIX)
    sums = {ref: credit - debit for ref, credit, debit in
            lines.exclude(reference="").values_list("reference").annotate(c=Sum("credit"), d=Sum("debit"))}  # fmt: skip
    funders: dict[str, Decimal] = {}
    for grant in Grant.objects.filter(code__in=list(sums)).select_related("funder"):
        name = grant.funder.display_name
        funders[name] = funders.get(name, ZERO) + sums[grant.code]
    return {name: amount for name, amount in funders.items() if amount}


@dataclass
class FundRow:
    grant: Grant
    opening: Decimal
    carried: Decimal
    used: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.carried - self.used


def dedicated_funds(year: FiscalYear) -> tuple[list[FundRow], Decimal]:
    """Per grant with dedicated funds: the balance at the year's start, carried (6894 / 194) and used (194 / 7894)
    during it, the balance at its end; and account 19's balance in the books at the year's end."""
    start, end = year.start_date, year.end_date
    carried, used = DedicatedFundMove.Kind.CARRIED, DedicatedFundMove.Kind.USED
    rows = []
    grants = (
        Grant.objects.filter(fund_moves__date__lte=end).distinct().select_related("funder")
        .annotate(
            before_in=Sum("fund_moves__amount", filter=Q(fund_moves__date__lt=start, fund_moves__kind=carried)),
            before_out=Sum("fund_moves__amount", filter=Q(fund_moves__date__lt=start, fund_moves__kind=used)),
            year_in=Sum("fund_moves__amount", filter=Q(fund_moves__date__gte=start, fund_moves__date__lte=end,
                                                       fund_moves__kind=carried)),
            year_out=Sum("fund_moves__amount", filter=Q(fund_moves__date__gte=start, fund_moves__date__lte=end,
                                                        fund_moves__kind=used)),
        )
        .order_by("code")
    )  # fmt: skip
    for grant in grants:
        rows.append(FundRow(grant, (grant.before_in or ZERO) - (grant.before_out or ZERO), grant.year_in or ZERO,
                            grant.year_out or ZERO))  # fmt: skip
    in_books = -sum((b for code, b in sheet_balances(year).items() if code.startswith("19")), ZERO)
    return rows, in_books


def annual_figures(year: FiscalYear) -> dict:
    """Everything the reports page shows for `year`, from one read of the trial balance."""
    figures = balances(year)
    return {
        "origins": annual.income_by_origin(figures, grants_by_funder(year)),
        "statement": annual.income_statement(figures),
        "sheet": annual.balance_sheet(sheet_balances(year)),
    }
