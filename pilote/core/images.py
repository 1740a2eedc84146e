"""Uploaded images (the structure's logo): bounded in width, height and pixel count before anything decodes them.

A PNG of a few kilobytes can declare 12 000 × 12 000 pixels and take gigabytes once a PDF renderer decodes
it (a « decompression bomb »). Pillow reads only the header when it opens a file, so the size is checked
there, before Django's own ImageField verifies the file and long before WeasyPrint draws it.
"""

from __future__ import annotations

import warnings

from django import forms

from pilote.lib.formats import format_number

LOGO_MAX_SIDE = 4000  # pixels: a logo printed 5 cm wide at 600 dpi is 1 200 px
LOGO_MAX_PIXELS = 16_000_000


def image_size(file) -> tuple[int, int] | None:
    """(width, height) read from the header, or None when Pillow cannot read it (or it is a bomb beyond
    Pillow's own hard limit). Leaves the file at its start."""
    from PIL import Image  # here: Pillow is loaded by the pages that take an image, not at every start-up

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return image.size
    except Image.DecompressionBombError:
        return (0, 0)  # too large to be described: refused as such
    except Exception:  # noqa: BLE001 - not an image: Django's ImageField says so in French
        return None
    finally:
        file.seek(0)


def check_image_size(size: tuple[int, int], *, max_side: int, max_pixels: int) -> str | None:
    """The French message refusing an image of this size, or None when it fits."""
    width, height = size
    if width and height and width <= max_side and height <= max_side and width * height <= max_pixels:
        return None
    if not (width and height):
        return "Cette image est bien trop grande pour être lue. Réduisez-la avant de l'envoyer."
    side = format_number(max_side, 0)
    return (
        f"Cette image mesure {format_number(width, 0)} × {format_number(height, 0)} pixels : au plus {side} × {side} "
        "pixels sont acceptés. Réduisez-la avant de l'envoyer."
    )


class BoundedImageField(forms.ImageField):
    """An ImageField refusing, with a French message, images larger than `max_side` pixels on a side or
    `max_pixels` in all, from their header, before Django's verification reads the whole file."""

    def __init__(self, *args, max_side: int = LOGO_MAX_SIDE, max_pixels: int = LOGO_MAX_PIXELS, **kwargs):
        self.max_side = max_side
        self.max_pixels = max_pixels
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if data and hasattr(data, "read"):
            size = image_size(data)
            message = size and check_image_size(size, max_side=self.max_side, max_pixels=self.max_pixels)
            if message:
                raise forms.ValidationError(message, code="image_too_large")
        return super().to_python(data)
