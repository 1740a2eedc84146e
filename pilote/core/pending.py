"""Work in progress kept in the session between two requests: an import waiting for confirmation, an
uploaded file waiting for its column mapping.

Each item is stored under its scope (what it belongs to, e.g. « bank:3 ») and a random token carried by
the page that continues the work. A second tab, a reload or any unrelated request never replaces or
consumes it: only the request bearing the token reads it, and only a finished step discards it.
"""

from __future__ import annotations

import secrets

SESSION_KEY = "pilote_pending"
MAX_ITEMS = 5  # the oldest unfinished items go first; an upload can weigh a few hundred kilobytes


def keep(request, scope: str, payload) -> str:
    """Store `payload` (JSON-serialisable) for `scope`; return the token the next page must send back."""
    items = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(16)
    items[f"{scope}:{token}"] = payload
    while len(items) > MAX_ITEMS:
        items.pop(next(iter(items)))
    request.session[SESSION_KEY] = items
    return token


def read(request, scope: str, token: str | None):
    """The payload kept for `scope` under `token`, or None (unknown, expired or already finished)."""
    if not token:
        return None
    return request.session.get(SESSION_KEY, {}).get(f"{scope}:{token}")


def discard(request, scope: str, token: str | None) -> None:
    items = dict(request.session.get(SESSION_KEY, {}))
    if items.pop(f"{scope}:{token}", None) is not None:
        request.session[SESSION_KEY] = items
