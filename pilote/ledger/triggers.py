"""Database triggers that freeze posted entries and their lines, on SQLite and PostgreSQL.

SQLite loses a table's triggers when Django rebuilds the table in a migration (many ALTERs are done by
copying the table), so the triggers are (re)installed idempotently after every `migrate` (post_migrate,
see apps.py) as well as by migration 0002, and `verify_ledger` reports any that is missing.

The chain head may only move forward (no DELETE, no lower index, no other seal at the same index), and on
PostgreSQL TRUNCATE of the ledger's protected tables is refused while posted entries exist or the chain has
begun (core.dbtriggers: statement-level BEFORE TRUNCATE triggers, which also fire through CASCADE).
"""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

MESSAGE = "Écriture validée : modification interdite (corrigez par contre-passation)"
integrity.register_trigger_message(MESSAGE)  # shown as is when a write trips a trigger

# The head goes back, or another seal replaces the last one at the same index: a rewritten chain.
_HEAD_REWOUND = (
    "NEW.id <> OLD.id OR NEW.last_index < OLD.last_index "
    "OR (NEW.last_index = OLD.last_index AND NEW.last_hash <> OLD.last_hash)"
)

# Every column of a line but its lettering (`is_lettered`, `lettering_code`, `lettered_on`: kept by the lettering,
# not sealed): an UPDATE that sets only those columns passes the triggers, any other is refused on a posted entry
# (tests/test_lettering checks both lists against the model, so a new column is frozen too).
LINE_FREE_COLUMNS = ("is_lettered", "lettering_code", "lettered_on")
_FREE_JSON = "ARRAY[" + ", ".join(f"'{column}'" for column in LINE_FREE_COLUMNS) + "]"
LINE_FROZEN_COLUMNS = (
    "id", "entry_id", "fiscal_year_id", "date", "is_posted", "position", "account_id", "auxiliary_id", "label",
    "reference", "debit", "credit", "due_date", "vat_rate", "vat_base",
)  # fmt: skip

SQLITE = {
    "ledger_entry_posted_no_update": f"""CREATE TRIGGER IF NOT EXISTS ledger_entry_posted_no_update
        BEFORE UPDATE ON ledger_entry WHEN OLD.status = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_entry_posted_no_delete": f"""CREATE TRIGGER IF NOT EXISTS ledger_entry_posted_no_delete
        BEFORE DELETE ON ledger_entry WHEN OLD.status = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_entryline_posted_no_insert": f"""CREATE TRIGGER IF NOT EXISTS ledger_entryline_posted_no_insert
        BEFORE INSERT ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_entryline_posted_no_update": f"""CREATE TRIGGER IF NOT EXISTS ledger_entryline_posted_no_update
        BEFORE UPDATE OF {", ".join(LINE_FROZEN_COLUMNS)} ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
          OR (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_entryline_posted_no_delete": f"""CREATE TRIGGER IF NOT EXISTS ledger_entryline_posted_no_delete
        BEFORE DELETE ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_chainhead_no_rewind": f"""CREATE TRIGGER IF NOT EXISTS ledger_chainhead_no_rewind
        BEFORE UPDATE ON ledger_chainhead WHEN {_HEAD_REWOUND}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "ledger_chainhead_no_delete": f"""CREATE TRIGGER IF NOT EXISTS ledger_chainhead_no_delete
        BEFORE DELETE ON ledger_chainhead WHEN OLD.last_index > 0
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}

POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_entry() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_line() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - {_FREE_JSON}) = (to_jsonb(OLD) - {_FREE_JSON}) THEN
            RETURN NEW;  -- the lettering alone
        END IF;
        IF (TG_OP IN ('UPDATE', 'DELETE')
                AND (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted')
           OR (TG_OP IN ('INSERT', 'UPDATE')
                AND (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted') THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    # New lines are checked once per statement, one primary-key lookup per entry they belong to (a row
    # trigger cost ~20 µs a line, most of the time of a bulk import on PostgreSQL; a join with the
    # transition table, which has no statistics, could be planned as a scan of every entry per line).
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_lines_on_posted() RETURNS trigger AS $$
    DECLARE
        new_entry bigint;
    BEGIN
        FOR new_entry IN SELECT DISTINCT entry_id FROM ledger_new_lines LOOP
            IF (SELECT status FROM ledger_entry WHERE id = new_entry) = 'posted' THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END LOOP;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_head_rewind() RETURNS trigger AS $$
    BEGIN
        IF (TG_OP = 'DELETE' AND OLD.last_index > 0) OR (TG_OP = 'UPDATE' AND ({_HEAD_REWOUND})) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
]
POSTGRES = {
    "ledger_entry_posted_frozen": """CREATE TRIGGER ledger_entry_posted_frozen BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW WHEN (OLD.status = 'posted') EXECUTE FUNCTION ledger_refuse_posted_entry()""",
    "ledger_entryline_posted_frozen": """CREATE TRIGGER ledger_entryline_posted_frozen
        BEFORE UPDATE OR DELETE ON ledger_entryline
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_line()""",
    "ledger_entryline_no_line_on_posted": """CREATE TRIGGER ledger_entryline_no_line_on_posted
        AFTER INSERT ON ledger_entryline REFERENCING NEW TABLE AS ledger_new_lines
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_lines_on_posted()""",
    "ledger_chainhead_no_rewind": """CREATE TRIGGER ledger_chainhead_no_rewind
        BEFORE UPDATE OR DELETE ON ledger_chainhead
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_head_rewind()""",
}


TRIGGERS = register(
    TriggerSet(
        prefix="ledger_",
        sqlite=SQLITE,
        postgres=POSTGRES,
        postgres_functions=POSTGRES_FUNCTIONS,
        no_truncate=(
            "ledger_entry",
            "ledger_entryline",
            "ledger_accountbalance",
            "ledger_chainhead",
            "ledger_journalsequence",
        ),  # fmt: skip
        protected_rows=(
            "EXISTS (SELECT 1 FROM ledger_entry WHERE status = 'posted') "
            "OR EXISTS (SELECT 1 FROM ledger_chainhead WHERE last_index > 0)"
        ),
        message=MESSAGE,
    )
)
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall
