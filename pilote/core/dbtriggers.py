"""Database triggers an app installs to protect what must never change (posted entries, issued invoices),
on SQLite and PostgreSQL alike: one place for the bookkeeping of which exist, creating the missing ones
idempotently, and dropping them (tests that empty the database).

SQLite drops a table's triggers when a migration rebuilds the table, so apps call `install` after every
migrate (post_migrate) as well as from the migration that introduced them.

Row triggers do not see PostgreSQL's TRUNCATE, which empties a table at once: a set names the tables it
protects (`no_truncate`) and the condition under which they hold protected rows (`protected_rows`, e.g.
posted entries exist); a statement-level BEFORE TRUNCATE trigger on each refuses the TRUNCATE while that
condition holds (also when the table is reached through TRUNCATE … CASCADE). SQLite has no TRUNCATE: its
`DELETE FROM t` runs the row triggers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TABLE = re.compile(r"\bON\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class TriggerSet:
    prefix: str  # every trigger name of the set starts with it, e.g. "ledger_"
    sqlite: dict[str, str]  # name → CREATE TRIGGER IF NOT EXISTS …
    postgres: dict[str, str]  # name → CREATE TRIGGER … ON <table> …
    postgres_functions: list[str] = field(default_factory=list)  # CREATE OR REPLACE FUNCTION …
    no_truncate: tuple[str, ...] = ()  # PostgreSQL tables whose TRUNCATE is refused while protected rows exist
    protected_rows: str = "TRUE"  # SQL condition: the set's tables hold rows that must never go
    message: str = ""  # the refusal raised by the TRUNCATE trigger

    @property
    def _truncate_function(self) -> str:
        return f"{self.prefix}refuse_truncate"

    def postgres_triggers(self) -> dict[str, str]:
        """The set's PostgreSQL triggers: its own, plus one BEFORE TRUNCATE per table of `no_truncate`."""
        triggers = dict(self.postgres)
        for table in self.no_truncate:
            triggers[f"{table}_no_truncate"] = (
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {self._truncate_function}()"
            )
        return triggers

    def postgres_function_sql(self) -> list[str]:
        functions = list(self.postgres_functions)
        if self.no_truncate:
            functions.append(
                f"""CREATE OR REPLACE FUNCTION {self._truncate_function}() RETURNS trigger AS $$
                BEGIN
                    IF {self.protected_rows} THEN
                        RAISE EXCEPTION '{self.message}' USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NULL;
                END; $$ LANGUAGE plpgsql"""
            )
        return functions

    def installed(self, connection) -> set[str]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{self.prefix}%"]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal", [f"{self.prefix}%"]
                )
            else:
                return set()
            return {row[0] for row in cursor.fetchall()}

    def expected(self, connection) -> set[str]:
        return set(
            self.sqlite
            if connection.vendor == "sqlite"
            else self.postgres_triggers()
            if connection.vendor == "postgresql"
            else ()
        )

    def install(self, connection) -> None:
        """Create whichever trigger is missing (idempotent)."""
        present = self.installed(connection)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name, sql in self.sqlite.items():
                    if name not in present:
                        cursor.execute(sql)
            elif connection.vendor == "postgresql":
                for sql in self.postgres_function_sql():
                    cursor.execute(sql)
                for name, sql in self.postgres_triggers().items():
                    if name not in present:
                        cursor.execute(sql)

    def uninstall(self, connection) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name in self.sqlite:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            elif connection.vendor == "postgresql":
                for name, sql in self.postgres_triggers().items():
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {_TABLE.search(sql).group(1)}")


_sets: list[TriggerSet] = []


def register(trigger_set: TriggerSet) -> TriggerSet:
    """Declare an app's triggers so `verify_ledger` checks they exist and tests can lift them all."""
    if trigger_set not in _sets:
        _sets.append(trigger_set)
    return trigger_set


def registered() -> list[TriggerSet]:
    return list(_sets)
