"""Audit trail: services call `record` inside their transaction for every business write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from pilote.core.models import AuditEvent

SKIPPED_FIELDS = {"password", "created_at", "updated_at", "last_login"}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values as JSON-friendly data (foreign keys as ids)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS:
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def record(actor, action: str, obj: models.Model | None = None, *, before=None, after=None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "système",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
    )
