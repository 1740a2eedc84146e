"""CSV bank exports read with a column mapping the user chooses once per bank account (remembered), with
one signed amount column or separate debit and credit columns, French or English number formats."""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from pilote.ledger.bank_statements.common import (
    EUR,
    Statement,
    StatementError,
    StatementLine,
    _BadValue,
    _clean,
    _parse_amount,
    _period,
)
from pilote.lib import textfiles
from pilote.lib.formats import format_eur, format_number

SNIFF_ROWS = 5


MAPPING_SCREEN = "l'écran « Colonnes du relevé CSV »"


class CsvMappingRequired(StatementError):
    """parse_any() met a CSV file without a column mapping: the caller shows the mapping screen."""


class CsvMappingMismatch(CsvMappingRequired):
    """The mapping given (usually the one remembered for the bank account) does not fit this file's header:
    the caller shows the mapping screen again instead of refusing the file."""

    def __init__(self, problems, *, missing: list[str], header: list[str]):
        super().__init__(problems)
        self.missing, self.header = missing, header


@dataclass(frozen=True)
class CsvMapping:
    """The column mapping a user chooses once for a bank's CSV export; Pilote remembers it per bank account."""

    date_column: str
    label_column: str
    amount_column: str | None = None  # one signed column, or:
    debit_column: str | None = None
    credit_column: str | None = None
    value_date_column: str | None = None
    reference_column: str | None = None
    date_format: str = "%d/%m/%Y"
    decimal_comma: bool = True
    delimiter: str | None = None  # None: auto-detect among ; tab ,
    encoding: str | None = None  # None: utf-8-sig, then cp1252
    skip_rows: int = 0  # bank preamble lines before the header
    currency_column: str | None = None  # each line's currency: any other than the account's (EUR) is refused
    invert_signs: bool = False  # exports that write debits positive in one signed column (card accounts)


# --------------------------------------------------------------------------------------------------------------
# CSV


@contextlib.contextmanager
def _csv_reader(data, skip_rows: int, encoding: str | None, delimiter: str | None = None):
    """(delimiter, records) over the file after its preamble (`skip_rows` physical lines), read as a stream:
    records are (first physical line number, cells). The encoding is the one given, else UTF-8 (with or
    without BOM) when the whole file decodes so, else Windows-1252."""
    if skip_rows < 0:
        raise StatementError("Le nombre de lignes à ignorer ne peut pas être négatif.")
    stream = textfiles.binary_stream(data)
    if not any(chunk.strip() for chunk in textfiles.chunks(stream)):
        raise StatementError("Le fichier est vide.")
    chosen = encoding or textfiles.detect_encoding(stream)
    try:
        codecs.lookup(chosen)
    except LookupError as exc:
        raise StatementError(f"Impossible de lire le fichier avec l'encodage « {encoding} ».") from exc
    with textfiles.text_stream(stream, chosen) as text:
        try:
            for _ in range(skip_rows):
                text.readline()
            ahead: list[str] = []
            for line in text:  # up to the first non-blank line, which gives the delimiter
                ahead.append(line)
                if line.strip() or len(ahead) > 1000:
                    break
            found = delimiter or _detect_delimiter(ahead[-1] if ahead else "")
            yield found, _csv_rows(itertools.chain(ahead, text), found, skip_rows)
        except UnicodeDecodeError as exc:
            raise StatementError(f"Impossible de lire le fichier avec l'encodage « {encoding} ».") from exc


def _detect_delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # ties: the first of ; tab ,
    return best if counts[best] else ";"


def _csv_rows(lines, delimiter: str, skip_rows: int):
    """(first physical line number of the record, cells) for each record; csv errors become StatementError."""
    reader = csv.reader(lines, delimiter=delimiter)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise StatementError(f"Ligne {skip_rows + reader.line_num} : ligne CSV illisible ({exc}).") from exc
        yield skip_rows + previous + 1, row
        previous = reader.line_num


