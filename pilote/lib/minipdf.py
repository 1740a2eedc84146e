"""A one-page PDF of a few lines of text (Helvetica, WinAnsi so French accents print), written by hand in a
few hundred bytes: the demos' placeholder documents (tender files, receipts, filed documents), readable by any
PDF reader and by text extraction (pypdf)."""

from __future__ import annotations


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(lines: list[str], *, title: str = "", width: int = 595, height: int = 842, size: int = 11) -> bytes:
    """`title` (16 pt) then `lines`, from the top left of a `width` × `height` page (points; A4 by default)."""
    top = height - 62 if height > 400 else height - 40
    stream = f"BT {56 if width > 400 else 40} {top} Td".encode()
    if title:
        stream += b" /F1 16 Tf (" + _escape(title) + b") Tj 0 -24 Td"
    stream += f" /F1 {size} Tf {size + 5} TL".encode()
    stream += b"".join(b" (" + _escape(line) + b") Tj T*" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R ".encode()
        + b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    output, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(output)
    output += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    output += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    output += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(output)
