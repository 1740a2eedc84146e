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
- records in validation order (the hash-chain index), the à-nouveaux (journal of kind "opening") first,
  because "the first entries carry over the prior-year balances";
- posted entries only (ValidDate is required; drafts have none). ValidDate is the posting timestamp's
  date in Europe/Paris;
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
from collections.abc import Iterable, Iterator
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


def clean(text: str) -> str:
    """A value safe inside one FEC field: no separator, no line break, no leading/trailing blanks."""
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
    fields = ("pk", "chain_index", "journal_id", "number", "date", "piece_ref", "piece_date", "label", "posted_at")
    if opening:  # a handful of entries: read through the (fiscal_year, journal, number) index
        entries = Entry.objects.filter(fiscal_year=year, journal_id__in=opening_journals, status=EntryStatus.POSTED)
        rows = list(entries.order_by("chain_index").values_list(*fields))
        for start in range(0, len(rows), ENTRY_CHUNK):
            yield rows[start : start + ENTRY_CHUNK]
        return
    last, high = bounds["low"] - 1, bounds["high"]
    while last < high:
        rows = list(
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


def iter_fec_lines(year: FiscalYear) -> Iterator[str]:
    """The header, then one record per posted line of the fiscal year (without line terminator)."""
    yield SEPARATOR.join(FEC_FIELDS)
    start_year = f"{year.start_date:%Y}"
    journals = {pk: (clean(code), clean(label)) for pk, code, label in _texts(Journal)}
    accounts = {pk: f"{clean(code)}|{clean(label)}" for pk, code, label in _texts(Account)}
    auxiliaries: dict[int | None, str] = {None: "|"}  # CompAuxNum|CompAuxLib, both empty without sub-ledger
    auxiliaries.update((pk, f"{clean(code)}|{clean(label)}") for pk, code, label in _texts(AuxiliaryAccount))
    paris = timezone.get_current_timezone()  # Europe/Paris (settings.TIME_ZONE)
    any_lettering = MatchedLine.objects.exists()
    days: dict[dt.date, str] = {}  # AAAAMMJJ, formatted once per calendar day

    def day(value: dt.date) -> str:
        text = days.get(value)
        if text is None:
            text = days[value] = f"{value:%Y%m%d}"
        return text

    for opening in (True, False):
        for chunk in _entry_chunks(year, opening):
            heads: dict[int, tuple[str, str, str, str]] = {}
            for pk, _, journal_id, number, date, piece_ref, piece_date, label, posted_at in chunk:
                code, journal_label = journals[journal_id]
                num = f"{code}{start_year}-{number:06d}"
                entry_date = day(date)
                piece = f"{clean(piece_ref) or num}|{day(piece_date) if piece_date else entry_date}"
                valid = day(posted_at.astimezone(paris).date())
                entry_label = clean(label) or f"Écriture {num}"
                heads[pk] = (f"{code}|{journal_label}|{num}|{entry_date}|", piece, entry_label, valid)
            lettered = lettering_by_line([row[0] for row in chunk]) if any_lettering else {}
            for entry_id, account_id, auxiliary_id, label, debit_cents, credit_cents, line_id in _line_rows(chunk):
                head = heads.get(entry_id)
                if head is None:  # an entry of the other pass (à-nouveaux vs the rest) inside the index range
                    continue
                prefix, piece, entry_label, valid = head
                lettering = lettered.get(line_id, "|") if lettered else "|"
                yield (
                    f"{prefix}{accounts[account_id]}|{auxiliaries[auxiliary_id]}|{piece}|"
                    f"{(clean(label) or entry_label) if label else entry_label}|"
                    f"{_amount(debit_cents)}|{_amount(credit_cents)}|{lettering}|{valid}||"
                )


def _line_rows(chunk: list[tuple]) -> Iterator[tuple]:
    """The lines of a chunk of entries, as raw tuples with amounts in integer cents, in chain order.

    Lines are read by entry id through the (entry, position) index — no join, no sort in SQL (the planner
    otherwise chose a scan of every line on PostgreSQL) — and put in chain order here. The SQL is Django's
    (`values_list`), run on a plain cursor: this skips the per-row converters (cents → Decimal).
    """
    ids = [row[0] for row in chunk]
    lines = EntryLine.objects.filter(entry_id__in=ids).values_list(
        "entry_id", "account_id", "auxiliary_id", "label", "debit", "credit", "id", "position"
    )
    sql, params = lines.query.sql_with_params()
    by_entry: dict[int, list[tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(WRITE_BATCH):
            for row in rows:
                by_entry.setdefault(row[0], []).append(row)
    for entry_id in ids:
        for row in sorted(by_entry.get(entry_id, ()), key=lambda r: (r[7], r[6])):
            yield row[:7]


def iter_fec_bytes(year: FiscalYear) -> Iterator[bytes]:
    """The file's bytes in blocks (for streaming): ISO-8859-15, every record ended by CR LF."""
    yield from _encode_batches(iter_fec_lines(year))


def _encode_batches(lines: Iterable[str]) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= WRITE_BATCH:
            yield (LINE_END.join(batch) + LINE_END).encode(ENCODING, errors="replace")
            batch = []
    if batch:
        yield (LINE_END.join(batch) + LINE_END).encode(ENCODING, errors="replace")


def fec_bytes(year: FiscalYear) -> bytes:
    return b"".join(iter_fec_bytes(year))


def write_fec(year: FiscalYear, path: str | Path) -> int:
    """Write the year's FEC to `path`; returns the number of records (header excluded)."""
    counter = _Counter(iter_fec_lines(year))
    with open(path, "wb") as out:
        for block in _encode_batches(counter):
            out.write(block)
    return counter.count - 1


class _Counter:
    def __init__(self, lines: Iterator[str]):
        self.lines, self.count = lines, 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.count += 1
            yield line