def _column_key(name: str) -> str:
    return _clean(name.lstrip("\ufeff")).casefold()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


_SUMMARY_ROW = re.compile(r"(ancien |nouveau |sous[- ]?)?(solde|total)\b")


def _human_date_format(fmt: str) -> str:
    for code, shown in (("%d", "JJ"), ("%m", "MM"), ("%Y", "AAAA"), ("%y", "AA"), ("%H", "hh"), ("%M", "mm")):
        fmt = fmt.replace(code, shown)
    return fmt


def sniff_csv_columns(data: bytes, skip_rows: int = 0) -> tuple[list[str], list[list[str]]]:
    """The header and the first rows of a CSV, for the column-mapping screen (encoding and delimiter guessed)."""
    header: list[str] | None = None
    sample: list[list[str]] = []
    with _csv_reader(data, skip_rows, None) as (_, rows):
        for _, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            cells = [_clean(cell.lstrip("\ufeff")) for cell in row]
            if header is None:
                header = cells
                continue
            sample.append(cells)
            if len(sample) == SNIFF_ROWS:
                break
    if header is None:
        raise StatementError(f"Le fichier ne contient pas de ligne d'en-tête après les {skip_rows} lignes ignorées.")
    return header, sample


def preview_csv(data, mapping: CsvMapping, limit: int = SNIFF_ROWS) -> tuple[list[StatementLine], list[str]]:
    """The first `limit` lines as the mapping reads them (date, label, signed amount), for the column screen
    to show each one's direction before anything is imported; or the problems found, in French."""
    try:
        check_mapping(mapping)
        with _csv_reader(data, mapping.skip_rows, mapping.encoding, mapping.delimiter) as (_, rows):
            return list(_read_statement(rows, mapping, limit=limit).lines), []
    except StatementError as exc:
        return [], exc.problems


def check_mapping(mapping: CsvMapping) -> None:
    """The mapping's own consistency (StatementError, French): a date, a label, and either one signed amount
    column or debit/credit columns."""
    if not (mapping.date_column or "").strip() or not (mapping.label_column or "").strip():
        raise StatementError("Indiquez la colonne de la date et celle du libellé.")
    if mapping.amount_column and (mapping.debit_column or mapping.credit_column):
        raise StatementError("Choisissez soit une colonne de montant signé, soit des colonnes Débit et Crédit.")
    if not (mapping.amount_column or mapping.debit_column or mapping.credit_column):
        raise StatementError("Indiquez la colonne du montant, ou les colonnes Débit et Crédit.")
    if mapping.skip_rows < 0:
        raise StatementError("Le nombre de lignes à ignorer ne peut pas être négatif.")


def parse_csv(data, mapping: CsvMapping) -> Statement:
    """A CSV bank export (bytes or a binary file, read as a stream) read with the user's column mapping; one
    Statement without IBAN nor balances."""
    check_mapping(mapping)
    with _csv_reader(data, mapping.skip_rows, mapping.encoding, mapping.delimiter) as (_, rows):
        return _read_statement(rows, mapping)


_ROLES = ("date", "label", "amount", "debit", "credit", "value_date", "reference", "currency")
_CURRENCY_IN_AMOUNT = re.compile(r"^\s*([A-Z]{3}|[$£¥])\s*(?=[-+(\d])|(?<=[\d)\-])\s*([A-Z]{3}|[$£¥])\s*$")
_SYMBOLS = {"$": "USD", "£": "GBP", "¥": "JPY", "€": "EUR"}
# What a section title or header says of its lines: not yet account movements (a deferred-debit card's detail,
# upcoming operations), card operations, or another account.
_NOT_BOOKED = re.compile(r"differe|a venir|en cours|previsionn|en attente")
_CARD = re.compile(r"\bcartes?\b|\bcb\b")
# Another account's block (exports holding several accounts: « Livret A carte n° 00098765432 »).
_ACCOUNT = re.compile(r"\bcompte\b|\blivret|epargne|\bldd\b|\bpel\b|\bcel\b|n[°o]\s*\d{8,}")


