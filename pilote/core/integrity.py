"""French words for what the database refuses, so no IntegrityError reaches a user as a 500 or raw text.

The services refuse a bad write first, in French; this is the safety net under them (the middleware
`core.middleware.FriendlyErrorsMiddleware` for pages, an exception handler for the API). The sentence
for a named constraint is its `violation_error_message`, declared beside the rule in each model — the
same text `full_clean()` shows in forms —; `core/tests/test_integrity.py` fails on a constraint without
one. Unique fields get a sentence naming the field; protection triggers register their own text; any
other refusal gets a generic French sentence.

core imports no domain app: everything is read from the app registry.
"""

from __future__ import annotations

import functools
import logging
import re

from django.apps import apps
from django.db import IntegrityError, models

logger = logging.getLogger("pilote.integrity")

GENERIC = (
    "L'enregistrement a été refusé parce qu'il contredit une règle de cohérence des données : rien n'a été "
    "enregistré. Vérifiez la saisie (ou rechargez la page, quelqu'un a pu modifier ces données) et réessayez."
)
IN_USE = "Cet élément est utilisé ailleurs (document, écriture, fiche liée) : il ne peut pas être supprimé."

_trigger_texts: set[str] = set()

_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_SQLITE_COLUMNS = re.compile(r"(?:UNIQUE|NOT NULL) constraint failed: ([\w.,\s]+)")
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")


def register_trigger_message(text: str) -> None:
    """A protection trigger's own (French) refusal, shown as is when the database raises it."""
    _trigger_texts.add(text)


_sql_constraint_texts: dict[str, str] = {}


def register_constraint_message(name: str, text: str) -> None:
    """The French sentence of a constraint created in SQL by a migration (a PostgreSQL exclusion constraint),
    which no model's Meta declares."""
    _sql_constraint_texts[name] = text


def _constraints():
    for model in apps.get_models(include_auto_created=True):
        for constraint in model._meta.constraints:
            yield model, constraint


def has_own_message(constraint) -> bool:
    return constraint.violation_error_message != constraint.default_violation_error_message


@functools.cache
def constraint_messages() -> dict[str, str]:
    """Constraint name → the French sentence declared with it (only those that declare one)."""
    return {
        constraint.name: str(constraint.get_violation_error_message())
        for _, constraint in _constraints()
        if has_own_message(constraint)
    }


@functools.cache
def _unique_columns() -> dict[tuple[str, frozenset[str]], str]:
    """(table, columns) → sentence, for SQLite's « UNIQUE constraint failed: table.col » which gives no name."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                found[(table, frozenset([field.column]))] = _unique_field_sentence(model, field)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields and has_own_message(constraint):
                columns = frozenset(model._meta.get_field(name).column for name in constraint.fields)
                found[(table, columns)] = str(constraint.get_violation_error_message())
        for group in model._meta.unique_together:
            columns = frozenset(model._meta.get_field(name).column for name in group)
            found[(table, columns)] = f"Cet enregistrement ({model._meta.verbose_name}) existe déjà."
    return found


def _unique_field_sentence(model, field) -> str:
    return f"« {str(field.verbose_name).capitalize()} » : cette valeur est déjà utilisée ({model._meta.verbose_name})."


def _pg_message(cause) -> str | None:
    diag = getattr(cause, "diag", None)
    if diag is None:
        return None
    primary = diag.message_primary or ""
    if primary in _trigger_texts:
        return primary
    name = diag.constraint_name or ""
    if name in _sql_constraint_texts:
        return _sql_constraint_texts[name]
    if name in constraint_messages():
        return constraint_messages()[name]
    key = _PG_KEY.search(diag.message_detail or "")
    if key and diag.table_name:
        columns = frozenset(column.strip().strip('"') for column in key.group(1).split(","))
        return _unique_columns().get((diag.table_name, columns))
    return None


def _sqlite_message(text: str) -> str | None:
    if text in _trigger_texts:
        return text
    check = _SQLITE_CHECK.search(text)
    if check:
        return constraint_messages().get(check.group(1))
    unique = _SQLITE_COLUMNS.search(text)
    if unique and text.startswith("UNIQUE"):
        parts = [part.strip() for part in unique.group(1).split(",")]
        tables = {part.split(".")[0] for part in parts}
        if len(tables) == 1:
            columns = frozenset(part.split(".", 1)[-1] for part in parts)
            return _unique_columns().get((tables.pop(), columns))
    return None


def message_for(exc: IntegrityError) -> str:
    """The French sentence to show for a refused write (the generic one when nothing more precise is known)."""
    cause = exc.__cause__
    message = _pg_message(cause) if cause is not None and hasattr(cause, "diag") else _sqlite_message(str(exc))
    if message is None:
        logger.warning("Integrity error without a French message: %s", exc)
    return message or GENERIC
