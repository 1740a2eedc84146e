"""Issued invoices frozen whole (issue 17 point 3): every column but the operational ones (sales/triggers.py).
SQLite keeps a trigger's old body under the same name, so the set is dropped and created again; on PostgreSQL
the functions are replaced."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from pilote.sales import triggers

    triggers.uninstall(schema_editor.connection)
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("sales", "0008_french_verbose_names")]

    operations = [migrations.RunPython(reinstall, reinstall)]
