"""The text of a stored file, for the full-text search (pure: bytes in, text out).

PDF through pypdf; Word (docx) and OpenDocument (odt, ods) by reading their XML inside the ZIP; Excel (xlsx)
through openpyxl; plain text and CSV decoded. Whatever cannot be read gives "" (the document is still found by
its name and metadata). The text is cut at MAX_CHARS.
"""

from __future__ import annotations

import io
import re
import zipfile

MAX_CHARS = 200_000
_TAGS = re.compile(rb"<[^>]+>")
_BREAKS = re.compile(rb"</(?:w:p|text:p|text:h|table:table-cell)>")


def _xml_text(data: bytes, member: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if member not in archive.namelist() or archive.getinfo(member).file_size > 50 * 1024 * 1024:
            return ""
        xml = archive.read(member)
    xml = _BREAKS.sub(b"\n", xml)
    from html import unescape

    return unescape(_TAGS.sub(b" ", xml).decode("utf-8", "replace"))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts, size = [], 0
    for page in reader.pages[:200]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts, size = [], 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            line = " ".join(str(value) for value in row if value not in (None, ""))
            parts.append(line)
            size += len(line)
            if size > MAX_CHARS:
                return "\n".join(parts)
    return "\n".join(parts)


def extract_text(data: bytes, extension: str) -> str:
    extension = extension.lower().lstrip(".")
    try:
        if extension == "pdf":
            text = _pdf_text(data)
        elif extension == "docx":
            text = _xml_text(data, "word/document.xml")
        elif extension in ("odt", "ods", "odp"):
            text = _xml_text(data, "content.xml")
        elif extension == "xlsx":
            text = _xml_text(data, "xl/sharedStrings.xml") if len(data) > 20 * 1024 * 1024 else _xlsx_text(data)
        elif extension in ("txt", "csv", "md"):
            text = data.decode("utf-8", "replace")
        else:
            text = ""
    except Exception:  # noqa: BLE001 — a damaged file is still stored; it is found by its name only
        text = ""
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()[:MAX_CHARS]
