"""Private files: a folder outside MEDIA_ROOT, never reachable by a URL.

The project serves MEDIA_ROOT at /media/ to every signed-in user (the structure's logo), so a document
that only some roles may read (a tender file, an uploaded FEC) lives under `PILOTE_PRIVATE_ROOT`
(setting or environment variable; default: var/private/) and goes out only through a view that checks
the permission.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings


def private_root() -> Path:
    """PILOTE_PRIVATE_ROOT from the settings, else from the environment, else var/private/."""
    configured = getattr(settings, "PILOTE_PRIVATE_ROOT", None) or os.environ.get("PILOTE_PRIVATE_ROOT")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "private"


def stamp(path: Path) -> None:
    """Date a file just written by this process's clock, the one its age is later judged by (time.time(),
    timezone.now()): the file system's own stamp comes from the host that stores it (a share's server, or the real
    clock under faketime) and may disagree, making a fresh file look hours old and swept away."""
    now = time.time()
    os.utime(path, (now, now))
