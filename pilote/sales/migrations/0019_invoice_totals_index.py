# The invoices list's totals from an index-only scan on PostgreSQL (see Invoice.Meta.indexes).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0018_payment_date_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["status"],
                include=("kind", "total_net", "total_gross", "amount_paid", "credited_amount"),
                name="sales_invoice_totals_idx",
            ),
        ),
    ]