def _role_columns(header: list[str], mapping: CsvMapping) -> tuple[dict[str, int | None], list[str]]:
    """The position of each role's column in `header` (None when the mapping has no such column), and the
    names of the mapping's columns that this header lacks."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(_column_key(name), position)
    wanted = {
        "date": mapping.date_column,
        "label": mapping.label_column,
        "amount": mapping.amount_column,
        "debit": mapping.debit_column,
        "credit": mapping.credit_column,
        "value_date": mapping.value_date_column,
        "reference": mapping.reference_column,
        "currency": mapping.currency_column,
    }
    columns: dict[str, int | None] = {}
    missing = []
    for role, name in wanted.items():
        if not name:
            columns[role] = None
        elif _column_key(name) in positions:
            columns[role] = positions[_column_key(name)]
        else:
            missing.append(name)
    return columns, missing


def _is_header_row(row: list[str]) -> bool:
    """A row naming columns (a date column and at least two others), as a second section's header does."""
    cells = [_fold(_clean(cell.lstrip("\ufeff"))) for cell in row if cell.strip()]
    if len(cells) < 3:
        return False
    dates = set(_ROLE_NAMES["date_column"]) | set(_ROLE_NAMES["value_date_column"])
    return any(cell in dates or cell.startswith("date ") for cell in cells) and not any(
        re.search(r"\d", cell) for cell in cells
    )


def _title_of(row: list[str]) -> str | None:
    """The text of a row holding one cell of words and nothing else (« Opérations par carte »), or None."""
    cells = [_clean(cell) for cell in row if cell.strip()]
    if len(cells) == 1 and re.search(r"[^\W\d_]{3}", cells[0]) and not _SUMMARY_ROW.match(_fold(cells[0])):
        return cells[0]
    return None


@dataclass
class _Section:
    """A block after the operations: a title and/or a header of its own, then rows."""

    title: str
    first_line: int
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    last_line: int = 0


def _read_statement(rows, mapping: CsvMapping, limit: int | None = None) -> Statement:
    header_line, header = next(((n, row) for n, row in rows if any(cell.strip() for cell in row)), (0, None))
    if header is None:
        raise StatementError(
            f"Le fichier ne contient pas de ligne d'en-tête après les {mapping.skip_rows} lignes ignorées."
        )
    columns, missing = _role_columns(header, mapping)
    if missing:
        names = ", ".join(f"« {name} »" for name in missing)
        found = ", ".join(f"« {_clean(name)} »" if _clean(name) else "(sans nom)" for name in header)
        plural = "s" if len(missing) > 1 else ""
        raise CsvMappingMismatch(
            f"Les colonnes de ce fichier ne correspondent pas à la disposition enregistrée : colonne{plural} {names}"
            f" introuvable{plural} dans l'en-tête (ligne {header_line}) ; colonnes présentes : {found}. "
            f"Choisissez les colonnes de ce fichier sur {MAPPING_SCREEN} (vérifiez aussi le nombre de lignes"
            " à ignorer avant l'en-tête).",
            missing=missing,
            header=[_clean(name) for name in header],
        )

    problems: list[str] = []
    lines: list[StatementLine] = []
    sections: list[_Section] = []
    title: tuple[int, str] | None = None  # a title row seen, waiting to know whether a header follows
    for line_number, row in rows:
        if not any(value.strip() for value in row):
            continue
        if not sections and title is None and [_column_key(c) for c in row] == [_column_key(c) for c in header]:
            continue  # the header repeated (at a page break of the export): the same table goes on
        if _is_header_row(row):  # a second section: its own header (after its title, if any)
            start, text = title if title else (line_number, "")
            sections.append(_Section(text or _clean(" ; ".join(c for c in row if c.strip())), start, row))
            sections[-1].last_line = line_number
            title = None
            continue
        if (text := _title_of(row)) is not None:
            title = (line_number, text)
            continue
        if sections:
            sections[-1].rows.append((line_number, row))
            sections[-1].last_line = line_number
            continue
        line = _row_line(line_number, row, columns, mapping, problems)
        if line is not None:
            lines.append(line)
            if limit is not None and len(lines) >= limit:
                break
    notes = []
    for section in sections:
        notes.extend(_read_section(section, lines, mapping, problems))
    if problems:
        raise StatementError(problems)
    if not lines:
        raise StatementError(
            "Aucune opération trouvée dans le fichier : vérifiez le nombre de lignes à ignorer"
            " et les colonnes choisies."
        )
    start, end = _period(lines, None, None)
    return Statement(
        account_iban="",
        currency=EUR,
        opening_balance=None,
        closing_balance=None,
        start_date=start,
        end_date=end,
        lines=tuple(lines),
        notes=tuple(notes),
    )


