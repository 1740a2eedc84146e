"""API keys: random, shown once, stored as a SHA-256 digest (a leaked database leaks no usable key)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

PREFIX = "plt_"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# A token lives at most a year: a key forgotten in a script stops working on its own. No « never expires ».
LIFETIMES = {30: "30 jours", 90: "90 jours", 180: "6 mois", 365: "1 an"}
DEFAULT_DAYS = 90
# Last use is shown by day: it is written at most once an hour per token, never on every request.
LAST_USE_PRECISION = timedelta(hours=1)


def lifetimes_text() -> str:
    return ", ".join(LIFETIMES.values())


def user_for_key(key: str):
    """The active user a key belongs to, or None (unknown, revoked or expired key, inactive user). Marks
    the token used, at most once per LAST_USE_PRECISION."""
    from pilote.core.models import ApiToken

    if not key.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(key), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
