"""The aged balances kept at a day (`OpenItemAging`, `OpenItemAgingDay`): each third party's open items of the open
fiscal years summed per bucket at the day D of the state row, with 30 days of payment — what the aged balance's full
statement (`queries.aged_parties`) gives per third party at D. The page at today (its default) reads these rows, one
per third party, instead of the open items of the last four months and after, which grow with the activity.

- `record`, called by `open_items.apply` in the transaction of every change of the open items (posting, lettering,
  undo, FEC take-over): each delta of an open year dated by D goes to its bucket at D; one dated after D waits for
  the roll-over, which finds it by its date.
- `bring_to(day)`: under the lock of the state row, the change of buckets from D to `day`: the items whose expected
  date lies in a range one of the four bucket edges swept (both rules: due date, or date + 30 days), read through
  the index (account, expected, …), and the items dated in (D, day] through (account, date, …) — a one-day roll-over
  reads a few days of items. A gap over `WINDOW` days, a day before D or no D: rebuilt (`rebuild`), as after a
  closing (`closing.close_year`) and the open items' repair (`open_items.rebuild`).
- `mismatch`: `verify_ledger` compares the rows with their recomputation at D from `OpenItemParty`.

Locking: the roll-over takes the state row for update, every `record` for share (PostgreSQL), so a change of the
open items is either in the roll-over's reads (committed before) or recorded at the new day (after); SQLite has one
writer at a time (IMMEDIATE transactions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from pilote.core import jobs
from pilote.ledger.queries import AGE_BUCKETS
from pilote.lib.dates import local_today

PAYMENT_DAYS = 30  # the page's terms of payment: the only ones kept
WINDOW = 120  # a roll-over over more days than the oldest bucket's edge reads about as much as a rebuild
BUCKETS = len(AGE_BUCKETS)  # not due, 0 to 30 days late, 31 to 60, 61 to 90, more than 90
# Days late at which an item leaves bucket 0, 1, 2, 3 (after the first: on the day after): the buckets' upper bounds.
EDGES = tuple(high for _label, _low, high in AGE_BUCKETS if high is not None)
STATE = "ledger_openitemagingday"
ROWS = "ledger_openitemaging"
_B = ", ".join(f"b{i}" for i in range(BUCKETS))


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _day(value: dt.date):
    return value if connection.vendor == "postgresql" else value.isoformat()


def bucket_of(day: dt.date, expected: dt.date, has_due: bool) -> int:
    """The AGE_BUCKETS index of an item at `day`, as `queries._aged_bucket_sql` gives it with 30 days of payment."""
    due = expected if has_due else expected + dt.timedelta(days=PAYMENT_DAYS)
    if due > day:
        return 0
    late = (day - due).days
    return next((i for i, edge in enumerate(EDGES[1:], start=1) if late <= edge), BUCKETS - 1)


def _open_years() -> str:
    return "SELECT id FROM ledger_fiscalyear WHERE status = 'open'"


def _accounts(cursor) -> list[int]:
    from pilote.ledger.open_items import PREFIXES

    cursor.execute(
        "SELECT id FROM ledger_account WHERE " + " OR ".join(f"code LIKE '{prefix}%%'" for prefix in PREFIXES)  # noqa: S608
    )
    return [row[0] for row in cursor.fetchall()]


def create_state(apps=None, schema_editor=None) -> None:
    """The state row (id 1), empty (nothing kept) when missing: migration 0041 and `conftest.SEEDS` after a flush.
    It must exist before any writer, whose lock on it orders them with a roll-over."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {STATE} (id, day) VALUES (1, NULL) ON CONFLICT (id) DO NOTHING")  # noqa: S608


