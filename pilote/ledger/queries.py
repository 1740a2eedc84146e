"""Reads of the ledger: entry lists, the trial balance from the aggregates (no scan of the lines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pilote.core.collation import french, french_key
from pilote.core.listing import Column
from pilote.ledger.models import AccountBalance, Entry, FiscalYear
from pilote.lib.money import ZERO, MoneyField, from_cents, to_cents

ENTRY_SORTS = {  # ?tri= keys of the export (the page pages by keyset over ENTRY_KEYS)
    "date": ["date", "journal__code", "number"],
    "numero": ["journal__code", "number"],
    "libelle": [french("label")],
}

# The page's sort keys (keyset pagination, core.keyset): (name, expression) pairs, None for the entry's own field.
ENTRY_KEYS = {
    "date": [("date", None)],
    "numero": [("sort_journal", F("journal__code")), ("sort_number", Coalesce("number", Value(0)))],
    "libelle": [("sort_label", french("label"))],
}


def filter_entries(data: dict):
    """Entries by fiscal year, journal, state, period, account (prefix), words of the label or piece, piece
    number (exact) and amount of one of their lines. Each filter an index serves: (fiscal_year, date),
    (journal, date), (date), (piece_ref) on entries; the account's lines through (account, …) and an amount
    through the expression index (debit + credit) of lines — a line has one side only."""
    from pilote.ledger.models import Account, EntryLine

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
    if data.get("piece"):
        entries = entries.filter(piece_ref=data["piece"].strip())
    if data.get("compte"):
        accounts = list(Account.objects.filter(code__startswith=data["compte"]).values_list("pk", flat=True))
        lines = EntryLine.objects.filter(entry=OuterRef("pk"), account_id__in=accounts)
        # A line carries its entry's year and date: the same bounds on the lines let the count's semi-join read
        # the account's lines of that year or period only (the index (account, year, …)), not of every year.
        if data.get("exercice"):
            lines = lines.filter(fiscal_year=data["exercice"])
        if data.get("du"):
            lines = lines.filter(date__gte=data["du"])
        if data.get("au"):
            lines = lines.filter(date__lte=data["au"])
        entries = entries.filter(Exists(lines))
    if data.get("montant") is not None:
        amount = ExpressionWrapper(F("debit") + F("credit"), output_field=BigIntegerField())  # integer cents
        lines = EntryLine.objects.alias(amount=amount).filter(amount=to_cents(data["montant"]))
        entries = entries.filter(pk__in=lines.values("entry_id"))  # driven by the amount's index: few lines match
    return entries


def _amount():
    """An entry's amount: the sum of its debits stored at posting; a draft's (few, typed by hand) summed from its
    lines. COALESCE evaluates its second argument only where the first is NULL, on both databases."""
    from pilote.ledger.models import EntryLine

    drafts = EntryLine.objects.filter(entry=OuterRef("pk")).order_by().values("entry").annotate(t=Sum("debit"))
    return Coalesce("total_debit", Subquery(drafts.values("t")), Value(0), output_field=MoneyField())


def entry_page(data: dict, requested: str, *, after: str = "", before: str = "", per_page: int = 50):
    """A page of the entries list by keyset (no OFFSET), its count bounded at 10 000, each entry's amount read
    from the entry (stored at posting), never summed from the lines of a posted entry."""
    from pilote.core.keyset import keyset_page

    key = requested.lstrip("-") if requested else ""
    if key not in ENTRY_KEYS:
        requested, key = "-date", "date"
    entries = filter_entries(data)
    return keyset_page(
        entries.annotate(amount=_amount()), ENTRY_KEYS[key], descending=requested.startswith("-"), after=after,
        before=before, per_page=per_page, count=bounded_entry_count(entries, data),
    )  # fmt: skip


def bounded_entry_count(entries, data: dict) -> tuple[int, bool]:
    from pilote.core.keyset import bounded_count

    return bounded_count(entries)


def with_totals(entries):
    return entries.annotate(amount=_amount())


ENTRY_COLUMNS = [
    Column("Journal", lambda e: e.journal.code),
    Column("Numéro", lambda e: e.number),
    Column("Date", lambda e: e.date),
    Column("Pièce", lambda e: e.piece_ref),
    Column("Libellé", lambda e: e.label),
    Column("État", lambda e: e.get_status_display()),
    Column("Montant", lambda e: e.amount),
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


TRIAL_BALANCE_SORTS = {  # ?tri= keys of the trial balance page (core.listing.sort_rows)
    "compte": lambda r: r.code,
    "intitule": lambda r: french_key(r.label),
    "ouverture_debit": lambda r: r.opening_debit,
    "ouverture_credit": lambda r: r.opening_credit,
    "debit": lambda r: r.debit,
    "credit": lambda r: r.credit,
    "solde_debit": lambda r: r.closing_debit,
    "solde_credit": lambda r: r.closing_credit,
}


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

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


def general_ledger(year: FiscalYear, account, auxiliary=None, page: int = 1) -> LedgerPage:
    """One page of an account's posted lines in (date, id) order, each with its running balance.

    The monthly aggregates give the number of lines and the balance of each month, so a page only reads
    inside the month it starts in, from that month's nearer end: the lines between the month's edge and
    the page are summed in SQL through the index (account, year, posted, date, id, debit, credit), which
    covers them (an auxiliary account's month is small), then the page is read by keyset from its first
    line. The cost is bounded by half a month of the account, whatever its size: no COUNT, no OFFSET over
    the year, no join on entries (posted lines carry their own flag). At most five queries."""
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
        month_net, month_count = months[start_month]
        lines = _LedgerLines(year, account, auxiliary, start_month)
        skip = offset - seen  # lines of the month before the page
        if skip == 0:
            ids = lines.ids_from(None)
        elif skip <= month_count - skip:  # nearer the month's first line
            opening += lines.sum_first(skip)
            ids = lines.ids_from(lines.key_at(skip, forward=True))
        else:  # nearer its last line: the month's balance minus the lines from the page on
            after = month_count - skip
            opening += month_net - lines.sum_last(after)
            ids = lines.ids_from(lines.key_at(after - 1, forward=False))
        by_id = EntryLine.objects.select_related("entry__journal", "auxiliary").in_bulk(ids)
        chunk = [by_id[pk] for pk in ids]
    running = opening
    for line in chunk:
        running += line.debit - line.credit
        line.running_balance = running
    return LedgerPage(chunk, opening, page * GL_PAGE < total, page > 1, page, total)


class _LedgerLines:
    """Raw SQL over one account's (or auxiliary account's) posted lines of a fiscal year, in (date, id) order.

    Raw because the ORM writes `WHERE is_posted` for a boolean filter, which SQLite cannot match to the
    index column (it then scans the whole account and sorts it); `is_posted = %s` is an index equality
    on both databases. Amounts stay integer cents until the total is turned into a Decimal."""

    def __init__(self, year: FiscalYear, account, auxiliary, month: dt.date):
        from pilote.ledger.models import EntryLine

        self.table = connection.ops.quote_name(EntryLine._meta.db_table)
        if auxiliary is not None:  # `+` keeps SQLite on the auxiliary index (the account one is far bigger)
            self.where = "auxiliary_id = %s AND fiscal_year_id = %s AND is_posted = %s AND +account_id = %s"
            self.params: list = [auxiliary.pk, year.pk, True, account.pk]
        else:
            self.where = "account_id = %s AND fiscal_year_id = %s AND is_posted = %s"
            self.params = [account.pk, year.pk, True]
        ops = connection.ops
        next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        self.month = [ops.adapt_datefield_value(month), ops.adapt_datefield_value(next_month)]

    def _run(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _select(self, columns: str, condition: str, order: str) -> str:
        # Only constant text is interpolated (column lists, the table name, conditions with placeholders).
        return f"SELECT {columns} FROM {self.table} WHERE {self.where} AND {condition} ORDER BY {order}"  # noqa: S608

    def _month_lines(self, columns: str, direction: str) -> str:
        return self._select(columns, "date >= %s AND date < %s", f"date {direction}, id {direction}")

    def _sum(self, count: int, direction: str) -> Decimal:
        part = self._month_lines("debit, credit", direction) + " LIMIT %s"
        sql = f"SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) FROM ({part}) AS part"  # noqa: S608
        return from_cents(int(self._run(sql, [*self.params, *self.month, count])[0][0]))

    def sum_first(self, count: int) -> Decimal:
        """Balance of the month's first `count` lines."""
        return self._sum(count, "ASC")

    def sum_last(self, count: int) -> Decimal:
        """Balance of the month's last `count` lines."""
        return self._sum(count, "DESC")

    def key_at(self, index: int, *, forward: bool) -> tuple:
        """(date, id) of the month's line at `index` (0-based) from its first line, or from its last."""
        sql = self._month_lines("date, id", "ASC" if forward else "DESC") + " LIMIT 1 OFFSET %s"
        rows = self._run(sql, [*self.params, *self.month, index])
        return rows[0] if rows else (self.month[1], 0)  # aggregates ahead of the lines: an empty page

    def ids_from(self, key: tuple | None) -> list[int]:
        """The page: GL_PAGE line ids from `key` on (from the month's first line when None).

        The rest of the key's day and the following days are two index seeks: a row-value comparison
        `(date, id) >= (…)` makes SQLite walk the key's whole day from its first line (the 1 January of a
        customer account holds every open item carried forward)."""
        if key is None:
            sql = self._select("id", "date >= %s", "date, id") + " LIMIT %s"
            return [row[0] for row in self._run(sql, [*self.params, self.month[0], GL_PAGE])]
        same_day = self._select("date, id", "date = %s AND id >= %s", "id") + " LIMIT %s"
        later = self._select("date, id", "date > %s", "date, id") + " LIMIT %s"
        sql = f"SELECT * FROM ({same_day}) AS same_day UNION ALL SELECT * FROM ({later}) AS later"  # noqa: S608
        params = [*self.params, key[0], key[1], GL_PAGE, *self.params, key[0], GL_PAGE]
        return [pk for _, pk in sorted(self._run(sql, params))[:GL_PAGE]]


