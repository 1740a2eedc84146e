"""Trigram indexes for the searches by part of a number or a reference (PostgreSQL only).

`number__icontains` is `UPPER(number) LIKE UPPER('%…%')`: no b-tree serves a pattern that starts with a wildcard,
so every search read all the documents (100,000 invoices: 300 ms for the invoice list's search and its count under
load). pg_trgm's GIN indexes on the same expression serve it, and PostgreSQL combines them with the customer index
(a bitmap OR) for « number, customer or reference contains ». pg_trgm is a trusted extension (PostgreSQL 13+): the
database's owner may create it. SQLite has no such index and keeps its scan.
"""

from django.db import migrations

from pilote.lib import trigram

INDEXED = [
    ("sales_invoice", "number"),
    ("sales_invoice", "customer_reference"),
    ("sales_order", "number"),
    ("sales_order", "customer_reference"),
    ("sales_quote", "number"),
]


class Migration(migrations.Migration):
    dependencies = [("sales", "0015_invoice_is_open")]

    operations = [trigram.index_operation(INDEXED)]
