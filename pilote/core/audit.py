"""Audit trail: services call `record` inside their transaction for every business write.

Each event has a dotted code (`sales.invoice.issued`) for filters, and a French label that users read
(« Facture émise », core/audit_labels.py); tests run with PILOTE_STRICT_AUDIT_LABELS, so recording a code
without a label fails the test that records it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from pilote.core.models import AuditEvent

SKIPPED_FIELDS = {"password", "created_at", "updated_at", "last_login"}


def labels() -> dict[str, str]:
    """Event code → French label (core/audit_labels.py holds them all)."""
    from pilote.core.audit_labels import ACTION_LABELS

    return ACTION_LABELS


def label(code: str) -> str:
    """The French label of an event code; never the code itself, which users do not read."""
    from pilote.core.audit_labels import action_label

    return action_label(code)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
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
    if getattr(settings, "PILOTE_STRICT_AUDIT_LABELS", False) and action not in labels():
        # Tests run strict: a new event code without its French label fails the test that records it.
        raise LookupError(f"Audit code {action!r} has no French label: add it to the app's audit_labels.py.")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        # The name people read (« Julien Bernard »), kept as it was when the event happened.
        actor_label=(str(actor) if getattr(actor, "pk", None) else "") or "système",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
    )


def _shown(field, value) -> str:
    """A recorded value as a user reads it (snapshots keep JSON: « 2995.20 », true, ids, ISO dates)."""
    from pilote.lib import formats

    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "oui" if value else "non"
    if field.get_internal_type() in {"DecimalField"} or field.__class__.__name__ == "MoneyField":
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        places = 2 if field.__class__.__name__ == "MoneyField" else formats.significant_places(number)
        return formats.format_number(number, places)
    if isinstance(field, models.DateTimeField):
        try:
            return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, dict | list):
        return ", ".join(map(str, value.values() if isinstance(value, dict) else value)) or "—"
    if field.is_relation:
        return f"n° {value}"
    return str(value)


def describe_changes(event) -> list[tuple[str, str, str]]:
    """(field's French name, value before, value after) for each field the event changed."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, before, after in event.changed_fields:
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if field is not None and not isinstance(field, models.Field):
            field = None  # a reverse relation (lines, items…) recorded by a service's own snapshot
        if field is None and model is not None and name.endswith("_id"):
            try:
                field = model._meta.get_field(name[:-3])
            except FieldDoesNotExist:
                field = None
        title = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        rows.append((title, _shown(field, before), _shown(field, after)))
    return rows
