# Each matching's earliest line date and how long after it it was lettered (`lettering.date_matchings`), indexed per
# account and class: an aged balance at a past date reads the matchings that straddle it, not every one made since.

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    from pilote.ledger import lettering

    if schema_editor.connection.vendor == "postgresql":  # the updates' deferred key checks now, before the index
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    lettering.date_matchings(
        matchings=apps.get_model("ledger", "Matching"), matched=apps.get_model("ledger", "MatchedLine")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0028_line_account_index_entry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="matching",
            name="ledger_matching_created_idx",
        ),
        migrations.AddField(
            model_name="matching",
            name="opened_on",
            field=models.DateField(blank=True, null=True, verbose_name="première pièce le"),
        ),
        migrations.AddField(
            model_name="matching",
            name="span_class",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="délai de lettrage (classe)"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="matching",
            index=models.Index(
                fields=["account", "span_class", "opened_on", "is_partial", "created_at"],
                name="ledger_matching_span_idx",
            ),
        ),
    ]
