"""Bank statement parsers: ISO 20022 camt.053, OFX 1.x (SGML) and 2.x (XML), CSV with a user mapping —
one module per format (camt, ofx, csv) over `common`; this module is the public API and detects the format.

Pure functions over bytes: no model, no database. Each parser returns `Statement` objects whose lines carry
signed Decimal amounts (credit to the account > 0, debit < 0, exact to the cent) and raises `StatementError`
with French messages a user can act on (which line, entry or element, what is wrong), never a traceback.

Choices worth knowing:
- XML is parsed with a hardened lxml parser (no entity resolution, no network, no huge trees) and any
  DOCTYPE is refused outright: bank files never need one, and it is the door to XXE and billion laughs.
- CAMT: only booked entries (Sts BOOK, or Sts/Cd BOOK from .08 on) become lines. A batch entry is split into
  one line per TxDtls when every detail has an amount and the details add up to the entry; otherwise the
  entry stays one line (the booked amount is what moved the balance).
- OFX: the reference is the cheque number when there is one (the business reference, as the EndToEndId is
  for CAMT), else the FITID; the value date is DTAVAIL (OFX has no other value date); the French IBAN is
  rebuilt from BANKID/BRANCHID/ACCTID (ACCTID may carry the 2-digit RIB key, or ACCTKEY may give it: a
  key that does not match gives '').
- CSV: rows whose date cell is empty and that carry no amount are skipped, as are "Solde…"/"Total…" rows
  (bank trailers); any other row with a bad date or amount is an error naming its line in the file.
"""

from __future__ import annotations

from pilote.ledger.bank_statements.camt import parse_camt053
from pilote.ledger.bank_statements.common import Statement, StatementError, StatementLine, _xml_parser
from pilote.ledger.bank_statements.csv import (
    CsvMapping,
    CsvMappingMismatch,
    CsvMappingRequired,
    check_mapping,
    guess_mapping,
    guess_skip_rows,
    parse_csv,
    preview_csv,
    sniff_csv_columns,
)
from pilote.ledger.bank_statements.ofx import parse_ofx
from pilote.lib import textfiles

__all__ = [
    "CsvMapping",
    "CsvMappingMismatch",
    "CsvMappingRequired",
    "Statement",
    "StatementError",
    "StatementLine",
    "check_mapping",
    "detect_format",
    "guess_mapping",
    "guess_skip_rows",
    "parse_any",
    "parse_camt053",
    "parse_csv",
    "parse_ofx",
    "preview_csv",
    "sniff_csv_columns",
]
_xml_parser = _xml_parser  # the hardened parser, for the security tests


# --------------------------------------------------------------------------------------------------------------
# Detection


def detect_format(data: bytes, filename: str = "") -> str:
    """'camt053', 'ofx' or 'csv', from the content first, then the file extension.

    Formats that cannot be imported (PDF, spreadsheets, QIF) raise StatementError with what to do instead."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError("Le fichier est vide.")
    upper = head.upper()
    if head.startswith(b"%PDF"):
        raise StatementError(
            "Les relevés PDF ne peuvent pas être importés : téléchargez depuis votre banque un relevé au format "
            "CAMT.053 (XML), OFX ou CSV."
        )
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise StatementError(
            "Les classeurs Excel ne peuvent pas être importés tels quels : enregistrez la feuille au format CSV."
        )
    if upper.startswith(b"!TYPE"):
        raise StatementError("Le format QIF n'est pas pris en charge : exportez un relevé OFX, CAMT.053 ou CSV.")
    if b"OFXHEADER" in upper[:2048] or b"<?OFX" in upper or b"<OFX>" in upper:
        return "ofx"
    if head.startswith(b"<"):
        return "camt053"  # any other XML: the CAMT parser says what it found instead
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("ofx", "qfx"):
        return "ofx"
    if extension == "xml":
        return "camt053"
    return "csv"


def parse_any(data, filename: str = "", csv_mapping: CsvMapping | None = None) -> list[Statement]:
    """The statements of `data` (bytes or a binary file): a CSV is read as a stream, XML and OFX whole (their
    size is bounded by the upload limit of bank files)."""
    stream = textfiles.binary_stream(data)
    kind = detect_format(textfiles.head(stream, 8192), filename)
    if kind == "camt053":
        return parse_camt053(stream.read())
    if kind == "ofx":
        return parse_ofx(stream.read())
    if csv_mapping is None:
        raise CsvMappingRequired("Fichier CSV : choisissez d'abord la correspondance des colonnes.")
    return [parse_csv(stream, csv_mapping)]
