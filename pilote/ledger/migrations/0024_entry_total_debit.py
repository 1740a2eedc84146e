"""Each posted entry carries the sum of its debits (`Entry.total_debit`), written at posting: the entries list no
longer sums the lines of the entries it shows (an à-nouveaux entry of 300,000 lines took 0.3 s on every page that
showed it). Existing posted entries are filled from their lines in one grouped statement, the triggers lifted for
it (they refuse any UPDATE of a posted entry) and put back at once."""

from django.db import migrations

import pilote.lib.money

FILL_POSTGRESQL = """
    UPDATE ledger_entry SET total_debit = totals.debit
    FROM (SELECT entry_id, SUM(debit) AS debit FROM ledger_entryline GROUP BY entry_id) AS totals
    WHERE totals.entry_id = ledger_entry.id AND ledger_entry.status = 'posted'
"""
FILL_SQLITE = """
    UPDATE ledger_entry SET total_debit = (
        SELECT COALESCE(SUM(debit), 0) FROM ledger_entryline WHERE entry_id = ledger_entry.id
    ) WHERE status = 'posted'
"""


def fill(apps, schema_editor):
    from pilote.ledger import triggers

    connection = schema_editor.connection
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(FILL_POSTGRESQL if connection.vendor == "postgresql" else FILL_SQLITE)
        cursor.execute("UPDATE ledger_entry SET total_debit = 0 WHERE status = 'posted' AND total_debit IS NULL")
    triggers.install(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0023_account_totals_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="total_debit",
            field=pilote.lib.money.MoneyField(blank=True, null=True, verbose_name="montant"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