# --- Journal report and aged balance ---------------------------------------------------------------


def journal_lines(journal, start, end):
    """Posted lines of one journal (or of all, `journal` None) between two dates."""
    from pilote.ledger.models import EntryLine

    lines = EntryLine.objects.filter(entry__status="posted", date__range=(start, end))
    if journal is not None:
        lines = lines.filter(entry__journal=journal)
    return lines.select_related("entry__journal", "account", "auxiliary")


JOURNAL_SORTS = {  # ?tri= keys of the journal page; an entry's lines stay together and in their order
    "numero": ["entry__journal__code", "entry__number", "position"],
    "date": ["date", "entry__journal__code", "entry__number", "position"],
    "piece": ["entry__piece_ref", "entry__number", "position"],
    "compte": ["account__code", "date", "entry__number"],
    "libelle": [french("label"), french("entry__label")],
    "debit": ["debit", "date"],
    "credit": ["credit", "date"],
}


JOURNAL_COLUMNS = [
    Column("Journal", lambda line: line.entry.journal.code),
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
    auxiliary_id: int = 0
    total: Decimal = field(init=False)  # summed once: the sorts, the filter and the page read it

    def __post_init__(self) -> None:
        self.total = sum(self.buckets, ZERO)


AGED_SORTS = {
    "compte": lambda r: r.code,
    "tiers": lambda r: french_key(r.label),
    "total": lambda r: r.total,
    **{f"age{i}": (lambda r, i=i: r.buckets[i]) for i in range(5)},
}


def _age_bucket(as_of: dt.date, payment_days: int, expected: str, has_due: Q, no_due: Q):
    """The AGE_BUCKETS index of a row, in SQL: its due date is `expected` where `has_due` holds, else (`no_due`)
    `expected` plus `payment_days` — compared through shifted bounds, so no date arithmetic in SQL."""
    from django.db.models import Case, IntegerField, When

    def due_on_or_after(days_late: int) -> Q:  # due date ≥ as_of − days_late
        bound = as_of - dt.timedelta(days=days_late)
        return (has_due & Q(**{f"{expected}__gte": bound})) | (
            no_due & Q(**{f"{expected}__gte": bound - dt.timedelta(days=payment_days)})
        )

    def not_due() -> Q:  # due date after as_of
        return (has_due & Q(**{f"{expected}__gt": as_of})) | (
            no_due & Q(**{f"{expected}__gt": as_of - dt.timedelta(days=payment_days)})
        )

    whens = [When(not_due(), then=Value(0))]
    whens += [When(due_on_or_after(high), then=Value(i)) for i, (_, _, high) in enumerate(AGE_BUCKETS) if i and high]
    return Case(*whens, default=Value(len(AGE_BUCKETS) - 1), output_field=IntegerField())


def aged_balance(control_prefix: str, as_of, payment_days: int = 30) -> list[AgedRow]:
    """Open items of customers (411) or suppliers (401) by age at `as_of`: the due date when known, else the
    entry date plus `payment_days`; the lines of a partial matching aged together at the group's date (what is
    left of the invoice, not its instalment). Receivables are positive for customers, payables for suppliers.

    Read from the open-items aggregate per third party (`OpenItemParty`, kept at posting and lettering), summed
    per third party and age in SQL: the cost follows the open items, never the lines of the accounts. The aggregate is
    today's lettering: at a past date, the lines fully lettered after it were still open then, so they are
    added back from the lettering made since (index on `Matching.created_at`; nothing to read for today)."""
    from django.db.models import Sum

    from pilote.ledger.models import Account, AuxiliaryAccount, MatchedLine, OpenItemParty

    sign = 1 if control_prefix.startswith("41") else -1
    sums: dict[int, list[int]] = {}

    def collect(grouped, aux_field: str) -> None:
        for item in grouped.values_list(aux_field, "bucket").annotate(d=Sum("debit"), c=Sum("credit")).order_by():
            aux, bucket, debit, credit = item
            sums.setdefault(aux, [0] * len(AGE_BUCKETS))[bucket] += int((debit - credit) * 100)

    items = OpenItemParty.objects.filter(
        account__code__startswith=control_prefix,
        fiscal_year__status="open",  # a closed year's open items are carried in detailed à-nouveaux
        date__lte=as_of,
        aux_key__gt=0,
    ).annotate(bucket=_age_bucket(as_of, payment_days, "expected", Q(has_due_date=True), Q(has_due_date=False)))
    collect(items, "aux_key")
    if as_of < timezone.localdate():
        since = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
        # Driven from the lettering made since (its index on created_at, then each matching's lines by their
        # keys), never from the lines of the accounts: the accounts are read first, so the plan does
        # not guess how many lines a code prefix or an open year has (PostgreSQL guessed 2 000 for 130 000 at
        # 1M lines and scanned them all, 2 s).
        accounts = list(Account.objects.filter(code__startswith=control_prefix).values_list("pk", flat=True))
        lettered_since = MatchedLine.objects.filter(
            matching__created_at__gte=since,
            matching__is_partial=False,
            line__account_id__in=accounts,
            line__fiscal_year__status="open",
            line__is_posted=True,
            line__date__lte=as_of,
            line__auxiliary_id__isnull=False,
        ).annotate(
            debit=F("line__debit"),
            credit=F("line__credit"),
            expected=Coalesce("line__due_date", "line__date"),
            bucket=_age_bucket(
                as_of, payment_days, "expected", Q(line__due_date__isnull=False), Q(line__due_date__isnull=True)
            ),
        )
        collect(lettered_since, "line__auxiliary_id")
    owing = [aux for aux, buckets in sums.items() if sum(buckets)]  # a third party whose items net to 0 owes nothing
    names = {}
    for start in range(0, len(owing), 900):  # SQLite's bound on parameters; code and label only, not the models
        chunk = AuxiliaryAccount.objects.filter(pk__in=owing[start : start + 900]).values_list("pk", "code", "label")
        names.update((pk, (code, label)) for pk, code, label in chunk)
    rows = [AgedRow(*names[aux], [sign * from_cents(c) for c in sums[aux]], aux) for aux in owing]
    return sorted(rows, key=lambda row: row.code)


def aged_columns() -> list[Column]:
    columns = [Column("Compte", lambda r: r.code), Column("Tiers", lambda r: r.label)]
    columns += [Column(label, lambda r, i=i: r.buckets[i]) for i, (label, _, _) in enumerate(AGE_BUCKETS)]
    return [*columns, Column("Total", lambda r: r.total)]


def third_parties(year, kind: str = "", search: str = ""):
    """Customer and supplier sub-ledger accounts with their balance in `year` (`balance`: debit minus
    credit, one correlated sum over the monthly aggregates), so the list sorts on it in SQL."""
    from pilote.ledger.models import AuxiliaryAccount

    sums = (
        AccountBalance.objects.filter(fiscal_year=year, aux_key=OuterRef("pk"))
        .order_by()
        .values("aux_key")
        .annotate(total=Sum(F("debit") - F("credit")))
        .values("total")
    )
    auxiliaries = AuxiliaryAccount.objects.select_related("control_account").annotate(
        balance=Coalesce(Subquery(sums), Value(0), output_field=MoneyField())
    )
    if kind in {"411", "401"}:
        auxiliaries = auxiliaries.filter(control_account__code__startswith=kind)
    if search:
        auxiliaries = auxiliaries.filter(Q(code__icontains=search) | Q(label__icontains=search))
    return auxiliaries


THIRD_PARTY_SORTS = {
    "compte": ["code"],
    "tiers": [french("label")],
    "collectif": ["control_account__code", "code"],
    "solde": ["balance", "code"],
}


def debit_balance(aux) -> Decimal:  # the accountant's way: a debit or a credit balance, never a minus sign
    return max(aux.balance, ZERO)


def credit_balance(aux) -> Decimal:
    return max(-aux.balance, ZERO)


THIRD_PARTY_COLUMNS = [
    Column("Compte", lambda aux: aux.code),
    Column("Tiers", lambda aux: aux.label),
    Column("Collectif", lambda aux: aux.control_account.code),
    Column("Solde débiteur", debit_balance),
    Column("Solde créditeur", credit_balance),
]


def statement_lines(account, state: str = "", du=None, au=None, q: str = "", sens: str = ""):
    """A bank account's statement lines: to reconcile (`a-rapprocher`), reconciled (`rapprochees`) or all,
    between two dates, by words of the label, reference or counterparty, credits or debits only."""
    from pilote.ledger.models import StatementLine

    lines = StatementLine.objects.filter(bank_account=account).select_related("entry_line__entry__journal")
    if state == "a-rapprocher":
        lines = lines.filter(entry_line__isnull=True)
    elif state == "rapprochees":
        lines = lines.filter(entry_line__isnull=False)
    if du:
        lines = lines.filter(booking_date__gte=du)
    if au:
        lines = lines.filter(booking_date__lte=au)
    for word in (q or "").split():
        lines = lines.filter(Q(label__icontains=word) | Q(reference__icontains=word) | Q(counterparty__icontains=word))
    if sens == "credit":
        lines = lines.filter(amount__gt=0)
    elif sens == "debit":
        lines = lines.filter(amount__lt=0)
    return lines


STATEMENT_LINE_SORTS = {
    "date": ["booking_date"],
    "libelle": [french("label"), "booking_date"],
    "reference": ["reference", "booking_date"],
    "montant": ["amount", "booking_date"],
}


def _statement_entry(line) -> str:
    if not line.entry_line_id:
        return ""
    entry = line.entry_line.entry
    return f"{entry.journal.code} {entry.number or ''}".strip()


STATEMENT_LINE_COLUMNS = [
    Column("Date", lambda line: line.booking_date),
    Column("Date de valeur", lambda line: line.value_date),
    Column("Libellé", lambda line: line.label),
    Column("Référence", lambda line: line.reference),
    Column("Contrepartie", lambda line: line.counterparty),
    Column("Montant", lambda line: line.amount),
    Column("Écriture", _statement_entry),
    Column("Rapprochée", lambda line: bool(line.entry_line_id)),
]
