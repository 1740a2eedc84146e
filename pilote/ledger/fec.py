"""FEC export — Fichier des Écritures Comptables (LPF L47 A, A47 A-1); see FRENCH-RULES.md §1.

Choices, each from §1:
- field separator `|` (tab or `|` allowed; one separator for the whole file): labels are cleaned of `|`,
  tabs and line breaks so a field can never split a record;
- each record, the header included, ends with CR LF ("records end with CR and/or LF");
- character set ISO-8859-15 ("ASCII, ISO 8859-15 or EBCDIC"; UTF-8 is tolerated in practice but
  ISO-8859-15 is "the safe choice"). Typographic characters it lacks are mapped to their plain form
  (’ → ', « and » exist in it), anything else becomes `?`;
- dates AAAAMMJJ; amounts with a decimal comma and no thousands separator; Debit and Credit both filled
  (0,00 on the empty side);
- EcritureNum = journal code + fiscal-year start year + gapless posting number, e.g. `VT2026-000012`
  (`Entry.reference`): the number is allocated under lock at posting, per journal and fiscal year, so
  it is a continuous sequence within each journal, in validation order;
- entries taken over from another software's FEC (`fec_import`) are written back as they came: their
  original EcritureNum and ValidDate (`Entry.source_number`, `source_valid_date`), each line's own
  PieceRef (`EntryLine.reference`) and their lettering (rebuilt as `Matching` rows with the file's
  codes and DateLet). The normalisations of such a re-export are listed in `fec_import` (amounts
  written N,NN, the account, journal and sub-account labels of Pilote when the code existed already,
  lines at zero left out, Montantdevise/Idevise left empty);
- records in validation order (the hash-chain index), the à-nouveaux (journal of kind "opening") first,
  because "the first entries carry over the prior-year balances";
- posted entries only (ValidDate is required; drafts have none). ValidDate is the posting timestamp's
  date in Europe/Paris;
- PieceRef is the line's own document reference when it has one (`EntryLine.reference`: each open item
  of detailed à-nouveaux, the per-line PieceRef of a taken-over FEC), else the entry's;
- PieceRef / PieceDate fall back to EcritureNum / EcritureDate for entries with no outside document
  (à-nouveaux, miscellaneous entries): the entry is then its own supporting record;
- EcritureLib is the line's label, or the entry's label when the line has none;
- EcritureLet / DateLet: the lettrage code and the day it was made (`lettering_by_line`), empty for
  unlettered lines; Montantdevise / Idevise stay empty (the books are kept in euros only).

Speed: one query per chunk of entries and one for their lines, tuples only (`values_list`), amounts
read as integer cents; journal, account and auxiliary texts are formatted once, not once per line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from pilote.ledger.lettering import matching_codes
from pilote.ledger.models import (
    Account,
    AuxiliaryAccount,
    Entry,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    MatchedLine,
)

FEC_FIELDS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "|"
LINE_END = "\r\n"
ENCODING = "iso-8859-15"
ENTRY_CHUNK = 10000  # entries per query, then one query for their lines; memory stays flat (~15 MB)
WRITE_BATCH = 5000  # records encoded and written at once

# Characters that would break a record (the separators, CR, LF and other control characters) become a
# space; common typographic characters missing from ISO-8859-15 get their plain equivalent.
_CLEAN = {code: " " for code in range(32)} | {127: " ", ord("|"): " "}
_CLEAN |= {ord(c): r for c, r in {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}.items()}
_CLEAN |= {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"}
_CLEAN |= {0x2026: "...", 0x202F: " ", 0x2009: " ", 0x200B: ""}
_CLEAN_TABLE = str.maketrans(_CLEAN)
# Most texts need none of it: one regex search is several times cheaper than `translate` with a dict.
_DIRTY = re.compile("[" + "".join(re.escape(chr(code)) for code in _CLEAN) + "]|  ")


def clean(text: str) -> str:
    """A value safe inside one FEC field: no separator, no line break, no leading/trailing blanks."""
    if _DIRTY.search(text) is None:
        return text.strip()
    cleaned = text.translate(_CLEAN_TABLE)
    return " ".join(cleaned.split()) if "  " in cleaned else cleaned.strip()


def fec_filename(siren: str, closing_date: dt.date) -> str:
    """The legal file name `<SIREN>FEC<AAAAMMJJ>.txt`, dated with the fiscal year's closing date."""
    siren = "".join(siren.split())
    if len(siren) != 9 or not siren.isdigit():
        raise ValueError(f"SIREN invalide pour le nom du FEC : « {siren} » (9 chiffres attendus).")
    return f"{siren}FEC{closing_date:%Y%m%d}.txt"


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}" if cents else "0,00"


