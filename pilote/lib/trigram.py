"""pg_trgm GIN indexes for searches by part of a text (`field__icontains`, i.e. `UPPER(col) LIKE UPPER('%…%')`, which
no b-tree serves), PostgreSQL only: SQLite has no such index and keeps its scan. pg_trgm is a trusted extension
(PostgreSQL 13+): the database's owner may create it. Used by the migrations that add such indexes."""

from __future__ import annotations

from django.db import migrations


def index_operation(indexed: list[tuple[str, str]]) -> migrations.RunPython:
    """The migration operation creating (and, backwards, dropping) one index per (table, column) of `indexed`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in indexed:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in indexed:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{column}_trgm"')

    return migrations.RunPython(create, drop, elidable=False)
