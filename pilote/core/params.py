"""Reading what a request carries outside a form: ids, counts, amounts and return addresses.

A view that reads `request.GET` / `request.POST` by hand goes through these helpers, never `int()`,
`Decimal()` or `redirect(request.POST["next"])` on the raw text: text, a number too large for a 64-bit
column (99999999999999999999), NaN or Infinity, a NUL byte or an address elsewhere give None (the view
falls back on its default or answers in French), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

MAX_ID = 2**63 - 1  # the largest value of a 64-bit integer column (PostgreSQL bigint, SQLite INTEGER)
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def to_int(raw: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The integer written in `raw` (ASCII digits, optional minus) within [minimum, maximum], else None."""
    text = str(raw if raw is not None else "").strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def to_ids(values: Iterable[object]) -> list[int]:
    """The valid database ids among `values` (a `getlist` of checkboxes), in order, junk left out."""
    return [value for value in (to_int(raw, minimum=1) for raw in values) if value is not None]


def to_amount(raw: object, *, limit: Decimal = Decimal("1e12")) -> Decimal | None:
    """A finite decimal number typed the French or the English way (« 1 234,56 », « 1234.56 ») whose
    absolute value is below `limit`, else None (NaN, Infinity, 1e400, text)."""
    text = str(raw if raw is not None else "").strip()
    text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and abs(value) < limit else None


def safe_next(request, default: str, **kwargs) -> str:
    """The page to go back to: the `next` field when it is an address of this site, else `default` (a URL
    name or path, reversed with kwargs)."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return resolve_url(default, **kwargs)
