import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0021_open_items_by_party"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["journal", "date"], name="ledger_entry_journal_date_idx"),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["fiscal_year", "date"], name="ledger_entry_fy_date_idx"),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["piece_ref"], name="ledger_entry_piece_idx"),
        ),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                django.db.models.expressions.CombinedExpression(models.F("debit"), "+", models.F("credit")),
                name="ledger_line_amount_idx",
            ),
        ),
    ]
