"""Reads of the ledger: entry lists, the trial balance from the aggregates (no scan of the lines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum

from pilote.core.listing import Column
from pilote.ledger.models import AccountBalance, Entry, FiscalYear
from pilote.lib.money import ZERO, from_cents

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


def trial_balance(year: FiscalYear, prefix: str = "", date_to=None, auxiliary: bool = False) -> list[TrialBalanceRow]:
    """Balance générale (per account) or auxiliaire (per customer / supplier account) of a fiscal year:
    opening (à-nouveaux), movements and closing balance, summed in SQL from the per-month aggregates kept
    at posting. `date_to` stops at the end of that date's month."""
    from pilote.ledger.models import AuxiliaryAccount

    balances = AccountBalance.objects.filter(fiscal_year=year)
    balances = balances.filter(aux_key__gt=0) if auxiliary else balances.filter(aux_key=0)
    if prefix:
        balances = balances.filter(account__code__startswith=prefix)
    if date_to:
        balances = balances.filter(month__lte=date_to)
    keys = ("aux_key", "account__code") if auxiliary else ("account__code", "account__label")
    grouped = balances.values(*keys, "is_opening").annotate(d=Sum("debit"), c=Sum("credit"))
    names = {}
    if auxiliary:
        names = {
            a.pk: (a.code, a.label) for a in AuxiliaryAccount.objects.filter(pk__in={g["aux_key"] for g in grouped})
        }
    rows: dict[str, TrialBalanceRow] = {}
    for item in grouped:
        code, label = names[item["aux_key"]] if auxiliary else (item["account__code"], item["account__label"])
        row = rows.setdefault(code, TrialBalanceRow(code, label, ZERO, ZERO, ZERO, ZERO))
        if item["is_opening"]:
            row.opening_debit, row.opening_credit = _net(row.opening_debit + item["d"], row.opening_credit + item["c"])
        else:
            row.debit += item["d"]
            row.credit += item["c"]
    return [rows[code] for code in sorted(rows)]


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


def general_ledger(year: FiscalYear, account, auxiliary=None, page: int = 1) -> LedgerPage:
    """One page of an account's posted lines in date order, each with its running balance.

    The monthly aggregates give the number of lines and the balance of each month, so a page only reads
    the month it starts in: its cost does not grow with the account's size (no COUNT, no OFFSET over the
    year, no join on entries — posted lines carry their own flag)."""
    from pilote.ledger.models import EntryLine

    months: dict = {}
    aggregates = AccountBalance.objects.filter(
        fiscal_year=year, account=account, aux_key=auxiliary.pk if auxiliary else 0
    )
    for month, debit, credit, count in aggregates.values_list("month", "debit", "credit", "line_count"):
        bucket = months.setdefault(month, [ZERO, 0])
        bucket[0] += debit - credit
        bucket[1] += count
    total = sum(count for _, count in months.values())
    page = max(1, min(page, max(1, -(-total // GL_PAGE))))
    offset = (page - 1) * GL_PAGE
    opening, start_month, seen = ZERO, None, 0
    for month in sorted(months):
        net, count = months[month]
        if seen + count > offset:
            start_month = month
            break
        opening += net
        seen += count
    chunk: list = []
    if start_month is not None:
        lines = EntryLine.objects.filter(account=account, fiscal_year=year, is_posted=True, date__gte=start_month)
        lines = lines.filter(auxiliary=auxiliary) if auxiliary else lines
        skip = offset - seen
        if skip:  # the month's lines before the page, summed as raw integer cents (no Decimal per row)
            sql, params = lines.order_by("date", "id").values_list("debit", "credit")[:skip].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                opening += from_cents(sum(debit - credit for debit, credit in cursor.fetchall()))
        ids = list(lines.order_by("date", "id").values_list("id", flat=True)[skip : skip + GL_PAGE])
        by_id = EntryLine.objects.select_related("entry__journal", "auxiliary").in_bulk(ids)
        chunk = [by_id[pk] for pk in ids]
    running = opening
    for line in chunk:
        running += line.debit - line.credit
        line.running_balance = running
    return LedgerPage(chunk, opening, page * GL_PAGE < total, page > 1, page, total)


# --- Journal report and aged balance ---------------------------------------------------------------


def journal_lines(journal, start, end):
    from pilote.ledger.models import EntryLine

    return (
        EntryLine.objects.filter(entry__journal=journal, entry__status="posted", date__range=(start, end))
        .select_related("entry", "account", "auxiliary")
        .order_by("entry__number", "position")
    )


JOURNAL_COLUMNS = [
    Column("N°", lambda line: line.entry.number),
    Column("Date", lambda line: line.date),
    Column("Pièce", lambda line: line.entry.piece_ref),
    Column("Compte", lambda line: line.account.code),
    Column("Auxiliaire", lambda line: line.auxiliary.code if line.auxiliary_id else ""),
    Column("Libellé", lambda line: line.label or line.entry.label),
    Column("Débit", lambda line: line.debit),
    Column("Crédit", lambda line: line.credit),
]

AGE_BUCKETS = [
    ("non échu", None, 0),
    ("0 à 30 j", 0, 30),
    ("31 à 60 j", 31, 60),
    ("61 à 90 j", 61, 90),
    ("plus de 90 j", 91, None),
]


@dataclass
class AgedRow:
    code: str
    label: str
    buckets: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)


def aged_balance(control_prefix: str, as_of, payment_days: int = 30) -> list[AgedRow]:
    """Open items of customers (411) or suppliers (401) by age at `as_of`: the due date when known, else the
    entry date plus `payment_days`. Receivables are positive for customers, payables positive for suppliers."""
    from django.db.models import Exists, OuterRef

    from pilote.ledger.models import EntryLine, MatchedLine

    fully = MatchedLine.objects.filter(line=OuterRef("pk"), matching__is_partial=False)
    lines = (
        EntryLine.objects.filter(
            account__code__startswith=control_prefix,
            entry__status="posted",
            date__lte=as_of,
            auxiliary__isnull=False,
            fiscal_year__status="open",  # a closed year's open items are carried in detailed à-nouveaux
        )
        .exclude(Exists(fully))
        .values_list("auxiliary__code", "auxiliary__label", "date", "due_date", "debit", "credit")
    )
    sign = 1 if control_prefix.startswith("41") else -1
    rows: dict[str, AgedRow] = {}
    for code, label, day, due, debit, credit in lines:
        due = due or day + dt.timedelta(days=payment_days)
        late = (as_of - due).days
        index = next(
            i
            for i, (_, low, high) in enumerate(AGE_BUCKETS)
            if (low is None and late < 0) or (low is not None and late >= low and (high is None or late <= high))
        )
        row = rows.setdefault(code, AgedRow(code, label, [ZERO] * len(AGE_BUCKETS)))
        row.buckets[index] += sign * (debit - credit)
    return [row for _, row in sorted(rows.items()) if row.total != 0]


def aged_columns() -> list[Column]:
    columns = [Column("Compte", lambda r: r.code), Column("Tiers", lambda r: r.label)]
    columns += [Column(label, lambda r, i=i: r.buckets[i]) for i, (label, _, _) in enumerate(AGE_BUCKETS)]
    return [*columns, Column("Total", lambda r: r.total)]
