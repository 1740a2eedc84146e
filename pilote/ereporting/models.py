"""A transmitted e-reporting period: the files as they went out, frozen.

Once a period is marked as transmitted through a connector, its XML (flux 10) and its CSV for the comptable
are stored here with the XML's SHA-256: every later export of that period gives these bytes back, whatever
happens to the operations afterwards (a correction then needs a rectifying transmission, TypeCode RE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Transmission(models.Model):
    flow = models.CharField(
        "données", max_length=12, choices=[("transactions", "Transactions"), ("paiements", "Paiements")]
    )
    period_start = models.DateField("début de période")
    period_end = models.DateField("fin de période")
    connector = models.CharField("connecteur", max_length=40)
    file_name = models.CharField("fichier", max_length=120)
    xml = models.BinaryField("fichier XML (flux 10)")
    csv = models.BinaryField("fichier CSV")
    sha256 = models.CharField("empreinte SHA-256 du XML", max_length=64)
    receipt = models.CharField("accusé du connecteur", max_length=300, blank=True)
    transmitted_at = models.DateTimeField("transmise le", auto_now_add=True)
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, related_name="+", null=True
    )
    transmitted_by_name = models.CharField("transmise par", max_length=150)

    class Meta:
        verbose_name = "transmission d'e-reporting"
        verbose_name_plural = "transmissions d'e-reporting"
        ordering = ["-period_start", "flow"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "period_start"],
                name="ereporting_transmission_once",
                violation_error_message="Cette période a déjà été transmise.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="ereporting_transmission_period_order",
                violation_error_message="La fin de période doit suivre son début.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"E-reporting {self.get_flow_display().lower()} du {self.period_start:%d/%m/%Y} "
            f"au {self.period_end:%d/%m/%Y}"
        )
