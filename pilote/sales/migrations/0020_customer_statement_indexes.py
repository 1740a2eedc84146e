# A customer statement's opening balance and totals from index-only scans on PostgreSQL (see the models).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0019_invoice_totals_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="invoice", name="sales_invoice_customer_idx"),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["customer", "status", "date"],
                include=("kind", "total_gross"),
                name="sales_invoice_customer_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["customer", "date"], include=("amount",), name="sales_payment_customer_idx"),
        ),
    ]
