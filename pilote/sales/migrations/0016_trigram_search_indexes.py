"""Trigram indexes for the searches by part of a number or a reference (PostgreSQL only).

`number__icontains` is `UPPER(number) LIKE UPPER('%…%')`: no b-tree serves a pattern that starts with a wildcard,
so every search read all the documents (100,000 invoices: 300 ms for the invoice list's search and its count under
load). pg_trgm's GIN indexes on the same expression serve it, and PostgreSQL combines them with the customer index
(a bitmap OR) for « number, customer or reference contains ». pg_trgm is a trusted extension (PostgreSQL 13+): the
database's owner may create it. SQLite has no such index and keeps its scan.
"""

from django.db import migrations

INDEXED = [
    ("sales_invoice", "number"),
    ("sales_invoice", "customer_reference"),
    ("sales_order", "number"),
    ("sales_order", "customer_reference"),
    ("sales_quote", "number"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{column}_trgm"')


class Migration(migrations.Migration):
    dependencies = [("sales", "0015_invoice_is_open")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
