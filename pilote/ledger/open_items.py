"""The open-items aggregates: customer and supplier lines not in a full matching, summed per fiscal year × account ×
auxiliary account × posting date × expected date and whether that date is a due date (`OpenItemParty`, read by the
aged balances), the same summed per fiscal year × account × third party whatever the dates (`OpenItemPartyTotal`:
the aged balances' oldest bucket is that total less the newer items), and summed over the third parties
(`OpenItemBalance`, a few rows a day, read by the cash plan). All three are kept by `apply` in the same transaction
as every change that moves them — posting (`services.post_entry`, `batch.post_many`), lettering and its undoing
(`lettering`), the lettering of a FEC take-over. A line's expected date is its due date, else its date; the lines of
a partial matching (an invoice and its instalment) are expected together at the earliest date among those on the
side of what is left, so the instalment already in the bank never comes back as a movement. `recompute()` rebuilds
them from the lines and matchings: the tests compare it with `stored()`, `verify_ledger` merges both sides
(`mismatches`)."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction

from pilote.ledger import aging

PREFIXES = ("401", "403", "404", "408", "411", "413", "416", "418")

# fiscal year, account, auxiliary (0 = none), date, expected date, whether the expected date is a due date
Key = tuple[int, int, int, dt.date, dt.date, bool]
COLUMNS = "fiscal_year_id, account_id, aux_key, date, expected, has_due_date"


def key(year: int, account: int, aux: int | None, day: dt.date, due: dt.date | None) -> Key:
    """A line's place in the aggregate: expected at its due date, else at its own date."""
    return (year, account, aux or 0, day, due or day, due is not None)


def is_open_item_account(code: str) -> bool:
    return code.startswith(PREFIXES)


def add(totals: dict, key: Key, debit: int, credit: int, sign: int = 1) -> None:
    bucket = totals.get(key)
    if bucket is None:
        totals[key] = [sign * debit, sign * credit, sign]
    else:
        bucket[0] += sign * debit
        bucket[1] += sign * credit
        bucket[2] += sign


# (table, its key columns, their PostgreSQL array types): per third party, and summed over them for the cash plan.
_PARTY = ("ledger_openitemparty", COLUMNS, ("bigint", "bigint", "bigint", "date", "date", "boolean"))
_TOTAL = ("ledger_openitembalance", "fiscal_year_id, account_id, date, expected", ("bigint", "bigint", "date", "date"))
# Each third party's open total per fiscal year and account, whatever the dates: the aged balances' oldest bucket.
_PARTY_TOTAL = ("ledger_openitempartytotal", "fiscal_year_id, account_id, aux_key", ("bigint", "bigint", "bigint"))


def _summed(parties: dict[Key, list[int]], key: Callable[[Key], tuple]) -> dict[tuple, list[int]]:
    """The per-party rows summed under `key` of each row's key (debit, credit, line count)."""
    sums: dict[tuple, list[int]] = {}
    for key_, values in parties.items():
        bucket = sums.setdefault(key(key_), [0, 0, 0])
        for i in range(3):
            bucket[i] += values[i]
    return sums


def totals_of(parties: dict[Key, list[int]]) -> dict[tuple, list[int]]:
    """The cash plan's rows (fiscal year, account, date, expected) from the per-party ones."""
    return _summed(parties, lambda k: (k[0], k[1], k[3], k[4]))


def party_totals_of(parties: dict[Key, list[int]]) -> dict[tuple, list[int]]:
    """Each third party's open total (fiscal year, account, auxiliary) from the per-party rows."""
    return _summed(parties, lambda k: k[:3])


