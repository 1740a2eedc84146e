"""Private files: a folder outside MEDIA_ROOT, never reachable by a URL.

The project serves MEDIA_ROOT at /media/ to every signed-in user (the structure's logo), so a document
that only some roles may read (a tender file, an uploaded FEC) lives under `PILOTE_PRIVATE_ROOT`
(setting or environment variable; default: var/private/) and goes out only through a view that checks
the permission.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def private_root() -> Path:
    """PILOTE_PRIVATE_ROOT from the settings, else from the environment, else var/private/."""
    configured = getattr(settings, "PILOTE_PRIVATE_ROOT", None) or os.environ.get("PILOTE_PRIVATE_ROOT")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "private"
