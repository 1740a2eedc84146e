# The open invoices' index carries what the aged receivables sum (see Invoice.Meta.indexes).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0020_customer_statement_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="invoice", name="sales_invoice_open_due_idx"),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("is_open", True)),
                fields=["due_date"],
                include=("id", "customer", "total_gross", "amount_paid", "credited_amount"),
                name="sales_invoice_open_due_idx",
            ),
        ),
    ]