def _upsert(cursor, table: tuple, rows: list[tuple]) -> None:
    name, columns, types = table
    if not rows:
        return
    update = (
        f"ON CONFLICT ({columns}) DO UPDATE SET debit = {name}.debit + excluded.debit, "
        f"credit = {name}.credit + excluded.credit, line_count = {name}.line_count + excluded.line_count"
    )
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{kind}[]" for kind in (*types, "bigint", "bigint", "integer"))
        cursor.execute(
            f"INSERT INTO {name} ({columns}, debit, credit, line_count) SELECT * FROM unnest({arrays}) {update}",  # noqa: S608
            [list(column) for column in zip(*rows, strict=True)],
        )
    else:
        adapt = connection.ops.adapt_datefield_value
        marks = ", ".join(["%s"] * (len(types) + 3))
        cursor.executemany(
            f"INSERT INTO {name} ({columns}, debit, credit, line_count) VALUES ({marks}) {update}",  # noqa: S608
            [tuple(adapt(v) if isinstance(v, dt.date) else v for v in row) for row in rows],
        )
    if any(value < 0 for row in rows for value in row[-3:]):
        cursor.execute(f"DELETE FROM {name} WHERE line_count = 0 AND debit = 0 AND credit = 0")  # noqa: S608


def apply(totals: dict[Key, list[int]], *, party_totals: bool = True) -> None:
    """Add the deltas (cents, line counts) to the stored rows of the three tables, and to the kept aged balances
    (`aging.record`); rows left at zero are removed. `party_totals=False`: neither `OpenItemPartyTotal` nor the aged
    balances (migration 0021 ran before they existed; 0036 and 0041 fill them)."""
    parties = {key_: values for key_, values in totals.items() if any(values)}
    if not parties:
        return
    with connection.cursor() as cursor:
        _upsert(cursor, _PARTY, [(*key_, *values) for key_, values in parties.items()])
        _upsert(cursor, _TOTAL, [(*key_, *values) for key_, values in totals_of(parties).items() if any(values)])
        if party_totals:
            rows = [(*key_, *values) for key_, values in party_totals_of(parties).items() if any(values)]
            _upsert(cursor, _PARTY_TOTAL, rows)
    if party_totals:  # the kept aged balances (`aging`, migration 0041) with them
        aging.record(parties)


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def contributions(rows: Iterable[tuple]) -> dict[Key, list[int]]:
    """What lines give to the aggregate: rows of (line id, fiscal year, account, auxiliary, date, due date, debit
    cents, credit cents, matching id or None, matching is partial). Fully matched lines give nothing; the lines
    of a partial matching go together to the group's date (every line of the matching must be in `rows`): the
    earliest expected date on the side of what is left, with its line's « is a due date »."""
    totals: dict[Key, list[int]] = {}
    groups: dict[int, list[tuple]] = defaultdict(list)
    for _id, year, account, aux, day, due, debit, credit, matching, partial in rows:
        item = key(year, account, aux, _as_date(day), _as_date(due) if due else None)
        if matching is None:
            add(totals, item, debit, credit)
        elif partial:
            groups[matching].append((item, debit, credit))
    for group in groups.values():
        left = sum(d - c for _k, d, c in group)
        side = [k[4:] for k, d, c in group if (d - c > 0) == (left > 0) and d != c]
        expected, has_due = min(side) if side else min(k[4:] for k, _d, _c in group)
        for (year, account, aux, day, _e, _h), debit, credit in group:
            add(totals, (year, account, aux, day, expected, has_due), debit, credit)
    return totals


_LINES_SQL = (
    "SELECT l.id, l.fiscal_year_id, l.account_id, l.auxiliary_id, l.date, l.due_date, l.debit, l.credit, m.id, "
    "m.is_partial "
    "FROM ledger_entryline l LEFT JOIN ledger_matchedline ml ON ml.line_id = l.id "
    "LEFT JOIN ledger_matching m ON m.id = ml.matching_id "
)


def _open_item_accounts() -> str:
    return " OR ".join(f"a.code LIKE '{prefix}%%'" for prefix in PREFIXES)


