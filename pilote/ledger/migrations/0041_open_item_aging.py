"""The aged balances kept per third party at a day (`OpenItemAging`, its day in `OpenItemAgingDay`), filled from the
open items (`OpenItemParty`, not the lines) at today; and the index of the open items by (account, date) the daily
roll-over reads the newly dated items through (`ledger.aging`)."""

import django.db.models.deletion
from django.db import migrations, models


def create_state(apps, schema_editor):
    # The state row, empty: also re-created after a test flush (conftest.SEEDS).
    from pilote.ledger import aging

    aging.create_state()


def fill(apps, schema_editor):
    from pilote.ledger import aging

    create_state(apps, schema_editor)
    if apps.get_model("ledger", "OpenItemParty").objects.exists():
        aging.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0040_open_lines_by_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenItemAging",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("aux_key", models.PositiveBigIntegerField()),
                ("b0", models.BigIntegerField(default=0)),
                ("b1", models.BigIntegerField(default=0)),
                ("b2", models.BigIntegerField(default=0)),
                ("b3", models.BigIntegerField(default=0)),
                ("b4", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "balance âgée d'un tiers",
                "verbose_name_plural": "balances âgées des tiers",
            },
        ),
        migrations.CreateModel(
            name="OpenItemAgingDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "jour de la balance âgée",
                "verbose_name_plural": "jour de la balance âgée",
            },
        ),
        migrations.AddIndex(
            model_name="openitemparty",
            index=models.Index(
                fields=["account", "date", "expected", "has_due_date", "aux_key", "fiscal_year", "debit", "credit"],
                name="ledger_openparty_date_idx",
            ),
        ),
        migrations.AddField(
            model_name="openitemaging",
            name="account",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.account"
            ),
        ),
        migrations.AddConstraint(
            model_name="openitemaging",
            constraint=models.UniqueConstraint(
                fields=("account", "aux_key"),
                name="ledger_openitemaging_unique",
                violation_error_message="La balance âgée de ce tiers vient de changer : réessayez.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
