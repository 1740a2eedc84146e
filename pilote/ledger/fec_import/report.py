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

MAX_PROBLEMS = 200


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
    source: Source | None = field(default=None, repr=False)  # read again by the import
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


class TooMany(Exception):
    pass


class Problems(list):
    def add(self, message: str) -> None:
        self.append(message)
        if len(self) >= MAX_PROBLEMS:
            raise TooMany


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

    @property
    def lines(self) -> list[int]:
        return [p.line for p in self.problems if p.line is not None]


_LINE_PREFIX = re.compile(r"^Ligne (\d+)(?: \([^)]*\))? : ")
_QUOTED = re.compile(r"« [^»]* »")
_FIGURES = re.compile(r"-?\d[\d ,./]*\d|-?\d")


def group_problems(problems: list[str]) -> tuple[list[ProblemGroup], list[Problem]]:
    """The problems grouped by kind (« date EcritureDate « … » invalide », « écriture déséquilibrée »…),
    the largest group first, and all of them in that order, each with its line number, for a report
    that a person reads: how many of each kind, then every one."""
    groups: dict[str, ProblemGroup] = {}
    for text in problems:
        match = _LINE_PREFIX.match(text)
        rest = text[match.end() :] if match else text
        label = _FIGURES.sub("…", _QUOTED.sub("« … »", rest))
        problem = Problem(int(match[1]) if match else None, text, label)
        groups.setdefault(label, ProblemGroup(label)).problems.append(problem)
    ordered = sorted(groups.values(), key=lambda g: (-len(g.problems), g.lines[:1] or [0]))
    for group in ordered:
        group.problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return ordered, [problem for group in ordered for problem in group.problems]