def read(line_ids: Iterable[int]) -> list[tuple]:
    """The rows `contributions` needs for these lines and every line sharing a partial matching with them — lines of
    open-item accounts only: lettering an employee's 421 or a bank's lines moves nothing here."""
    ids = sorted(set(line_ids))
    found: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 2000):
            part = ids[start : start + 2000]
            marks = ", ".join(["%s"] * len(part))
            # Two selections united, not one OR across the joined tables: with the OR the database read every
            # line of the open-item accounts (480 ms a lettering on a million lines, 4 of them per payment).
            where = f"JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s AND ({_open_item_accounts()})"
            cursor.execute(
                f"{_LINES_SQL} {where} AND l.id IN ({marks}) UNION "  # noqa: S608
                f"{_LINES_SQL} {where} AND ml.matching_id IN "
                f"(SELECT matching_id FROM ledger_matchedline WHERE line_id IN ({marks}))",
                [True, *part, True, *part],
            )
            for row in cursor.fetchall():
                found[row[0]] = row
    return list(found.values())


class Change:
    """Around a lettering change: `Change(ids)` reads what the lines gave, `done()` reads again after the
    change and applies the difference."""

    def __init__(self, line_ids: Iterable[int]):
        self.ids = set(line_ids)
        rows = read(self.ids)
        self.ids |= {row[0] for row in rows}
        self.before = contributions(rows)

    def done(self) -> None:
        totals = {key: list(values) for key, values in contributions(read(self.ids)).items()}
        for key, (debit, credit, count) in self.before.items():
            bucket = totals.setdefault(key, [0, 0, 0])
            bucket[0] -= debit
            bucket[1] -= credit
            bucket[2] -= count
        apply(totals)


def recompute() -> dict[tuple, tuple[int, int, int]]:
    """The three tables rebuilt from the posted lines of the open-item accounts and their matchings, as `stored()`
    gives them (the cash plan's rows keyed ("total", year, account, date, expected), the parties' totals
    ("party", year, account, aux)). Fully matched lines are left out in SQL and the rest is streamed: memory
    follows the open items, not the books."""
    totals: dict[Key, list[int]] = {}
    partial: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_LINES_SQL} JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s "  # noqa: S608
            f"AND ({_open_item_accounts()}) AND (m.id IS NULL OR m.is_partial = %s)",
            [True, True],
        )
        while rows := cursor.fetchmany(5000):
            for row in rows:
                if row[8] is None:  # not lettered: its own place
                    _id, year, account, aux, day, due, debit, credit, _m, _p = row
                    add(totals, key(year, account, aux, _as_date(day), _as_date(due) if due else None), debit, credit)
                else:  # partial matchings are grouped by `contributions`
                    partial.append(row)
    for item, (debit, credit, count) in contributions(partial).items():
        add(totals, item, debit, credit)
        totals[item][2] += count - 1
    parties = {k: (d, c, n) for k, (d, c, n) in totals.items() if d or c or n}
    summed = {("total", *k): tuple(v) for k, v in totals_of(totals).items() if any(v)}
    per_party = {("party", *k): tuple(v) for k, v in party_totals_of(totals).items() if any(v)}
    return {**parties, **summed, **per_party}


_OPEN_SQL = (  # the lines of no matching, summed per key in SQL: one row per aggregate row, never per line
    "SELECT l.fiscal_year_id, l.account_id, COALESCE(l.auxiliary_id, 0), l.date, COALESCE(l.due_date, l.date), "
    "CASE WHEN l.due_date IS NULL THEN 0 ELSE 1 END, SUM(l.debit), SUM(l.credit), COUNT(*) "
    "FROM ledger_entryline l JOIN ledger_account a ON a.id = l.account_id "
    "LEFT JOIN ledger_matchedline ml ON ml.line_id = l.id "
    "WHERE l.fiscal_year_id = %s AND l.is_posted = %s AND ml.id IS NULL AND ({accounts}) "
    "GROUP BY 1, 2, 3, 4, 5, 6"
)


