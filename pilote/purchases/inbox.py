"""Received files waiting for a person: an e-invoice whose supplier is not yet a contact.

The file waits on disk under PILOTE_PRIVATE_ROOT/purchases/pending/<user>/<token> (never in the session, never
under MEDIA_ROOT); the page that offers to create the supplier carries the token. Files older than a day
are removed when the next one is kept.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from pilote.core.storage import private_root, stamp

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder(user) -> Path:
    return private_root() / "purchases" / "pending" / str(int(user.pk))


def keep(user, content: bytes, filename: str) -> str:
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename}))
    for written in (folder / f"{token}.bin", folder / f"{token}.json"):
        stamp(written)
    return token


def read(user, token: str) -> tuple[bytes, str] | None:
    """(content, filename) kept under `token` for this user, or None (unknown, expired or already used)."""
    if not token or not _TOKEN.match(token):
        return None
    folder = _folder(user)
    try:
        content = (folder / f"{token}.bin").read_bytes()
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    return content, str(meta.get("filename", ""))


def discard(user, token: str) -> None:
    if token and _TOKEN.match(token):
        for suffix in (".bin", ".json"):
            (_folder(user) / f"{token}{suffix}").unlink(missing_ok=True)
