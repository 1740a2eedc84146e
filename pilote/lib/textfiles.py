"""Text files read as streams: the encoding found by one pass over the bytes (in chunks), then the lines
decoded as they are read, so a file of any size is never held whole in memory, as bytes or as text.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator

CHUNK = 1 << 18
# The five bytes Windows-1252 leaves undefined: a file holding one of them is not Windows-1252.
_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])


def binary_stream(source) -> io.IOBase:
    """A seekable binary stream over `source`: bytes, a Django File/UploadedFile or an open binary file."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    inner = getattr(source, "file", None)  # Django's File wraps the real file object
    stream = inner if inner is not None and hasattr(inner, "read") else source
    stream.seek(0)
    return stream


def chunks(stream, size: int = CHUNK) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(size):
        yield chunk


def is_utf8(stream) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks(stream):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream) -> str:
    """'utf-8-sig' (with or without BOM) when every byte decodes as UTF-8, else 'cp1252' when no byte is
    one Windows-1252 leaves undefined, else 'latin-1' (ISO-8859-1 decodes anything)."""
    if is_utf8(stream):
        return "utf-8-sig"
    try:
        for chunk in chunks(stream):
            if any(byte in chunk for byte in _CP1252_UNDEFINED):
                return "latin-1"
        return "cp1252"
    finally:
        stream.seek(0)


def head(stream, size: int = 65536) -> bytes:
    stream.seek(0)
    data = stream.read(size)
    stream.seek(0)
    return data


@contextlib.contextmanager
def text_stream(stream, encoding: str):
    """The stream decoded line by line (universal newlines kept for the csv module: newline=''); the
    binary stream is left open (detached, not closed) at the end."""
    stream.seek(0)
    wrapper = io.TextIOWrapper(io.BufferedReader(_Unclosable(stream), CHUNK), encoding=encoding, newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()


class _Unclosable(io.RawIOBase):
    """A read-only view of a binary stream that TextIOWrapper can use without closing the stream."""

    def __init__(self, stream):
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
