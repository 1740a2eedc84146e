"""Keyed seals for the inalterability chains (ledger entries, issued invoices).

A seal is HMAC-SHA256 over the previous seal and a canonical text, keyed with `settings.PILOTE_CHAIN_KEY`,
which lives outside the database (environment in production, var/chain_key locally). Whoever can write to
the database but does not hold the key cannot recompute a chain that verifies after changing a record.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

GENESIS = "0" * 64


def seal(previous: str, canonical_text: str) -> str:
    """The 64-hex seal of `canonical_text` chained after `previous`."""
    key = settings.PILOTE_CHAIN_KEY.encode()
    return hmac.new(key, f"{previous}\n{canonical_text}".encode(), hashlib.sha256).hexdigest()


def matches(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected or "", actual or "")


def sealer(previous: str, first_text: str) -> hmac.HMAC:
    """An incremental seal for long texts: feed the rest with `.update(b"…")`; `.hexdigest()` then equals
    `seal(previous, first_text + rest)`."""
    key = settings.PILOTE_CHAIN_KEY.encode()
    return hmac.new(key, f"{previous}\n{first_text}".encode(), hashlib.sha256)
