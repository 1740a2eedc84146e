"""The take-over framework: a dataset is a list of French columns, a row parser, a duplicate check and a writer
that calls the owning app's services.

`check(dataset, path)` reads the whole file and returns a `Report` — the rows as they will be written (typed),
every problem with its line number, a few rows to preview; nothing is written. `write(dataset, path, …)`
reads the file again (the books or the catalogue may have changed since the preview), refuses it if any
problem remains, then hands every row to the dataset's writer inside one transaction: all or nothing.

Rules are never copied here: a cell is parsed into the model's own types, then the model's `full_clean()`
(SIREN/SIRET/VAT/IBAN through `lib.identifiers`, the same validators the forms use) or the app's pure rules
say what is wrong, and the message is given back with its line and column:
« Ligne 12, colonne « SIRET » : … ».
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core.exceptions import DomainError
from pilote.lib.formats import format_eur
from pilote.takeover.reading import FileError, normalise, read_table

MAX_ERRORS_KEPT = 500  # what the preview keeps of a file full of problems (the count is exact)
PREVIEW_ROWS = 20


def max_rows() -> int:
    return int(getattr(settings, "PILOTE_TAKEOVER_MAX_ROWS", 100_000))


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the French header of the template
    help: str
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalise(self.header), normalise(self.key), *(normalise(a) for a in self.aliases)}


class Cells:
    """One row's cells by column key, with typed readers that note a French error per cell."""

    def __init__(self, line: int, values: dict[str, str], columns: dict[str, Column]):
        self.line, self.values, self.columns = line, values, columns
        self.errors: list[str] = []

    def fail(self, key: str | None, message: str) -> None:
        where = f"Ligne {self.line}"
        if key:
            where += f", colonne « {self.columns[key].header} »"
        self.errors.append(f"{where} : {message}")

    def text(self, key: str, *, max_length: int | None = None) -> str:
        value = " ".join((self.values.get(key) or "").split())
        column = self.columns[key]
        if not value and column.required:
            self.fail(key, "obligatoire.")
        if max_length and len(value) > max_length:
            self.fail(key, f"{max_length} caractères au plus ({len(value)} ici).")
            value = value[:max_length]
        return value

    def decimal(self, key: str, *, places: int = 2, positive: bool = True) -> Decimal | None:
        raw = self.text(key)
        if not raw:
            return None
        text = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")  # 1.234,56 → 1234.56
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail(key, f"« {raw} » n'est pas un nombre (ex. 1 234,56).")
            return None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            self.fail(key, f"« {raw} » n'est pas un montant possible.")
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(key, f"« {raw} » : {places} décimales au plus.")
            return None
        if positive and number < 0:
            self.fail(key, f"« {raw} » : un nombre positif est attendu.")
            return None
        return number

    def date(self, key: str) -> dt.date | None:
        raw = self.text(key)
        if not raw:
            return None
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
                return dt.date(year, month, day)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                return dt.date.fromisoformat(raw)
        except ValueError:
            self.fail(key, f"« {raw} » n'est pas une date du calendrier.")
            return None
        self.fail(key, f"« {raw} » n'est pas une date (JJ/MM/AAAA).")
        return None

    def choice(self, key: str, words: dict[str, str], default: str | None = None, shown: str = "") -> str | None:
        """`words`: accepted spellings (compared without accents or case) → stored value."""
        raw = self.text(key)
        if not raw:
            return default
        found = {normalise(word): value for word, value in words.items()}.get(normalise(raw))
        if found is None:
            shown = shown or ", ".join(dict.fromkeys(w for w in words if w))
            self.fail(key, f"« {raw} » inconnu ; valeurs possibles : {shown}.")
        return found

    def boolean(self, key: str) -> bool:
        return bool(self.choice(key, {"oui": "1", "non": "", "o": "1", "n": "", "1": "1", "0": "", "x": "1"}))

    def model_errors(self, exc: ValidationError, fields: dict[str, str]) -> None:
        """A model's full_clean() errors, each on the column of its field (`fields`: model field → column key)."""
        for name, messages in exc.message_dict.items():
            key = fields.get(name)
            for message in messages:
                self.fail(key, message if message.endswith((".", "?", "!")) else message + ".")


@dataclass
class Link:
    label: str
    url: str