def _read_section(section: _Section, lines: list[StatementLine], mapping: CsvMapping, problems: list[str]):
    """What a banker does with a second block of the file (a deferred-debit card's detail is the usual one):
    - its total is a line of the operations (the monthly « FACTURE CARTE »): the detail of a movement already
      read, ignored;
    - it says deferred, upcoming or pending: not yet movements of the account (the card total will be
      debited later), ignored;
    - it holds card operations with dates and amounts, not covered by a total: immediate-debit card
      payments the bank lists apart, real movements, read like the others;
    - another account's operations (exports holding several accounts), or anything else: refused by name,
      since reading it into this account would be wrong and leaving it out silently too.
    Returns the notes telling the user what was done."""
    where = f"lignes {section.first_line} à {section.last_line}"
    name = f"« {section.title} » ({where})"
    header = section.header or []
    columns, missing = _role_columns(header, mapping)
    if missing:  # its own header: the roles found by name as on the column screen
        guess = guess_mapping([_clean(c) for c in header], [])
        fallback = replace(
            mapping,
            **{
                key: guess.get(key)
                for key in ("date_column", "label_column", "amount_column", "debit_column", "credit_column")
            },
            value_date_column=None,
            reference_column=None,
            currency_column=guess.get("currency_column"),
        )
        columns, missing = _role_columns(header, fallback) if fallback.date_column else ({}, ["date"])
    section_problems: list[str] = []
    found = []
    if not missing and (columns.get("amount") is not None or columns.get("debit") is not None):
        for line_number, row in section.rows:
            line = _row_line(line_number, row, columns, mapping, section_problems)
            if line is not None:
                found.append(line)
    words = _fold(f"{section.title} {' '.join(header)}")
    total = sum((line.amount for line in found), Decimal("0.00"))
    covering = next((line for line in lines if found and line.amount == total), None)
    if covering is not None:
        return [
            f"Section {name} ignorée : le détail de {len(found)} paiement(s) par carte dont le total"
            f" {format_eur(total)} est déjà l'opération du {covering.booking_date:%d/%m/%Y}"
            f" « {covering.label} » (carte à débit différé)."
        ]
    if _ACCOUNT.search(words):
        problems.append(
            f"Ligne {section.first_line} : une seconde section commence ({name}), celle d'un autre compte"
            " semble-t-il : Pilote lit un compte par fichier ; exportez ce compte seul, ou retirez cette section."
        )
        return []
    if _NOT_BOOKED.search(words):
        return [
            f"Section {name} ignorée : opérations par carte à débit différé ou à venir, que la banque débitera"
            " en un total sur un prochain relevé ; ce ne sont pas encore des mouvements du compte."
        ]
    if _CARD.search(words) and found and not section_problems:
        lines.extend(found)
        return [f"Section {name} : {len(found)} opération(s) par carte lues comme les autres opérations du compte."]
    problems.append(
        f"Ligne {section.first_line} : une seconde section commence ({name}) et Pilote ne sait pas ce qu'elle"
        " contient (un autre compte ?) : exportez ce compte seul, ou retirez cette section du fichier."
    )
    return []


