"""Words of an entry's label or piece (`?q=` of the entries list) through an index on SQLite too.

PostgreSQL serves `label ILIKE '%…%' OR piece_ref ILIKE '%…%'` with pg_trgm GIN indexes (migration 0025). SQLite
has no index for a LIKE with a leading wildcard and read every entry twice (the page's rows and its bounded count):
163 ms for a word found nowhere at a million lines, over a second at ten million. Its equivalent of the trigram
indexes is an FTS5 table with the `trigram` tokenizer (SQLite ≥ 3.34): `ledger_entry_fts`, external content on
`ledger_entry` (label, piece_ref) — it stores the trigrams, not a copy of the texts —, kept by the three triggers
below at every insert, update of the label or piece, and delete of an entry (posted entries never change; drafts
do), filled for the existing entries by migration 0032. A quoted FTS5 string matches the words as one substring of
the label or of the piece, as `LIKE '%words%'` does (`%`, `_` and quotes are plain characters in it).

What differs from SQLite's LIKE: the trigram tokenizer folds the case of every letter (« É » finds « é »), SQLite's
LIKE only of ASCII letters, so the index's matches are candidates that the LIKE then checks: the list keeps
today's results exactly (« é » does not find « É » on SQLite, PostgreSQL's ILIKE does). Neither removes accents
(« e » does not find « é », on either database).

Where FTS5 or its trigram tokenizer is missing (an SQLite built without them), the migration makes no table and
the filter stays the LIKE scan: `available()` asks the schema. SQLite drops a table's triggers when a migration
rebuilds that table, so `install_triggers` runs after every migrate (apps.py) and fills the index again when one
was missing: the entries written meanwhile are then indexed too.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.expressions import RawSQL

TABLE = "ledger_entry_fts"
_ROW = "label, piece_ref"

TRIGGERS = {  # constant texts
    "ledger_entry_fts_insert": """CREATE TRIGGER IF NOT EXISTS ledger_entry_fts_insert AFTER INSERT ON ledger_entry
        BEGIN INSERT INTO ledger_entry_fts (rowid, label, piece_ref) VALUES (NEW.id, NEW.label, NEW.piece_ref); END""",
    "ledger_entry_fts_update": """CREATE TRIGGER IF NOT EXISTS ledger_entry_fts_update
        AFTER UPDATE OF id, label, piece_ref ON ledger_entry BEGIN
        INSERT INTO ledger_entry_fts (ledger_entry_fts, rowid, label, piece_ref)
            VALUES ('delete', OLD.id, OLD.label, OLD.piece_ref);
        INSERT INTO ledger_entry_fts (rowid, label, piece_ref) VALUES (NEW.id, NEW.label, NEW.piece_ref); END""",
    "ledger_entry_fts_delete": """CREATE TRIGGER IF NOT EXISTS ledger_entry_fts_delete AFTER DELETE ON ledger_entry
        BEGIN INSERT INTO ledger_entry_fts (ledger_entry_fts, rowid, label, piece_ref)
            VALUES ('delete', OLD.id, OLD.label, OLD.piece_ref); END""",
}


def available(connection) -> bool:
    """Whether the index exists on this connection's database (SQLite with FTS5 and the trigram tokenizer, migrated).
    Asked of the schema through the driver's own connection — an in-memory lookup of a few microseconds, not a
    query of the books, so it is left out of the page's query count."""
    if connection.vendor != "sqlite":
        return False
    connection.ensure_connection()
    found = connection.connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
    return found.fetchone() is not None


def create(connection) -> bool:
    """Create and fill the index (migration 0032); False, and nothing made, where FTS5 or the trigram tokenizer is
    missing."""
    import sqlite3

    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({_ROW}, content='ledger_entry', "
                "content_rowid='id', tokenize='trigram')"
            )
        except sqlite3.OperationalError:  # « no such module: fts5 », « no such tokenizer: trigram »
            return False
    install_triggers(connection, refill=True)
    return True


def drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _present(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_entry_fts_%'")
    return {row[0] for row in cursor.fetchall()}


def install_triggers(connection, *, refill: bool = False) -> None:
    """Create the missing triggers of an existing index; when one was missing (or `refill`), rebuild the index from
    the entries — what was written without the trigger is indexed too."""
    if not available(connection):
        return
    with connection.cursor() as cursor:
        present = _present(cursor)
        for name, sql in TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        if refill or set(TRIGGERS) - present:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")  # noqa: S608 - constant text


def missing_triggers(connection) -> list[str]:
    """The index's triggers missing from the database (`verify_ledger`): its words would go stale."""
    if not available(connection):
        return []
    with connection.cursor() as cursor:
        return sorted(set(TRIGGERS) - _present(cursor))


def phrase(words: str) -> str:
    """`words` as one FTS5 string: inside double quotes every character is literal but the quote, doubled."""
    return '"' + words.replace('"', '""') + '"'


FEW = 5000  # matches up to which the page's entries are read from the index; more, and the date order finds them


def count(words: str, connection, limit: int) -> int | None:
    """How many entries the index finds for `words`, up to `limit` (FTS5 reads its lists lazily: 2.5 ms for 10,001
    of the 95,664 « Virement » at a million lines); None without the index. A candidate count: see `words_filter`."""
    if not available(connection):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)",  # noqa: S608
            [phrase(words), limit],
        )
        return cursor.fetchone()[0]


def words_filter(words: str, found: int | None) -> Q:
    """Entries whose label or piece contains `words` (stripped, at least three characters: `core.listing.words_refusal`
    refuses fewer, which the trigram index cannot find) — `icontains`, today's rule on both databases. `found` is
    `count()`: when the index finds few entries (`FEW`), they are the candidates the LIKE is checked on (the rows
    and the count read them, not every entry); when it finds many, or has no index (None), the LIKE alone, which
    the date order stops early on (a word in one entry of fifty: the page's 50 within the first 2,500 read).
    The index's candidates include every LIKE match (it folds the case of every letter, LIKE of ASCII only), so
    both ways give the same entries."""
    like = Q(label__icontains=words) | Q(piece_ref__icontains=words)
    if found is None or found > FEW:
        return like
    candidates = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [phrase(words)])  # noqa: S608, S611
    return Q(pk__in=candidates) & like
