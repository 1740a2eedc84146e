"""Where the office's documents live: PILOTE_PRIVATE_ROOT/office/, outside MEDIA_ROOT, never reachable by a URL;
a file goes out only through the download view, after `queries.documents.visible_documents` let it."""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from pilote.core.storage import private_root


@deconstructible(path="pilote.office.storage.DocumentStorage")
class DocumentStorage(FileSystemStorage):
    """Read from the settings on each use (tests point PILOTE_PRIVATE_ROOT at a temporary folder)."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(private_root() / "office")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Les documents n'ont pas d'adresse publique.")


document_storage = DocumentStorage()
