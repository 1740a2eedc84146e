"""The registre unique du personnel is indelible (L1221-13; D1221-23: « les mentions … sont portées de manière
indélébile »): its lines can be neither changed nor deleted, on SQLite and PostgreSQL. A correction is a new
dated line (services.update_employee). Installed by migration 0002 and after every migrate (SQLite drops a
table's triggers when a migration rebuilds it)."""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

MESSAGE = "Registre du personnel : une ligne inscrite ne se modifie ni ne se supprime (ajoutez une rectification)"
integrity.register_trigger_message(MESSAGE)

TRIGGERS = register(
    TriggerSet(
        prefix="hr_registerentry_",
        sqlite={
            "hr_registerentry_no_update": f"""CREATE TRIGGER IF NOT EXISTS hr_registerentry_no_update
                BEFORE UPDATE ON hr_registerentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            "hr_registerentry_no_delete": f"""CREATE TRIGGER IF NOT EXISTS hr_registerentry_no_delete
                BEFORE DELETE ON hr_registerentry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        },
        postgres={
            "hr_registerentry_frozen": """CREATE TRIGGER hr_registerentry_frozen
                BEFORE UPDATE OR DELETE ON hr_registerentry
                FOR EACH ROW EXECUTE FUNCTION hr_refuse_register_change()""",
        },
        postgres_functions=[
            f"""CREATE OR REPLACE FUNCTION hr_refuse_register_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END; $$ LANGUAGE plpgsql""",
        ],
        no_truncate=("hr_registerentry",),
        protected_rows="EXISTS (SELECT 1 FROM hr_registerentry)",
        message=MESSAGE,
    )
)
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall
