"""FEC import — take over the books kept in another software (FRENCH-RULES.md §1).

Two steps, and nothing is written unless both succeed:

1. `validate_fec` reads and checks the whole file (format, every field, every entry's balance, the
   fiscal year, and what the current books would refuse) and returns a `FecReport` whose `problems`
   name the line and the field in French;
2. `import_fec` then, in one transaction, opens the fiscal year if needed, creates the missing
   accounts, journals and auxiliary accounts, and creates and posts every entry through
   `batch.post_many` by batches of PROGRESS_EVERY entries, à-nouveaux first, then in file order: the
   same checks, gapless numbering, hash chain and aggregates as `services.post_entry`, with bulk writes
   (one entry at a time through `services.create_entry` posts ~70 entries/s on PostgreSQL, too slow
   for a year of books). Any failure rolls everything back.

Memory does not grow with the file: it is streamed (decoded record by record, never held whole), and
nothing is kept per entry. A FEC lists each entry's lines one after the other, so validation checks an
entry (balance, date, lines) when the next one begins and keeps only running totals, the references met
(accounts, journals, auxiliary accounts), the distinct dates, and per journal the EcritureNum numbers met
as intervals in typed arrays (one interval when the numbering has no gap): that also tells whether an
entry comes back further down. Such a file is valid but unusual: validation then starts again on the
file regrouped by entry through a temporary SQLite database on disk (entries in the order of their first
line, lines in file order; line numbers are those of the file), and the import reads it regrouped too.
The import reads the file again twice (à-nouveaux, then the others) and posts by batches of
PROGRESS_EVERY entries or BATCH_LINES lines, so its memory is bounded by the largest entry. Amounts are
integer cents; dates and account numbers are checked once per distinct value. A line that fails the
fast checks is checked again by the detailed path, which words the problems.

The entries are numbered again by Pilote (gapless per journal); the file's EcritureNum only groups the
lines into entries. ValidDate, EcritureLet/DateLet and Montantdevise/Idevise are checked but not kept:
posting stamps its own validation date, lettrage is redone in Pilote, and the books are kept in euros.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import itertools
import re
import sqlite3
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import batch, services
from pilote.ledger.fec import FEC_FIELDS
from pilote.ledger.models import (
    Account,
    AuxiliaryAccount,
    Entry,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
)
from pilote.lib.dates import add_months
from pilote.lib.money import ZERO, from_cents

MAX_PROBLEMS = 200
PROGRESS_EVERY = 1000
BATCH_LINES = 50_000  # a batch of entries is posted once it holds this many lines, whatever PROGRESS_EVERY
MONTANT_SENS_FIELDS = FEC_FIELDS[:11] + ("Montant", "Sens") + FEC_FIELDS[13:]
CASH_BASIS_FIELDS = ("DateRglt", "ModeRglt", "NatOp", "IdClient")  # BNC/BA books: accepted, not kept
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "EcritureLib", "ValidDate")
OPENING_CODES = {"AN", "OUV"}  # AN is the usual code; Odoo names its opening journal OUV (§1)
READ_BLOCK = 1 << 20  # bytes read at a time

# Field positions (the Montant/Sens variant has Montant and Sens where Debit and Credit are).
(JOURNAL, JOURNAL_LIB, NUM, DATE, ACCOUNT, ACCOUNT_LIB, AUX, AUX_LIB, PIECE, PIECE_DATE, LABEL, AMOUNT_A, AMOUNT_B,
 LET, DATE_LET, VALID, CURRENCY_AMOUNT, CURRENCY) = range(18)  # fmt: skip
_REQUIRED_AT = [(FEC_FIELDS.index(name), name) for name in REQUIRED]

_DATE_RE = re.compile(r"^\d{8}$")
_AMOUNT_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_CENTS_RE = re.compile(r"(\d+),(\d\d)")  # the usual form, read without Decimal
_ACCOUNT_RE = re.compile(r"^[1-8]\d{2}[0-9A-Za-z]*$")
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d{1,18})$", re.DOTALL)  # prefix, number (int64)
_FILE_NAME_RE = re.compile(r"^\d{9}FEC(\d{8})", re.IGNORECASE)


class FecImportError(DomainError):
    """The file was refused or its import failed; nothing was written. `problems` lists the reasons."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass
class FecReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    amounts: str = "Debit/Credit"  # or "Montant/Sens"
    line_count: int = 0  # records, header excluded
    entry_count: int = 0
    journals: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # code → (label, kind)
    accounts: dict[str, str] = field(default_factory=dict, repr=False)  # code → label
    auxiliaries: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # code → (label, account)
    fiscal_year: FiscalYear | None = None  # the existing year the entries go to…
    new_fiscal_year: tuple[dt.date, dt.date] | None = None  # …or the one the import will open
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO
    lettered_lines: int = 0  # lines with EcritureLet: checked, not kept
    currency_lines: int = 0  # lines with Montantdevise/Idevise: checked, not kept
    source: _Source | None = field(default=None, repr=False)  # read again by the import
    width: int = 18  # fields per record
    opening_journals: set[str] = field(default_factory=set, repr=False)  # codes of the à-nouveaux journals
    grouped: bool = False  # an entry's lines are not all consecutive: the file is read regrouped by entry
    debit_cents: int = 0  # the totals again, to recognise the file when it is read to be posted
    credit_cents: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        sep = "tabulation" if self.separator == "\t" else f"« {self.separator} »"
        text = (
            f"{self.line_count} ligne(s), {self.entry_count} écriture(s), encodage {self.encoding}, "
            f"séparateur {sep}, montants en {self.amounts}"
        )
        if self.first_date:
            text += f", écritures du {self.first_date:%d/%m/%Y} au {self.last_date:%d/%m/%Y}"
        if self.fiscal_year:
            text += f", dans {self.fiscal_year}"
        elif self.new_fiscal_year:
            text += f", exercice à créer du {self.new_fiscal_year[0]:%d/%m/%Y} au {self.new_fiscal_year[1]:%d/%m/%Y}"
        return text + "."


