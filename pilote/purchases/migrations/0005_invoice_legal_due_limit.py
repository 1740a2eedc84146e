from django.db import migrations, models


def fill_limits(apps, schema_editor):
    from pilote.sales.terms import latest_legal_due_date

    SupplierInvoice = apps.get_model("purchases", "SupplierInvoice")
    rows = list(SupplierInvoice.objects.only("pk", "date"))
    for row in rows:
        row.legal_due_limit = latest_legal_due_date(row.date)
    SupplierInvoice.objects.bulk_update(rows, ["legal_due_limit"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0004_quote_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplierinvoice",
            name="legal_due_limit",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="échéance légale au plus tard"),
        ),
        migrations.RunPython(fill_limits, migrations.RunPython.noop),
    ]
