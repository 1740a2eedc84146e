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
        prefix="quality_duerp",  # each set of the app lists only its own triggers
        sqlite=SQLITE,
        postgres=POSTGRES,
        postgres_functions=POSTGRES_FUNCTIONS,
        no_truncate=("quality_duerpversion",),
        protected_rows="EXISTS (SELECT 1 FROM quality_duerpversion)",
        message=MESSAGE,
    )
)
installed, expected = TRIGGERS.installed, TRIGGERS.expected

# Procedures: a version in force is frozen (its text, approval and dates); it may only pass to « remplacée » when
# the next version comes into force, and a superseded one never changes again. Neither is ever deleted.
PROCEDURE_MESSAGE = "Version de procédure en vigueur ou remplacée : modification et suppression interdites"
integrity.register_trigger_message(PROCEDURE_MESSAGE)
FROZEN_COLUMNS = ("procedure_id", "number", "body", "change_note", "approved_by_id", "approved_by_name",
                  "approved_on", "in_force_on", "digest", "created_by_id", "created_at")  # fmt: skip
_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
_PG_NEW = ", ".join(f"NEW.{c}" for c in FROZEN_COLUMNS)
_PG_OLD = ", ".join(f"OLD.{c}" for c in FROZEN_COLUMNS)
PROCEDURE_SQLITE = {
    "quality_procedureversion_no_update": f"""CREATE TRIGGER IF NOT EXISTS quality_procedureversion_no_update
        BEFORE UPDATE ON quality_procedureversion
        WHEN OLD.status = 'superseded' OR (OLD.status = 'in_force'
            AND (NEW.status NOT IN ('in_force', 'superseded') OR {_SQLITE_CHANGED}))
        BEGIN SELECT RAISE(ABORT, '{PROCEDURE_MESSAGE}'); END""",
    "quality_procedureversion_no_delete": f"""CREATE TRIGGER IF NOT EXISTS quality_procedureversion_no_delete
        BEFORE DELETE ON quality_procedureversion WHEN OLD.status IN ('in_force', 'superseded')
        BEGIN SELECT RAISE(ABORT, '{PROCEDURE_MESSAGE}'); END""",
}
PROCEDURE_POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION quality_refuse_procedure_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.status IN ('in_force', 'superseded') THEN
                RAISE EXCEPTION '{PROCEDURE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.status = 'superseded' OR (OLD.status = 'in_force' AND (NEW.status NOT IN ('in_force', 'superseded')
                OR ROW({_PG_NEW}) IS DISTINCT FROM ROW({_PG_OLD}))) THEN
            RAISE EXCEPTION '{PROCEDURE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
]
PROCEDURE_POSTGRES = {
    "quality_procedureversion_frozen": """CREATE TRIGGER quality_procedureversion_frozen
        BEFORE UPDATE OR DELETE ON quality_procedureversion
        FOR EACH ROW EXECUTE FUNCTION quality_refuse_procedure_change()""",
}
PROCEDURE_TRIGGERS = register(
    TriggerSet(
        prefix="quality_procedure",
        sqlite=PROCEDURE_SQLITE,
        postgres=PROCEDURE_POSTGRES,
        postgres_functions=PROCEDURE_POSTGRES_FUNCTIONS,
        no_truncate=("quality_procedureversion",),
        protected_rows="EXISTS (SELECT 1 FROM quality_procedureversion WHERE status IN ('in_force', 'superseded'))",
        message=PROCEDURE_MESSAGE,
    )
)
SETS = (TRIGGERS, PROCEDURE_TRIGGERS)


def install(connection) -> None:
    for trigger_set in SETS:
        trigger_set.install(connection)


def uninstall(connection) -> None:
    for trigger_set in SETS:
        trigger_set.uninstall(connection)