@dataclass
class ImportResult:
    fiscal_year: FiscalYear
    fiscal_year_created: bool
    entries: int
    lines: int
    accounts_created: int
    journals_created: int
    auxiliaries_created: int

    def summary(self) -> str:
        opened = " (ouvert par l'import)" if self.fiscal_year_created else ""
        return (
            f"{self.entries} écriture(s) et {self.lines} ligne(s) importées et validées dans "
            f"{self.fiscal_year}{opened} ; créés : {self.accounts_created} compte(s), "
            f"{self.journals_created} journal(aux), {self.auxiliaries_created} compte(s) auxiliaire(s)."
        )


class _TooMany(Exception):
    pass


class _Problems(list):
    def add(self, message: str) -> None:
        self.append(message)
        if len(self) >= MAX_PROBLEMS:
            raise _TooMany


def guess_journal_kind(code: str) -> str:
    code = code.upper()
    if code in OPENING_CODES:
        return JournalKind.OPENING
    return {"V": JournalKind.SALES, "A": JournalKind.PURCHASES, "B": JournalKind.BANK}.get(code[:1], JournalKind.MISC)


class _Source:
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
            raise _changed()
        errors = "replace" if self.codec == "utf-8-sig" else "strict"
        with (
            self._binary() as binary,
            io.TextIOWrapper(binary, encoding=self.codec, errors=errors, newline=None) as text,
        ):
            for record in text:
                yield record[:-1] if record.endswith("\n") else record


def _fr(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _date(value: str, line_no: int, name: str, problems: _Problems) -> dt.date | None:
    if _DATE_RE.match(value):
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    problems.add(f"Ligne {line_no} : date {name} « {value} » invalide (format AAAAMMJJ attendu).")
    return None


def _amount(value: str, line_no: int, name: str, problems: _Problems) -> Decimal | None:
    if not value:
        problems.add(f"Ligne {line_no} : montant {name} vide (0,00 attendu s'il n'y a rien).")
        return None
    if value.startswith("-") and _AMOUNT_RE.match(value[1:]):
        problems.add(f"Ligne {line_no} : montant {name} « {value} » négatif : utilisez l'autre colonne.")
        return None
    if not _AMOUNT_RE.match(value):
        problems.add(
            f"Ligne {line_no} : montant {name} « {value} » invalide (chiffres et virgule décimale, "
            "sans séparateur de milliers)."
        )
        return None
    amount = Decimal(value.replace(",", "."))
    if amount != amount.quantize(Decimal("0.01")):
        problems.add(f"Ligne {line_no} : montant {name} « {value} » au-delà du centime.")
        return None
    return amount.quantize(Decimal("0.01"))


def _cents(value: str) -> int:
    """An amount already validated, in integer cents."""
    match = _CENTS_RE.fullmatch(value)
    if match:
        return int(match[1]) * 100 + int(match[2])
    return int(Decimal(value.replace(",", ".")) * 100)


def _check_header(names: list[str], problems: _Problems) -> tuple[str, int] | None:
    """('Debit/Credit' or 'Montant/Sens', number of columns), or None when the header is refused."""
    lowered = [n.lower() for n in names]
    for variant, expected in (("Debit/Credit", FEC_FIELDS), ("Montant/Sens", MONTANT_SENS_FIELDS)):
        extra = lowered[len(expected) :]
        if lowered[: len(expected)] == [n.lower() for n in expected] and extra in (
            [],
            [n.lower() for n in CASH_BASIS_FIELDS],
        ):
            return variant, len(names)
    expected = MONTANT_SENS_FIELDS if "montant" in lowered else FEC_FIELDS
    for i, wanted in enumerate(expected):
        got = names[i] if i < len(names) else ""
        if got.lower() != wanted.lower():
            shown = f"« {got} »" if got else "rien"
            problems.add(
                f"Ligne 1 : en-tête invalide, colonne {i + 1} : {shown} au lieu de « {wanted} » "
                f"(les 18 noms du FEC sont attendus dans l'ordre : {' | '.join(FEC_FIELDS)})."
            )
            return None
    problems.add(
        f"Ligne 1 : en-tête invalide : {len(names)} colonnes au lieu de {len(expected)} "
        f"(colonnes en trop : {', '.join(names[len(expected) :])})."
    )
    return None


def validate_fec(
    source: str | Path | bytes, *, fiscal_year: FiscalYear | tuple[dt.date, dt.date] | None = None
) -> FecReport:
    """Read and check the whole file; nothing is written. `fiscal_year` forces the target year (an
    existing FiscalYear, or the (start, end) of one to open); by default it is the existing year covering
    the first EcritureDate, or a new one from the file's dates."""
    src = _Source(source)
    report, problems = FecReport(), _Problems()
    try:
        try:
            _validate(src, fiscal_year, report, problems, grouped=False)
        except _NotContiguous:  # valid but unusual: read again, regrouped by entry
            report, problems = FecReport(grouped=True), _Problems()
            _validate(src, fiscal_year, report, problems, grouped=True)
    except _TooMany:
        problems.append(f"Plus de {MAX_PROBLEMS} anomalies : la vérification s'est arrêtée là.")
    report.problems = list(problems)
    return report


class _NotContiguous(Exception):
    """An entry's lines come back after another entry's: the file is validated again, regrouped."""


class _Numbers:
    """The EcritureNum numbers of one journal met so far, without one object per entry: per (prefix, digit
    count) — "VT2026-000123" is ("VT2026-", 6) and 123 —, the numbers as sorted disjoint intervals in two
    typed arrays; one interval when the numbering is continuous. Numbers without trailing digits (rare)
    are kept as they are."""

    __slots__ = ("intervals", "others")

    def __init__(self):
        self.intervals: dict[tuple[str, int], tuple[array, array]] = {}
        self.others: set[str] = set()

    def add(self, number: str) -> bool:
        """Note `number`; False when it had been met already."""
        match = _TRAILING_DIGITS.match(number)
        if match is None:
            if number in self.others:
                return False
            self.others.add(number)
            return True
        digits = match[2]
        group = (match[1], len(digits))
        pair = self.intervals.get(group)
        if pair is None:
            pair = self.intervals[group] = (array("q"), array("q"))
        return _add_to_intervals(*pair, int(digits))

    def span(self) -> list[tuple[int, int]]:
        """The numbers met, whatever their prefix, as merged intervals (the gap check of §1)."""
        merged: list[list[int]] = []
        for starts, ends in self.intervals.values():
            for start, end in zip(starts, ends, strict=True):
                merged.append([start, end])
        merged.sort()
        out: list[list[int]] = []
        for start, end in merged:
            if out and start <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], end)
            else:
                out.append([start, end])
        return [(start, end) for start, end in out]


