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

Memory does not grow with the lines: the file is streamed twice (decoded record by record, never held
whole). Validation keeps one small record per entry (its first line, date, totals in cents and line
count) and the accounts, journals and auxiliary accounts met; the import reads the file again and
posts each entry as soon as its last line has been read (the lines of an entry are usually
consecutive; when they are not, the entries waiting for their last line are kept until then). Amounts
are integer cents; dates and account numbers are checked once per distinct value. A line that fails
the fast checks is checked again by the detailed path, which words the problems.

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
from collections import defaultdict
from collections.abc import Callable, Iterator
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
_TRAILING_DIGITS = re.compile(r"(\d+)$")
_FILE_NAME_RE = re.compile(r"^\d{9}FEC(\d{8})", re.IGNORECASE)


class FecImportError(DomainError):
    """The file was refused or its import failed; nothing was written. `problems` lists the reasons."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(slots=True)
class FecEntry:
    """One entry of the file as validation sees it: no lines kept, their totals in cents."""

    journal: str
    number: str  # the file's EcritureNum: it only groups lines
    line_no: int  # first line of the entry in the file
    date: dt.date
    piece_ref: str = ""
    piece_date: dt.date | None = None
    debit: int = 0  # cents
    credit: int = 0
    line_count: int = 0  # records of the entry in the file, zero lines included
    nonzero: int = 0  # lines with an amount


@dataclass
class FecReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    amounts: str = "Debit/Credit"  # or "Montant/Sens"
    line_count: int = 0  # records, header excluded
    entries: list[FecEntry] = field(default_factory=list, repr=False)  # in import order: à-nouveaux first
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

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        sep = "tabulation" if self.separator == "\t" else f"« {self.separator} »"
        text = (
            f"{self.line_count} ligne(s), {len(self.entries)} écriture(s), encodage {self.encoding}, "
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
            raise FecImportError(
                "Le fichier a changé depuis sa vérification : vérifiez-le de nouveau ; rien n'a été importé."
            )
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
    report = FecReport()
    problems = _Problems()
    try:
        _validate(source, fiscal_year, report, problems)
    except _TooMany:
        problems.append(f"Plus de {MAX_PROBLEMS} anomalies : la vérification s'est arrêtée là.")
    report.problems = list(problems)
    if report.problems:
        report.entries = []
    return report


class _Scan:
    """What validation keeps while it reads: one FecEntry per entry, the references met and where they
    first appear, and caches of the dates and account numbers already found valid."""

    def __init__(self, report: FecReport, problems: _Problems):
        self.report, self.problems = report, problems
        self.entries: dict[tuple[str, str], FecEntry] = {}
        self.journal_labels: dict[str, str] = {}
        self.tainted: set[tuple[str, str]] = set()
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
                self.tainted.add(key)  # its balance is not checked: the faulty line already explains it
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
        key = (journal, v[NUM])
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = FecEntry(journal=journal, number=v[NUM], line_no=line_no, date=entry_date)
        elif entry.date != entry_date:
            self.problems.add(
                f"Ligne {line_no} : EcritureDate « {v[DATE]} » différente de celle de la ligne "
                f"{entry.line_no} pour la même écriture ({key[0]} {key[1]})."
            )
        if not entry.piece_ref:
            entry.piece_ref = v[PIECE]
        if entry.piece_date is None:
            entry.piece_date = piece_date
        entry.debit += debit
        entry.credit += credit
        entry.line_count += 1
        if debit or credit:
            entry.nonzero += 1
        self.debit += debit
        self.credit += credit


def _validate(source, fiscal_year, report: FecReport, problems: _Problems) -> None:
    src = report.source = _Source(source)
    report.encoding = src.label
    records = src.records()
    header = next(records, None)
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
    scan = _Scan(report, problems)
    fast = scan.fast if report.amounts == "Debit/Credit" else lambda values: None
    blanks: list[int] = []  # blank lines not followed (yet) by a record: tolerated at the very end only
    last_record = lettered = currency = 0
    for line_no, record in enumerate(records, start=2):
        if not record or record.isspace():
            blanks.append(line_no)
            continue
        for blank in blanks:
            problems.add(f"Ligne {blank} : ligne vide (le FEC n'en admet aucune).")
        blanks.clear()
        last_record = line_no
        values = [value.strip() for value in record.split(separator)]
        if len(values) != width:
            problems.add(
                f"Ligne {line_no} : {len(values)} champ(s) au lieu de {width} "
                f"(ligne tronquée, ou séparateur « {separator} » dans un libellé ?)."
            )
            continue
        if values[LET]:
            lettered += 1
        if values[CURRENCY_AMOUNT]:
            currency += 1
        parsed = fast(values) or scan.slow(line_no, values)
        if parsed is not None:
            scan.add(line_no, values, *parsed)
    report.line_count = max(0, last_record - 1)
    report.lettered_lines, report.currency_lines = lettered, currency
    report.total_debit, report.total_credit = from_cents(scan.debit), from_cents(scan.credit)
    if blanks:
        report.warnings.append(f"{len(blanks)} ligne(s) vide(s) en fin de fichier ignorée(s).")
    entries = scan.entries
    if not entries and not problems:
        problems.add("Ligne 2 : le fichier ne contient aucune écriture.")
    _check_entries(entries, scan.tainted, problems)
    if report.lettered_lines:
        report.warnings.append(
            f"{report.lettered_lines} ligne(s) lettrée(s) : le lettrage du fichier (EcritureLet, DateLet) n'est "
            "pas repris ; relettrez dans Pilote (le lettrage automatique rapproche factures et règlements)."
        )
    if report.currency_lines:
        report.warnings.append(
            f"{report.currency_lines} ligne(s) en devise : Montantdevise et Idevise ne sont pas repris (euros seuls)."
        )
    _check_gaps(entries, report)
    report.journals = {code: (label or code, guess_journal_kind(code)) for code, label in scan.journal_labels.items()}
    if entries:
        report.first_date = min(e.date for e in entries.values())
        report.last_date = max(e.date for e in entries.values())
    if problems:
        return
    _check_against_books(scan, report, fiscal_year, src.name, problems)
    kinds = dict(Journal.objects.filter(code__in=report.journals).values_list("code", "kind"))
    kinds = {code: kinds.get(code, kind) for code, (_, kind) in report.journals.items()}
    report.opening_journals = {code for code, kind in kinds.items() if kind == JournalKind.OPENING}
    ordered = list(entries.values())
    report.entries = [e for e in ordered if e.journal in report.opening_journals]
    report.entries += [e for e in ordered if e.journal not in report.opening_journals]


def _check_entries(entries: dict[tuple[str, str], FecEntry], tainted: set, problems: _Problems) -> None:
    for (journal, number), entry in entries.items():
        if (journal, number) in tainted:
            continue
        where = f"Ligne {entry.line_no} (écriture JournalCode {journal}, EcritureNum {number})"
        if entry.debit != entry.credit:
            debit, credit = from_cents(entry.debit), from_cents(entry.credit)
            problems.add(
                f"{where} : écriture déséquilibrée, Debit {_fr(debit)} ≠ Credit {_fr(credit)} "
                f"(écart {_fr(debit - credit)})."
            )
        elif entry.debit == 0:
            problems.add(f"{where} : écriture à zéro.")
        elif entry.nonzero < 2:
            problems.add(f"{where} : une écriture compte au moins deux lignes non nulles.")


def _check_gaps(entries: dict[tuple[str, str], FecEntry], report: FecReport) -> None:
    """§1: EcritureNum is continuous within a journal; a gap is not a reason for refusal, but is reported."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for journal, number in entries:
        match = _TRAILING_DIGITS.search(number)
        if match:
            numbers[journal].append(int(match.group(1)))
    for journal, found in sorted(numbers.items()):
        missing = max(found) - min(found) + 1 - len(set(found))
        if missing > 0:
            report.warnings.append(
                f"Journal {journal} : numérotation EcritureNum discontinue ({missing} numéro(s) manquant(s) "
                f"entre {min(found)} et {max(found)}) ; Pilote renumérote sans trou."
            )


