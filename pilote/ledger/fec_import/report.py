"""What validation tells and the import returns: the report, the result, the refusal, and the list of
problems that stops counting at MAX_PROBLEMS."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from pilote.core.exceptions import DomainError
from pilote.ledger.models import FiscalYear
from pilote.lib.money import ZERO

if TYPE_CHECKING:
    from pilote.ledger.fec_import.reading import Source

MAX_PROBLEMS = 200  # messages kept in full; beyond, each cause is only counted
PER_CAUSE = 20  # messages kept in full per cause (the others are counted, with their first line numbers)
MAX_CAUSES = 200  # distinct causes before the check stops
FIRST_LINES = 10  # line numbers kept per cause


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
    lettered_lines: int = 0  # lines with EcritureLet: rebuilt as Matching rows
    currency_lines: int = 0  # lines with Montantdevise/Idevise: checked, not kept
    source: Source | None = field(default=None, repr=False)  # read again by the import
    width: int = 18  # fields per record
    opening_journals: set[str] = field(default_factory=set, repr=False)  # codes of the à-nouveaux journals
    grouped: bool = False  # an entry's lines are not all consecutive: the file is read regrouped by entry
    debit_cents: int = 0  # the totals again, to recognise the file when it is read to be posted
    credit_cents: int = 0
    # À-nouveaux: entries of these ordinary journals whose label says « à nouveau », dated on the first day
    # of the file, are posted as the year's opening in `opening_target` (an opening journal).
    opening_by_label: set[str] = field(default_factory=set, repr=False)
    opening_target: str = ""
    opening_date: dt.date | None = None  # the date of the à-nouveaux: the fiscal year's start
    closing_date: dt.date | None = None  # from the file name SIRENFECAAAAMMJJ
    siren: str = ""  # from the file name
    # The problems by cause: (cause, count, first line numbers), the largest first (`Problems.causes`).
    problem_causes: list[tuple[str, int, list[int]]] = field(default_factory=list)
    problem_count: int = 0  # every problem found, kept in full or only counted

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
    matchings: int = 0  # the file's lettering rebuilt
    matchings_left_out: int = 0  # codes already used on the same account in Pilote

    def summary(self) -> str:
        opened = " (ouvert par l'import)" if self.fiscal_year_created else ""
        text = (
            f"{self.entries} écriture(s) et {self.lines} ligne(s) importées et validées dans "
            f"{self.fiscal_year}{opened} ; créés : {self.accounts_created} compte(s), "
            f"{self.journals_created} journal(aux), {self.auxiliaries_created} compte(s) auxiliaire(s)"
        )
        if self.matchings:
            text += f", {self.matchings} lettrage(s) repris"
        if self.matchings_left_out:
            text += f" ; {self.matchings_left_out} lettrage(s) non repris (code déjà utilisé sur le même compte)"
        return text + "."


class TooMany(Exception):
    pass


class Problems(list):
    """The problems found, grouped by cause as they come (`cause_of`): the first PER_CAUSE messages of each
    cause are kept in full (MAX_PROBLEMS at most), the others only counted with their first line numbers,
    so a file with one mistake on every line is read to the end and reported as one cause with its
    count. The check stops (TooMany) only after MAX_CAUSES distinct causes."""

    def __init__(self):
        super().__init__()
        self.counts: dict[str, list] = {}  # cause → [count, first line numbers]
        self.total = 0

    def add(self, message: str) -> None:
        line, cause = cause_of(message)
        found = self.counts.get(cause)
        if found is None:
            if len(self.counts) >= MAX_CAUSES:
                raise TooMany
            found = self.counts[cause] = [0, []]
        found[0] += 1
        self.total += 1
        if line is not None and len(found[1]) < FIRST_LINES:
            found[1].append(line)
        if found[0] <= PER_CAUSE and len(self) < MAX_PROBLEMS:
            self.append(message)

    def causes(self) -> list[tuple[str, int, list[int]]]:
        """(cause, count, first line numbers), the most frequent cause first."""
        rows = [(cause, count, sorted(lines)) for cause, (count, lines) in self.counts.items()]
        return sorted(rows, key=lambda row: (-row[1], row[2][:1] or [0]))

    def summary(self) -> list[str]:
        """One French sentence per cause that was only partly kept: its count and first lines."""
        out = []
        for cause, count, lines in self.causes():
            if count > PER_CAUSE:
                shown = ", ".join(str(n) for n in lines)
                more = "…" if count > len(lines) else ""
                out.append(f"{count} fois : {cause} (lignes {shown}{more}).")
        return out


def changed() -> FecImportError:
    return FecImportError("Le fichier a changé depuis sa vérification : vérifiez-le de nouveau ; rien n'a été importé.")


@dataclass(frozen=True)
class Problem:
    line: int | None  # the file's line, when the problem has one
    text: str  # the whole French message
    group: str  # the message with its line, values and figures left out: problems of one kind share it


@dataclass
class ProblemGroup:
    label: str
    problems: list[Problem] = field(default_factory=list)
    total: int | None = None  # every problem of the cause in the file, when more than those kept
    first_lines: list[int] = field(default_factory=list)

    @property
    def lines(self) -> list[int]:
        return self.first_lines or [p.line for p in self.problems if p.line is not None]

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.problems)


_LINE_PREFIX = re.compile(r"^Ligne (\d+)(?: \([^)]*\))? : ")
_QUOTED = re.compile(r"« [^»]* »")
_FIGURES = re.compile(r"-?\d[\d ,./]*\d|-?\d")


def cause_of(text: str) -> tuple[int | None, str]:
    """(line number, cause): the message without its line, values and figures; one cause per kind."""
    match = _LINE_PREFIX.match(text)
    rest = text[match.end() :] if match else text
    return (int(match[1]) if match else None), _FIGURES.sub("…", _QUOTED.sub("« … »", rest))


def group_problems(problems: list[str], causes: list | None = None) -> tuple[list[ProblemGroup], list[Problem]]:
    """The problems grouped by kind (« date EcritureDate « … » invalide », « écriture déséquilibrée »…),
    the largest group first, and all of them in that order, each with its line number, for a report
    that a person reads: how many of each kind, then every one."""
    groups: dict[str, ProblemGroup] = {}
    for text in problems:
        line, label = cause_of(text)
        problem = Problem(line, text, label)
        groups.setdefault(label, ProblemGroup(label)).problems.append(problem)
    for label, count, lines in causes or []:  # the counts of the whole file, beyond the messages kept
        group = groups.setdefault(label, ProblemGroup(label))
        group.total, group.first_lines = count, list(lines)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, (g.first_lines or g.lines)[:1] or [0]))
    for group in ordered:
        group.problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return ordered, [problem for group in ordered for problem in group.problems]
