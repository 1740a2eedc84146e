"""A third party's lettered lines in (date, id) order from a partial index of the lettered lines (the mirror of
`ledger_line_open_idx`): the lettering page's « lignes lettrées » read one page of it, newest first, instead of every
line of the party sorted (PostgreSQL, 10M lines: the biggest customer's 62,713 lines read by a bitmap scan, then sorted
for the newest 201)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0036_openitem_party_totals"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                condition=models.Q(("auxiliary__isnull", False), ("is_lettered", True)),
                fields=["auxiliary", "account", "date", "id"],
                name="ledger_line_lettered_idx",
            ),
        ),
    ]