class Dataset:
    """A kind of data Pilote takes over. Subclasses set the class attributes and the four methods."""

    key = ""  # the URL slug, « catalogue »
    title = ""  # « Catalogue (articles) »
    summary = ""  # one sentence on the dataset's page
    perm = ""  # the permission that imports it
    columns: list[Column] = []
    preview_headers: list[str] = []
    accounting = False  # needs a take-over date (the opening entry's)
    notes: list[str] = []  # what the user should know, shown on the dataset's page

    def __init__(self) -> None:
        self.by_key = {column.key: column for column in self.columns}

    def url(self, name: str = "", **kwargs) -> str:
        """The address of one of the dataset's pages: url(), url("job", pk=3), url("template", fmt="csv")."""
        from django.urls import reverse

        return reverse(f"takeover:{self.key}{'-' + name if name else ''}", kwargs=kwargs)

    @property
    def page_url(self) -> str:
        return self.url()

    @property
    def csv_url(self) -> str:
        return self.url("template", fmt="csv")

    @property
    def xlsx_url(self) -> str:
        return self.url("template", fmt="xlsx")

    # -- to override ------------------------------------------------------------------------------------
    def context(self, options: dict) -> dict:
        """What every row's check needs from the database, read once (existing references, accounts…)."""
        return {}

    def parse(self, cells: Cells, ctx: dict):
        """The typed row (a dict), errors noted on `cells`."""
        raise NotImplementedError

    def duplicate_key(self, row) -> tuple | None:
        """What two lines of the file must not share (None: no check)."""
        return None

    def duplicate_message(self, row, first_line: int) -> str:
        return f"en double avec la ligne {first_line}."

    def finish(self, rows: list, ctx: dict) -> list[str]:
        """Problems of the whole file (a balance that does not balance…)."""
        return []

    def preview(self, row) -> list[str]:
        raise NotImplementedError

    def write(self, rows: list, *, actor, options: dict, progress: Callable[[int], None]) -> tuple[str, list[Link]]:
        """Write every row through the app's services (inside the caller's transaction); (summary, links)."""
        raise NotImplementedError

    # -- shared -----------------------------------------------------------------------------------------
    def match_headers(self, headers: list[str]) -> list[str | None]:
        names = {name: column.key for column in self.columns for name in column.names()}
        keys = [names.get(normalise(h)) for h in headers]
        problems = []
        unknown = [h for h, k in zip(headers, keys, strict=True) if k is None and h.strip()]
        if unknown:
            problems.append(
                "Colonnes inconnues : " + ", ".join(f"« {h} »" for h in unknown) + " (téléchargez le modèle)."
            )
        doubled = sorted({self.by_key[k].header for k in keys if k and keys.count(k) > 1})
        if doubled:
            problems.append("Colonnes en double : " + ", ".join(f"« {h} »" for h in doubled) + ".")
        missing = [c.header for c in self.columns if c.required and c.key not in keys]
        if missing:
            problems.append("Colonnes obligatoires absentes : " + ", ".join(f"« {h} »" for h in missing) + ".")
        if problems:
            raise FileError(" ".join(problems))
        return keys


@dataclass
class Report:
    rows: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.file_error and not self.error_count and bool(self.rows)

    def add(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(message)


def check(dataset: Dataset, path: Path, options: dict, *, progress: Callable[[int], None] | None = None) -> Report:
    """Read and check every row of the file; nothing is written."""
    report = Report()
    ctx = dataset.context(options)
    seen: dict[tuple, int] = {}
    try:
        for table in read_table(path, max_rows=max_rows()):
            keys = dataset.match_headers(table.headers)
            for number, cells in table.rows:
                values = {k: v for k, v in zip(keys, cells, strict=False) if k}
                extra = [v for v in cells[len(keys) :] if v]
                line = Cells(number, values, dataset.by_key)
                if extra:
                    line.fail(None, f"{len(cells)} cellules pour {len(keys)} colonnes.")
                row = dataset.parse(line, ctx)
                if row is not None and not line.errors and (key := dataset.duplicate_key(row)) is not None:
                    if key in seen:
                        line.fail(None, dataset.duplicate_message(row, seen[key]))
                    else:
                        seen[key] = number
                report.add(line.errors)
                if row is not None:
                    row["_line"] = number
                report.rows.append(row)
                if progress and len(report.rows) % 500 == 0:
                    progress(len(report.rows))
    except FileError as exc:
        report.file_error = exc.message
        return report
    if not report.rows:
        report.file_error = "Le fichier ne contient aucune ligne après celle des titres."
        return report
    if not report.error_count:
        report.add(dataset.finish(report.rows, ctx))
    return report


def write(dataset: Dataset, path: Path, options: dict, *, actor, progress: Callable[[int, int], None]):
    """Check the file again, then write every row in one transaction; DomainError (French) and nothing
    written on any problem."""
    report = check(dataset, path, options, progress=lambda done: progress(done, 0))
    if report.file_error:
        raise DomainError(f"{report.file_error} Rien n'a été importé.")
    if report.error_count:
        first = " ".join(report.errors[:5])
        raise DomainError(f"Le fichier compte désormais {report.error_count} erreur(s) : {first} Rien n'a été importé.")
    total = len(report.rows)
    progress(0, total)
    with transaction.atomic():
        summary, links = dataset.write(
            report.rows, actor=actor, options=options, progress=lambda done: progress(done, total)
        )
    progress(total, total)
    return summary, links, total


def row_error(number: int, exc: Exception) -> DomainError:
    """A write refused by a service on one row: its line and the service's own French words."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else (getattr(exc, "message", None) or str(exc))
    return DomainError(f"Ligne {number} : {text} Rien n'a été importé.")


def eur(value: Decimal | None) -> str:
    return format_eur(value) if value is not None else ""