def _check_against_books(scan: _Scan, report: FecReport, fiscal_year, file_name: str, problems: _Problems) -> None:
    """What posting would refuse, found before any write: the fiscal year, closed or locked periods,
    inactive accounts and journals, sub-ledger rules."""
    entries, first_line = scan.entries, scan.first_line
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
    for entry in entries.values():
        if not start <= entry.date <= end:
            problems.add(
                f"Ligne {entry.line_no} : date EcritureDate « {entry.date:%Y%m%d} » hors de l'exercice "
                f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}."
            )
        elif year is not None and year.locked_until and entry.date <= year.locked_until:
            problems.add(
                f"Ligne {entry.line_no} : date EcritureDate « {entry.date:%Y%m%d} » dans la période verrouillée "
                f"jusqu'au {year.locked_until:%d/%m/%Y}."
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


def _spec(entry: FecEntry, lines: list[tuple], accounts, auxiliaries, journals) -> batch.EntrySpec:
    entry_label = lines[0][2]  # a FEC has no entry label: the first line's is used
    return batch.EntrySpec(
        journal=journals[entry.journal],
        date=entry.date,
        label=entry_label,
        piece_ref=entry.piece_ref,
        piece_date=entry.piece_date,
        origin=f"Ligne {entry.line_no} (écriture {entry.journal} {entry.number})",
        lines=[
            batch.CentsLine(
                accounts[account],
                auxiliaries[aux] if aux else None,
                "" if label == entry_label else label,  # the entry label is shown for it
                debit,
                credit,
            )
            for account, aux, label, debit, credit in lines
            if debit or credit
        ],
    )


def _entries_with_lines(report: FecReport, opening: bool) -> Iterator[tuple[FecEntry, list[tuple]]]:
    """The à-nouveaux (or the other entries) in the order of report.entries, each with its lines
    (account, auxiliary, label, debit and credit in cents) as soon as its last line has been read."""
    expected = [e for e in report.entries if (e.journal in report.opening_journals) == opening]
    if not expected:
        return
    changed = FecImportError(
        "Le fichier a changé depuis sa vérification : vérifiez-le de nouveau ; rien n'a été importé."
    )
    separator, width, opening_journals = report.separator, report.width, report.opening_journals
    sens_column = report.amounts != "Debit/Credit"
    pending: dict[tuple[str, str], list[tuple]] = {}
    position, head = 0, expected[0]
    head_key = (head.journal, head.number)
    records = report.source.records()
    next(records, None)  # the header
    for record in records:
        if not record or record.isspace():
            continue
        v = record.split(separator)  # only the fields used are stripped
        if len(v) != width:
            raise changed
        journal = v[JOURNAL].strip()
        if (journal in opening_journals) != opening:
            continue
        amount_a, amount_b = v[AMOUNT_A].strip(), v[AMOUNT_B].strip()
        if sens_column:
            amount = _cents(amount_a)
            debit, credit = (amount, 0) if amount_b.upper() in ("D", "+1", "1") else (0, amount)
        else:
            debit, credit = _cents(amount_a), _cents(amount_b)
        key = (journal, v[NUM].strip())
        line = (v[ACCOUNT].strip(), v[AUX].strip(), v[LABEL].strip(), debit, credit)
        lines = pending.get(key)
        if lines is None:
            pending[key] = [line]
        else:
            lines.append(line)
        while len(pending.get(head_key, ())) >= head.line_count:
            yield head, pending.pop(head_key)
            position += 1
            if position == len(expected):
                return
            head = expected[position]
            head_key = (head.journal, head.number)
    raise changed


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

    total, done, lines = len(report.entries), 0, 0
    entries = itertools.chain(_entries_with_lines(report, True), _entries_with_lines(report, False))
    while specs := [  # each entry's raw lines are dropped as soon as its spec is made
        _spec(entry, entry_lines, accounts, auxiliaries, journals)
        for entry, entry_lines in itertools.islice(entries, PROGRESS_EVERY)
    ]:
        batch.post_many(actor=actor, specs=specs)
        lines += sum(len(spec.lines) for spec in specs)
        done += len(specs)
        if progress:
            progress(done, total)
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
