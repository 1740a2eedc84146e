"""Every file a form accepts has a size limit of its kind (core.uploads): a new upload form without one fails here."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import pilote
from pilote.core import uploads


def _all_form_classes() -> set[type]:
    for module in pkgutil.walk_packages(pilote.__path__, "pilote."):
        if any(part in module.name for part in (".tests", ".migrations", "browser_fixtures", ".management")):
            continue
        importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {cls for cls in found if cls.__module__.startswith("pilote.")}


def _is_limited(field: forms.Field) -> bool:
    return isinstance(field, uploads.LimitedFileField) or any(
        getattr(validator, "kind", None) in uploads.KINDS for validator in field.validators
    )


def test_every_file_field_of_every_form_is_limited(db):
    unlimited = []
    for cls in _all_form_classes():
        try:
            fields = cls().fields  # model forms add the limit in __init__
        except (TypeError, ValueError, KeyError, AttributeError):  # forms that need arguments: declared fields
            fields = cls.base_fields
        for name, field in fields.items():
            if isinstance(field, forms.FileField) and not _is_limited(field):
                unlimited.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unlimited, unlimited
    assert len([cls for cls in _all_form_classes() if "Upload" in cls.__name__ or "Import" in cls.__name__]) >= 3