def _add_to_intervals(starts: array, ends: array, n: int) -> bool:
    """Add n to the sorted disjoint intervals [starts[i], ends[i]]; False when it was there already."""
    if not ends:
        starts.append(n)
        ends.append(n)
        return True
    last = ends[-1]
    if n == last + 1:  # the usual case: the next number
        ends[-1] = n
        return True
    if n > last:
        starts.append(n)
        ends.append(n)
        return True
    i = bisect_right(starts, n) - 1
    if i >= 0 and n <= ends[i]:
        return False
    joins_left = i >= 0 and ends[i] + 1 == n
    joins_right = starts[i + 1] == n + 1  # i + 1 exists: n < last
    if joins_left and joins_right:
        ends[i] = ends[i + 1]
        del starts[i + 1], ends[i + 1]
    elif joins_left:
        ends[i] = n
    elif joins_right:
        starts[i + 1] = n
    else:
        starts.insert(i + 1, n)
        ends.insert(i + 1, n)
    return True


class _Scan:
    """What validation keeps while it reads: the running totals of the current entry (checked when the next
    one begins), the numbers met per journal, the references met and where they first appear, the distinct
    entry dates, and caches of the dates and account numbers already found valid. Nothing per entry."""

    def __init__(self, report: FecReport, problems: _Problems, grouped: bool):
        self.report, self.problems, self.grouped = report, problems, grouped
        self.numbers: dict[str, _Numbers] = {}
        self.entry_count = 0
        self.entry_dates: set[dt.date] = set()
        # The current entry: its key, first valid line, date, totals in cents, records, non-zero lines.
        self.key: tuple[str, str] | None = None
        self.line_no = self.count = self.nonzero = self.entry_debit = self.entry_credit = 0
        self.date: dt.date | None = None
        self.tainted = False  # a line of the current entry was refused: its balance is not checked
        self.journal_labels: dict[str, str] = {}
        self.days: dict[str, dt.date] = {}  # AAAAMMJJ found valid
        self.valid_accounts: set[str] = set()
        self.needs_auxiliary: dict[str, bool] = {}
        self.first_line: dict[str, dict[str, int]] = {"account": {}, "journal": {}, "auxiliary": {}}
        self.missing_auxiliary: list[tuple[int, str]] = []  # (line, account) of 401/411 lines without one
        self.debit = self.credit = 0

    def day(self, value: str) -> dt.date | None:
        day = self.days.get(value)
        if day is None and len(value) == 8 and value.isdigit():
            try:
                day = self.days[value] = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                return None
        return day

    def fast(self, v: list[str]) -> tuple | None:
        """(EcritureDate, PieceDate, debit, credit in cents) of a usual, valid Debit/Credit line, or None
        when anything is unusual: the detailed path then checks the line and words its problems."""
        if not (v[JOURNAL] and v[NUM] and v[ACCOUNT] and v[LABEL] and v[VALID]) or len(v[JOURNAL]) > 8:
            return None
        entry_date = self.day(v[DATE])
        if entry_date is None or self.day(v[VALID]) is None:
            return None
        piece_date = None
        if v[PIECE_DATE] and (piece_date := self.day(v[PIECE_DATE])) is None:
            return None
        if v[DATE_LET] and (not v[LET] or self.day(v[DATE_LET]) is None):
            return None
        debit, credit = _CENTS_RE.fullmatch(v[AMOUNT_A]), _CENTS_RE.fullmatch(v[AMOUNT_B])
        if debit is None or credit is None:
            return None
        debit, credit = int(debit[1]) * 100 + int(debit[2]), int(credit[1]) * 100 + int(credit[2])
        if debit and credit:
            return None
        account = v[ACCOUNT]
        if account not in self.valid_accounts:
            if len(account) > 20 or not _ACCOUNT_RE.match(account):
                return None
            self.valid_accounts.add(account)
        if bool(v[AUX]) != bool(v[AUX_LIB]) or len(v[AUX]) > 20 or v[CURRENCY_AMOUNT] or v[CURRENCY]:
            return None
        return entry_date, piece_date, debit, credit

    def slow(self, line_no: int, values: list[str]) -> tuple | None:
        """Every check of a line, with its French messages; None when the line is refused."""
        problems, report = self.problems, self.report
        row = dict(zip(FEC_FIELDS[:11], values[:11], strict=True))
        row |= dict(zip(FEC_FIELDS[13:], values[13:18], strict=True))
        amount_a, amount_b = values[AMOUNT_A], values[AMOUNT_B]
        problems_before = len(problems)
        for name in REQUIRED:
            if not row[name]:
                problems.add(f"Ligne {line_no} : champ {name} obligatoire vide.")
        entry_date = _date(row["EcritureDate"], line_no, "EcritureDate", problems) if row["EcritureDate"] else None
        if row["ValidDate"]:
            _date(row["ValidDate"], line_no, "ValidDate", problems)
        piece_date = _date(row["PieceDate"], line_no, "PieceDate", problems) if row["PieceDate"] else None
        if row["DateLet"]:
            _date(row["DateLet"], line_no, "DateLet", problems)
            if not row["EcritureLet"]:
                problems.add(f"Ligne {line_no} : DateLet renseignée sans EcritureLet.")
        if report.amounts == "Debit/Credit":
            debit = _amount(amount_a, line_no, "Debit", problems)
            credit = _amount(amount_b, line_no, "Credit", problems)
            if debit and credit:
                problems.add(f"Ligne {line_no} : Debit et Credit renseignés tous les deux ; une ligne a un seul sens.")
        else:
            amount = _amount(amount_a, line_no, "Montant", problems)
            sens = amount_b.upper()
            if sens in ("D", "+1", "1"):
                debit, credit = amount, ZERO
            elif sens in ("C", "-1"):
                debit, credit = ZERO, amount
            else:
                problems.add(f"Ligne {line_no} : Sens « {amount_b} » invalide (D ou C attendu).")
                debit = credit = None
        account = row["CompteNum"]
        if account and (len(account) > 20 or not _ACCOUNT_RE.match(account)):
            problems.add(
                f"Ligne {line_no} : CompteNum « {account} » invalide (il commence par trois chiffres du plan "
                "comptable, classe 1 à 8, et compte 20 caractères au plus)."
            )
        if len(row["JournalCode"]) > 8:
            problems.add(f"Ligne {line_no} : JournalCode « {row['JournalCode']} » trop long (8 caractères au plus).")
        aux_code, aux_label = row["CompAuxNum"], row["CompAuxLib"]
        if bool(aux_code) != bool(aux_label):
            missing = "CompAuxLib" if aux_code else "CompAuxNum"
            problems.add(f"Ligne {line_no} : CompAuxNum et CompAuxLib vont ensemble ; {missing} est vide.")
        if len(aux_code) > 20:
            problems.add(f"Ligne {line_no} : CompAuxNum « {aux_code} » trop long (20 caractères au plus).")
        if bool(row["Montantdevise"]) != bool(row["Idevise"]):
            problems.add(f"Ligne {line_no} : Montantdevise et Idevise vont ensemble ; l'un des deux est vide.")
        if row["Montantdevise"] and not _AMOUNT_RE.match(row["Montantdevise"].lstrip("-")):
            problems.add(f"Ligne {line_no} : montant Montantdevise « {row['Montantdevise']} » invalide.")
        key = (row["JournalCode"], row["EcritureNum"])
        if len(problems) > problems_before or debit is None or credit is None or entry_date is None:
            if all(key):
                self.tainted = True  # its balance is not checked: the faulty line already explains it
            return None
        return entry_date, piece_date, int(debit * 100), int(credit * 100)

    def add(self, line_no: int, v: list[str], entry_date: dt.date, piece_date, debit: int, credit: int) -> None:
        """A valid line: counted in its entry, its account, journal and auxiliary account noted."""
        journal, account, aux = v[JOURNAL], v[ACCOUNT], v[AUX]
        report, first_line = self.report, self.first_line
        if journal not in self.journal_labels:
            self.journal_labels[journal] = v[JOURNAL_LIB]
            first_line["journal"][journal] = line_no
        if account not in report.accounts:
            report.accounts[account] = v[ACCOUNT_LIB] or f"Compte {account}"
            first_line["account"][account] = line_no
            self.needs_auxiliary[account] = Account(code=account).requires_auxiliary
        if aux:
            known = report.auxiliaries.get(aux)
            if known is None:
                report.auxiliaries[aux] = (v[AUX_LIB], account)
                first_line["auxiliary"][aux] = line_no
            elif known[1] != account:
                self.problems.add(
                    f"Ligne {line_no} : le compte auxiliaire {aux} est rattaché au compte {known[1]} "
                    f"plus haut dans le fichier, pas à {account}."
                )
        elif (debit or credit) and self.needs_auxiliary[account] and len(self.missing_auxiliary) < MAX_PROBLEMS:
            self.missing_auxiliary.append((line_no, account))
        if not self.count:
            self.line_no, self.date = line_no, entry_date
        elif self.date != entry_date:
            self.problems.add(
                f"Ligne {line_no} : EcritureDate « {v[DATE]} » différente de celle de la ligne "
                f"{self.line_no} pour la même écriture ({journal} {v[NUM]})."
            )
        self.entry_debit += debit
        self.entry_credit += credit
        self.count += 1
        if debit or credit:
            self.nonzero += 1
        self.debit += debit
        self.credit += credit

    def begin(self, key: tuple[str, str]) -> None:
        """A record of another entry than the current one: the current one is complete, unless this entry
        was met before (its lines are not consecutive)."""
        self.end()
        journal, number = key
        numbers = self.numbers.get(journal)
        if numbers is None:
            numbers = self.numbers[journal] = _Numbers()
        if not numbers.add(number) and not self.grouped:
            raise _NotContiguous
        self.key, self.tainted = key, False
        self.count = self.nonzero = self.entry_debit = self.entry_credit = 0

    def end(self) -> None:
        """The checks of a complete entry (§1: each entry balanced), unless a refused line explains it."""
        if self.key is None or not self.count:
            return
        self.entry_count += 1
        self.entry_dates.add(self.date)
        if self.tainted:
            return
        debit, credit = self.entry_debit, self.entry_credit
        if debit != credit or not debit or self.nonzero < 2:
            where = f"Ligne {self.line_no} (écriture JournalCode {self.key[0]}, EcritureNum {self.key[1]})"
            if debit != credit:
                debit, credit = from_cents(debit), from_cents(credit)
                self.problems.add(
                    f"{where} : écriture déséquilibrée, Debit {_fr(debit)} ≠ Credit {_fr(credit)} "
                    f"(écart {_fr(debit - credit)})."
                )
            elif not debit:
                self.problems.add(f"{where} : écriture à zéro.")
            else:
                self.problems.add(f"{where} : une écriture compte au moins deux lignes non nulles.")


