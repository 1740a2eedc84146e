"""The association's settings printed on its tax receipts (object, category, signatory)."""

from __future__ import annotations

from django.db import transaction

from pilote.associations.models import AssociationSettings
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version


@transaction.atomic
def update_settings(*, actor, expected_version: int | None = None, **fields) -> AssociationSettings:
    rate = fields.get("volunteer_rate")
    if rate is not None and rate <= 0:
        raise DomainError("La valorisation d'une heure de bénévolat est positive (le SMIC horaire brut par défaut).")
    current, _ = AssociationSettings.objects.select_for_update().get_or_create(pk=1)
    check_version(current.version, expected_version, "Les paramètres de l'association")
    before = audit.snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.version += 1
    current.save()
    audit.record(actor, "associations.settings.updated", current, before=before, after=audit.snapshot(current))
    return current
