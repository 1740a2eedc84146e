"""Writes of the dashboards: the thresholds direction sets on the indicators."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.registry import kpi_providers
from pilote.dashboards.models import KpiThreshold
from pilote.lib.formats import format_number
from pilote.lib.money import to_decimal

LIMIT = Decimal("999999999999.99")


# Units of indicators that are never under zero (days, rates, headcounts): a negative threshold makes no sense.
NEVER_NEGATIVE = {"j": "jours", "%": "pourcentage", "salariés": "salariés"}


@transaction.atomic
def set_threshold(*, actor, key: str, value: Decimal | None) -> KpiThreshold | None:
    """Set (or, with None, remove) the threshold of the indicator `key`."""
    provider = next((p for p in kpi_providers() if p.key == key), None)
    if provider is None:
        raise DomainError("Cet indicateur n'existe pas.")
    if value is not None:
        value = to_decimal(value)
        if abs(value) > LIMIT:
            raise DomainError("Ce seuil est hors des limites admises.")
        if value < 0 and provider.unit in NEVER_NEGATIVE:
            raise DomainError(f"Un seuil en {NEVER_NEGATIVE[provider.unit]} ne peut pas être négatif.")
    from pilote.dashboards import alerts

    transaction.on_commit(alerts.check)  # a crossing the new threshold makes is mailed now, not tomorrow
    current = KpiThreshold.objects.select_for_update().filter(key=key).first()
    before = {"seuil": format_number(current.value)} if current else {}
    if value is None:
        if current is None:
            return None
        current.delete()
        audit.record(actor, "dashboards.threshold.removed", None, before={"indicateur": provider.label, **before})
        return None
    if current is None:
        current = KpiThreshold.objects.create(key=key, value=value)
    else:
        current.value = value
        current.save(update_fields=["value", "updated_at"])
    audit.record(actor, "dashboards.threshold.set", current, before=before,
                 after={"indicateur": provider.label, "seuil": format_number(value)})  # fmt: skip
    return current


def thresholds() -> dict[str, Decimal]:
    return dict(KpiThreshold.objects.values_list("key", "value"))


def threshold(key: str) -> Decimal | None:
    """The threshold of the indicator `key`, or None (`core.registry.kpi_threshold`, read by finance's cash plan)."""
    return KpiThreshold.objects.filter(key=key).values_list("value", flat=True).first()
