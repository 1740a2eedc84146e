"""Triggers refusing any UPDATE or DELETE of a posted entry or of its lines, and any new line on a posted
entry — on SQLite and PostgreSQL alike (pilote/ledger/triggers.py). They are re-installed after every
migrate too, because SQLite drops triggers when a migration rebuilds a table."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.ledger import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from pilote.ledger import triggers

    triggers.uninstall(schema_editor.connection)


def create_chain_head(apps, schema_editor):
    apps.get_model("ledger", "ChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
