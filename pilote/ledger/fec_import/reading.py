"""Reading a FEC as text, record by record, as many times as needed: the encoding found without holding the
file, the field positions, and the records with their line numbers — in file order, or regrouped by entry
through a temporary SQLite database when an entry's lines are not consecutive."""

from __future__ import annotations

import codecs
import io
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pilote.ledger.fec_import.report import changed

READ_BLOCK = 1 << 20  # bytes read at a time

# Field positions (the Montant/Sens variant has Montant and Sens where Debit and Credit are).
(JOURNAL, JOURNAL_LIB, NUM, DATE, ACCOUNT, ACCOUNT_LIB, AUX, AUX_LIB, PIECE, PIECE_DATE, LABEL, AMOUNT_A, AMOUNT_B,
 LET, DATE_LET, VALID, CURRENCY_AMOUNT, CURRENCY) = range(18)  # fmt: skip


class Source:
    """The file (a path or bytes), read as text record by record, as many times as needed.

    The encoding is found first without holding the file: UTF-8 with a BOM, else UTF-8 if the whole file
    decodes as such, else ISO-8859-15. CR LF, CR and LF all end a record."""

    def __init__(self, source: str | Path | bytes):
        if isinstance(source, bytes | bytearray | memoryview):
            self.data, self.path, self.name = bytes(source), None, ""
        else:
            self.data, self.path = None, Path(source)
            self.name = self.path.name
        self.stamp = self._stamp()
        self.codec, self.label = self._detect()

    def _stamp(self) -> tuple | None:
        if self.path is None:
            return None
        stat = self.path.stat()
        return stat.st_size, stat.st_mtime_ns

    def _binary(self):
        return io.BytesIO(self.data) if self.path is None else open(self.path, "rb")  # noqa: SIM115 - closed by the caller

    def _detect(self) -> tuple[str, str]:
        with self._binary() as binary:
            if binary.read(3) == b"\xef\xbb\xbf":
                return "utf-8-sig", "UTF-8 (avec BOM)"
            binary.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                while block := binary.read(READ_BLOCK):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return "iso-8859-15", "ISO-8859-15"
        return "utf-8", "UTF-8"

    def records(self) -> Iterator[str]:
        if self._stamp() != self.stamp:
            raise changed()
        errors = "replace" if self.codec == "utf-8-sig" else "strict"
        with (
            self._binary() as binary,
            io.TextIOWrapper(binary, encoding=self.codec, errors=errors, newline=None) as text,
        ):
            for record in text:
                yield record[:-1] if record.endswith("\n") else record


def split(record: str, separator: str, width: int) -> list[str]:
    """The fields of a record; empty fields after the last one (a separator ending the line, as some
    software writes) are dropped."""
    values = record.split(separator)
    if len(values) > width and not "".join(values[width:]).strip():
        del values[width:]
    return values


def numbered_records(src: Source, separator: str, grouped: bool) -> tuple[str | None, Iterable[tuple[int, str]]]:
    """The header, and the records after it with their line numbers: in file order, or regrouped by entry."""
    records = src.records()
    header = next(records, None)
    if not grouped:
        return header, enumerate(records, start=2)
    return header, regrouped(records, separator)


def regrouped(records: Iterator[str], separator: str) -> Iterator[tuple[int, str]]:
    """The records of a file whose entries are not consecutive, entry by entry — entries in the order of
    their first line, lines in file order — through a temporary SQLite database on disk (memory stays
    flat). Records without JournalCode or EcritureNum stay where they are."""
    with tempfile.TemporaryDirectory(prefix="pilote-fec-") as directory:
        db = sqlite3.connect(Path(directory) / "regroup.sqlite3")
        try:
            db.executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; "
                "CREATE TABLE record (entry TEXT, line INTEGER, text TEXT);"
            )

            def rows():
                for line_no, record in enumerate(records, start=2):
                    fields = record.split(separator, 3)
                    journal, number = fields[0].strip(), fields[2].strip() if len(fields) > 2 else ""
                    yield (f"{journal}\x1f{number}" if journal and number else f"\x00{line_no}"), line_no, record

            db.executemany("INSERT INTO record VALUES (?, ?, ?)", rows())
            db.execute("CREATE TABLE entry AS SELECT entry, MIN(line) AS first FROM record GROUP BY entry")
            yield from db.execute("SELECT line, text FROM record JOIN entry USING (entry) ORDER BY first, line")
        finally:
            db.close()
