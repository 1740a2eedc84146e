"""Database triggers that refuse any UPDATE or DELETE of a posted entry or of its lines, and any new
line on a posted entry — on SQLite and PostgreSQL alike, so not even raw SQL can alter the books."""

from django.db import migrations

MESSAGE = "Écriture validée : modification interdite (corrigez par contre-passation)"

SQLITE = [
    f"""CREATE TRIGGER ledger_entry_posted_no_update BEFORE UPDATE ON ledger_entry
        WHEN OLD.status = 'posted' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entry_posted_no_delete BEFORE DELETE ON ledger_entry
        WHEN OLD.status = 'posted' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entryline_posted_no_insert BEFORE INSERT ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entryline_posted_no_update BEFORE UPDATE ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
          OR (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entryline_posted_no_delete BEFORE DELETE ON ledger_entryline
        WHEN (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "ledger_entry_posted_no_update",
        "ledger_entry_posted_no_delete",
        "ledger_entryline_posted_no_insert",
        "ledger_entryline_posted_no_update",
        "ledger_entryline_posted_no_delete",
    )
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_entry() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_entry_posted_frozen BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW WHEN (OLD.status = 'posted') EXECUTE FUNCTION ledger_refuse_posted_entry()""",
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_line() RETURNS trigger AS $$
    BEGIN
        IF (TG_OP IN ('UPDATE', 'DELETE')
                AND (SELECT status FROM ledger_entry WHERE id = OLD.entry_id) = 'posted')
           OR (TG_OP IN ('INSERT', 'UPDATE')
                AND (SELECT status FROM ledger_entry WHERE id = NEW.entry_id) = 'posted') THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_entryline_posted_frozen BEFORE INSERT OR UPDATE OR DELETE ON ledger_entryline
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_line()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entryline_posted_frozen ON ledger_entryline",
    "DROP TRIGGER IF EXISTS ledger_entry_posted_frozen ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_refuse_posted_line()",
    "DROP FUNCTION IF EXISTS ledger_refuse_posted_entry()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def create_chain_head(apps, schema_editor):
    apps.get_model("ledger", "ChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
