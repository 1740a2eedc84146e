"""Each third party's open total per fiscal year and account (`OpenItemPartyTotal`, filled from `OpenItemParty`,
which `verify_ledger` checks against the lines), and two indexes of the open items: by expected date, and by date
for the items expected before their own date. The aged balance buckets the items expected from its oldest bucket's
edge on and takes the rest as the total less them, instead of every open item of the open years."""

import django.db.models.deletion
import pilote.lib.money
from django.db import migrations, models


def fill(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO ledger_openitempartytotal (fiscal_year_id, account_id, aux_key, debit, credit, line_count) "
        "SELECT fiscal_year_id, account_id, aux_key, SUM(debit), SUM(credit), SUM(line_count) "
        "FROM ledger_openitemparty GROUP BY fiscal_year_id, account_id, aux_key "
        "HAVING SUM(debit) <> 0 OR SUM(credit) <> 0 OR SUM(line_count) <> 0"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0035_line_lettering_copy"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenItemPartyTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("aux_key", models.PositiveBigIntegerField(default=0)),
                ("debit", pilote.lib.money.MoneyField(default=0)),
                ("credit", pilote.lib.money.MoneyField(default=0)),
                ("line_count", models.IntegerField(default=0)),
            ],
            options={
                "verbose_name": "total des pièces non lettrées d'un tiers",
                "verbose_name_plural": "totaux des pièces non lettrées des tiers",
            },
        ),
        migrations.AddIndex(
            model_name="openitemparty",
            index=models.Index(
                fields=["account", "expected", "aux_key", "fiscal_year", "date", "has_due_date", "debit", "credit"],
                name="ledger_openparty_expected_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="openitemparty",
            index=models.Index(
                condition=models.Q(("expected__lt", models.F("date"))),
                fields=["account", "date", "expected", "aux_key", "fiscal_year", "debit", "credit"],
                name="ledger_openparty_duefirst_idx",
            ),
        ),
        migrations.AddField(
            model_name="openitempartytotal",
            name="account",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.account"),
        ),
        migrations.AddField(
            model_name="openitempartytotal",
            name="fiscal_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.fiscalyear"
            ),
        ),
        migrations.AddConstraint(
            model_name="openitempartytotal",
            constraint=models.UniqueConstraint(
                fields=("fiscal_year", "account", "aux_key"),
                name="ledger_openpartytotal_unique",
                violation_error_message="Les pièces non lettrées de ce tiers viennent de changer : réessayez.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
