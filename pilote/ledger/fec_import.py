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

The entries are numbered again by Pilote (gapless per journal); the file's EcritureNum only groups the
lines into entries. ValidDate, EcritureLet/DateLet and Montantdevise/Idevise are checked but not kept:
posting stamps its own validation date, lettrage is redone in Pilote, and the books are kept in euros.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
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
from pilote.lib.money import ZERO

MAX_PROBLEMS = 200
PROGRESS_EVERY = 1000
MONTANT_SENS_FIELDS = FEC_FIELDS[:11] + ("Montant", "Sens") + FEC_FIELDS[13:]
CASH_BASIS_FIELDS = ("DateRglt", "ModeRglt", "NatOp", "IdClient")  # BNC/BA books: accepted, not kept
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "EcritureLib", "ValidDate")
OPENING_CODES = {"AN", "OUV"}  # AN is the usual code; Odoo names its opening journal OUV (§1)

_DATE_RE = re.compile(r"^\d{8}$")
_AMOUNT_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_ACCOUNT_RE = re.compile(r"^[1-8]\d{2}[0-9A-Za-z]*$")
_TRAILING_DIGITS = re.compile(r"(\d+)$")
_FILE_NAME_RE = re.compile(r"^\d{9}FEC(\d{8})", re.IGNORECASE)


