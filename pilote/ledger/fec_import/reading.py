"""Reading a FEC as text, record by record, as many times as needed: the encoding found without holding the
file, the field positions, and the records with their line numbers — in file order, or regrouped by entry
through a temporary SQLite database when an entry's lines are not consecutive."""

from __future__ import annotations

import codecs
import io
import re
import sqlite3
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from pilote.ledger.fec_import.report import changed

READ_BLOCK = 1 << 20  # bytes read at a time
_C1 = re.compile(rb"[\x80-\x9f]")  # control characters in ISO-8859-15, letters and signs in Windows-1252
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")  # no character in Windows-1252 either

# Field positions (the Montant/Sens variant has Montant and Sens where Debit and Credit are).
(JOURNAL, JOURNAL_LIB, NUM, DATE, ACCOUNT, ACCOUNT_LIB, AUX, AUX_LIB, PIECE, PIECE_DATE, LABEL, AMOUNT_A, AMOUNT_B,
 LET, DATE_LET, VALID, CURRENCY_AMOUNT, CURRENCY) = range(18)  # fmt: skip


class Source:
    """The file (a path or bytes), read as text record by record, as many times as needed.

    The encoding is found first without holding the file (FRENCH-RULES §1: ASCII or ISO-8859-15, UTF-8 in
    practice): UTF-8 (with or without BOM) when the whole file decodes as such; otherwise each line is
    classed — ASCII, UTF-8, or 8-bit — and a file of 8-bit lines is ISO-8859-15, or Windows-1252 when it
    uses the bytes 0x80–0x9F that only Windows-1252 gives letters to (€, Œ, ’…). A file mixing UTF-8 and
    8-bit lines (pieces pasted from two programs) cannot be read right whatever the choice: `offending`
    lists the lines in the minority encoding (the 8-bit ones when a BOM declares UTF-8), and `undecodable`
    the lines holding a byte no allowed encoding gives a letter to; validation refuses the file with them,
    so no garbled label is ever posted. CR LF, CR and LF all end a record."""

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
        self.offending, self.offending_kind = array("I"), ""  # line numbers in the minority encoding
        self.undecodable = array("I")  # lines with a byte no allowed encoding reads
        with self._binary() as binary:
            bom = binary.read(3) == b"\xef\xbb\xbf"
            binary.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                while block := binary.read(READ_BLOCK):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                pass
            else:
                return ("utf-8-sig", "UTF-8 (avec BOM)") if bom else ("utf-8", "UTF-8")
            binary.seek(0)
            return self._classify_lines(binary, bom)

    def _classify_lines(self, binary, bom: bool) -> tuple[str, str]:
        """Each line ASCII, UTF-8 or 8-bit (ISO-8859-15 / Windows-1252): the file's encoding, or the lines
        that do not fit it."""
        utf8, eight_bit = array("I"), array("I")
        windows = False
        # latin-1 maps each byte to one character: the lines' own bytes, split on CR LF, CR or LF
        with io.TextIOWrapper(binary, encoding="latin-1", newline=None) as text:
            for number, line in enumerate(text, start=1):
                if line.isascii():
                    continue
                raw = line.encode("latin-1")
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    eight_bit.append(number)
                    if _C1.search(raw):
                        windows = True
                        if _CP1252_UNDEFINED.search(raw):
                            self.undecodable.append(number)
                else:
                    utf8.append(number)
        if utf8 and (bom or len(utf8) >= len(eight_bit)):
            self.offending, self.offending_kind = eight_bit, "8-bit"
            return ("utf-8-sig" if bom else "utf-8"), "mélangé (UTF-8 et ISO-8859-15/Windows-1252)"
        if utf8:
            self.offending, self.offending_kind = utf8, "utf-8"
            return "cp1252", "mélangé (ISO-8859-15/Windows-1252 et UTF-8)"
        if windows:
            return "cp1252", "Windows-1252"
        return "iso-8859-15", "ISO-8859-15"

    @property
    def clean(self) -> bool:
        """Every line decodes, in the file's one encoding."""
        return not self.offending and not self.undecodable

    def records(self) -> Iterator[str]:
        if self._stamp() != self.stamp:
            raise changed()
        errors = "strict" if self.clean else "replace"  # a file that is not clean is refused, never posted
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