def _numbered(src: _Source, separator: str, grouped: bool) -> tuple[str | None, Iterable[tuple[int, str]]]:
    """The header, and the records after it with their line numbers: in file order, or regrouped by entry."""
    records = src.records()
    header = next(records, None)
    if not grouped:
        return header, enumerate(records, start=2)
    return header, _regrouped(records, separator)


def _regrouped(records: Iterator[str], separator: str) -> Iterator[tuple[int, str]]:
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


def _validate(src: _Source, fiscal_year, report: FecReport, problems: _Problems, *, grouped: bool) -> None:
    report.source = src
    report.encoding = src.label
    header = next(src.records(), None)
    if header is None or not header.strip():
        problems.add("Ligne 1 : fichier vide ou sans en-tête.")
        return
    report.separator = separator = "\t" if "\t" in header else "|" if "|" in header else ""
    if not separator:
        problems.add("Ligne 1 : séparateur non reconnu : le FEC sépare ses champs par une tabulation ou « | ».")
        return
    checked = _check_header([n.strip().lstrip("\ufeff") for n in header.split(separator)], problems)
    if checked is None:
        return
    report.amounts, width = checked
    report.width = width
    scan = _Scan(report, problems, grouped)
    fast = scan.fast if report.amounts == "Debit/Credit" else lambda values: None
    blanks: list[int] = []  # blank lines not followed (yet) by a record: tolerated at the very end only
    last_record = records_read = lettered = currency = 0
    _, numbered = _numbered(src, separator, grouped)
    for line_no, record in numbered:
        if not record or record.isspace():
            blanks.append(line_no)
            continue
        for blank in blanks:
            problems.add(f"Ligne {blank} : ligne vide (le FEC n'en admet aucune).")
        blanks.clear()
        last_record = max(last_record, line_no)
        records_read += 1
        values = [value.strip() for value in record.split(separator)]
        if len(values) != width:
            problems.add(
                f"Ligne {line_no} : {len(values)} champ(s) au lieu de {width} "
                f"(ligne tronquée, ou séparateur « {separator} » dans un libellé ?)."
            )
            continue
        key = (values[JOURNAL], values[NUM])
        if key != scan.key and key[0] and key[1]:
            scan.begin(key)
        if values[LET]:
            lettered += 1
        if values[CURRENCY_AMOUNT]:
            currency += 1
        parsed = fast(values) or scan.slow(line_no, values)
        if parsed is not None:
            scan.add(line_no, values, *parsed)
    scan.end()
    for blank in blanks:  # regrouped, a blank line may come after records that follow it in the file
        if blank < last_record:
            problems.add(f"Ligne {blank} : ligne vide (le FEC n'en admet aucune).")
    blanks = [blank for blank in blanks if blank > last_record]
    report.line_count = max(0, last_record - 1)
    report.entry_count = scan.entry_count
    report.lettered_lines, report.currency_lines = lettered, currency
    report.debit_cents, report.credit_cents = scan.debit, scan.credit
    report.total_debit, report.total_credit = from_cents(scan.debit), from_cents(scan.credit)
    if blanks:
        report.warnings.append(f"{len(blanks)} ligne(s) vide(s) en fin de fichier ignorée(s).")
    if not scan.entry_count and not problems:
        problems.add("Ligne 2 : le fichier ne contient aucune écriture.")
    if grouped:
        report.warnings.append(
            "Les lignes de certaines écritures ne se suivent pas dans le fichier : elles sont regroupées par "
            "écriture (JournalCode et EcritureNum), chacune à la place de sa première ligne."
        )
    if report.lettered_lines:
        report.warnings.append(
            f"{report.lettered_lines} ligne(s) lettrée(s) : le lettrage du fichier (EcritureLet, DateLet) n'est "
            "pas repris ; relettrez dans Pilote (le lettrage automatique rapproche factures et règlements)."
        )
    if report.currency_lines:
        report.warnings.append(
            f"{report.currency_lines} ligne(s) en devise : Montantdevise et Idevise ne sont pas repris (euros seuls)."
        )
    _check_gaps(scan.numbers, report)
    report.journals = {code: (label or code, guess_journal_kind(code)) for code, label in scan.journal_labels.items()}
    if scan.entry_dates:
        report.first_date, report.last_date = min(scan.entry_dates), max(scan.entry_dates)
    if problems:
        return
    _check_against_books(scan, report, fiscal_year, src.name, problems)
    kinds = dict(Journal.objects.filter(code__in=report.journals).values_list("code", "kind"))
    kinds = {code: kinds.get(code, kind) for code, (_, kind) in report.journals.items()}
    report.opening_journals = {code for code, kind in kinds.items() if kind == JournalKind.OPENING}


