"""Lines carry their matching's code and Paris day (`lettering_code`, `lettered_on`, kept with `is_lettered` by
`lettering.mark_lettered`), so the FEC export reads EcritureLet and DateLet with the line instead of joining each
line to its matching (most of the export's server time at ten million lines). Both columns are nullable, so they
are added without rewriting the table; the triggers let them change on a posted line (put back in their new form
after the existing lettering is copied onto the lines, as 0026 did for the flag)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from pilote.ledger import lettering, triggers

    connection = schema_editor.connection
    triggers.uninstall(connection)
    lettering.mark_lettered(
        None, lines=apps.get_model("ledger", "EntryLine"), matched=apps.get_model("ledger", "MatchedLine")
    )
    triggers.install(connection)  # the line trigger in its new form


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0034_openparty_sqlite_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="entryline",
            name="lettering_code",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="code de lettrage"),
        ),
        migrations.AddField(
            model_name="entryline",
            name="lettered_on",
            field=models.DateField(blank=True, null=True, verbose_name="lettrée le"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