class FecImportError(DomainError):
    """The file was refused or its import failed; nothing was written. `problems` lists the reasons."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass
class FecLine:
    line_no: int
    account: str
    account_label: str
    aux_code: str
    aux_label: str
    label: str
    debit: Decimal
    credit: Decimal


@dataclass
class FecEntry:
    journal: str
    number: str  # the file's EcritureNum: it only groups lines
    line_no: int  # first line of the entry in the file
    date: dt.date
    piece_ref: str = ""
    piece_date: dt.date | None = None
    lines: list[FecLine] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.lines[0].label if self.lines else ""


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


def _read(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), ""
    path = Path(source)
    return path.read_bytes(), path.name


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (avec BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("iso-8859-15"), "ISO-8859-15"


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


def _validate(source, fiscal_year, report: FecReport, problems: _Problems) -> None:
    data, file_name = _read(source)
    text, report.encoding = _decode(data)
    records = re.split(r"\r\n|\r|\n", text)
    if records and records[-1] == "":  # the terminator of the last record
        records.pop()
    blank_tail = 0
    while records and not records[-1].strip():  # extra blank lines at the very end: tolerated
        records.pop()
        blank_tail += 1
    if blank_tail:
        report.warnings.append(f"{blank_tail} ligne(s) vide(s) en fin de fichier ignorée(s).")
    if not records or not records[0].strip():
        problems.add("Ligne 1 : fichier vide ou sans en-tête.")
        return
    header = records[0]
    report.separator = "\t" if "\t" in header else "|" if "|" in header else ""
    if not report.separator:
        problems.add("Ligne 1 : séparateur non reconnu : le FEC sépare ses champs par une tabulation ou « | ».")
        return
    checked = _check_header([n.strip().lstrip("\ufeff") for n in header.split(report.separator)], problems)
    if checked is None:
        return
    report.amounts, width = checked
    entries: dict[tuple[str, str], FecEntry] = {}
    journal_labels: dict[str, str] = {}
    tainted: set[tuple[str, str]] = set()
    report.line_count = len(records) - 1
    for line_no, record in enumerate(records[1:], start=2):
        if not record.strip():
            problems.add(f"Ligne {line_no} : ligne vide (le FEC n'en admet aucune).")
            continue
        values = [v.strip() for v in record.split(report.separator)]
        if len(values) != width:
            problems.add(
                f"Ligne {line_no} : {len(values)} champ(s) au lieu de {width} "
                f"(ligne tronquée, ou séparateur « {report.separator} » dans un libellé ?)."
            )
            continue
        row = dict(zip(FEC_FIELDS[:11], values[:11], strict=True))
        row |= dict(zip(FEC_FIELDS[13:], values[13:18], strict=True))
        _parse_record(line_no, row, values[11], values[12], report, entries, journal_labels, tainted, problems)
    if not entries and not problems:
        problems.add("Ligne 2 : le fichier ne contient aucune écriture.")
    _check_entries(entries, tainted, problems)
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
    report.journals = {code: (label or code, guess_journal_kind(code)) for code, label in journal_labels.items()}
    dates = [e.date for e in entries.values()]
    if dates:
        report.first_date, report.last_date = min(dates), max(dates)
    if problems:
        return
    _check_against_books(entries, report, fiscal_year, file_name, problems)
    kinds = dict(Journal.objects.filter(code__in=report.journals).values_list("code", "kind"))
    kinds = {code: kinds.get(code, kind) for code, (_, kind) in report.journals.items()}
    ordered = list(entries.values())
    report.entries = [e for e in ordered if kinds[e.journal] == JournalKind.OPENING]
    report.entries += [e for e in ordered if kinds[e.journal] != JournalKind.OPENING]


def _parse_record(line_no, row, amount_a, amount_b, report, entries, journal_labels, tainted, problems) -> None:
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
    report.lettered_lines += bool(row["EcritureLet"])
    report.currency_lines += bool(row["Montantdevise"])
    key = (row["JournalCode"], row["EcritureNum"])
    if len(problems) > problems_before or debit is None or credit is None or entry_date is None:
        if all(key):
            tainted.add(key)  # its balance is not checked: the faulty line already explains it
        return
    journal_labels.setdefault(row["JournalCode"], row["JournalLib"])
    report.accounts.setdefault(account, row["CompteLib"] or f"Compte {account}")
    if aux_code:
        known = report.auxiliaries.setdefault(aux_code, (aux_label, account))
        if known[1] != account:
            problems.add(
                f"Ligne {line_no} : le compte auxiliaire {aux_code} est rattaché au compte {known[1]} "
                f"plus haut dans le fichier, pas à {account}."
            )
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = FecEntry(journal=key[0], number=key[1], line_no=line_no, date=entry_date)
    elif entry.date != entry_date:
        problems.add(
            f"Ligne {line_no} : EcritureDate « {row['EcritureDate']} » différente de celle de la ligne "
            f"{entry.line_no} pour la même écriture ({key[0]} {key[1]})."
        )
    entry.piece_ref = entry.piece_ref or row["PieceRef"]
    entry.piece_date = entry.piece_date or piece_date
    line = FecLine(line_no, account, row["CompteLib"], aux_code, aux_label, row["EcritureLib"], debit, credit)
    entry.lines.append(line)
    report.total_debit += debit
    report.total_credit += credit


def _check_entries(entries: dict[tuple[str, str], FecEntry], tainted: set, problems: _Problems) -> None:
    for (journal, number), entry in entries.items():
        if (journal, number) in tainted:
            continue
        where = f"Ligne {entry.line_no} (écriture JournalCode {journal}, EcritureNum {number})"
        debit = sum((line.debit for line in entry.lines), ZERO)
        credit = sum((line.credit for line in entry.lines), ZERO)
        if debit != credit:
            problems.add(
                f"{where} : écriture déséquilibrée, Debit {_fr(debit)} ≠ Credit {_fr(credit)} "
                f"(écart {_fr(debit - credit)})."
            )
        elif debit == 0:
            problems.add(f"{where} : écriture à zéro.")
        elif sum(1 for line in entry.lines if line.debit or line.credit) < 2:
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


def _check_against_books(entries, report: FecReport, fiscal_year, file_name: str, problems: _Problems) -> None:
    """What posting would refuse, found before any write: the fiscal year, closed or locked periods,
    inactive accounts and journals, sub-ledger rules."""
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
    first_line: dict[str, int] = {}
    needs_auxiliary = {code for code in report.accounts if Account(code=code).requires_auxiliary}
    for entry in entries.values():
        for line in entry.lines:
            first_line.setdefault(line.account, line.line_no)
            if not line.aux_code and line.account in needs_auxiliary and (line.debit or line.credit):
                problems.add(
                    f"Ligne {line.line_no} : le compte {line.account} est tenu par tiers : CompAuxNum et "
                    "CompAuxLib (client ou fournisseur) sont obligatoires."
                )
    for code in sorted(inactive):
        problems.add(f"Ligne {first_line[code]} : le compte {code} est désactivé dans Pilote.")
    for code, is_active in Journal.objects.filter(code__in=report.journals).values_list("code", "is_active"):
        if not is_active:
            line_no = next(e.line_no for e in entries.values() if e.journal == code)
            problems.add(f"Ligne {line_no} : le journal {code} est désactivé dans Pilote.")
    existing = AuxiliaryAccount.objects.filter(code__in=report.auxiliaries).values_list("code", "control_account__code")
    for code, control in existing:
        if control != report.auxiliaries[code][1]:
            line_no = next(ln.line_no for e in entries.values() for ln in e.lines if ln.aux_code == code)
            problems.add(
                f"Ligne {line_no} : le compte auxiliaire {code} existe déjà sous le compte {control} dans Pilote, "
                f"pas sous {report.auxiliaries[code][1]}."
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


def _spec(entry: FecEntry, accounts, auxiliaries, journals) -> batch.EntrySpec:
    entry_label = entry.label
    return batch.EntrySpec(
        journal=journals[entry.journal],
        date=entry.date,
        label=entry_label,
        piece_ref=entry.piece_ref,
        piece_date=entry.piece_date,
        origin=f"Ligne {entry.line_no} (écriture {entry.journal} {entry.number})",
        lines=[
            services.LineInput(
                account=accounts[line.account],
                auxiliary=auxiliaries[line.aux_code] if line.aux_code else None,
                label="" if line.label == entry_label else line.label,  # the entry label is shown for it
                debit=line.debit,
                credit=line.credit,
            )
            for line in entry.lines
            if line.debit or line.credit
        ],
    )


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

    total, lines = len(report.entries), 0
    for start in range(0, total, PROGRESS_EVERY):
        chunk = report.entries[start : start + PROGRESS_EVERY]
        specs = [_spec(entry, accounts, auxiliaries, journals) for entry in chunk]
        batch.post_many(actor=actor, specs=specs)
        lines += sum(len(spec.lines) for spec in specs)
        if progress:
            progress(start + len(specs), total)
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
