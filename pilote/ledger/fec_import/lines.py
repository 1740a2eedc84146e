"""Checks of the header and of each line, and of each entry as the next one begins (`Scan`): a fast path for
the usual Debit/Credit line, and a detailed path that words every problem in French with its line number."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pilote.ledger.fec import FEC_FIELDS
from pilote.ledger.fec_import.numbering import NotContiguous, Numbers
from pilote.ledger.fec_import.reading import (
    ACCOUNT,
    ACCOUNT_LIB,
    AMOUNT_A,
    AMOUNT_B,
    AUX,
    AUX_LIB,
    CURRENCY_AMOUNT,
    DATE,
    DATE_LET,
    JOURNAL,
    JOURNAL_LIB,
    LABEL,
    LET,
    NUM,
    PIECE,
    PIECE_DATE,
    VALID,
)
from pilote.ledger.fec_import.report import FecReport, Problems
from pilote.ledger.models import Account
from pilote.lib.money import ZERO, from_cents

MONTANT_SENS_FIELDS = FEC_FIELDS[:11] + ("Montant", "Sens") + FEC_FIELDS[13:]
CASH_BASIS_FIELDS = ("DateRglt", "ModeRglt", "NatOp", "IdClient")  # BNC/BA books: accepted, not kept
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "EcritureLib", "ValidDate")

_DATE_RE = re.compile(r"^\d{8}$")
_AMOUNT_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_CENTS_RE = re.compile(r"(\d+),(\d\d)")  # the usual form, read without Decimal
_ACCOUNT_RE = re.compile(r"^[1-8]\d{2}[0-9A-Za-z]*$")
# An entry label that says it carries the balances over: « A nouveaux », « À-nouveau », « ANOUVEAUX »…,
# but not « report à nouveau » (account 110, met in the appropriation of the result).
# Business Central writes « BAL OUV » (balance d'ouverture).
OPENING_LABEL_RE = re.compile(
    r"(?<!report )(?<!reports )(?:\b|^)[aà][ -]?nouveaux?\b|^bal(?:ance)? ouv(?:erture)?\b", re.IGNORECASE
)


def _fr(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _date(value: str, line_no: int, name: str, problems: Problems) -> dt.date | None:
    if _DATE_RE.match(value):
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    problems.add(f"Ligne {line_no} : date {name} « {value} » invalide (format AAAAMMJJ attendu).")
    return None


def _amount(value: str, line_no: int, name: str, problems: Problems) -> Decimal | None:
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


def cents(value: str) -> int:
    """An amount already validated, in integer cents."""
    match = _CENTS_RE.fullmatch(value)
    if match:
        return int(match[1]) * 100 + int(match[2])
    return int(Decimal(value.replace(",", ".")) * 100)


def check_header(names: list[str], problems: Problems) -> tuple[str, int] | None:
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
    extra = ", ".join(f"« {name} »" if name else "« » (sans nom)" for name in names[len(expected) :])
    problems.add(
        f"Ligne 1 : en-tête invalide : {len(names)} colonnes au lieu de {len(expected)} (colonnes en trop : {extra})."
    )
    return None


class Scan:
    """What validation keeps while it reads: the running totals of the current entry (checked when the next
    one begins), the numbers met per journal, the references met and where they first appear, the distinct
    entry dates, and caches of the dates and account numbers already found valid. Nothing per entry."""

    def __init__(self, report: FecReport, problems: Problems, grouped: bool):
        self.report, self.problems, self.grouped = report, problems, grouped
        self.numbers: dict[str, Numbers] = {}
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
        self.without_auxiliary = 0  # 401/411 lines without CompAuxNum: allowed by the FEC, reported
        self.debit = self.credit = 0
        # Per journal: entries, entries whose label says « à nouveau » (and their dates), first date.
        self.journal_entries: dict[str, int] = {}
        self.opening_labelled: dict[str, set[dt.date]] = {}
        self.opening_entries: dict[str, int] = {}
        self.journal_first: dict[str, dt.date] = {}
        self.labelled = False  # the current entry's label says « à nouveau »
        self.piece_date = ""  # the current entry's PieceDate (first line's): the entry keeps one
        self.other_piece_dates = 0  # lines whose PieceDate differs from their entry's first line's
        self.valid_date = ""  # the same for ValidDate
        self.other_valid_dates = 0
        self.let_without_date = self.long_lets = 0  # EcritureLet without DateLet, longer than 20 characters
        self.zero_lines = self.long_pieces = 0  # lines at zero (not kept), PieceRef over 40 characters

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
        if bool(v[AUX]) != bool(v[AUX_LIB]) or len(v[AUX]) > 20 or v[CURRENCY_AMOUNT]:
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
        if row["Montantdevise"] and not row["Idevise"]:  # Idevise alone (EUR, say) is allowed: §1 "may be blank"
            problems.add(f"Ligne {line_no} : Montantdevise renseigné sans Idevise (la devise du montant).")
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
        elif self.needs_auxiliary[account]:
            self.without_auxiliary += 1
        if not (debit or credit):
            self.zero_lines += 1
        if len(v[PIECE]) > 40:
            self.long_pieces += 1
        if not self.count:
            self.piece_date, self.valid_date = v[PIECE_DATE], v[VALID]
        else:
            if v[PIECE_DATE] != self.piece_date:
                self.other_piece_dates += 1
            if v[VALID] != self.valid_date:
                self.other_valid_dates += 1
        if v[LET]:
            if not v[DATE_LET]:
                self.let_without_date += 1
            if len(v[LET]) > 20:
                self.long_lets += 1
        if not self.count:
            self.line_no, self.date = line_no, entry_date
            self.labelled = OPENING_LABEL_RE.search(v[LABEL]) is not None
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
            numbers = self.numbers[journal] = Numbers()
        if not numbers.add(number) and not self.grouped:
            raise NotContiguous
        self.key, self.tainted = key, False
        self.count = self.nonzero = self.entry_debit = self.entry_credit = 0

    def end(self) -> None:
        """The checks of a complete entry (§1: each entry balanced), unless a refused line explains it."""
        if self.key is None or not self.count:
            return
        self.entry_count += 1
        self.entry_dates.add(self.date)
        journal = self.key[0]
        self.journal_entries[journal] = self.journal_entries.get(journal, 0) + 1
        first = self.journal_first.get(journal)
        if first is None or self.date < first:
            self.journal_first[journal] = self.date
        if self.labelled:
            self.opening_labelled.setdefault(journal, set()).add(self.date)
            self.opening_entries[journal] = self.opening_entries.get(journal, 0) + 1
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
