from django.db import migrations, models
from django.db.models import Q

# Exchanges other domains logged before they recorded their source's permission, recognised by the
# subjects those services write (pipeline, tenders, quotes and invoices sent, complaint answers).
SOURCES = [
    ("complaints.view", Q(subject__startswith="Réponse à la réclamation ")),
    (
        "pipeline.view",
        Q(subject__startswith="Nouvelle opportunité « ")
        | Q(subject__startswith="Opportunité ")
        | Q(subject__startswith="Appel d'offres "),
    ),
    (
        "sales.view",
        Q(kind="email")
        & (
            Q(subject__startswith="Devis ", subject__contains=" envoyé (")
            | Q(subject__startswith="Facture", subject__contains=" envoyée (")
            | Q(subject__startswith="Avoir", subject__contains=" envoyé")
        ),
    ),
]


def mark_sources(apps, schema_editor):
    Interaction = apps.get_model("contacts", "Interaction")
    for perm, condition in SOURCES:
        Interaction.objects.filter(condition, source_perm="").update(source_perm=perm)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_french_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="source_perm",
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name="droit de lecture"),
        ),
        migrations.RunPython(mark_sources, migrations.RunPython.noop),
    ]
