"""CSV import of contacts: parse, validate every line, report per-line errors in French.

Nothing is written here; the view shows the preview, and `services.import_contacts` writes all the
rows in one transaction only when every line is valid.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from pilote.contacts.models import Contact, ContactKind
from pilote.contacts.services import parse_tags
from pilote.lib import textfiles

MAX_ROWS = 20_000

# Header names accepted for each field (compared without accents, case or spaces).
HEADERS = {
    "kind": ["type"],
    "name": ["nom", "raison sociale", "nom ou raison sociale", "societe"],
    "first_name": ["prenom"],
    "roles": ["roles", "role"],
    "siren": ["siren"],
    "siret": ["siret"],
    "vat_number": ["tva", "tva intracommunautaire", "numero de tva", "n de tva"],
    "naf_code": ["naf", "code naf", "ape", "code ape"],
    "email": ["e-mail", "email", "courriel"],
    "phone": ["telephone", "tel"],
    "website": ["site web", "site"],
    "address_line1": ["adresse"],
    "address_line2": ["complement", "complement d'adresse"],
    "postal_code": ["code postal", "cp"],
    "city": ["ville", "commune"],
    "country": ["pays"],
    "iban": ["iban"],
    "bic": ["bic"],
    "tags": ["etiquettes", "tags"],
    "notes": ["notes"],
}
ROLE_WORDS = {
    "client": "is_customer",
    "prospect": "is_prospect",
    "fournisseur": "is_supplier",
    "financeur": "is_funder",
    "partenaire": "is_partner",
}
KIND_WORDS = {
    "organisation": ContactKind.ORGANISATION,
    "": ContactKind.ORGANISATION,
    "particulier": ContactKind.PERSON,
    "personne": ContactKind.PERSON,
}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("°", "").replace("_", " ").split())


@dataclass
class ImportLine:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level problems

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.lines) and all(not line.errors for line in self.lines)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for line in self.lines if line.errors)

    def rows(self) -> list[dict]:
        return [line.values for line in self.lines]


def _encoding(stream) -> str:
    encoding = textfiles.detect_encoding(stream)
    if encoding not in ("utf-8-sig", "cp1252"):
        raise ValueError("Encodage du fichier non reconnu : enregistrez-le en UTF-8.")
    return encoding


def _row_to_values(row: dict[str, str], line: ImportLine) -> dict:
    values: dict = {k: (row.get(k) or "").strip() for k in HEADERS if k not in {"roles", "tags", "kind"}}
    kind = _key(row.get("kind", ""))
    if kind not in KIND_WORDS:
        line.errors.append(f"Type « {row.get('kind')} » inconnu (organisation ou particulier).")
    values["kind"] = KIND_WORDS.get(kind, ContactKind.ORGANISATION)
    values["country"] = (values["country"] or "FR").upper()[:2]
    roles = [_key(word) for word in (row.get("roles") or "").replace(";", ",").replace("/", ",").split(",")]
    roles = [word.rstrip("s") if word.rstrip("s") in ROLE_WORDS else word for word in roles if word]
    for word in roles:
        if word not in ROLE_WORDS:
            line.errors.append(f"Rôle « {word} » inconnu (client, prospect, fournisseur, financeur, partenaire).")
    for word, flag in ROLE_WORDS.items():
        values[flag] = word in roles
    values["tags"] = parse_tags(row.get("tags", ""))
    return values


def _validate(values: dict, line: ImportLine) -> None:
    data = {k: v for k, v in values.items() if k != "tags"}
    contact = Contact(**data)
    try:
        contact.full_clean(validate_unique=True)
    except ValidationError as exc:
        labels = {f.name: str(f.verbose_name) for f in Contact._meta.fields}
        for field_name, messages in exc.message_dict.items():
            prefix = "" if field_name == "__all__" else f"{labels.get(field_name, field_name).capitalize()} : "
            line.errors.extend(prefix + m for m in messages)
    for key in ("siren", "siret", "vat_number", "iban", "bic", "naf_code", "name"):
        values[key] = getattr(contact, key)


def parse_contacts_csv(raw) -> ImportReport:
    """The report of a contacts CSV (bytes or a binary file), read as a stream: the file is never held
    whole in memory, and reading stops at MAX_ROWS."""
    report = ImportReport()
    stream = textfiles.binary_stream(raw)
    try:
        encoding = _encoding(stream)
    except ValueError as exc:
        report.errors.append(str(exc))
        return report
    with textfiles.text_stream(stream, encoding) as text:
        _read(text, report)
    return report


def _read(text, report: ImportReport) -> None:
    first_line = text.readline()
    if not first_line:
        report.errors.append("Le fichier est vide.")
        return
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append("Le fichier est vide.")
        return
    except csv.Error as exc:
        report.errors.append(f"Fichier CSV illisible : {exc}.")
        return
    aliases = {alias: name for name, words in HEADERS.items() for alias in [name, *words]}
    columns = [aliases.get(_key(h)) for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c is None and h.strip()]
    if unknown:
        report.errors.append("Colonnes inconnues : " + ", ".join(f"« {h} »" for h in unknown) + ".")
    if "name" not in columns:
        report.errors.append("La colonne « Nom » est obligatoire.")
    if report.errors:
        return
    seen_siret: dict[str, int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(report.lines) >= MAX_ROWS:
                report.errors.append(f"Trop de lignes : {MAX_ROWS} au plus par import.")
                break
            line = ImportLine(number=number, values={})
            if len(cells) != len(header):
                line.errors.append(f"{len(cells)} colonnes au lieu de {len(header)}.")
            row = {c: v for c, v in zip(columns, cells, strict=False) if c}
            line.values = _row_to_values(row, line)
            _validate(line.values, line)
            siret = line.values.get("siret")
            if siret and siret in seen_siret:
                line.errors.append(f"SIRET en double avec la ligne {seen_siret[siret]}.")
            elif siret:
                seen_siret[siret] = number
            report.lines.append(line)
    except csv.Error as exc:
        report.errors.append(f"Fichier CSV illisible : {exc}.")
    if not report.lines and not report.errors:
        report.errors.append("Le fichier ne contient aucune ligne de contact.")
