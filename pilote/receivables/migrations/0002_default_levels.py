"""The default dunning ladder: Relance amiable (J+7), Seconde relance (J+21), Mise en demeure (J+45)."""

from django.db import migrations


def create_levels(apps, schema_editor):
    from pilote.receivables.levels import create_default_levels

    create_default_levels(apps.get_model("receivables", "DunningLevel"))


class Migration(migrations.Migration):
    dependencies = [("receivables", "0001_initial")]

    operations = [migrations.RunPython(create_levels, migrations.RunPython.noop)]
