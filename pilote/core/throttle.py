"""A small rate limiter for actions that must not be repeated at will (a password-reset request).

Failed logins are throttled by django-axes; other actions count their requests here, in the database
(`RateLimitHit`), so the limit holds across every gunicorn worker without a cache server. Only a SHA-256
of what is counted (an e-mail address, an IP) is stored, and rows older than the window are deleted as new
ones are counted: the table holds at most the last window's requests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    scope: str  # « password_reset.email »
    count: int  # at most this many requests…
    window: timedelta  # …within this time


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


@transaction.atomic
def allow(limit: Limit, value: str) -> bool:
    """Count one request for `value` under `limit`; False (nothing counted) when the limit is reached."""
    from pilote.core.models import RateLimitHit

    now = timezone.now()
    since = now - limit.window
    RateLimitHit.objects.filter(scope=limit.scope, at__lte=since).delete()
    key = _key(value)
    if RateLimitHit.objects.filter(scope=limit.scope, key=key, at__gt=since).count() >= limit.count:
        return False
    RateLimitHit.objects.create(scope=limit.scope, key=key, at=now)
    return True


def client_ip(request) -> str:
    """The address the request came from, as django-axes sees it (its own proxy settings apply)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""
