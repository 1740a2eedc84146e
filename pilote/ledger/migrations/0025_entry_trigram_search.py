"""Trigram indexes for the entries list's words (`?q=`: part of the label or of the piece), PostgreSQL only.

`label__icontains` is `UPPER(label) LIKE UPPER('%…%')`, which no b-tree serves: a word found in few entries read
every entry (370,000 entries at 1M lines: 0.6 s). pg_trgm's GIN indexes on the same expressions serve it, combined
(a bitmap OR) for « label or piece contains ». SQLite has no such index and keeps its scan (as sales 0016)."""

from django.db import migrations

from pilote.lib import trigram

INDEXED = [("ledger_entry", "label"), ("ledger_entry", "piece_ref")]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0024_entry_total_debit")]

    operations = [trigram.index_operation(INDEXED)]
