"""French order for names: « Architectes des Alpes » before « Architectes Part-Dieu », « école » beside
« École » (letters first, then accents, then case — the Unicode Collation Algorithm's levels).

One collation name for both databases, used by every list and picker that sorts names:
- PostgreSQL: the ICU collation "fr-x-icu" that PostgreSQL builds with ICU ship;
- SQLite: a collation of the same name registered on each new connection (`register_sqlite`, from
  CoreConfig.ready through the connection_created signal), comparing pyuca's UCA sort keys — the same
  root order ICU uses for French.

`french("name")` is an expression for order_by (`.desc()` for descending); `french_key(text)` sorts in
Python the same way. Indexes keep plain expressions: an SQLite schema that names a collation only this
process registers would be unreadable by any other SQLite client.
"""

from __future__ import annotations

import functools

from django.db.models import F
from django.db.models.functions import Collate

FRENCH = "fr-x-icu"


@functools.cache
def _collator():
    from pyuca import Collator  # loads the Unicode collation table (~0.7 s) on first use only

    return Collator()


@functools.lru_cache(maxsize=65536)
def french_key(text: str | None) -> tuple:
    return _collator().sort_key(text or "")


def _compare(left: str | None, right: str | None) -> int:
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


def register_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, _compare)


def french(field_or_expression):
    """`name` (or any text expression) in French order."""
    expression = F(field_or_expression) if isinstance(field_or_expression, str) else field_or_expression
    return Collate(expression, FRENCH)
