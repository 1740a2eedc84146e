"""SQLite's index of the entries' words (`?q=`: part of the label or of the piece): an FTS5 table with the trigram
tokenizer, external content on ledger_entry, kept by triggers and filled here from the existing entries — the
equivalent of PostgreSQL's trigram indexes (0025). Nothing on PostgreSQL, nor on an SQLite without FTS5 or its
trigram tokenizer (the filter then stays the LIKE scan). See `pilote.ledger.entry_words`."""

from django.db import migrations


def create(apps, schema_editor):
    from pilote.ledger import entry_words

    entry_words.create(schema_editor.connection)


def drop(apps, schema_editor):
    from pilote.ledger import entry_words

    entry_words.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0031_open_documents_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
