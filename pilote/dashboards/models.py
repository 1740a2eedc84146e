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