def _check_gaps(numbers: dict[str, _Numbers], report: FecReport) -> None:
    """§1: EcritureNum is continuous within a journal; a gap is not a reason for refusal, but is reported."""
    for journal, found in sorted(numbers.items()):
        span = found.span()
        if not span:
            continue
        low, high = span[0][0], span[-1][1]
        missing = high - low + 1 - sum(end - start + 1 for start, end in span)
        if missing > 0:
            report.warnings.append(
                f"Journal {journal} : numérotation EcritureNum discontinue ({missing} numéro(s) manquant(s) "
                f"entre {low} et {high}) ; Pilote renumérote sans trou."
            )


def _check_against_books(scan: _Scan, report: FecReport, fiscal_year, file_name: str, problems: _Problems) -> None:
    """What posting would refuse, found before any write: the fiscal year, closed or locked periods,
    inactive accounts and journals, sub-ledger rules."""
    first_line = scan.first_line
    first, last = report.first_date, report.last_date
    if isinstance(fiscal_year, FiscalYear):
        year = fiscal_year
    elif fiscal_year is None:
        year = FiscalYear.objects.filter(start_date__lte=first, end_date__gte=first).first()
    else:  # (start, end): that year if it exists already, else the one to open
        year = FiscalYear.objects.filter(start_date=fiscal_year[0], end_date=fiscal_year[1]).first()
    if year is None:
        start, end = fiscal_year if isinstance(fiscal_year, tuple) else _new_year_dates(first, last, file_name)
        report.new_fiscal_year = (start, end)
        _check_new_year(start, end, problems)
    else:
        report.fiscal_year = year
        start, end = year.start_date, year.end_date
        if not year.is_open:
            problems.add(f"{year} est clôturé : rien ne peut y être importé.")
        posted = Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED).count()
        if posted:
            problems.add(
                f"{year} contient déjà {posted} écriture(s) validée(s) : l'import d'un FEC se fait dans un "
                "exercice vide (pour ne pas compter deux fois les mêmes écritures)."
            )
    locked_until = year.locked_until if year is not None else None
    refused = {day for day in scan.entry_dates if not start <= day <= end or (locked_until and day <= locked_until)}
    if refused:  # rare: the file is read again to name the first line of each entry concerned
        met: set[tuple[str, str]] = set()
        _, numbered = _numbered(report.source, report.separator, grouped=False)  # first lines come first
        for line_no, record in numbered:
            v = record.split(report.separator)
            if len(v) != report.width or (day := scan.day(v[DATE].strip())) not in refused:
                continue
            key = (v[JOURNAL].strip(), v[NUM].strip())
            if key in met:
                continue
            met.add(key)
            if not start <= day <= end:
                problems.add(
                    f"Ligne {line_no} : date EcritureDate « {day:%Y%m%d} » hors de l'exercice "
                    f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}."
                )
            else:
                problems.add(
                    f"Ligne {line_no} : date EcritureDate « {day:%Y%m%d} » dans la période verrouillée "
                    f"jusqu'au {locked_until:%d/%m/%Y}."
                )
    inactive = set(Account.objects.filter(code__in=report.accounts, is_active=False).values_list("code", flat=True))
    for line_no, account in scan.missing_auxiliary:
        problems.add(
            f"Ligne {line_no} : le compte {account} est tenu par tiers : CompAuxNum et "
            "CompAuxLib (client ou fournisseur) sont obligatoires."
        )
    for code in sorted(inactive):
        problems.add(f"Ligne {first_line['account'][code]} : le compte {code} est désactivé dans Pilote.")
    for code, is_active in Journal.objects.filter(code__in=report.journals).values_list("code", "is_active"):
        if not is_active:
            problems.add(f"Ligne {first_line['journal'][code]} : le journal {code} est désactivé dans Pilote.")
    existing = AuxiliaryAccount.objects.filter(code__in=report.auxiliaries).values_list("code", "control_account__code")
    for code, control in existing:
        if control != report.auxiliaries[code][1]:
            problems.add(
                f"Ligne {first_line['auxiliary'][code]} : le compte auxiliaire {code} existe déjà sous le compte "
                f"{control} dans Pilote, pas sous {report.auxiliaries[code][1]}."
            )


