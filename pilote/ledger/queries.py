"""Reads of the ledger: entry lists, the trial balance from the aggregates (no scan of the lines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import BigIntegerField, Exists, ExpressionWrapper, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pilote.core import keyset
from pilote.core.collation import french, french_key
from pilote.core.listing import Column, words_refusal
from pilote.ledger import entry_words
from pilote.ledger.balance import (  # noqa: F401 - the columns and totals are read from here too
    TRIAL_BALANCE_COLUMNS,
    TrialBalanceRow,
    rows_from_sums,
    trial_balance_totals,
)
from pilote.ledger.models import AccountBalance, Entry, FiscalYear
from pilote.lib.formats import format_number
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


WORDS_LABEL = "Libellé ou pièce"  # the entries' words: the one rule of every list (core.listing.words_refusal)
WORDS_HINT = "ou le numéro de pièce exact dans « N° de pièce exact »"


def filter_entries(data: dict):
    return _filtered(data)[0]


def _filtered(data: dict):
    """(the entries, how many the words' index found — None without words or index). Entries by fiscal year,
    journal, state, period, account (prefix), words of the label or piece (`entry_words`), piece number (exact)
    and amount of one of their lines. Each filter an index serves: (fiscal_year, date), (journal, date), (date),
    (piece_ref) on entries; the account's lines through (account, …) and an amount
    through the expression index (debit + credit) of lines — a line has one side only."""
    from pilote.ledger.models import EntryLine

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
    found = None
    if data.get("q") and not words_refusal(data["q"]):  # the form and the API refuse shorter words in French
        # Label or piece contains the words: SQLite's FTS5 trigram index, PostgreSQL's trigram indexes (entry_words).
        words = data["q"].strip()
        found = entry_words.count(words, connection, limit=keyset.COUNT_LIMIT + 1)
        entries = entries.filter(entry_words.words_filter(words, found))
    if data.get("piece"):
        entries = entries.filter(piece_ref=data["piece"].strip())
    if data.get("compte"):
        # The entry's own lines on the account, found through the entry (index (entry, position)): the year and
        # period are the entry's filters above. With the year on the lines too, SQLite without statistics probed
        # each entry through the lines' year index (every line of the year): 18.7 s for ?exercice=…&compte=401
        # at a million lines, 0.3 ms without.
        entries = entries.filter(Exists(_account_lines({"compte": data["compte"]}).filter(entry=OuterRef("pk"))))
    if data.get("montant") is not None:
        amount = ExpressionWrapper(F("debit") + F("credit"), output_field=BigIntegerField())  # integer cents
        lines = EntryLine.objects.alias(amount=amount).filter(amount=to_cents(data["montant"]))
        entries = entries.filter(pk__in=lines.values("entry_id"))  # driven by the amount's index: few lines match
    return entries, found


def _account_lines(data: dict):
    """The lines of the accounts whose code starts with `data["compte"]`. A line carries its entry's year and
    date: the same bounds on the lines let the database read the account's lines of that year or period only
    (the index (account, year, …)), not of every year."""
    from pilote.ledger.models import Account, EntryLine

    accounts = list(Account.objects.filter(code__startswith=data["compte"]).values_list("pk", flat=True))
    lines = EntryLine.objects.filter(account_id__in=accounts)
    if data.get("exercice"):
        lines = lines.filter(fiscal_year=data["exercice"])
    if data.get("du"):
        lines = lines.filter(date__gte=data["du"])
    if data.get("au"):
        lines = lines.filter(date__lte=data["au"])
    return lines


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
    entries, found = _filtered(data)
    return keyset_page(
        entries.annotate(amount=_amount()), ENTRY_KEYS[key], descending=requested.startswith("-"), after=after,
        before=before, per_page=per_page, count=bounded_entry_count(entries, data, words_found=found),
    )  # fmt: skip


LINE_FILTERS = {"compte", "exercice", "du", "au"}  # what a line carries of its entry: its account, year and date


def bounded_entry_count(entries, data: dict, words_found: int | None = None) -> tuple[int, bool]:
    """The list's count up to COUNT_LIMIT (`keyset.bounded_count`). Filtered by account (and year or period
    only), counted from the account's lines, in the order of their index (account, year, …), at most twice the
    bound of them: an entry has one line or two on an account, so the distinct entries among those lines are
    either more than the bound (« plus de 10 000 ») or, when the account has no more lines than that, every one.
    The semi-join of entries and lines read every line of the account (150 000 for 401 at a million lines, 240 ms)
    to count ten thousand entries. Other filters, or many lines per entry, keep the count over the entries."""
    from django.db.models import Count

    from pilote.core import keyset

    chosen = {key for key, value in data.items() if value not in (None, "")}
    if chosen == {"q"} and words_found is not None and words_found > entry_words.FEW:
        # Words found in many entries, nothing else chosen: the index's own count (`entry_words.count`, read up to
        # the bound) — the LIKE would read every entry when they are fewer than the bound. It counts what the index
        # finds, which folds the case of non-ASCII letters too (« É » for « é »), where the rows keep SQLite's LIKE.
        return min(words_found, keyset.COUNT_LIMIT), words_found > keyset.COUNT_LIMIT
    if chosen == {"q"} and words_found is None:  # no index counts the words (PostgreSQL; SQLite without FTS5)
        return _words_count(entries, data["q"].strip())
    if "compte" in chosen and chosen <= LINE_FILTERS:
        limit = keyset.COUNT_LIMIT
        sample = 2 * (limit + 1)
        # Newest first, in the order of the covering index (account, year, is_posted, date, id …): read from the index
        # alone, and a year's opening entry (one entry carrying every open item: 41,484 lines on 401 in the bench
        # ledger) comes last, not first. Unordered, PostgreSQL read the lines through the year's index (270 ms).
        index_order = ("-account_id", "-fiscal_year_id", "-is_posted", "-date", "-id")
        found = _account_lines(data).order_by(*index_order).values("entry_id")[:sample]
        read = found.aggregate(lines=Count("entry_id"), entries=Count("entry_id", distinct=True))
        if read["entries"] > limit:
            return limit, True
        if read["lines"] < sample:  # every line of the account read: the count is exact
            return read["entries"], False
        # Many lines per entry (an opening entry carries every open supplier item: 41,484 lines on 401 in the bench
        # ledger): the distinct entries among the account's lines, read until one more than the bound.
        distinct = _account_lines(data).order_by().values("entry_id").distinct()[: limit + 1].count()
        return min(distinct, limit), distinct > limit
    return keyset.bounded_count(entries)


def _words_count(entries, words: str) -> tuple[int, bool]:
    """The count of the entries whose label or piece holds `words` (no other filter), up to the bound. Counting reads
    matching entries until one more than the bound (PostgreSQL's trigram index only finds candidates, each checked
    in its row): for a word in one entry of three, 30,000 entries read — 30 to 40 ms at 1M and 10M lines, the most of
    the page —, for a word in one of fifty, half a million. Words once found in more posted entries than the bound
    are noted (`FrequentWords`): posted entries never change nor go, so the fact holds and the list says « plus de
    10 000 » again without reading them. The first count reads as before; a word found in fewer is counted each time
    (new entries may bring it past the bound)."""
    from django.db.models import Count

    from pilote.ledger.models import EntryStatus, FrequentWords

    limit = keyset.COUNT_LIMIT
    kept = len(words) <= FrequentWords._meta.get_field("words").max_length  # longer words are not noted
    if kept and FrequentWords.objects.filter(words=words, posted__gt=limit).exists():
        return limit, True
    read = (
        entries.order_by().values("status")[: limit + 1]
        .aggregate(found=Count("status"), posted=Count("status", filter=Q(status=EntryStatus.POSTED)))
    )  # fmt: skip
    if read["posted"] > limit and kept:
        FrequentWords.objects.update_or_create(words=words, defaults={"posted": read["posted"]})
    return min(read["found"], limit), read["found"] > limit


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
    return rows_from_sums(
        (*(names[item["aux_key"]] if auxiliary else (item["account__code"], item["account__label"])),
         item["is_opening"], item["d"], item["c"])
        for item in grouped
    )  # fmt: skip


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


# --- General ledger --------------------------------------------------------------------------------

GL_PAGE = 100


@dataclass
class CarriedForward:
    """The à-nouveaux of an account in one line, from the aggregates: a general ledger prints the balance
    carried forward, not the open items of every third party (the auxiliary accounts' ledgers show those)."""

    date: dt.date
    debit: Decimal
    credit: Decimal
    count: int  # lines of the detailed à-nouveaux entries
    journals: tuple[int, ...]  # the à-nouveaux journals

    @property
    def journal_id(self) -> int:  # the link to the detailed entries
        return self.journals[0]

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def label(self) -> str:
        return f"À-nouveaux ({format_number(self.count, 0)} ligne{'s' if self.count > 1 else ''})"


@dataclass
class LedgerPage:
    lines: list
    opening: Decimal  # balance before the first line of the page (debit positive), à-nouveaux included
    has_next: bool
    has_previous: bool
    page: int
    total: int  # lines listed, the à-nouveaux in one line not counted
    carried: CarriedForward | None = None
    until: dt.date | None = None

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


def general_ledger(
    year: FiscalYear, account, auxiliary=None, page: int = 1, until: dt.date | None = None
) -> LedgerPage:
    """One page of an account's posted lines in (date, id) order, each with its running balance, up to
    `until` (a day of the year) or the whole year.

    The monthly aggregates give the number of lines and the balance of each month, so a page only reads
    inside the month it starts in, from that month's nearer end: the lines between the month's edge and
    the page are summed in SQL through the index (account, year, posted, date, id, debit, credit), which
    covers them (an auxiliary account's month is small), then the page is read by keyset from its first
    line. The cost is bounded by half a month of the account, whatever its size: no COUNT, no OFFSET over
    the year, no join on entries (posted lines carry their own flag).

    An account's à-nouveaux (not an auxiliary account's: a customer's ledger lists the invoices it owed)
    are one line read from the aggregates: the general ledger of 411 does not list every open item of
    every customer, and no page walks them (at ten million lines they were 1.5 million lines of one day).
    The other lines of that day are read through that day's entries. At most nine queries."""
    from pilote.ledger.models import EntryLine

    if until is not None and until >= year.end_date:
        until = None
    rows = AccountBalance.objects.filter(fiscal_year=year, account=account, aux_key=auxiliary.pk if auxiliary else 0)
    if until is not None:
        rows = rows.filter(month__lte=until)
    rows = list(rows.values_list("month", "is_opening", "debit", "credit", "line_count"))
    carried = _carried(year, rows) if auxiliary is None else None
    if carried is not None:
        rows = [row for row in rows if not row[1]]
    months: dict = {}
    for month, _, debit, credit, count in rows:
        bucket = months.setdefault(month, [ZERO, 0])
        bucket[0] += debit - credit
        bucket[1] += count
    last_month = until.replace(day=1) if until is not None else None
    if last_month in months:  # the month of `until` up to that day
        tail_net, tail_count = _LedgerLines(year, account, auxiliary, last_month).after(until)
        months[last_month][0] -= tail_net
        months[last_month][1] -= tail_count
    total = sum(count for _, count in months.values())
    page = max(1, min(page, max(1, -(-total // GL_PAGE))))
    offset = (page - 1) * GL_PAGE
    opening, start_month, seen = (carried.balance if carried else ZERO), None, 0
    for month in sorted(months):
        net, count = months[month]
        if seen + count > offset:
            start_month = month
            break
        opening += net
        seen += count
    ids: list[int] = []
    if start_month is not None:
        month_net, month_count = months[start_month]
        skip = offset - seen  # lines of the month before the page
        if carried is None or start_month != carried.date.replace(day=1):
            lines = _LedgerLines(year, account, auxiliary, start_month, until=until)
            before, ids = _month_page(lines, skip, month_net, month_count)
        else:  # the à-nouveaux day: its other lines through its entries, then the month from the next day
            first = _ordinary_lines_of_day(year, account, carried)
            since = carried.date + dt.timedelta(days=1)
            lines = _LedgerLines(year, account, auxiliary, start_month, since=since, until=until)
            if skip < len(first):
                before, ids = _net(first[:skip]), [pk for pk, _, _ in first[skip : skip + GL_PAGE]]
                ids += lines.ids_from(None, GL_PAGE - len(ids)) if len(ids) < GL_PAGE else []
            else:
                first_net = _net(first)
                before, ids = _month_page(lines, skip - len(first), month_net - first_net, month_count - len(first))
                before += first_net
        opening += before
    by_id = EntryLine.objects.select_related("entry__journal", "auxiliary").in_bulk(ids) if ids else {}
    chunk = [by_id[pk] for pk in ids]
    running = opening
    for line in chunk:
        running += line.debit - line.credit
        line.running_balance = running
    return LedgerPage(chunk, opening, page * GL_PAGE < total, page > 1, page, total, carried, until)


def _month_page(lines: _LedgerLines, skip: int, month_net: Decimal, month_count: int) -> tuple[Decimal, list[int]]:
    """The balance of the month's first `skip` lines and the page's ids from there, read from the month's nearer
    end: the lines before the page summed, or the month's balance less the lines from the page on."""
    if skip == 0:
        return ZERO, lines.ids_from(None)
    if skip <= month_count - skip:
        return lines.sum_first(skip), lines.ids_from(lines.key_at(skip, forward=True))
    after = month_count - skip
    return month_net - lines.sum_last(after), lines.ids_from(lines.key_at(after - 1, forward=False))


def _net(rows: list[tuple[int, Decimal, Decimal]]) -> Decimal:
    return sum((debit - credit for _, debit, credit in rows), ZERO)


def carried_forward(year: FiscalYear, account) -> CarriedForward | None:
    """An account's à-nouveaux in one line (None when it has none, or when they are not all on the year's
    first day: then they are listed like any line)."""
    rows = AccountBalance.objects.filter(fiscal_year=year, account=account, aux_key=0, is_opening=True)
    return _carried(year, list(rows.values_list("month", "is_opening", "debit", "credit", "line_count")))


def _carried(year: FiscalYear, rows: list[tuple]) -> CarriedForward | None:
    from pilote.ledger.models import Journal, JournalKind

    opened = [row for row in rows if row[1]]
    if not opened:
        return None
    # The journals' ids first: joined, PostgreSQL hashed every entry of the year to find the à-nouveaux ones.
    journals = tuple(Journal.objects.filter(kind=JournalKind.OPENING).order_by("pk").values_list("pk", flat=True))
    entries = Entry.objects.filter(fiscal_year=year, journal_id__in=journals)
    days = entries.aggregate(first=Min("date"), last=Max("date"))
    if days["first"] != year.start_date or days["last"] != year.start_date:  # else listed like any line
        return None
    debit, credit = sum((row[2] for row in opened), ZERO), sum((row[3] for row in opened), ZERO)
    return CarriedForward(year.start_date, debit, credit, sum(row[4] for row in opened), journals)


def _ordinary_lines_of_day(year: FiscalYear, account, carried: CarriedForward) -> list[tuple[int, Decimal, Decimal]]:
    """(id, debit, credit) of an account's posted lines of the à-nouveaux day outside the à-nouveaux, in id
    order: read through the day's entries (a few thousand at most), never through the account's index, where
    that day holds every open item carried forward. `+account_id` keeps SQLite off that index."""
    from pilote.ledger.models import EntryLine

    line, entry = (connection.ops.quote_name(model._meta.db_table) for model in (EntryLine, Entry))
    marks = ", ".join(["%s"] * len(carried.journals))
    sql = (
        f"SELECT id, debit, credit FROM {line} WHERE entry_id IN ("  # noqa: S608 - constant names and marks only
        f"SELECT id FROM {entry} WHERE fiscal_year_id = %s AND date = %s AND journal_id NOT IN ({marks})) "
        "AND +account_id = %s AND is_posted = %s ORDER BY id"
    )
    day = connection.ops.adapt_datefield_value(carried.date)
    params = [year.pk, day, *carried.journals, account.pk, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, from_cents(debit), from_cents(credit)) for pk, debit, credit in cursor.fetchall()]


class _LedgerLines:
    """Raw SQL over one account's (or auxiliary account's) posted lines of a fiscal year, in (date, id) order.

    Raw because the ORM writes `WHERE is_posted` for a boolean filter, which SQLite cannot match to the
    index column (it then scans the whole account and sorts it); `is_posted = %s` is an index equality
    on both databases. Amounts stay integer cents until the total is turned into a Decimal."""

    def __init__(self, year: FiscalYear, account, auxiliary, month: dt.date, *, since=None, until=None):
        """The lines of `month` from `since` (its first day by default) up to `until` (its last); the page read
        by `ids_from` runs on into the next months, up to `until` too."""
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
        if until is not None:
            self.where += " AND date <= %s"
            self.params.append(ops.adapt_datefield_value(until))
            next_month = min(next_month, until + dt.timedelta(days=1))
        self.month = [ops.adapt_datefield_value(since or month), ops.adapt_datefield_value(next_month)]

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

    def after(self, day: dt.date) -> tuple[Decimal, int]:
        """Balance and number of the month's lines after `day`."""
        sql = (
            "SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0), COUNT(*) "  # noqa: S608 - constant text
            f"FROM {self.table} WHERE {self.where} AND date > %s AND date < %s"
        )
        day = connection.ops.adapt_datefield_value(day)
        ((net, count),) = self._run(sql, [*self.params, day, self.month[1]])
        return from_cents(int(net)), count

    def key_at(self, index: int, *, forward: bool) -> tuple:
        """(date, id) of the month's line at `index` (0-based) from its first line, or from its last."""
        sql = self._month_lines("date, id", "ASC" if forward else "DESC") + " LIMIT 1 OFFSET %s"
        rows = self._run(sql, [*self.params, *self.month, index])
        return rows[0] if rows else (self.month[1], 0)  # aggregates ahead of the lines: an empty page

    def ids_from(self, key: tuple | None, limit: int = 0) -> list[int]:
        """The page: GL_PAGE line ids from `key` on (from the month's first line when None).

        The rest of the key's day and the following days are two index seeks: a row-value comparison
        `(date, id) >= (…)` makes SQLite walk the key's whole day from its first line (the 1 January of a
        customer account holds every open item carried forward)."""
        limit = limit or GL_PAGE
        if key is None:
            sql = self._select("id", "date >= %s", "date, id") + " LIMIT %s"
            return [row[0] for row in self._run(sql, [*self.params, self.month[0], limit])]
        same_day = self._select("date, id", "date = %s AND id >= %s", "id") + " LIMIT %s"
        later = self._select("date, id", "date > %s", "date, id") + " LIMIT %s"
        sql = f"SELECT * FROM ({same_day}) AS same_day UNION ALL SELECT * FROM ({later}) AS later"  # noqa: S608
        params = [*self.params, key[0], key[1], limit, *self.params, key[0], limit]
        return [pk for _, pk in sorted(self._run(sql, params))[:limit]]


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


@dataclass
class AgedParties:
    """One page of an aged balance: its third parties, how many owe in all and the buckets summed over all of
    them (cents summed in SQL, exact)."""

    rows: list[AgedRow]
    count: int
    totals: list[Decimal]


# ?tri= keys of the aged balance, in SQL over the rows per third party (`p`) and their auxiliary account (`a`).
AGED_ORDER = {
    "compte": "a.code",
    "tiers": 'a.label COLLATE "fr-x-icu"',
    "total": "p.total",
    **{f"age{i}": f"p.b{i}" for i in range(len(AGE_BUCKETS))},
}


def _aged_bucket_sql(as_of: dt.date, payment_days: int, expected: str, has_due: str, day) -> tuple[str, list]:
    """The AGE_BUCKETS index of a row as an SQL CASE: its due date is `expected` where `has_due` holds, else
    `expected` plus `payment_days` — compared with bounds shifted in Python, so no date arithmetic in SQL."""
    params: list = []

    def on_or_after(bound: dt.date, strict: bool = False) -> str:
        op = ">" if strict else ">="
        params.extend([day(bound), day(bound - dt.timedelta(days=payment_days))])
        return f"(CASE WHEN {has_due} THEN {expected} {op} %s ELSE {expected} {op} %s END)"

    whens = [f"WHEN {on_or_after(as_of, strict=True)} THEN 0"]
    for i, (_label, _low, high) in enumerate(AGE_BUCKETS):
        if i and high:
            whens.append(f"WHEN {on_or_after(as_of - dt.timedelta(days=high))} THEN {i}")
    return f"CASE {' '.join(whens)} ELSE {len(AGE_BUCKETS) - 1} END", params


def _straddling_matchings(as_of: dt.date, accounts: list[int], day) -> tuple[str, list]:
    """The ids of the full matchings of `accounts` whose earliest line is dated by `as_of` and that were lettered
    after it (their lines dated by then were open at that date), as SQL. Each is found in the range of its span
    class (`Matching.span_class`): lettered less than 2**k days after its first line, that line is dated after
    `as_of` − 2**k; one range of the index (account, span_class, opened_on, …) per account and class, of which at
    least half straddles the date — what is read follows what was open then, not the matchings made since."""
    from pilote.ledger.lettering import SPAN_CLASSES

    since = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    classes, params = [], []
    for k in range(1, SPAN_CLASSES + 1):  # class 0: lettered the day of its first line, never straddles a date
        low = as_of - dt.timedelta(days=2**k) if k < SPAN_CLASSES and as_of.toordinal() > 2**k else dt.date.min
        classes.append("SELECT %s AS k, %s AS low")
        params += [k, day(low)]
    marks = ", ".join(["%s"] * len(accounts))
    condition = (
        f"m.span_class = c.k AND m.opened_on > c.low AND m.opened_on <= %s AND m.account_id IN ({marks}) "
        "AND m.is_partial = %s AND m.created_at >= %s"
    )
    if connection.vendor == "postgresql":
        # One range of the index per class, each a subquery of its own (OFFSET 0: not flattened into a join). As a
        # join, PostgreSQL's serial plan (`_serial_fetch`) guessed from the year's statistics that many matchings
        # were made since the date and read the 2.5 million of the 10M-line bench ledger (372 ms) for none.
        sql = (
            f"SELECT s.id FROM ({' UNION ALL '.join(classes)}) c CROSS JOIN LATERAL "  # noqa: S608
            f"(SELECT m.id FROM ledger_matching m WHERE {condition} OFFSET 0) s"
        )
    else:  # SQLite has no LATERAL; it walks the index per class from the join (no statistics to mislead it)
        sql = f"SELECT m.id FROM ({' UNION ALL '.join(classes)}) c JOIN ledger_matching m ON {condition}"  # noqa: S608
    return sql, [*params, day(as_of), *accounts, False, connection.ops.adapt_datetimefield_value(since)]


def _oldest_edge(as_of: dt.date, payment_days: int) -> dt.date:
    """The expected date before which an open item is surely in the oldest bucket at `as_of`: more than the last
    bucket's bound (90 days) late, even when it is expected at its date and due `payment_days` after it. Items
    expected from this day on are bucketed by `_aged_bucket_sql`, which may still put some in the oldest bucket."""
    last = max(high for _label, _low, high in AGE_BUCKETS if high is not None)
    return as_of - dt.timedelta(days=last + max(payment_days, 0))


def aged_parties(
    control_prefix: str,
    as_of: dt.date,
    *,
    order: str = "compte",
    limit: int | None = None,
    offset: int = 0,
    payment_days: int = 30,
    from_items: bool = False,
) -> AgedParties:
    """Open items of customers (411) or suppliers (401) by age at `as_of`: the due date when known, else the
    entry date plus `payment_days`; the lines of a partial matching aged together at the group's date (what is
    left of the invoice, not its instalment). Receivables are positive for customers, payables for suppliers.

    One SQL statement over the open-items aggregates kept at posting and lettering, reading only what can fall in
    a bucket other than the oldest: each third party's open total (`OpenItemPartyTotal`, one row per open year)
    goes to the oldest bucket, and the items (`OpenItemParty`) expected from the oldest bucket's edge on
    (`_oldest_edge`: as_of − 120 days), read by the index on (account, expected), are moved from it to their
    bucket (a CASE on the expected date); items dated after `as_of` are taken off it instead — those expected
    from the edge on among the same rows, those expected before it (a due date before the entry's date) from the
    partial index of such items by (account, date). Older items are never read: what is read follows the last
    four months and what was dated since `as_of`, not the years of history. Summed in integer cents per third
    party and bucket first, then across the buckets; third parties whose items net to zero left out; sorted by
    `order` (an AGED_ORDER key, « - » for descending, ties by code) and cut to `limit` rows from `offset`; the
    count and the bucket totals over every third party by window functions. Python sees one row per third party
    of the page, never the open items. The aggregates are today's lettering: at a past date, the lines fully
    lettered after it were still open then, so they are added back from the matchings that straddle the date
    (`_straddling_matchings`; nothing to read for today).

    At today with 30 days of payment (the page's default), the rows kept per third party at a day (`aging`) are
    brought to today and read instead: one row per account and third party, whatever the activity. `from_items`:
    the full statement all the same (the tests and checks compare both)."""
    from pilote.ledger import aging
    from pilote.ledger.models import Account

    postgres = connection.vendor == "postgresql"

    def day(value: dt.date):
        return value if postgres else value.isoformat()

    sign = 1 if control_prefix.startswith("41") else -1
    # The accounts read first, so the plan does not guess how many rows a code prefix has (PostgreSQL guessed
    # 2 000 lines for 130 000 at 1M lines and scanned them all).
    accounts = list(Account.objects.filter(code__startswith=control_prefix).values_list("pk", flat=True))
    if not accounts:
        return AgedParties([], 0, [ZERO] * len(AGE_BUCKETS))
    n = len(AGE_BUCKETS)
    requested = order if order.lstrip("-") in AGED_ORDER else "compte"
    direction = " DESC" if requested.startswith("-") else ""
    sort = AGED_ORDER[requested.lstrip("-")]
    if not from_items and payment_days == aging.PAYMENT_DAYS and as_of == timezone.localdate():
        aging.bring_to(as_of)
        sql, params = aging.page_sql(accounts, f"{sort}{direction}", limit=limit, offset=offset)
        with connection.cursor() as cursor:  # one row per account and third party: no plan to steer
            cursor.execute(sql, params)
            found = cursor.fetchall()
        return _aged_page(found, sign, n)
    oldest = n - 1
    marks = ", ".join(["%s"] * len(accounts))
    # A closed year's open items are carried in the next year's à-nouveaux: open years only. The items: « + 0 »,
    # so neither the year nor the party picks another index than those on the dates (SQLite, without statistics,
    # would take the unique index whose first columns the year and account fill).
    open_years = "SELECT id FROM ledger_fiscalyear WHERE status = 'open'"
    parties = f"o.account_id IN ({marks}) AND o.aux_key > 0 AND o.fiscal_year_id IN ({open_years})"
    mine = f"o.account_id IN ({marks}) AND o.aux_key + 0 > 0 AND o.fiscal_year_id + 0 IN ({open_years})"
    edge = _oldest_edge(as_of, payment_days)
    bucket, bucket_params = _aged_bucket_sql(as_of, payment_days, "o.expected", "o.has_due_date", day)
    # Codes of the rows: 0…4 added to that bucket; 10 + k moved from the oldest bucket to bucket k; AFTER taken off
    # the oldest bucket (dated after as_of: not open then).
    moved, after = 10, 20
    parts = [
        f"SELECT o.aux_key AS aux, {oldest} AS bucket, o.debit - o.credit AS amount "  # noqa: S608
        f"FROM ledger_openitempartytotal o WHERE {parties}",
        f"SELECT o.aux_key, CASE WHEN o.date > %s THEN {after} ELSE {moved} + {bucket} END, o.debit - o.credit "  # noqa: S608
        f"FROM ledger_openitemparty o WHERE {mine} AND o.expected >= %s",
        # Expected before the edge yet dated after as_of: a due date before the entry's date (partial index).
        f"SELECT o.aux_key, {after}, o.debit - o.credit FROM ledger_openitemparty o "  # noqa: S608
        f"WHERE {mine} AND o.expected < o.date AND o.date > %s AND o.expected < %s",
    ]
    params = [*accounts, day(as_of), *bucket_params, *accounts, day(edge), *accounts, day(as_of), day(edge)]
    if as_of < timezone.localdate():
        straddling, straddling_params = _straddling_matchings(as_of, accounts, day)
        bucket, bucket_params = _aged_bucket_sql(
            as_of, payment_days, "COALESCE(l.due_date, l.date)", "l.due_date IS NOT NULL", day
        )
        parts.append(
            f"SELECT l.auxiliary_id, {bucket}, l.debit - l.credit FROM ({straddling}) m "  # noqa: S608
            "JOIN ledger_matchedline ml ON ml.matching_id = m.id JOIN ledger_entryline l ON l.id = ml.line_id "
            f"WHERE l.date <= %s AND l.auxiliary_id IS NOT NULL AND l.fiscal_year_id IN ({open_years})"
        )
        params += [*bucket_params, *straddling_params, day(as_of)]
    # Sums cast back to BIGINT at each level: PostgreSQL's SUM of a BIGINT is a NUMERIC, and summing NUMERICs again
    # (five buckets and the total per party, then over the parties) was a third of the statement's time.
    taken = ", ".join(str(code) for code in [*range(moved, moved + oldest), after])
    sums = ", ".join(
        f"CAST(SUM(CASE WHEN bucket IN ({i}, {moved + i}) THEN amount ELSE 0 END) AS BIGINT) AS b{i}"
        for i in range(oldest)
    )
    sums += f", CAST(SUM(CASE WHEN bucket = {oldest} THEN amount WHEN bucket IN ({taken}) THEN -amount ELSE 0 END)"
    sums += f" AS BIGINT) AS b{oldest}"
    total = f"CAST(SUM(CASE WHEN bucket < {moved} THEN amount WHEN bucket = {after} THEN -amount ELSE 0 END) AS BIGINT)"
    per_party = (
        f"SELECT aux, {sums}, {total} AS total FROM ("  # noqa: S608
        f"SELECT aux, bucket, CAST(SUM(amount) AS BIGINT) AS amount FROM ({' UNION ALL '.join(parts)}) i "
        f"GROUP BY aux, bucket) g GROUP BY aux HAVING {total} <> 0"
    )
    sql, page_params = aged_page_sql(per_party, f"{sort}{direction}", limit=limit, offset=offset)
    return _aged_page(_serial_fetch(sql, [*params, *page_params]), sign, n)


def aged_page_sql(per_party: str, sort: str, *, limit: int | None, offset: int) -> tuple[str, list]:
    """The aged balance's page around `per_party` (rows of aux, b0…b4 and total in cents): the columns `_aged_page`
    reads — auxiliary id, code, label, the buckets, the count of parties and the bucket totals over all of them
    (window functions) —, sorted by `sort` then code; with its own parameters (the page's LIMIT and OFFSET)."""
    n = len(AGE_BUCKETS)
    buckets = ", ".join(f"p.b{i}" for i in range(n))
    windows = ", ".join(f"SUM(p.b{i}) OVER ()" for i in range(n))
    page = " LIMIT %s OFFSET %s" if limit is not None else ""
    sql = (
        f"SELECT p.aux, a.code, a.label, {buckets}, COUNT(*) OVER (), {windows} FROM ({per_party}) p "  # noqa: S608
        f"JOIN ledger_auxiliaryaccount a ON a.id = p.aux ORDER BY {sort}, a.code{page}"
    )
    return sql, [limit, offset] if limit is not None else []


def _aged_page(found: list[tuple], sign: int, n: int) -> AgedParties:
    """The page from the statement's rows (auxiliary id, code, label, n buckets, count, n totals; cents)."""
    if not found:
        return AgedParties([], 0, [ZERO] * n)
    rows = [AgedRow(row[1], row[2], [from_cents(sign * int(c)) for c in row[3 : 3 + n]], row[0]) for row in found]
    return AgedParties(rows, found[0][3 + n], [from_cents(sign * int(c)) for c in found[0][4 + n :]])


def _serial_fetch(sql: str, params: list) -> list[tuple]:
    """Every row of `sql`; on PostgreSQL outside a transaction (a page's request), planned without parallel workers
    (`SET LOCAL` in a transaction of its own): at a past date the aged balance's statement was planned in parallel,
    and starting the workers cost more than the few thousand rows it reads (1M lines: 36.6 ms, 22.0 ms serial).
    Inside a caller's transaction the setting would outlive the statement: left as it is."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        return cursor.fetchall()


def aged_balance(control_prefix: str, as_of, payment_days: int = 30) -> list[AgedRow]:
    """Every third party's row of the aged balance (`aged_parties`), by code: the export, the checks."""
    return aged_parties(control_prefix, as_of, payment_days=payment_days).rows


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
