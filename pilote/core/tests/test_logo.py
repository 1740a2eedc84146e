"""The structure's logo is bounded in size (width, height, pixels) before anything decodes it."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pilote.core.models import Structure


def declared_png(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height (1-bit grey) with a tiny body: what a decompression bomb
    looks like to whoever reads only the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def real_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def _settings_data(structure):
    data = {f: getattr(structure, f) or "" for f in ("type", "legal_name", "siren", "vat_regime")}
    data.update(fiscal_year_start="2026-01-01", fiscal_year_end="2026-12-31", version=structure.version)
    return data


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (12000, 12000, "12\u202f000 × 12\u202f000 pixels"),  # the reported case
        (4001, 10, "4\u202f001 × 10 pixels"),  # one side too long
        (60000, 60000, "bien trop grande"),  # beyond Pillow's own decompression-bomb limit
    ],
)
def test_an_oversized_logo_is_refused_in_french(client_as, settings, tmp_path, width, height, message):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("direction")
    structure = Structure.objects.get()
    logo = SimpleUploadedFile("logo.png", declared_png(width, height), content_type="image/png")
    response = client.post(reverse("core:settings-edit"), {**_settings_data(structure), "logo": logo})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Réduisez-la" in page
    structure.refresh_from_db()
    assert not structure.logo and not any(tmp_path.rglob("*.png"))


def test_a_reasonable_logo_is_accepted(client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("direction")
    structure = Structure.objects.get()
    logo = SimpleUploadedFile("logo.png", real_png(400, 120), content_type="image/png")
    response = client.post(reverse("core:settings-edit"), {**_settings_data(structure), "logo": logo})
    assert response.status_code == 302, response.content.decode()
    structure.refresh_from_db()
    assert structure.logo and (structure.logo.width, structure.logo.height) == (400, 120)


def test_the_wizard_bounds_the_logo_too():
    from pilote.core.forms import StructureContactForm

    logo = SimpleUploadedFile("logo.png", declared_png(12000, 12000), content_type="image/png")
    form = StructureContactForm(data={}, files={"logo": logo})
    form.is_valid()
    assert "12\u202f000 × 12\u202f000 pixels" in str(form.errors["logo"])
