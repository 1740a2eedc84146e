"""Triggers refusing changes to an issued invoice, its lines and its archived Factur-X file, on SQLite and
PostgreSQL (pilote/sales/triggers.py); re-installed after every migrate as well (see apps.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.sales import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pilote.sales import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