def _partial_groups() -> dict[Key, list[int]]:
    """What the lines of the partial matchings give (few: an invoice and its instalments), read once for all years."""
    partial: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_LINES_SQL} JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s "  # noqa: S608
            f"AND ({_open_item_accounts()}) AND m.is_partial = %s",
            [True, True],
        )
        while rows := cursor.fetchmany(5000):
            partial.extend(rows)
    return contributions(partial)


def _rows(sql: str, params: list) -> Iterator[tuple]:
    """Rows as they come: a server-side cursor on PostgreSQL (a plain one would receive the whole result first)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def mismatches(years: Iterable[int] | None = None) -> Iterator[tuple]:
    """The keys whose stored row (`stored()`) differs from its recomputation from the lines and matchings
    (`recompute()`), one fiscal year at a time, found without holding either side: the lines of no matching summed
    per key in SQL and read in key order beside the stored rows in the same order (and the partial matchings'
    groups, read once), merged as they come — memory follows neither the lines nor a year's third parties (the
    year's two dicts were 27 MB at 1M lines). The cash plan's rows (a few a day, over the third parties) are
    summed on the way and compared per year; each third party's total (`OpenItemPartyTotal`) is summed from the
    recomputed rows as they come (in key order, so party after party) and compared with the stored totals read in
    the same order."""
    from pilote.ledger.models import FiscalYear

    grouped = _partial_groups()
    if years is None:
        years = list(FiscalYear.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():  # the server-side cursors of PostgreSQL in one transaction: no WITH HOLD copy
        for year in years:
            yield from _year_mismatches(year, grouped)


def _year_mismatches(year: int, grouped: dict[Key, list[int]]) -> Iterator[tuple]:
    recomputed = (
        ((year, account, aux, _as_date(day), _as_date(expected), bool(due)), 1, debit, credit, count)
        for _y, account, aux, day, expected, due, debit, credit, count in _rows(
            _OPEN_SQL.format(accounts=_open_item_accounts()) + " ORDER BY 1, 2, 3, 4, 5, 6", [year, True]
        )
    )
    partial = sorted((item, 1, d, c, n) for item, (d, c, n) in grouped.items() if item[0] == year)
    stored_rows = (
        ((year, account, aux, _as_date(day), _as_date(expected), bool(due)), -1, debit, credit, count)
        for account, aux, day, expected, due, debit, credit, count in _rows(
            f"SELECT account_id, aux_key, date, expected, has_due_date, debit, credit, line_count "  # noqa: S608
            f"FROM {_PARTY[0]} WHERE fiscal_year_id = %s ORDER BY account_id, aux_key, date, expected, "
            "has_due_date",
            [year],
        )
    )
    party_totals = _PartyTotals(
        year,
        _rows(
            f"SELECT account_id, aux_key, debit, credit, line_count FROM {_PARTY_TOTAL[0]} "  # noqa: S608
            "WHERE fiscal_year_id = %s ORDER BY account_id, aux_key",
            [year],
        ),
    )
    totals: dict[tuple, list[int]] = {}
    merged = heapq.merge(recomputed, partial, stored_rows, key=lambda row: row[0])
    for item, rows in itertools.groupby(merged, key=lambda row: row[0]):
        net = [0, 0, 0]
        for _key, sign, debit, credit, count in rows:  # sign: 1 recomputed, -1 stored
            net[0] += sign * debit
            net[1] += sign * credit
            net[2] += sign * count
            if sign == 1:  # the recomputed rows summed over the third parties: the cash plan's
                add(totals, (year, item[1], item[3], item[4]), debit, credit)
                totals[(year, item[1], item[3], item[4])][2] += count - 1
                yield from party_totals.add((item[1], item[2]), debit, credit, count)
        if any(net):
            yield item
    yield from party_totals.done()
    for _year, account, day, expected, debit, credit, count in _rows(
        f"SELECT fiscal_year_id, account_id, date, expected, debit, credit, line_count FROM {_TOTAL[0]} "  # noqa: S608
        "WHERE fiscal_year_id = %s",
        [year],
    ):
        bucket = totals.setdefault((year, account, _as_date(day), _as_date(expected)), [0, 0, 0])
        bucket[0] -= debit
        bucket[1] -= credit
        bucket[2] -= count
    yield from sorted(("total", *item) for item, net in totals.items() if any(net))


class _PartyTotals:
    """Each third party's total of a year recomputed from the rows given in key order (`add`, party after party),
    compared with the stored totals (`OpenItemPartyTotal`) read in the same order as it goes: the keys
    ("party", year, account, aux) that differ, holding one party's sums and one stored row at a time."""

    def __init__(self, year: int, stored_rows: Iterator[tuple]):
        self.year, self.stored = year, stored_rows
        self.head = next(self.stored, None)  # (account, aux, debit, credit, count), the next stored total
        self.party: tuple[int, int] | None = None
        self.sums = [0, 0, 0]

    def add(self, party: tuple[int, int], debit: int, credit: int, count: int) -> Iterator[tuple]:
        if party != self.party:
            yield from self._close()
            self.party, self.sums = party, [0, 0, 0]
        self.sums[0] += debit
        self.sums[1] += credit
        self.sums[2] += count

    def _close(self) -> Iterator[tuple]:
        """The stored totals before the party being closed (none recomputed: wrong unless zero), then the party."""
        if self.party is None:
            return
        while self.head is not None and tuple(self.head[:2]) < self.party:
            if any(self.head[2:]):
                yield ("party", self.year, *self.head[:2])
            self.head = next(self.stored, None)
        stored = [0, 0, 0]
        if self.head is not None and tuple(self.head[:2]) == self.party:
            stored = list(self.head[2:])
            self.head = next(self.stored, None)
        if stored != self.sums:
            yield ("party", self.year, *self.party)

    def done(self) -> Iterator[tuple]:
        yield from self._close()
        self.party = None
        while self.head is not None:
            if any(self.head[2:]):
                yield ("party", self.year, *self.head[:2])
            self.head = next(self.stored, None)


