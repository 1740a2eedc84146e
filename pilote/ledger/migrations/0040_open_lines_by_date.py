# A third party's open lines indexed in (date, id) order across the fiscal years (the year left out of the partial
# index): the lettering page reads its 200 lines in order and stops there, as the lettered lines' index does (0037).

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0039_line_entry_order_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entryline", name="ledger_line_open_idx"),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                fields=["auxiliary", "account", "date", "id"],
                condition=Q(is_lettered=False, auxiliary__isnull=False),
                name="ledger_line_open_idx",
            ),
        ),
    ]