def state_day() -> dt.date | None:
    """The day the rows are at, None when they are not kept."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT day FROM {STATE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return _as_date(row[0]) if row and row[0] else None


def _upsert(cursor, deltas: dict[tuple[int, int], list[int]]) -> None:
    rows = [(*key, *values) for key, values in sorted(deltas.items()) if any(values)]  # one order: no deadlock
    if not rows:
        return
    update = ", ".join(f"b{i} = {ROWS}.b{i} + excluded.b{i}" for i in range(BUCKETS))
    conflict = f"ON CONFLICT (account_id, aux_key) DO UPDATE SET {update}"
    if connection.vendor == "postgresql":
        arrays = ", ".join(["%s::bigint[]"] * (2 + BUCKETS))
        cursor.execute(
            f"INSERT INTO {ROWS} (account_id, aux_key, {_B}) SELECT * FROM unnest({arrays}) {conflict}",  # noqa: S608
            [list(column) for column in zip(*rows, strict=True)],
        )
    else:
        marks = ", ".join(["%s"] * (2 + BUCKETS))
        cursor.executemany(f"INSERT INTO {ROWS} (account_id, aux_key, {_B}) VALUES ({marks}) {conflict}", rows)  # noqa: S608


def record(parties: dict[tuple, list[int]]) -> None:
    """Add the open items' deltas (`open_items.Key` → debit, credit, count in cents) to the kept rows: those of an
    open year and a third party dated by the state's day, each in its bucket at that day. Nothing when the rows are
    not kept (rebuilt by the next reader). Takes the state row for share: a roll-over waits for this transaction."""
    keyed = {key: values for key, values in parties.items() if key[2] and (values[0] or values[1])}
    if not keyed:
        return
    years = sorted({key[0] for key in keyed})
    marks = ", ".join(["%s"] * len(years))
    lock = " FOR SHARE OF s" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.day, f.id FROM {STATE} s LEFT JOIN ledger_fiscalyear f ON f.id IN ({marks}) "  # noqa: S608
            f"AND f.status = 'open' WHERE s.id = 1{lock}",
            years,
        )
        found = cursor.fetchall()
        if not found or not found[0][0]:
            return
        day = _as_date(found[0][0])
        open_years = {row[1] for row in found if row[1] is not None}
        deltas: dict[tuple[int, int], list[int]] = {}
        for (year, account, aux, date, expected, has_due), (debit, credit, _count) in keyed.items():
            if year in open_years and date <= day:
                deltas.setdefault((account, aux), [0] * BUCKETS)[bucket_of(day, expected, has_due)] += debit - credit
        _upsert(cursor, deltas)


def _lock(cursor) -> dt.date | None:
    """The state row taken for update (created first if missing): its day."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT day FROM {STATE} WHERE id = 1{lock}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:  # never seeded (a database emptied by hand): created, then taken
        create_state()
        cursor.execute(f"SELECT day FROM {STATE} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    return _as_date(row[0]) if row and row[0] else None


def bring_to(day: dt.date) -> None:
    """The rows brought to `day` (the page's today) if they are at another day: the change of buckets since, under
    the lock of the state row (a second reader waits, then finds them brought); rebuilt beyond `WINDOW` days, before
    their day, or when not kept."""
    if state_day() == day:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        current = _lock(cursor)
        if current == day:
            return
        if current is None or day < current or (day - current).days > WINDOW:
            _fill(cursor, day)
        else:
            _roll(cursor, current, day)
        cursor.execute(f"UPDATE {STATE} SET day = %s WHERE id = 1", [_day(day)])  # noqa: S608


def rebuild(day: dt.date | None = None) -> None:
    """The rows recomputed from the open items at `day` (today by default), under the state row's lock: migration
    0041, a fiscal year's closing (its items leave the open years), the open items' repair, a roll-over too long."""
    day = day or local_today()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        _fill(cursor, day)
        cursor.execute(f"UPDATE {STATE} SET day = %s WHERE id = 1", [_day(day)])  # noqa: S608


def recomputed_sql(day: dt.date) -> tuple[str, list]:
    """(account_id, aux_key, b0…b4) per third party at `day` from the open items, as SQL: the full statement's
    sums per party and bucket (open years, auxiliary accounts, dated by `day`)."""
    from pilote.ledger.queries import _aged_bucket_sql

    bucket, params = _aged_bucket_sql(day, PAYMENT_DAYS, "o.expected", "o.has_due_date", _day)
    sums = ", ".join(
        f"CAST(SUM(CASE WHEN bucket = {i} THEN amount ELSE 0 END) AS BIGINT) AS b{i}" for i in range(BUCKETS)
    )
    sql = (
        f"SELECT account_id, aux_key, {sums} FROM (SELECT o.account_id, o.aux_key, {bucket} AS bucket, "  # noqa: S608
        f"o.debit - o.credit AS amount FROM ledger_openitemparty o WHERE o.aux_key > 0 AND o.date <= %s "
        f"AND o.fiscal_year_id IN ({_open_years()})) i GROUP BY account_id, aux_key"
    )
    return sql, [*params, _day(day)]


def _fill(cursor, day: dt.date) -> None:
    sql, params = recomputed_sql(day)
    having = " OR ".join(f"b{i} <> 0" for i in range(BUCKETS))
    cursor.execute(f"DELETE FROM {ROWS}")  # noqa: S608
    cursor.execute(f"INSERT INTO {ROWS} (account_id, aux_key, {_B}) SELECT * FROM ({sql}) r WHERE {having}", params)  # noqa: S608


def swept(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The ranges of expected dates (inclusive, merged) of the items whose bucket may differ between `start` and
    `end` (after it): an edge at `e` days late moved over their due date — due in (start − e, end − e] for the first
    (not due → late), in [start − e, end − e) for the others (strictly more than e days late) —, the due date being
    the expected date, or 30 days after it."""
    ranges = []
    for shift in (0, PAYMENT_DAYS):  # has a due date; expected at its date, due 30 days later
        for edge in EDGES:
            low, high = start - dt.timedelta(days=edge + shift), end - dt.timedelta(days=edge + shift)
            if edge == 0:
                ranges.append((low + dt.timedelta(days=1), high))
            else:
                ranges.append((low, high - dt.timedelta(days=1)))
    merged: list[list[dt.date]] = []
    for low, high in sorted(r for r in ranges if r[0] <= r[1]):
        if merged and low <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _roll(cursor, start: dt.date, end: dt.date) -> None:
    """The rows moved from `start` to `end`: the items dated by `start` whose bucket changed, and the items dated in
    (start, end], read from the two indexes of the open items by account."""
    accounts = _accounts(cursor)
    if not accounts:
        return
    marks = ", ".join(["%s"] * len(accounts))
    # « + 0 »: the year and the party pick no other index than those on the dates (SQLite has no statistics).
    mine = f"o.account_id IN ({marks}) AND o.aux_key + 0 > 0 AND o.fiscal_year_id + 0 IN ({_open_years()})"
    columns = "o.account_id, o.aux_key, o.date, o.expected, o.has_due_date, o.debit - o.credit"
    parts, params = [], []
    for low, high in swept(start, end):
        parts.append(f"SELECT 0, {columns} FROM ledger_openitemparty o WHERE {mine} AND o.expected >= %s "  # noqa: S608
                     "AND o.expected <= %s AND o.date <= %s")  # fmt: skip
        params += [*accounts, _day(low), _day(high), _day(start)]
    parts.append(f"SELECT 1, {columns} FROM ledger_openitemparty o WHERE {mine} AND o.date > %s AND o.date <= %s")  # noqa: S608
    params += [*accounts, _day(start), _day(end)]
    cursor.execute(" UNION ALL ".join(parts), params)
    deltas: dict[tuple[int, int], list[int]] = {}
    for later, account, aux, _date, expected, has_due, amount in _fetched(cursor):
        expected, has_due = _as_date(expected), bool(has_due)
        now = bucket_of(end, expected, has_due)
        then = None if later else bucket_of(start, expected, has_due)
        if now == then:
            continue
        row = deltas.setdefault((account, aux), [0] * BUCKETS)
        row[now] += amount
        if then is not None:
            row[then] -= amount
    _upsert(cursor, deltas)


def _fetched(cursor) -> Iterable[tuple]:
    while rows := cursor.fetchmany(5000):
        yield from rows


def mismatch() -> bool:
    """Whether a kept row differs from its recomputation at the state's day from the open items (`verify_ledger`):
    both sides summed per third party in the database, the first that does not net to zero is enough."""
    day = state_day()
    if day is None:
        return False
    sql, params = recomputed_sql(day)
    sums = ", ".join(f"SUM(b{i})" for i in range(BUCKETS))
    having = " OR ".join(f"SUM(b{i}) <> 0" for i in range(BUCKETS))
    negated = ", ".join(f"-b{i}" for i in range(BUCKETS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, aux_key, {sums} FROM ({sql} UNION ALL SELECT account_id, aux_key, {negated} "  # noqa: S608
            f"FROM {ROWS}) d GROUP BY account_id, aux_key HAVING {having} LIMIT 1",
            params,
        )
        return cursor.fetchone() is not None


def page_sql(accounts: list[int], sort: str, *, limit: int | None, offset: int) -> tuple[str, list]:
    """The aged balance at the rows' day: the full statement's page (`queries.aged_page_sql`) around one kept row per
    account and third party, summed per third party."""
    from pilote.ledger.queries import aged_page_sql

    marks = ", ".join(["%s"] * len(accounts))
    sums = ", ".join(f"CAST(SUM(b{i}) AS BIGINT) AS b{i}" for i in range(BUCKETS))
    total = " + ".join(f"b{i}" for i in range(BUCKETS))
    per_party = (
        f"SELECT aux_key AS aux, {sums}, CAST(SUM({total}) AS BIGINT) AS total FROM {ROWS} "  # noqa: S608
        f"WHERE account_id IN ({marks}) GROUP BY aux_key HAVING SUM({total}) <> 0"
    )
    sql, page_params = aged_page_sql(per_party, sort, limit=limit, offset=offset)
    return sql, [*accounts, *page_params]


@jobs.work
def nightly(job, progress) -> str:
    """The scheduled work: the rows brought to today at night, so the day's first reader does not pay."""
    today = local_today()
    bring_to(today)
    return f"Balance âgée des tiers portée au {today:%d/%m/%Y}."
