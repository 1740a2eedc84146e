"""Lines in a full matching carry `is_lettered` (kept by `lettering.mark_lettered`), so the lettering page reads a third
party's open lines through a partial index instead of every line it ever had (the biggest customer of the 1M-line
ledger: all its lines read and each probed for its matching). The triggers now let that column alone change on a
posted line (SQLite: `UPDATE OF` every other column; PostgreSQL: the row compared without it): they are put back
in their new form here, after the existing lettering is copied onto the lines."""

from django.db import migrations, models

FILL = (
    "UPDATE ledger_entryline SET is_lettered = TRUE WHERE id IN (SELECT ml.line_id FROM ledger_matchedline ml "
    "JOIN ledger_matching m ON m.id = ml.matching_id WHERE NOT m.is_partial)"
)


def fill(apps, schema_editor):
    from pilote.ledger import triggers

    connection = schema_editor.connection
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(FILL)
    triggers.install(connection)  # the line trigger in its new form


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0025_entry_trigram_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="entryline",
            name="is_lettered",
            field=models.BooleanField(db_default=False, default=False, verbose_name="lettrée"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                condition=models.Q(("auxiliary__isnull", False), ("is_lettered", False)),
                fields=["auxiliary", "account", "fiscal_year", "date", "id"],
                name="ledger_line_open_idx",
            ),
        ),
    ]
