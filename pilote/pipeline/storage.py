"""Where tender files live: a private folder outside MEDIA_ROOT, never reachable by a URL.

The project serves MEDIA_ROOT at /media/ to every signed-in user (the structure's logo), so a tender
document kept there would be open to roles that may not read tenders. Tender files therefore live under
`PILOTE_PRIVATE_ROOT` (setting or environment variable; default: var/private/), in tenders/<tender id>/,
and go out only through `pipeline:document-download`, which checks "pipeline.view".
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename

from pilote.core.storage import private_root


@deconstructible(path="pilote.pipeline.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file-system storage read from settings on each use (tests point it at a temporary folder)."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # no URL: url() raises, the download view is the only way out

    def url(self, name):
        raise ValueError("Les pièces d'appel d'offres n'ont pas d'adresse publique.")


private_storage = PrivateStorage()


def tender_upload_to(instance, filename: str) -> str:
    # A random prefix: two uploads of « RC.pdf » never collide and names are not guessable.
    safe = get_valid_filename(Path(filename).name)[:120] or "piece"
    return f"tenders/{instance.tender_id}/{uuid.uuid4().hex[:12]}-{safe}"