def _new_year_dates(first: dt.date, last: dt.date, file_name: str) -> tuple[dt.date, dt.date]:
    """A new fiscal year: it starts the day after the previous one (or on the first EcritureDate) and
    ends on the closing date of the file name `<SIREN>FEC<AAAAMMJJ>` (or on the last EcritureDate)."""
    previous = FiscalYear.objects.filter(end_date__lt=first).order_by("-end_date").first()
    start = previous.end_date + dt.timedelta(days=1) if previous else first
    end = last
    match = _FILE_NAME_RE.match(file_name)
    if match:
        try:
            closing = dt.date(int(match[1][:4]), int(match[1][4:6]), int(match[1][6:]))
        except ValueError:
            closing = None
        if closing and closing >= last:
            end = closing
    return start, end


def _check_new_year(start: dt.date, end: dt.date, problems: _Problems) -> None:
    """The checks of services.open_fiscal_year, made before any write."""
    if end <= start:
        problems.add(f"Exercice du {start:%d/%m/%Y} au {end:%d/%m/%Y} : la fin doit suivre le début.")
        return
    if end >= add_months(start, 24):
        problems.add(
            f"Les écritures vont du {start:%d/%m/%Y} au {end:%d/%m/%Y} : plus de 24 mois, ce n'est pas un "
            "seul exercice (un FEC par exercice)."
        )
    overlapping = FiscalYear.objects.filter(start_date__lte=end, end_date__gte=start).first()
    if overlapping:
        problems.add(
            f"L'exercice à créer (du {start:%d/%m/%Y} au {end:%d/%m/%Y}) chevauche {overlapping} : "
            "précisez l'exercice cible."
        )
    previous = FiscalYear.objects.filter(end_date__lt=start).order_by("-end_date").first()
    if previous and previous.end_date + dt.timedelta(days=1) != start:
        problems.add(
            f"L'exercice à créer doit commencer le {previous.end_date + dt.timedelta(days=1):%d/%m/%Y}, "
            f"au lendemain de {previous}."
        )


