"""Uploaded files: a size limit per kind of file, and uploads streamed to disk.

Every file a page accepts belongs to a kind (`KINDS`) whose limit comes from the settings
(`PILOTE_UPLOAD_MAX_BYTES`, per kind; the FEC keeps its own `PILOTE_FEC_MAX_BYTES`). The form field
(`LimitedFileField`, or the `size_validator(kind)` for a model form's field) refuses a larger file with a
French sentence naming the limit, before anything reads it.

Django hands files over `FILE_UPLOAD_MAX_MEMORY_SIZE` to a temporary file, so a large upload never sits in
memory. `BoundedUploadHandler` (first in `FILE_UPLOAD_HANDLERS`) stops keeping a file once it passes the
largest limit of any kind: the rest of the request body is read and dropped, and the form receives an
`OversizedUpload` — an empty file that knows its real size — which the size check refuses by name. So
no upload, whatever its size, fills the memory or the disk.
"""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MB = 1024 * 1024

# kind: (what the French message calls it, default limit in bytes)
KINDS: dict[str, tuple[str, int]] = {
    "bank": ("un relevé bancaire", 20 * MB),
    "contacts": ("un fichier de contacts", 10 * MB),
    "fec": ("un fichier des écritures comptables (FEC)", 300 * MB),
    "logo": ("un logo", 2 * MB),
    "tender": ("une pièce d'appel d'offres", 20 * MB),
    "einvoice": ("une facture électronique", 10 * MB),
    "budget": ("un budget", 5 * MB),
    "calendar": ("un fichier d'agenda (.ics)", 5 * MB),
    "receipt": ("un justificatif de frais", 10 * MB),
    "document": ("un document du bureau", 20 * MB),
    "agreement": ("une convention de subvention", 20 * MB),
    "takeover": ("un fichier de reprise de données", 20 * MB),
    "other": ("ce type de fichier", 10 * MB),
}


def max_bytes(kind: str) -> int:
    """The limit for `kind`: PILOTE_FEC_MAX_BYTES for the FEC, else PILOTE_UPLOAD_MAX_BYTES[kind], else the default."""
    if kind == "fec" and getattr(settings, "PILOTE_FEC_MAX_BYTES", None):
        return int(settings.PILOTE_FEC_MAX_BYTES)
    configured = getattr(settings, "PILOTE_UPLOAD_MAX_BYTES", {}) or {}
    return int(configured.get(kind, KINDS[kind][1]))


def largest_limit() -> int:
    return max(max_bytes(kind) for kind in KINDS)


def human_size(size: int) -> str:
    """« 20 Mo », « 1,5 Mo », « 512 Ko », « 100 octets » (French units, decimal comma)."""
    if size >= MB:
        value = size / MB
        text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
        return f"{text} Mo"
    if size >= 1024:
        return f"{size // 1024} Ko"
    return f"{size} octet{'s' if size > 1 else ''}"


def too_large_message(kind: str) -> str:
    return f"Le fichier dépasse la taille maximale de {human_size(max_bytes(kind))} pour {KINDS[kind][0]}."


def check_size(upload, kind: str) -> None:
    """ValidationError (French, naming the limit) when the upload is larger than its kind allows."""
    if upload is None or upload is False:
        return
    if getattr(upload, "oversized", False) or (upload.size or 0) > max_bytes(kind):
        raise ValidationError(too_large_message(kind), code="file_too_large")


def size_validator(kind: str):
    """A field validator for `kind` (for model forms' FileField / ImageField)."""

    def validate(upload) -> None:
        # a saved file on the instance (FieldFile) is not an upload: it was checked when it came in
        if isinstance(upload, UploadedFile):
            check_size(upload, kind)

    validate.kind = kind
    return validate


def limit_field(field: forms.FileField, kind: str) -> forms.FileField:
    """Add the size limit of `kind` to a form field (e.g. the logo of a model form); returns the field."""
    field.validators.append(size_validator(kind))
    to_python = field.to_python

    def checked_to_python(data):  # before ImageField reads the image: an oversized upload is empty
        if isinstance(data, UploadedFile):
            check_size(data, kind)
        return to_python(data)

    field.to_python = checked_to_python
    if not field.help_text:
        field.help_text = f"{human_size(max_bytes(kind))} au plus."
    return field


class LimitedFileField(forms.FileField):
    """A FileField that refuses a file larger than the limit of its kind, before anything reads it."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        check_size(data, self.kind)  # before FileField's own checks: an oversized upload is empty
        return super().clean(data, initial)


class OversizedUpload(UploadedFile):
    """What a file over every limit becomes: no content, its real size, refused by `check_size`."""

    oversized = True

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        super().__init__(io.BytesIO(b""), name, content_type, size, charset, content_type_extra)


class BoundedUploadHandler(FileUploadHandler):
    """Passes chunks on to the next handlers (memory, then temporary file) until a file passes the largest
    limit of any kind; from then on drops its chunks and ends it as an `OversizedUpload`."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = largest_limit()
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.oversized or self.received > self.limit:
            self.oversized = True
            return None  # dropped: the following handlers never see it
        return raw_data

    def file_complete(self, file_size):
        if not self.oversized:
            return None  # the next handler returns the file
        for handler in self.request.upload_handlers:  # close what the next handlers started writing
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
        return OversizedUpload(self.file_name, self.content_type, self.received, self.charset, self.content_type_extra)
