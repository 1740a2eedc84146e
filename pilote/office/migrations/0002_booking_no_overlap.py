"""The database refuses two confirmed bookings of a resource that overlap (pilote/office/triggers.py): an exclusion
constraint over tstzrange with btree_gist on PostgreSQL, triggers on SQLite (re-installed after every migrate)."""

from django.db import migrations


def install(apps, schema_editor):
    from pilote.office import triggers

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(triggers.POSTGRES_CONSTRAINT)
    triggers.install(connection)


def uninstall(apps, schema_editor):
    from pilote.office import triggers

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE office_booking DROP CONSTRAINT IF EXISTS {triggers.CONSTRAINT}")
    triggers.uninstall(connection)


class Migration(migrations.Migration):
    dependencies = [("office", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
