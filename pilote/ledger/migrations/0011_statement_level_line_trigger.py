"""PostgreSQL: new lines on a posted entry are refused by one statement-level trigger per INSERT (or COPY)
instead of a row trigger per line, which cost most of the time of a bulk import; UPDATE and DELETE of
posted lines stay refused row by row. The line trigger is dropped and installed again with its new
definition. SQLite keeps its row triggers (no statement-level triggers there; they are cheap)."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from pilote.ledger import triggers

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS ledger_entryline_posted_frozen ON ledger_entryline")
    triggers.install(connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_line_position_integer")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