def import_fec(
    source: str | Path | bytes | FecReport,
    *,
    actor,
    progress: Callable[[int, int], None] | None = None,
    fiscal_year: FiscalYear | tuple[dt.date, dt.date] | None = None,
) -> ImportResult:
    """Import a FEC checked by `validate_fec` (or a path/bytes, validated here), all or nothing."""
    report = source if isinstance(source, FecReport) else validate_fec(source, fiscal_year=fiscal_year)
    if not report.is_valid:
        raise FecImportError(
            f"Fichier FEC refusé : {len(report.problems)} anomalie(s) ; rien n'a été importé.", report.problems
        )
    try:
        with transaction.atomic():
            return _import(report, actor, progress)
    except (DomainError, ValidationError, DatabaseError) as exc:
        reason = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
        raise FecImportError(f"Import annulé, rien n'a été enregistré : {reason}") from exc


def _specs(report: FecReport, opening: bool, accounts, auxiliaries, journals, seen: list[int]) -> Iterator:
    """The à-nouveaux (or the other entries) in file order as `batch.EntrySpec`, each line turned into a
    `batch.CentsLine` as it is read, each entry given out when the next one begins. `seen` counts the
    records, entries and cents read, so that the import can tell the file from the one validated."""
    separator, width, opening_journals = report.separator, report.width, report.opening_journals
    sens_column = report.amounts != "Debit/Credit"
    days: dict[str, dt.date] = {}

    def day(value: str) -> dt.date:
        found = days.get(value)
        if found is None:
            found = days[value] = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        return found

    spec, piece_ref, piece_date = None, "", ""
    key, entry_label, cents_lines = None, "", []
    _, numbered = _numbered(report.source, separator, report.grouped)
    for line_no, record in numbered:
        if not record or record.isspace():
            continue
        v = record.split(separator)  # only the fields used are stripped
        if len(v) != width:
            raise _changed()
        journal = v[JOURNAL].strip()
        if (journal in opening_journals) != opening:
            continue
        number = v[NUM].strip()
        if key is None or journal != key[0] or number != key[1]:
            if spec is not None:
                spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
                yield spec
            key, entry_label, cents_lines = (journal, number), v[LABEL].strip(), []
            spec = batch.EntrySpec(  # a FEC has no entry label: the first line's is used
                journal=journals[journal],
                date=day(v[DATE].strip()),
                label=entry_label,
                origin=f"Ligne {line_no} (écriture {journal} {number})",
                lines=cents_lines,
            )
            piece_ref = piece_date = ""
            seen[1] += 1
        seen[0] += 1
        if not piece_ref:
            piece_ref = v[PIECE].strip()
        if not piece_date:
            piece_date = v[PIECE_DATE].strip()
        amount_a, amount_b = v[AMOUNT_A].strip(), v[AMOUNT_B].strip()
        if sens_column:
            amount = _cents(amount_a)
            debit, credit = (amount, 0) if amount_b.upper() in ("D", "+1", "1") else (0, amount)
        else:
            debit, credit = _cents(amount_a), _cents(amount_b)
        seen[2] += debit
        seen[3] += credit
        if debit or credit:
            aux, label = v[AUX].strip(), v[LABEL].strip()
            cents_lines.append(
                batch.CentsLine(
                    accounts[v[ACCOUNT].strip()],
                    auxiliaries[aux] if aux else None,
                    "" if label == entry_label else label,  # the entry label is shown for it
                    debit,
                    credit,
                )
            )
    if spec is not None:
        spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
        yield spec