def _row_line(line_number: int, row: list[str], columns, mapping: CsvMapping, problems: list[str]):
    """The statement line of a data row, None for a row to skip or one with problems (recorded)."""
    style = "fr" if mapping.decimal_comma else "en"
    expected_format = _human_date_format(mapping.date_format)
    cells = {
        role: row[position].strip() if position is not None and position < len(row) else ""
        for role, position in ((role, columns.get(role)) for role in _ROLES)
    }
    raw_date = cells["date"]
    if not raw_date and not (cells["amount"] or cells["debit"] or cells["credit"]):
        return None  # a continuation or blank-ish row
    first = _fold(_clean(next((value for value in row if value.strip()), "")))
    try:
        booking = datetime.strptime(raw_date, mapping.date_format).date()
    except ValueError:
        if _SUMMARY_ROW.match(first):
            return None  # "Solde au …", "Total des opérations": bank trailer, not an operation
        reason = f"date « {raw_date} » invalide" if raw_date else "date manquante"
        problems.append(f"Ligne {line_number} : {reason} (format attendu : {expected_format}).")
        booking = None
    value_date = None
    if cells["value_date"]:
        try:
            value_date = datetime.strptime(cells["value_date"], mapping.date_format).date()
        except ValueError:
            problems.append(
                f"Ligne {line_number} : date de valeur « {cells['value_date']} » invalide"
                f" (format attendu : {expected_format})."
            )
    currency = _currency_of(cells)
    amount = _csv_amount(cells, columns.get("amount") is not None, style, line_number, problems)
    if booking is None or amount is None:
        return None
    if mapping.invert_signs:
        amount = -amount
    label = _clean(cells["label"])
    if currency != EUR:
        problems.append(
            f"Ligne {line_number} : opération en {currency} refusée — {booking:%d/%m/%Y} « {label} »"
            f" {format_number(amount, 2)} {currency} : le compte est tenu en euros et Pilote ne convertit pas"
            " les devises (importez le relevé où la banque l'a convertie en euros, ou saisissez-la à la main)."
        )
        return None
    return StatementLine(
        booking_date=booking,
        value_date=value_date,
        amount=amount,
        label=label,
        reference=_clean(cells["reference"]),
        counterparty="",
        counterparty_iban="",
    )


def _currency_of(cells: dict[str, str]) -> str:
    """The row's currency: its currency column, else a code or symbol written with the amount, else EUR."""
    written = cells.get("currency", "").strip().upper()
    if written:
        return _SYMBOLS.get(written, "EUR" if written in ("EURO", "EUROS") else written)
    for role in ("amount", "debit", "credit"):
        match = _CURRENCY_IN_AMOUNT.search(cells.get(role, "").replace("\u00a0", " "))
        if match:
            code = match[1] or match[2]
            return _SYMBOLS.get(code, code)
    return EUR


def _csv_amount(cells: dict[str, str], signed: bool, style: str, line_number: int, problems: list[str]):
    """The signed amount of a row: one signed column (« -12,50 », « 12,50- », « (12,50) », « 12,50 D »), or
    credit − debit (debits may be written with or without their minus sign); None after recording the
    problem."""
    where = f"Ligne {line_number}"
    if signed:
        try:
            return _parse_amount(_without_currency(cells["amount"]), style)
        except _BadValue as exc:
            problems.append(f"{where} : {exc}.")
            return None
    debit_text, credit_text = _without_currency(cells["debit"]), _without_currency(cells["credit"])
    if not debit_text and not credit_text:
        problems.append(f"{where} : ni débit ni crédit renseigné.")
        return None
    values = {}
    for role, text in (("débit", debit_text), ("crédit", credit_text)):
        if text:
            try:
                values[role] = abs(_parse_amount(text, style))
            except _BadValue as exc:
                problems.append(f"{where} : {role} : {exc}.")
                return None
    debit, credit = values.get("débit", Decimal("0.00")), values.get("crédit", Decimal("0.00"))
    if debit and credit:
        problems.append(f"{where} : débit et crédit renseignés tous les deux.")
        return None
    return credit - debit


