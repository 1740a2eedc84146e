"""A take-over file read as rows of text cells: CSV (UTF-8 with or without BOM, or Windows-1252; « ; », « , » or
tabulation, found on the header line) or XLSX (the first sheet, its first row as the header).

Each row comes with its line number in the file (the spreadsheet's row number for XLSX), so every message
can name it. Reading is streamed: the CSV is decoded as read (`lib.textfiles`), the XLSX read by openpyxl in
read-only mode; a file of more than `max_rows` rows is refused as soon as the limit is passed.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pilote.lib import textfiles

XLSX_MAGIC = b"PK\x03\x04"


class FileError(Exception):
    """The whole file is refused (French message): unreadable, empty, wrong columns, too many rows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]  # as written in the file
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells as text)


def normalise(text: str) -> str:
    """A header compared without accents, case, punctuation or extra spaces: « N° de TVA » → « n de tva »."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    for char in "°*_.:()'’-/%":
        text = text.replace(char, " ")
    return " ".join(text.lower().split())


def is_xlsx(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) == XLSX_MAGIC


def _text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates ISO, integers without « .0 », decimals exact."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value).strip()


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], object]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged archive
        raise FileError("Classeur XLSX illisible : enregistrez-le de nouveau depuis votre tableur.") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        book.close()
        raise FileError("Le fichier est vide.")
    headers = [_text(cell) for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    body = ((number, [_text(cell) for cell in row]) for number, row in enumerate(rows, start=2))
    return headers, body, book


def _encoding(stream) -> str:
    encoding = textfiles.detect_encoding(stream)
    if encoding not in ("utf-8-sig", "cp1252"):
        raise FileError("Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en Windows-1252.")
    return encoding


def read_table(path: Path, *, max_rows: int) -> Iterator[Table]:
    """Open `path` and yield one `Table` (a generator, so the file is closed when the reader ends)."""
    if is_xlsx(path):
        headers, body, book = _xlsx_rows(path)
        try:
            yield Table(headers, _bounded(body, max_rows))
        finally:
            book.close()
        return
    with path.open("rb") as raw:
        if b"\x00" in textfiles.head(raw, 4096):
            raise FileError("Ce fichier n'est ni un CSV ni un classeur XLSX (contenu binaire).")
        encoding = _encoding(raw)
        with textfiles.text_stream(raw, encoding) as text:
            first = text.readline()
            if not first.strip():
                raise FileError("Le fichier est vide.")
            delimiter = max([";", ",", "\t"], key=first.count)
            reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            try:
                headers = [cell.strip() for cell in next(reader)]
                yield Table(headers, _bounded(_numbered(reader), max_rows))
            except csv.Error as exc:
                raise FileError(f"Fichier CSV illisible : {exc}.") from exc


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    for cells in reader:
        yield reader.line_num, [cell.strip() for cell in cells]


def _bounded(rows, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        if count > max_rows:
            raise FileError(
                f"Le fichier compte plus de {max_rows:,} lignes".replace(",", "\u202f")
                + " : découpez-le en plusieurs fichiers."
            )
        yield number, cells
