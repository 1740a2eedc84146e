# An entry's lines indexed in their full order (entry, position, id): the FEC reads a span of entries' lines in that
# order from the index instead of sorting each chunk (the sort spilled to disk on PostgreSQL), as does
# `entry.lines.all()` (Meta.ordering).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0038_frequent_words"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entryline", name="ledger_line_entry_idx"),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(fields=["entry", "position", "id"], name="ledger_line_entry_idx"),
        ),
    ]