def _without_currency(text: str) -> str:
    """The amount without a currency written beside it (the currency is checked apart)."""
    return _CURRENCY_IN_AMOUNT.sub("", text.replace("\u00a0", " ")).strip() if text else text


# --------------------------------------------------------------------------------------------------------------
# Mapping suggested for a new layout

_ROLE_NAMES = {
    # role: folded header names, best first (a column is given at most one role)
    "date_column": (
        "date operation",
        "date de l'operation",
        "date comptable",
        "date de comptabilisation",
        "dateop",
        "date",
    ),  # fmt: skip
    "value_date_column": ("date de valeur", "date valeur", "valeur"),
    "label_column": ("libelle", "libelle operation", "intitule", "description", "label", "operation", "detail"),
    "debit_column": ("debit", "debits", "debit euros", "montant debit", "sortie", "sorties"),
    "credit_column": ("credit", "credits", "credit euros", "montant credit", "entree", "entrees"),
    "amount_column": (
        "montant",
        "montant eur",
        "montant (eur)",
        "montant(euros)",
        "montant de l'operation",
        "montant operation en euro",
        "amount",
        "somme",
    ),  # fmt: skip
    "currency_column": ("devise", "monnaie", "currency", "code devise"),
    "reference_column": ("reference", "ref", "ref.", "numero", "n°"),
}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


def guess_mapping(header: list[str], sample: list[list[str]]) -> dict:
    """A suggested mapping for the column screen, from the header names (French or English) and the sample
    rows (date format, decimal comma): the user checks it, nothing is imported on a guess."""
    folded = {_fold(_clean(name)): name for name in header if _clean(name)}
    guess: dict = {}
    taken: set[str] = set()
    for role, names in _ROLE_NAMES.items():
        for candidate in names:
            found = folded.get(candidate)
            if found and found not in taken:
                guess[role] = found
                taken.add(found)
                break
    if guess.get("amount_column") and (guess.get("debit_column") or guess.get("credit_column")):
        guess.pop("amount_column")  # separate debit and credit columns win over a "Montant" total
    position = {name: index for index, name in enumerate(header)}

    def values(role: str) -> list[str]:
        index = position.get(guess.get(role, ""))
        return [row[index].strip() for row in sample if index is not None and index < len(row) and row[index].strip()]

    dates = values("date_column")
    for fmt in _DATE_FORMATS:
        if dates and all(_strptime_ok(text, fmt) for text in dates):
            guess["date_format"] = fmt
            break
    amounts = values("amount_column") + values("debit_column") + values("credit_column")
    if amounts:
        # « 1 234,56 » / « -12,50 » → decimal comma; « 1,234.56 » / « -12.50 » → decimal point.
        guess["decimal_comma"] = not any(re.search(r"\.\d{1,2}$", text.replace("\u00a0", "")) for text in amounts)
    return guess


def guess_skip_rows(data: bytes, limit: int = 15) -> int | None:
    """The number of bank preamble lines before the header row (the first row naming a date column and
    at least two other columns among its first `limit` lines), or None when no such row is found."""
    dates = set(_ROLE_NAMES["date_column"])
    try:
        with _csv_reader(data, 0, None) as (_, rows):
            for number, row in rows:
                if number > limit:
                    break
                cells = [_fold(_clean(cell.lstrip("\ufeff"))) for cell in row if cell.strip()]
                if len(cells) >= 3 and dates & set(cells):
                    return number - 1
    except StatementError:
        return None
    return None


def _strptime_ok(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True