def stored(**filters) -> dict[Key, tuple[int, int, int]]:
    """The three tables as stored: the per-party rows, the cash plan's rows, the parties' totals — `recompute()`
    gives the same."""
    from pilote.ledger.models import OpenItemBalance, OpenItemParty, OpenItemPartyTotal
    from pilote.lib.money import to_cents

    parties = OpenItemParty.objects.filter(**filters).values_list(
        "fiscal_year_id", "account_id", "aux_key", "date", "expected", "has_due_date", "debit", "credit", "line_count"
    )
    totals = OpenItemBalance.objects.filter(**filters).values_list(
        "fiscal_year_id", "account_id", "date", "expected", "debit", "credit", "line_count"
    )
    per_party = OpenItemPartyTotal.objects.filter(**filters).values_list(
        "fiscal_year_id", "account_id", "aux_key", "debit", "credit", "line_count"
    )
    return {
        **{tuple(row[:6]): (to_cents(row[6]), to_cents(row[7]), row[8]) for row in parties if any(row[6:])},
        **{("total", *row[:4]): (to_cents(row[4]), to_cents(row[5]), row[6]) for row in totals if any(row[4:])},
        **{("party", *row[:3]): (to_cents(row[3]), to_cents(row[4]), row[5]) for row in per_party if any(row[3:])},
    }


def rebuild(*, party_totals: bool = True) -> None:
    """Empty and refill the tables from the lines (the migration that creates them; a repair). `party_totals=False`:
    `OpenItemPartyTotal` left alone (migration 0021, before it existed)."""
    parties = {key_: list(values) for key_, values in recompute().items() if key_[0] not in ("total", "party")}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_openitemparty")
        cursor.execute("DELETE FROM ledger_openitembalance")
        if party_totals:
            cursor.execute(f"DELETE FROM {_PARTY_TOTAL[0]}")  # noqa: S608 - a constant of this module
    apply(parties, party_totals=party_totals)
    if party_totals:
        aging.rebuild()
