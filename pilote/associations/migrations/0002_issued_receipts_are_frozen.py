"""Triggers refusing any change to an issued tax receipt but its cancellation, on SQLite and PostgreSQL
(pilote/associations/triggers.py); re-installed after every migrate as well (see apps.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.associations import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pilote.associations import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("associations", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
