"""Database triggers that freeze published DUERP versions (SQLite and PostgreSQL).

A version is the document as validated: the Code du travail (L4121-3-1 V, R4121-4) requires each version to be
kept at least 40 years and made available to workers and former workers. No service changes or deletes one;
these triggers refuse it to any other writer too (raw SQL, a careless session): UPDATE and DELETE on every row,
TRUNCATE on PostgreSQL while a version exists. Installed by migration 0003 and again after every migrate
(SQLite drops a table's triggers when a migration rebuilds it).
"""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

MESSAGE = (
    "Version publiée du DUERP : modification et suppression interdites "
    "(conservée 40 ans, art. R4121-4 du Code du travail)"
)
integrity.register_trigger_message(MESSAGE)

SQLITE = {
    "quality_duerpversion_no_update": f"""CREATE TRIGGER IF NOT EXISTS quality_duerpversion_no_update
        BEFORE UPDATE ON quality_duerpversion BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "quality_duerpversion_no_delete": f"""CREATE TRIGGER IF NOT EXISTS quality_duerpversion_no_delete
        BEFORE DELETE ON quality_duerpversion BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}
POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION quality_refuse_duerp_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END; $$ LANGUAGE plpgsql""",
]
POSTGRES = {
    "quality_duerpversion_frozen": """CREATE TRIGGER quality_duerpversion_frozen
        BEFORE UPDATE OR DELETE ON quality_duerpversion FOR EACH ROW EXECUTE FUNCTION quality_refuse_duerp_change()""",
}

TRIGGERS = register(
    TriggerSet(
        prefix="quality_",
        sqlite=SQLITE,
        postgres=POSTGRES,
        postgres_functions=POSTGRES_FUNCTIONS,
        no_truncate=("quality_duerpversion",),
        protected_rows="EXISTS (SELECT 1 FROM quality_duerpversion)",
        message=MESSAGE,
    )
)
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall
