"""Work in progress kept between two requests: an import waiting for confirmation, an uploaded file waiting
for its column mapping.

Each item is stored under its scope (what it belongs to, e.g. « bank:3 ») and a random token carried by
the page that continues the work. A second tab, a reload or any unrelated request never replaces or
consumes it: only the request bearing the token reads it, and only a finished step discards it.

The session keeps only a small payload (a name, a token): never a file's content, which would be read and
written again with every request of that user. A file waiting for the next step is copied, chunk by chunk,
under PILOTE_PRIVATE_ROOT/pending/ (outside MEDIA_ROOT), named by its token; it is deleted when its item is
discarded or pushed out by newer ones, and any file older than a session is swept away.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from pathlib import Path

from django.conf import settings

from pilote.core.storage import private_root, stamp

SESSION_KEY = "pilote_pending"
MAX_ITEMS = 5  # the oldest unfinished items go first
MAX_PAYLOAD_BYTES = 4096  # what the session may hold per item: a file goes to disk, not here
CHUNK = 1 << 20


def folder() -> Path:
    return private_root() / "pending"


def _file_of(key: str) -> Path:
    return folder() / key.rsplit(":", 1)[-1]


def keep(request, scope: str, payload, *, upload=None) -> str:
    """Store `payload` (small, JSON-serialisable) for `scope`, and `upload` (a file object) on disk; return
    the token the next page must send back."""
    if len(json.dumps(payload)) > MAX_PAYLOAD_BYTES:
        raise ValueError("pending payloads stay small: keep the file with upload=, not in the session")
    items = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(16)
    key = f"{scope}:{token}"
    if upload is not None:
        _sweep()
        folder().mkdir(parents=True, exist_ok=True)
        if hasattr(upload, "seek"):
            upload.seek(0)
        with _file_of(key).open("wb") as out:
            chunks = upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b"")
            for chunk in chunks:
                out.write(chunk)
        stamp(_file_of(key))
        payload = {**payload, "has_file": True}
    items[key] = payload
    while len(items) > MAX_ITEMS:
        _delete_file(_oldest(items))
    request.session[SESSION_KEY] = items
    return token


def _oldest(items: dict) -> str:
    key = next(iter(items))
    items.pop(key)
    return key


def _delete_file(key: str) -> None:
    _file_of(key).unlink(missing_ok=True)


def _sweep() -> None:
    """Delete files left by sessions that ended without finishing their work."""
    limit = time.time() - settings.SESSION_COOKIE_AGE
    with contextlib.suppress(OSError):
        for path in folder().iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()


def read(request, scope: str, token: str | None):
    """The payload kept for `scope` under `token`, or None (unknown, expired or already finished)."""
    if not token:
        return None
    return request.session.get(SESSION_KEY, {}).get(f"{scope}:{token}")


def file_path(request, scope: str, token: str | None) -> Path | None:
    """The file kept with the item, or None (no such item, no file, or the file is gone)."""
    payload = read(request, scope, token)
    if not payload or not payload.get("has_file"):
        return None
    path = _file_of(f"{scope}:{token}")
    return path if path.is_file() else None


def discard(request, scope: str, token: str | None) -> None:
    items = dict(request.session.get(SESSION_KEY, {}))
    key = f"{scope}:{token}"
    if items.pop(key, None) is not None:
        request.session[SESSION_KEY] = items
        _delete_file(key)
