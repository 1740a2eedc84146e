"""Keyset pagination for lists that grow without bound (the ledger's entries): a page starts after (or before)
the sort key of a row, never at an OFFSET the database must walk, and the count stops at `COUNT_LIMIT` (the
page says « plus de 10 000 ») instead of counting every row of the filter.

`keyset_page(queryset, keys, descending, after=token)`: `keys` are (name, expression) pairs — expression None
for a field of the model —, the sort key from the most significant on; the primary key ends it, so the order
is total. The next and previous pages are tokens (the last / first row's key, signed so a tampered one is
ignored: the first page). The first key is also bounded (`<=` / `>=`) so the database seeks its index to the
page instead of filtering every row before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce

from django.core import signing
from django.db.models import Q

COUNT_LIMIT = 10_000
_SALT = "pilote.core.keyset"


@dataclass
class KeysetPage:
    rows: list
    next_token: str | None
    previous_token: str | None
    count: int  # exact when not `more`
    more: bool  # more than COUNT_LIMIT rows: not counted

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_token or self.previous_token)


def _encode(values: list) -> str:
    typed = [["d", v.isoformat()] if isinstance(v, dt.date) else ["v", v] for v in values]
    return signing.dumps(typed, salt=_SALT, compress=True)


def _decode(token: str, size: int) -> list | None:
    try:
        typed = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(typed, list) or len(typed) != size:
        return None
    try:
        return [dt.date.fromisoformat(v) if kind == "d" else v for kind, v in typed]
    except (ValueError, TypeError):
        return None


def _beyond(names: list[str], values: list, forward: bool) -> Q:
    """Rows strictly after `values` in the (names) order — `forward` in the order's direction of travel."""
    op = "gt" if forward else "lt"
    alternatives = []
    for i, name in enumerate(names):
        equal = {f"{previous}": values[j] for j, previous in enumerate(names[:i])}
        alternatives.append(Q(**equal, **{f"{name}__{op}": values[i]}))
    seek = Q(**{f"{names[0]}__{op}e": values[0]})  # a range on the leading key: the index seek
    return seek & reduce(lambda a, b: a | b, alternatives)


def bounded_count(queryset, limit: int | None = None) -> tuple[int, bool]:
    """(number of rows up to `limit` — COUNT_LIMIT —, whether there are more): one `COUNT` over at most
    limit + 1 rows."""
    limit = limit or COUNT_LIMIT
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return min(found, limit), found > limit


def keyset_page(queryset, keys: list[tuple[str, object]], *, descending: bool, after: str = "", before: str = "",
                per_page: int = 50, count: tuple[int, bool] | None = None,
                ids_first: bool = False) -> KeysetPage:  # fmt: skip
    """A page of `queryset` in the `keys` order. `ids_first`: the page's primary keys are chosen in a subquery of
    their own — the sort over the filter's rows without the joins of `select_related` — and only those rows are
    joined: a planner that joins before it sorts (PostgreSQL, when its estimate of the rows is low) then joins one
    page, not every row of the filter."""
    names = [name for name, _ in keys] + ["pk"]
    annotated = queryset.annotate(**{name: expression for name, expression in keys if expression is not None})
    start = _decode(after, len(names)) if after else None
    end = _decode(before, len(names)) if before and start is None else None
    backwards = end is not None
    reverse = descending != backwards  # the database's order for this read
    ordering = [f"-{name}" if reverse else name for name in names]
    rows_qs = annotated.order_by(*ordering)
    if start is not None:
        rows_qs = rows_qs.filter(_beyond(names, start, forward=not descending))
    elif end is not None:
        rows_qs = rows_qs.filter(_beyond(names, end, forward=descending))
    if ids_first:
        page_ids = rows_qs.values("pk")[: per_page + 1]
        rows_qs = annotated.filter(pk__in=page_ids).order_by(*ordering)
    rows = list(rows_qs[: per_page + 1])
    extra = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()

    def key_of(row) -> list:
        return [getattr(row, name) for name in names]

    has_next = extra if not backwards else True
    has_previous = (start is not None) if not backwards else extra
    total, more = count if count is not None else bounded_count(queryset)
    return KeysetPage(
        rows=rows,
        next_token=_encode(key_of(rows[-1])) if rows and has_next else None,
        previous_token=_encode(key_of(rows[0])) if rows and has_previous else None,
        count=total,
        more=more,
    )