def lettering_by_line(entry_ids: list[int]) -> dict[int, str]:
    """EcritureLet|DateLet per line id, for the lines of the given entries.

    The code comes from the lettrage (`lettering.matching_codes`: upper case when full, lower case when
    partial); DateLet is the day the lines were lettered, in Europe/Paris. Unlettered lines are absent
    (both fields empty).
    """
    lines = EntryLine.objects.filter(entry_id__in=entry_ids)
    paris = timezone.get_current_timezone()
    return {
        line_id: f"{clean(code)}|{lettered_at.astimezone(paris):%Y%m%d}"
        for line_id, (code, lettered_at) in matching_codes(lines.values("pk")).items()
    }


def _fetch(queryset) -> list[tuple]:
    """The rows of a `values_list` query without Django's per-row converters: dates, timestamps and amounts
    stay as the driver gives them (formatted once per distinct value below, amounts as integer cents)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _entry_chunks(year: FiscalYear, opening: bool) -> Iterator[list[tuple]]:
    """The year's posted entries in chain (validation) order, by chunks, à-nouveaux or the others.

    The keyset walks the unique chain_index index alone (a fiscal-year condition would make the
    planner scan and sort the whole year for every chunk); entries of a neighbouring year inside the
    year's index range are skipped here.
    """
    opening_journals = set(Journal.objects.filter(kind=JournalKind.OPENING).values_list("pk", flat=True))
    bounds = Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED).aggregate(
        low=Min("chain_index"), high=Max("chain_index")
    )
    if bounds["low"] is None:
        return
    fields = (
        "pk", "chain_index", "journal_id", "number", "date", "piece_ref", "piece_date", "label", "posted_at",
        "source_number", "source_valid_date",
    )  # fmt: skip
    if opening:  # a handful of entries: read through the (fiscal_year, journal, number) index
        if not opening_journals:  # no à-nouveaux journal (an empty `IN ()` cannot be written as SQL)
            return
        entries = Entry.objects.filter(fiscal_year=year, journal_id__in=opening_journals, status=EntryStatus.POSTED)
        rows = _fetch(entries.order_by("chain_index").values_list(*fields))
        for start in range(0, len(rows), ENTRY_CHUNK):
            yield rows[start : start + ENTRY_CHUNK]
        return
    last, high = bounds["low"] - 1, bounds["high"]
    while last < high:
        rows = _fetch(
            Entry.objects.filter(chain_index__gt=last, chain_index__lte=high)
            .order_by("chain_index")
            .values_list(*fields, "fiscal_year_id")[:ENTRY_CHUNK]
        )
        if not rows:
            return
        last = rows[-1][1]
        kept = [row[:-1] for row in rows if row[-1] == year.pk and row[2] not in opening_journals]
        if kept:
            yield kept


def _texts(model) -> Iterator[tuple[int, str, str]]:
    return model.objects.values_list("pk", "code", "label").iterator(chunk_size=5000)


class _Days(dict):
    """AAAAMMJJ per date as the driver returns it (a date, or ISO text on SQLite), formatted once."""

    def __missing__(self, value) -> str:
        text = self[value] = value.replace("-", "") if isinstance(value, str) else f"{value:%Y%m%d}"
        return text


class _ValidDays(dict):
    """ValidDate per posting timestamp as the driver returns it: its day in Europe/Paris (SQLite gives UTC
    text, PostgreSQL an aware datetime). Entries posted together share one timestamp: parsed once."""

    def __init__(self, zone):
        super().__init__()
        self.zone = zone

    def __missing__(self, value) -> str:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        text = self[value] = f"{moment.astimezone(self.zone):%Y%m%d}"
        return text


def iter_fec_lines(year: FiscalYear) -> Iterator[str]:
    """The header, then one record per posted line of the fiscal year (without line terminator)."""
    yield SEPARATOR.join(FEC_FIELDS)
    for records in _record_chunks(year):
        yield from records


def _record_chunks(year: FiscalYear) -> Iterator[list[str]]:
    """The records (no header, no terminator) by chunks of entries: the per-line work is one dict lookup
    per text and one f-string; every text is cleaned and every date formatted once, not once per line."""
    start_year = f"{year.start_date:%Y}"
    journals = {pk: (clean(code), clean(label)) for pk, code, label in _texts(Journal)}
    accounts = {pk: f"{clean(code)}|{clean(label)}" for pk, code, label in _texts(Account)}
    auxiliaries: dict[int | None, str] = {None: "|"}  # CompAuxNum|CompAuxLib, both empty without sub-ledger
    auxiliaries.update((pk, f"{clean(code)}|{clean(label)}") for pk, code, label in _texts(AuxiliaryAccount))
    any_lettering = MatchedLine.objects.exists()
    day = _Days()
    valid_day = _ValidDays(timezone.get_current_timezone())  # Europe/Paris (settings.TIME_ZONE)
    labels: dict[str, str] = {}  # line label → its cleaned text (VAT lines and the like repeat theirs)

    for opening in (True, False):
        for chunk in _entry_chunks(year, opening):
            heads: dict[int, tuple[str, str, str, str, str]] = {}
            for row in chunk:
                pk, _, journal_id, number, date, piece_ref, piece_date, label, posted_at, source, source_valid = row
                code, journal_label = journals[journal_id]
                num = clean(source) or f"{code}{start_year}-{number:06d}"
                entry_date = day[date]
                piece_day = day[piece_date] if piece_date else entry_date
                piece = f"{clean(piece_ref) or num}|{piece_day}"
                entry_label = clean(label) or f"Écriture {num}"
                heads[pk] = (
                    f"{code}|{journal_label}|{num}|{entry_date}|",
                    f"{piece}|",
                    entry_label,
                    day[source_valid] if source_valid else valid_day[posted_at],
                    piece_day,
                )
            lettered = lettering_by_line([row[0] for row in chunk]) if any_lettering else {}
            if len(labels) > 50_000:
                labels.clear()
            records: list[str] = []
            append = records.append
            for entry_id, account_id, auxiliary_id, label, debit, credit, line_id, reference in _line_rows(chunk):
                head = heads.get(entry_id)
                if head is None:  # an entry of the other pass (à-nouveaux vs the rest) inside the index range
                    continue
                prefix, piece, entry_label, valid, piece_day = head
                if reference:  # the line's own document (a taken-over FEC's PieceRef per line)
                    piece = f"{clean(reference)}|{piece_day}|"
                if label:
                    text = labels.get(label)
                    if text is None:
                        text = labels[label] = clean(label)
                    text = text or entry_label
                else:
                    text = entry_label
                append(
                    f"{prefix}{accounts[account_id]}|{auxiliaries[auxiliary_id]}|{piece}{text}|"
                    f"{f'{debit // 100},{debit % 100:02d}' if debit else '0,00'}|"
                    f"{f'{credit // 100},{credit % 100:02d}' if credit else '0,00'}|"
                    f"{lettered.get(line_id, '|') if lettered else '|'}|{valid}||"
                )
            yield records


def _line_rows(chunk: list[tuple]) -> Iterator[tuple]:
    """The lines of a chunk of entries, as raw tuples with amounts in integer cents, in chain order.

    Lines are read by entry id through the (entry, position) index — no join, no sort in SQL (the planner
    otherwise chose a scan of every line on PostgreSQL) — and put in chain order here. The ids of a chunk
    are usually dense (entries posted together): then a range of ids replaces a list of ten thousand
    parameters, and the few lines of entries outside the chunk are skipped by the caller.
    """
    ids = [row[0] for row in chunk]
    low, high = min(ids), max(ids)
    columns = "entry_id, account_id, auxiliary_id, label, debit, credit, id, position, reference"
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    if high - low < 2 * len(ids):
        sql, params = f"SELECT {columns} FROM {table} WHERE entry_id BETWEEN %s AND %s", [low, high]  # noqa: S608
    else:
        sql, params = f"SELECT {columns} FROM {table} WHERE entry_id IN ({', '.join(['%s'] * len(ids))})", ids  # noqa: S608
    by_entry: dict[int, list[tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(WRITE_BATCH):
            for row in rows:
                lines = by_entry.get(row[0])
                if lines is None:
                    by_entry[row[0]] = [row]
                else:
                    lines.append(row)
    for entry_id in ids:
        lines = by_entry.get(entry_id)
        if lines:
            if len(lines) > 1:
                lines.sort(key=_line_order)
            for entry, account, auxiliary, label, debit, credit, line_id, _, reference in lines:
                yield entry, account, auxiliary, label, debit, credit, line_id, reference


def _line_order(row: tuple) -> tuple[int, int]:
    return row[7], row[6]  # position, id


def iter_fec_bytes(year: FiscalYear) -> Iterator[bytes]:
    """The file's bytes in blocks (for streaming): ISO-8859-15, every record ended by CR LF."""
    yield (SEPARATOR.join(FEC_FIELDS) + LINE_END).encode(ENCODING)
    for records in _record_chunks(year):
        yield from _encode(records)


def _encode(records: list[str]) -> Iterator[bytes]:
    """Records joined and encoded WRITE_BATCH at a time (one encode call per block, not per record)."""
    for start in range(0, len(records), WRITE_BATCH):
        yield (LINE_END.join(records[start : start + WRITE_BATCH]) + LINE_END).encode(ENCODING, errors="replace")


def fec_bytes(year: FiscalYear) -> bytes:
    return b"".join(iter_fec_bytes(year))


def write_fec(year: FiscalYear, path: str | Path) -> int:
    """Write the year's FEC to `path`; returns the number of records (header excluded)."""
    count = 0
    with open(path, "wb") as out:
        out.write((SEPARATOR.join(FEC_FIELDS) + LINE_END).encode(ENCODING))
        for records in _record_chunks(year):
            count += len(records)
            for block in _encode(records):
                out.write(block)
    return count
