from django.db import models

from pilote.lib.fields import FrenchDecimalField


class KpiThreshold(models.Model):
    """A threshold direction sets on an indicator (`core.registry.KpiProvider.key`): past it, the tile turns
    red and direction's to-do list carries an alert."""

    key = models.CharField("indicateur", max_length=40, unique=True)
    value = FrenchDecimalField("seuil", max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "seuil d'alerte"
        verbose_name_plural = "seuils d'alerte"
        ordering = ["key"]

    def __str__(self) -> str:
        from pilote.lib.formats import format_number

        return f"Seuil de {self.key} : {format_number(self.value)}"


class KpiAlert(models.Model):
    """A crossing of a threshold: open from the day the indicator passed it until the day it came back. Direction
    gets one e-mail per crossing (when the row opens), not one per page or per night."""

    key = models.CharField("indicateur", max_length=40)
    started_on = models.DateField("depuis le")
    value = FrenchDecimalField("valeur", max_digits=14, decimal_places=2, null=True)
    threshold = FrenchDecimalField("seuil", max_digits=14, decimal_places=2)
    ended_on = models.DateField("revenu le", null=True, blank=True)
    mailed_to = models.PositiveIntegerField("destinataires de l'e-mail", default=0)

    class Meta:
        verbose_name = "alerte d'indicateur"
        verbose_name_plural = "alertes d'indicateurs"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(ended_on__isnull=True),
                name="dashboards_kpialert_one_open",
                violation_error_message="Cet indicateur a déjà une alerte en cours.",
            ),
        ]

    def __str__(self) -> str:
        return f"Alerte {self.key} du {self.started_on:%d/%m/%Y}"
