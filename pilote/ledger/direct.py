"""`manage.py trial_balance --year Y [--format table|csv]` without `django.setup()`.

Django's start-up (settings, logging, ~250 model classes, every app's ready()) costs about 0.5 s of CPU before a
command reads anything; the trial balance itself is two indexed queries on the per-month aggregates. manage.py
hands this one command here first: the settings module gives the database (the same DATABASES the command would
use), the fiscal year and the sums are read with the SQL the ORM runs for `FiscalYear.objects.filter(
end_date__year=Y).first()` and `queries.trial_balance(year)`, and `balance.write_report` prints them as the
command does. Anything this path does not handle exactly as the command would — another option or spelling
(--help, -v, --settings, --year=abc, an option given twice), a year that no fiscal year ends in, another
database engine or a connection option Django interprets itself, any database error — returns False before a
character is written, and manage.py runs the Django command, which answers it (ARCHITECTURE.md, « A command line
that starts fast »). test_direct_trial_balance compares both paths' output on the same data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys

from pilote.ledger.balance import fiscal_year_name, rows_from_sums, write_report
from pilote.lib.amounts import from_cents

FORMATS = ("table", "csv")  # the command's --format choices
# What the ORM runs (the SQL of FiscalYear.objects.filter(end_date__year=Y).first() and of queries.trial_balance's
# account sums), with `{p}` for the driver's placeholder.
YEAR_SQL = (
    'SELECT "ledger_fiscalyear"."id", "ledger_fiscalyear"."start_date", "ledger_fiscalyear"."end_date" '
    'FROM "ledger_fiscalyear" WHERE "ledger_fiscalyear"."end_date" BETWEEN {p} AND {p} '
    'ORDER BY "ledger_fiscalyear"."start_date" ASC LIMIT 1'
)
SUMS_SQL = (
    'SELECT "ledger_account"."code", "ledger_account"."label", "ledger_accountbalance"."is_opening", '
    'SUM("ledger_accountbalance"."debit"), SUM("ledger_accountbalance"."credit") FROM "ledger_accountbalance" '
    'INNER JOIN "ledger_account" ON ("ledger_accountbalance"."account_id" = "ledger_account"."id") '
    'WHERE ("ledger_accountbalance"."fiscal_year_id" = {p} AND "ledger_accountbalance"."aux_key" = {p}) '
    "GROUP BY 1, 2, 3"
)
# Connection options Django reads itself rather than handing them to the driver: with one of them, Django connects.
DJANGO_POSTGRESQL_OPTIONS = {"assume_role", "isolation_level", "server_side_binding", "pool"}


def parse(args: list[str]) -> tuple[int, str] | None:
    """(year, format) from `--year Y` and an optional `--format F` (or `--x=v`), each once; None for anything else."""
    given: dict[str, str] = {}
    rest = list(args)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name not in ("--year", "--format") or name in given:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        given[name] = value
    fmt = given.get("--format", "table")
    try:
        year = int(given["--year"])  # what argparse's type=int accepts
    except (KeyError, ValueError):
        return None
    if fmt not in FORMATS or not 1 <= year <= 9999:
        return None
    return year, fmt


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def read(cursor, year: int, placeholder: str = "%s"):
    """(name of the fiscal year ending in `year`, its trial balance rows) read through a DB-API cursor, or None
    when no fiscal year ends that year."""
    cursor.execute(YEAR_SQL.format(p=placeholder), [dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()])
    found = cursor.fetchone()
    if found is None:
        return None
    pk, start, end = found
    cursor.execute(SUMS_SQL.format(p=placeholder), [pk, 0])
    sums = (
        (code, label, opening, from_cents(debit), from_cents(credit)) for code, label, opening, debit, credit in cursor
    )
    return fiscal_year_name(_date(start), _date(end)), rows_from_sums(sums)


POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "pilote.core.db.postgresql")  # Pilote's waits (core/db)


def _connect(database: dict):
    """A DB-API connection to the settings' database and its placeholder, as Django would open it; None when Django
    must connect itself."""
    engine, options = database.get("ENGINE"), dict(database.get("OPTIONS") or {})
    if engine == "django.db.backends.sqlite3":
        name = str(database.get("NAME") or "")
        if not os.path.isfile(name):  # in memory, or a file Django would create empty: the command says what is wrong
            return None
        import sqlite3

        return sqlite3.connect(name, timeout=options.get("timeout", 5), uri=True), "?"
    if engine in POSTGRESQL_ENGINES and not options.keys() & DJANGO_POSTGRESQL_OPTIONS:
        import psycopg

        params = {"dbname": database.get("NAME") or "postgres", "client_encoding": "UTF8", **options}
        for key, param in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
            if database.get(key):
                params[param] = database[key]
        return psycopg.connect(**params), "%s"
    return None


def main(args: list[str], out=None) -> bool:
    """Answer `trial_balance` with `args` (what follows the command's name) on `out` (stdout); False, having
    written nothing, when the Django command must answer."""
    parsed = parse(args)
    if parsed is None:
        return False
    year, fmt = parsed
    try:
        settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
        opened = _connect(settings.DATABASES["default"])
        if opened is None:
            return False
        connection, placeholder = opened
        try:
            found = read(connection.cursor(), year, placeholder)
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - whatever failed here, the Django command answers it with its own message
        return False
    if found is None:
        return False  # the command's French error and exit status
    write_report(out or sys.stdout, *found, fmt)
    return True
