"""Reads of the ledger: entry lists, the trial balance from the aggregates (no scan of the lines)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.core.listing import Column
from pilote.ledger.models import AccountBalance, Entry, FiscalYear
from pilote.lib.money import ZERO

ENTRY_SORTS = {"date": ["date", "journal__code", "number"], "numero": ["journal__code", "number"], "libelle": ["label"]}


def filter_entries(data: dict):
    entries = Entry.objects.select_related("journal", "fiscal_year")
    if data.get("exercice"):
        entries = entries.filter(fiscal_year=data["exercice"])
    if data.get("journal"):
        entries = entries.filter(journal=data["journal"])
    if data.get("etat"):
        entries = entries.filter(status=data["etat"])
    if data.get("du"):
        entries = entries.filter(date__gte=data["du"])
    if data.get("au"):
        entries = entries.filter(date__lte=data["au"])
    if data.get("q"):
        q = data["q"]
        entries = entries.filter(Q(label__icontains=q) | Q(piece_ref__icontains=q))
    if data.get("compte"):
        with_account = Entry.objects.filter(lines__account__code__startswith=data["compte"]).values("pk")
        entries = entries.filter(pk__in=with_account)
    return entries


def with_totals(entries):
    return entries.annotate(total_debit=Sum("lines__debit"))


ENTRY_COLUMNS = [
    Column("Journal", lambda e: e.journal.code),
    Column("Numéro", lambda e: e.number),
    Column("Date", lambda e: e.date),
    Column("Pièce", lambda e: e.piece_ref),
    Column("Libellé", lambda e: e.label),
    Column("État", lambda e: e.get_status_display()),
    Column("Montant", lambda e: e.total_debit),
    Column("Validée le", lambda e: e.posted_at),
]


@dataclass
class TrialBalanceRow:
    code: str
    label: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.opening_debit - self.opening_credit + self.debit - self.credit

    @property
    def closing_debit(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


def _net(debit: Decimal, credit: Decimal) -> tuple[Decimal, Decimal]:
    net = debit - credit
    return (net, ZERO) if net >= 0 else (ZERO, -net)


def trial_balance(year: FiscalYear, prefix: str = "", date_to=None) -> list[TrialBalanceRow]:
    """Balance générale of a fiscal year: opening (à-nouveaux), movements and closing balance per account,
    summed in SQL from the per-month aggregates kept at posting."""
    balances = AccountBalance.objects.filter(fiscal_year=year, aux_key=0)
    if prefix:
        balances = balances.filter(account__code__startswith=prefix)
    if date_to:
        balances = balances.filter(month__lte=date_to)
    rows: dict[str, TrialBalanceRow] = {}
    grouped = balances.values("account__code", "account__label", "is_opening").annotate(d=Sum("debit"), c=Sum("credit"))
    for item in grouped.order_by("account__code"):
        row = rows.setdefault(
            item["account__code"],
            TrialBalanceRow(item["account__code"], item["account__label"], ZERO, ZERO, ZERO, ZERO),
        )
        if item["is_opening"]:
            row.opening_debit, row.opening_credit = _net(row.opening_debit + item["d"], row.opening_credit + item["c"])
        else:
            row.debit += item["d"]
            row.credit += item["c"]
    return list(rows.values())


def trial_balance_totals(rows: list[TrialBalanceRow]) -> dict[str, Decimal]:
    names = ["opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"]
    return {name: sum((getattr(r, name) for r in rows), ZERO) for name in names}


TRIAL_BALANCE_COLUMNS = [
    Column("compte", lambda r: r.code),
    Column("libelle", lambda r: r.label),
    Column("ouverture_debit", lambda r: r.opening_debit),
    Column("ouverture_credit", lambda r: r.opening_credit),
    Column("mouvements_debit", lambda r: r.debit),
    Column("mouvements_credit", lambda r: r.credit),
    Column("solde_debit", lambda r: r.closing_debit),
    Column("solde_credit", lambda r: r.closing_credit),
]


# --- General ledger --------------------------------------------------------------------------------

GL_PAGE = 100


@dataclass
class LedgerPage:
    lines: list
    opening: Decimal  # balance before the first line of the page (debit positive)
    has_next: bool
    has_previous: bool
    page: int
    total: int


def _sum(queryset) -> Decimal:
    totals = queryset.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def general_ledger(year: FiscalYear, account, auxiliary=None, page: int = 1) -> LedgerPage:
    """One page of an account's posted lines in date order, each with its running balance.

    The balance before the page comes from the monthly aggregates plus at most one month of lines, so
    the cost of a page does not grow with the account's size."""
    from pilote.ledger.models import EntryLine

    lines = EntryLine.objects.filter(account=account, fiscal_year=year, entry__status="posted")
    lines = lines.filter(auxiliary=auxiliary) if auxiliary else lines
    total = lines.count()
    page = max(1, min(page, max(1, -(-total // GL_PAGE))))
    chunk = list(
        lines.select_related("entry__journal", "auxiliary").order_by("date", "id")[
            (page - 1) * GL_PAGE : page * GL_PAGE
        ]
    )
    opening = ZERO
    if chunk:
        first = chunk[0]
        month = first.date.replace(day=1)
        aggregates = AccountBalance.objects.filter(
            fiscal_year=year, account=account, aux_key=auxiliary.pk if auxiliary else 0, month__lt=month
        )
        same_month = lines.filter(date__gte=month).filter(Q(date__lt=first.date) | Q(date=first.date, id__lt=first.id))
        opening = _sum(aggregates) + _sum(same_month)
    running = opening
    for line in chunk:
        running += line.debit - line.credit
        line.running_balance = running
    return LedgerPage(chunk, opening, page * GL_PAGE < total, page > 1, page, total)
