import datetime

import django.utils.timezone
from django.db import migrations, models


def give_existing_tokens_an_expiry(apps, schema_editor):
    """Tokens created before expiry existed get the default lifetime from today (90 days), not an
    immediate cut-off of the programs using them."""
    ApiToken = apps.get_model("core", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=django.utils.timezone.now() + datetime.timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_french_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expire le"),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expire le"),
        ),
        migrations.CreateModel(
            name="RateLimitHit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=50, verbose_name="action")),
                ("key", models.CharField(max_length=64, verbose_name="clé")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="le")),
            ],
            options={
                "verbose_name": "demande comptée",
                "verbose_name_plural": "demandes comptées",
                "indexes": [models.Index(fields=["scope", "key", "at"], name="core_ratelimit_scope_key_at")],
            },
        ),
    ]
