"""Triggers refusing any change or deletion of a line of the registre unique du personnel, on SQLite and
PostgreSQL (pilote/hr/triggers.py); re-installed after every migrate as well (see apps.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.hr import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pilote.hr import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("hr", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