def _changed() -> FecImportError:
    return FecImportError("Le fichier a changé depuis sa vérification : vérifiez-le de nouveau ; rien n'a été importé.")


def _import(report: FecReport, actor, progress) -> ImportResult:
    year, year_created = report.fiscal_year, False
    if year is None:
        start, end = report.new_fiscal_year
        year, year_created = services.open_fiscal_year(actor=actor, start_date=start, end_date=end), True

    existing_accounts = set(Account.objects.filter(code__in=report.accounts).values_list("code", flat=True))
    new_accounts = [
        Account(code=code, label=label[:200])
        for code, label in report.accounts.items()
        if code not in existing_accounts
    ]
    Account.objects.bulk_create(new_accounts)
    accounts = Account.objects.in_bulk(list(report.accounts), field_name="code")

    existing_journals = set(Journal.objects.filter(code__in=report.journals).values_list("code", flat=True))
    new_journals = [
        Journal(code=code, label=label[:100], kind=kind)
        for code, (label, kind) in report.journals.items()
        if code not in existing_journals
    ]
    Journal.objects.bulk_create(new_journals)
    journals = Journal.objects.in_bulk(list(report.journals), field_name="code")

    existing_aux = set(AuxiliaryAccount.objects.filter(code__in=report.auxiliaries).values_list("code", flat=True))
    new_aux = [
        AuxiliaryAccount(code=code, label=label[:200], control_account=accounts[account])
        for code, (label, account) in report.auxiliaries.items()
        if code not in existing_aux
    ]
    AuxiliaryAccount.objects.bulk_create(new_aux)
    auxiliaries = AuxiliaryAccount.objects.select_related("control_account").in_bulk(
        list(report.auxiliaries), field_name="code"
    )
    if new_accounts or new_journals or new_aux:
        audit.record(
            actor,
            "ledger.fec.references_created",
            year,
            after={
                "accounts": [a.code for a in new_accounts],
                "journals": [j.code for j in new_journals],
                "auxiliaries": [a.code for a in new_aux],
            },
        )

    total, done, lines = report.entry_count, 0, 0
    seen = [0, 0, 0, 0]  # records, entries, debit and credit cents read
    references = (accounts, auxiliaries, journals)
    specs = itertools.chain(_specs(report, True, *references, seen), _specs(report, False, *references, seen))
    pending, pending_lines = [], 0
    for spec in itertools.chain(specs, [None]):
        if spec is not None:
            pending.append(spec)
            pending_lines += len(spec.lines)
            if len(pending) < PROGRESS_EVERY and pending_lines < BATCH_LINES:
                continue
        if not pending:
            break
        batch.post_many(actor=actor, specs=pending)
        lines += pending_lines
        done += len(pending)
        pending, pending_lines = [], 0
        if progress:
            progress(done, total)
    if seen != [report.line_count, total, report.debit_cents, report.credit_cents]:
        raise _changed()  # rolled back with everything else
    audit.record(
        actor,
        "ledger.fec.imported",
        year,
        after={"entries": total, "lines": lines, "debit": str(report.total_debit), "credit": str(report.total_credit)},
    )
    return ImportResult(
        fiscal_year=year,
        fiscal_year_created=year_created,
        entries=total,
        lines=lines,
        accounts_created=len(new_accounts),
        journals_created=len(new_journals),
        auxiliaries_created=len(new_aux),
    )
