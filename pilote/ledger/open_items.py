"""The open-items aggregate (`OpenItemBalance`): customer and supplier lines not in a full matching, summed per
fiscal year × account × posting date × expected date, kept in the same transaction as every change that moves
them — posting (`services.post_entry`, `batch.post_many`), lettering and its undoing (`lettering`), the lettering
of a FEC take-over. A line's expected date is its due date, else its date; the lines of a partial matching (an
invoice and its instalment) are expected together at the earliest date among those on the side of what is left,
so the instalment already in the bank never comes back as a movement. `recompute()` rebuilds it from the lines
and matchings: `verify_ledger` and the tests compare it with `stored()`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

PREFIXES = ("401", "403", "404", "408", "411", "413", "416", "418")

Key = tuple[int, int, dt.date, dt.date]  # fiscal year, account, date, expected


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


def apply(totals: dict[Key, list[int]]) -> None:
    """Add the deltas (cents, line counts) to the stored rows; rows left at zero are removed."""
    rows = [(*key, *values) for key, values in totals.items() if any(values)]
    if not rows:
        return
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*rows, strict=True))
            cursor.execute(
                "INSERT INTO ledger_openitembalance (fiscal_year_id, account_id, date, expected, debit, credit, "
                "line_count) SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[], %s::bigint[], "
                "%s::bigint[], %s::integer[]) ON CONFLICT (fiscal_year_id, account_id, date, expected) DO UPDATE SET "
                "debit = ledger_openitembalance.debit + excluded.debit, "
                "credit = ledger_openitembalance.credit + excluded.credit, "
                "line_count = ledger_openitembalance.line_count + excluded.line_count",
                [list(column) for column in columns],
            )
        else:
            cursor.executemany(
                "INSERT INTO ledger_openitembalance (fiscal_year_id, account_id, date, expected, debit, credit, "
                "line_count) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (fiscal_year_id, account_id, date, expected) DO UPDATE SET "
                "debit = ledger_openitembalance.debit + excluded.debit, "
                "credit = ledger_openitembalance.credit + excluded.credit, "
                "line_count = ledger_openitembalance.line_count + excluded.line_count",
                [(y, a, adapt(d), adapt(e), db, cr, n) for y, a, d, e, db, cr, n in rows],
            )
        if any(value < 0 for row in rows for value in row[4:]):
            cursor.execute("DELETE FROM ledger_openitembalance WHERE line_count = 0 AND debit = 0 AND credit = 0")


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def contributions(rows: Iterable[tuple]) -> dict[Key, list[int]]:
    """What lines give to the aggregate: rows of (line id, fiscal year, account, date, due date, debit cents,
    credit cents, matching id or None, matching is partial). Fully matched lines give nothing; the lines of a
    partial matching go together to the group's date (every line of the matching must be in `rows`)."""
    totals: dict[Key, list[int]] = {}
    groups: dict[int, list[tuple]] = defaultdict(list)
    for _id, year, account, day, due, debit, credit, matching, partial in rows:
        day, due = _as_date(day), _as_date(due) if due else None
        if matching is None:
            add(totals, (year, account, day, due or day), debit, credit)
        elif partial:
            groups[matching].append((year, account, day, due or day, debit, credit))
    for group in groups.values():
        left = sum(d - c for *_rest, d, c in group)
        side = [expected for _y, _a, _d, expected, d, c in group if (d - c > 0) == (left > 0) and d != c]
        expected = min(side) if side else min(expected for _y, _a, _d, expected, _db, _cr in group)
        for year, account, day, _e, debit, credit in group:
            add(totals, (year, account, day, expected), debit, credit)
    return totals


_LINES_SQL = (
    "SELECT l.id, l.fiscal_year_id, l.account_id, l.date, l.due_date, l.debit, l.credit, m.id, m.is_partial "
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
            cursor.execute(
                f"{_LINES_SQL} JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s "  # noqa: S608
                f"AND ({_open_item_accounts()}) AND (l.id IN ({marks}) OR ml.matching_id IN "
                f"(SELECT matching_id FROM ledger_matchedline WHERE line_id IN ({marks})))",
                [True, *part, *part],
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


def recompute() -> dict[Key, tuple[int, int, int]]:
    """The aggregate rebuilt from the posted lines of the open-item accounts and their matchings."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_LINES_SQL} JOIN ledger_account a ON a.id = l.account_id WHERE l.is_posted = %s "  # noqa: S608
            f"AND ({_open_item_accounts()})",
            [True],
        )
        rows = cursor.fetchall()
    return {k: (d, c, n) for k, (d, c, n) in contributions(rows).items() if d or c or n}


def stored() -> dict[Key, tuple[int, int, int]]:
    from pilote.ledger.models import OpenItemBalance
    from pilote.lib.money import to_cents

    rows = OpenItemBalance.objects.values_list("fiscal_year_id", "account_id", "date", "expected", "debit", "credit",
                                               "line_count")  # fmt: skip
    return {(y, a, d, e): (to_cents(db), to_cents(cr), n) for y, a, d, e, db, cr, n in rows if db or cr or n}


def rebuild() -> None:
    """Empty and refill the aggregate from the lines (the migration that creates it; a repair)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_openitembalance")
    apply({key: list(values) for key, values in recompute().items()})
