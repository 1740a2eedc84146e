"""Triggers refusing any change to a published DUERP version, on SQLite and PostgreSQL
(pilote/quality/triggers.py); re-installed after every migrate as well (see apps.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.quality import triggers

    triggers.TRIGGERS.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pilote.quality import triggers

    triggers.TRIGGERS.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_duerp")]

    operations = [migrations.RunPython(install, uninstall)]
