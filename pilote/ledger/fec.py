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
- EcritureLet / DateLet: the lettrage code and the day it was made (in Europe/Paris), empty for
  unlettered lines; Montantdevise / Idevise stay empty (the books are kept in euros only).

Speed (`make bench`: `commands.fec_export`, whole process): one query per chunk of entries, then their lines in
one streamed query per chunk (a server-side cursor on PostgreSQL) in the order of the (entry, position, id) index —
no sort — each line carrying its lettering, tuples only, amounts formatted by the database from integer cents;
journal, account and auxiliary texts are formatted once, not once per line; the labels and references of a block
are checked clean at once (`_all_clean`) and written as stored, cleaned one by one only in a block where one needs
it; blocks of records encoded in Latin-1 when that gives the ISO-8859-15 bytes. Memory stays flat whatever the size
of an entry (a detailed à-nouveaux carries every open item).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.db import connection, connections, transaction
from django.db.models import Max, Min, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from pilote.ledger.models import (
    Account,
    AccountBalance,
    AuxiliaryAccount,
    Entry,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
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
HEADER = (SEPARATOR.join(FEC_FIELDS) + LINE_END).encode(ENCODING)  # the first record, as bytes
ENTRY_CHUNK = 10000  # entries per query, then one query for their lines; memory stays flat (~15 MB)
WRITE_BATCH = 5000  # records encoded and written at once

# Characters that would break a record (the separators, CR, LF and other control characters) become a
# space; common typographic characters missing from ISO-8859-15 get their plain equivalent.
_CLEAN = {code: " " for code in range(32)} | {127: " ", ord("|"): " "}
_CLEAN |= {ord(c): r for c, r in {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}.items()}
_CLEAN |= {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"}
_CLEAN |= {0x2026: "...", 0x202F: " ", 0x2009: " ", 0x200B: ""}
# Latin-1 characters that ISO-8859-15 replaced (by €, Š, š, Ž, ž, Œ, œ, Ÿ) become `?`, as the ISO-8859-15 encoder
# would write them: a cleaned text then encodes to the same bytes in Latin-1 whenever it has no character above
# U+00FF, and Latin-1 encoding is a copy where ISO-8859-15's table is a lookup per character (`_encode`).
_CLEAN |= {ord(c): "?" for c in "\u00a4\u00a6\u00a8\u00b4\u00b8\u00bc\u00bd\u00be"}
_CLEAN_TABLE = str.maketrans(_CLEAN)
# Most texts need none of it: one regex search is several times cheaper than `translate` with a dict.
_DIRTY = re.compile("[" + "".join(re.escape(chr(code)) for code in _CLEAN) + "]|  ")


# Any of _CLEAN's characters but the separator, or a blank other than the space (`str.strip` would take one off a
# text's end): a text without one needs at most its end spaces stripped and its double spaces collapsed.
_UNCLEAN = re.compile(
    "["
    + "".join(re.escape(chr(code)) for code in _CLEAN if chr(code) != SEPARATOR)  # counted by `_all_clean`
    + "".join(re.escape(chr(code)) for code in range(128, 0x3001) if chr(code).isspace())
    + "]"
)


def _all_clean(texts: list[str]) -> bool:
    """Whether every text of `texts` is its own `clean` — checked on the texts joined by the separator, a few C-speed
    searches instead of one `clean` call per text (a year's line labels are mostly distinct: half a million calls at
    one million lines). A separator inside a text shows as one too many; a blank at a text's end as a space beside
    a separator or at either end."""
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1 or "  " in joined or " |" in joined or "| " in joined:
        return False
    if joined.startswith(" ") or joined.endswith(" "):
        return False
    if joined.isascii():  # printable ASCII holds none of _CLEAN's characters but the separator, counted above
        return joined.isprintable()
    return _UNCLEAN.search(joined) is None


def clean(text: str) -> str:
    """A value safe inside one FEC field: no separator, no line break, no leading/trailing blanks."""
    # Printable ASCII holds none of _CLEAN's characters but the separator: four C calls, half a regex search.
    if text.isascii() and text.isprintable() and "|" not in text and "  " not in text:
        return text.strip()
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


def _fetch(queryset) -> list[tuple]:
    """The rows of a `values_list` query without Django's per-row converters: dates, timestamps and amounts
    stay as the driver gives them (formatted once per distinct value below, amounts as integer cents)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chain_bounds(year: FiscalYear) -> tuple[int | None, int | None]:
    """The lowest and highest chain index of the year's posted entries (None, None without any)."""
    bounds = Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED).aggregate(
        low=Min("chain_index"), high=Max("chain_index")
    )
    return bounds["low"], bounds["high"]


def _entry_chunks(year: FiscalYear, opening: bool, span: tuple[int, int] | None = None) -> Iterator[list[tuple]]:
    """The year's posted entries in chain (validation) order, by chunks, à-nouveaux or the others (those whose
    chain index lies in `span` = (after, up to) only, when given: a part of the file, `write_fec`'s workers).

    The keyset walks the unique chain_index index alone (a fiscal-year condition would make the
    planner scan and sort the whole year for every chunk); entries of a neighbouring year inside the
    year's index range are skipped here.
    """
    opening_journals = set(Journal.objects.filter(kind=JournalKind.OPENING).values_list("pk", flat=True))
    low, high = _chain_bounds(year) if span is None else (span[0] + 1, span[1])
    if low is None:
        return
    fields = (
        "pk", "chain_index", "journal_id", "number", "date", "piece_ref", "piece_date", "label", "valid",
        "source_number", "source_valid_date",
    )  # fmt: skip
    if opening:  # a handful of entries: read through the (fiscal_year, journal, number) index
        if not opening_journals:  # no à-nouveaux journal (an empty `IN ()` cannot be written as SQL)
            return
        entries = Entry.objects.filter(fiscal_year=year, journal_id__in=opening_journals, status=EntryStatus.POSTED)
        rows = _fetch(entries.annotate(valid=_valid_day()).order_by("chain_index").values_list(*fields))
        for start in range(0, len(rows), ENTRY_CHUNK):
            yield rows[start : start + ENTRY_CHUNK]
        return
    last = low - 1
    while last < high:
        rows = _fetch(
            Entry.objects.filter(chain_index__gt=last, chain_index__lte=high)
            .annotate(valid=_valid_day())
            .order_by("chain_index")
            .values_list(*fields, "fiscal_year_id")[:ENTRY_CHUNK]
        )
        if not rows:
            return
        last = rows[-1][1]
        kept = [row[:-1] for row in rows if row[-1] == year.pk and row[2] not in opening_journals]
        if kept:
            yield kept


def _valid_day():
    """The posting day (ValidDate): on PostgreSQL already AAAAMMJJ in Europe/Paris from the database — loading an
    aware timestamp per entry through the driver cost more than the rest of the entry — elsewhere the raw
    timestamp (`_ValidDays` formats it once)."""
    if connection.vendor == "postgresql":
        return RawSQL("to_char(posted_at AT TIME ZONE %s, 'YYYYMMDD')", [timezone.get_current_timezone_name()])
    return RawSQL("posted_at", [])


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
        text = self[value] = value if _is_day(value) else _paris_day(value, self.zone)
        if len(self) > 100_000:  # bounded: parsed again if needed
            self.clear()
        return text


def _is_day(value) -> bool:
    """AAAAMMJJ already (PostgreSQL formats the Paris day of a timestamp in SQL)."""
    return isinstance(value, str) and len(value) == 8 and value.isdigit()


def iter_fec_lines(year: FiscalYear) -> Iterator[str]:
    """The header, then one record per posted line of the fiscal year (without line terminator)."""
    yield SEPARATOR.join(FEC_FIELDS)
    for records in _record_chunks(year):
        yield from records


WHOLE_FILE = ((True, None), (False, None))  # the à-nouveaux, then the other entries of the whole year


def _record_chunks(year: FiscalYear, passes=WHOLE_FILE) -> Iterator[list[str]]:
    """The records (no header, no terminator) by blocks of at most WRITE_BATCH: the per-line work is one dict
    lookup per text and one f-string; every text is cleaned and every date formatted once, not once per line.
    `passes`: (à-nouveaux or not, chain-index span or None for the whole year), in the file's order."""
    start_year = f"{year.start_date:%Y}"
    journals = {pk: (clean(code), clean(label)) for pk, code, label in _texts(Journal)}
    accounts = {pk: f"{clean(code)}|{clean(label)}" for pk, code, label in _texts(Account)}
    auxiliaries: dict[int | None, str] = {None: "|"}  # CompAuxNum|CompAuxLib, both empty without sub-ledger
    auxiliaries.update((pk, f"{clean(code)}|{clean(label)}") for pk, code, label in _texts(AuxiliaryAccount))
    day = _Days()
    paris = timezone.get_current_timezone()  # Europe/Paris (settings.TIME_ZONE)
    valid_day = _ValidDays(paris)
    labels: dict[str, str] = {}  # line label → its cleaned text (VAT lines and the like repeat theirs)
    letters: dict[str, str] = {}  # lettering code → its cleaned text (the codes of a year repeat across parties)

    for opening, span in passes:
        for chunk in _entry_chunks(year, opening, span):
            heads: dict[int, tuple[str, str, str, str, str]] = {}
            # The entries' texts as stored when all are clean (the usual case), else each one cleaned.
            tidy = str if _all_clean([text for row in chunk for text in (row[5], row[7], row[9])]) else clean
            for row in chunk:
                pk, _, journal_id, number, date, piece_ref, piece_date, label, posted_at, source, source_valid = row
                code, journal_label = journals[journal_id]
                num = tidy(source) or f"{code}{start_year}-{number:06d}"
                entry_date = day[date]
                piece_day = day[piece_date] if piece_date else entry_date
                piece = f"{tidy(piece_ref) or num}|{piece_day}"
                entry_label = tidy(label) or f"Écriture {num}"
                heads[pk] = (
                    f"{code}|{journal_label}|{num}|{entry_date}|",
                    f"{piece}|",
                    entry_label,
                    day[source_valid] if source_valid else valid_day[posted_at],
                    piece_day,
                )
            for rows in _line_blocks(chunk):
                if len(labels) > 20_000:  # bounded: a detailed à-nouveaux alone has one label per open item
                    labels.clear()
                if len(letters) > 20_000:
                    letters.clear()
                records: list[str] = []
                append = records.append
                current = head = None
                # The lines' labels and references as stored when all are clean (the usual case).
                raw = _all_clean([text for row in rows for text in (row[3], row[5])])
                for entry_id, account_id, auxiliary_id, label, amounts, reference, code, lettered_on in rows:
                    if entry_id != current:  # lines come entry by entry
                        current, head = entry_id, heads.get(entry_id)
                        if head is not None:
                            prefix, entry_piece, entry_label, valid, piece_day = head
                    if head is None:  # an entry of the other pass (à-nouveaux vs the rest) or year in the id range
                        continue
                    piece = entry_piece
                    if reference:  # the line's own document (a taken-over FEC's PieceRef per line)
                        piece = f"{reference if raw else clean(reference)}|{piece_day}|"
                    if raw:
                        text = label or entry_label
                    elif label:
                        text = labels.get(label)
                        if text is None:
                            text = labels[label] = clean(label)
                        text = text or entry_label
                    else:
                        text = entry_label
                    if code is None:
                        let = "|"
                    else:  # the lettrage code (upper case when full, lower case when partial) and its day in Paris
                        letter = letters.get(code)
                        if letter is None:
                            letter = letters[code] = clean(code)
                        let = f"{letter}|{day[lettered_on]}"
                    append(
                        f"{prefix}{accounts[account_id]}|{auxiliaries[auxiliary_id]}|{piece}{text}|{amounts}|{let}|{valid}||"
                    )
                if records:
                    yield records


def _line_blocks(chunk: list[tuple]) -> Iterator[list[tuple]]:
    """The lines of a chunk of entries in chain order, by blocks of WRITE_BATCH raw tuples streamed from the
    database (amounts as `Debit|Credit` text; the line's lettering code and its Paris day, or None: copied onto the
    line by `lettering.mark_lettered`, so no line is joined to its matching — that join was most of the server's
    work at ten million lines).

    SQL gives each entry's lines in order from the (entry, position) index, entries by increasing id: a run of
    the chunk whose ids increase in chain order (usually the whole chunk) is one query, streamed (a server-side
    cursor on PostgreSQL), so memory does not grow with the size of an entry (a detailed à-nouveaux carries every
    open item of the books). Dense ids are read as a range of ids rather than a list of ten thousand
    parameters; the lines of entries outside the chunk are skipped by the caller.
    """
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    source = (
        f"l.entry_id, l.account_id, l.auxiliary_id, l.label, {_amounts_sql()}, l.reference, l.lettering_code, "
        f"l.lettered_on FROM {table} l"
    )
    for ids in _increasing_runs([row[0] for row in chunk]):
        low, high = ids[0], ids[-1]
        if high - low < 2 * len(ids):
            where, params = "l.entry_id BETWEEN %s AND %s", [low, high]
        else:
            where, params = f"l.entry_id IN ({', '.join(['%s'] * len(ids))})", ids
        sql = f"SELECT {source} WHERE {where} ORDER BY l.entry_id, l.position, l.id"  # noqa: S608
        # PostgreSQL: in a transaction, the server-side cursor needs no WITH HOLD copy. Not on SQLite, where a
        # transaction begins IMMEDIATE (settings: the write lock at BEGIN) — a reader would hold writers off, and
        # the export's workers (`_write_in_parts`) would wait for each other's lock; one statement reads a snapshot.
        in_transaction = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
        with in_transaction, connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(WRITE_BATCH):
                yield rows


def _amounts_sql() -> str:
    """SQL writing a line's `Debit|Credit` from its integer cents (both are zero or positive), e.g. `0,00|1234,50`:
    the database formats them faster than Python would, once per line."""
    if connection.vendor == "postgresql":  # `%%`: the query has parameters
        side = "(l.{0} / 100)::text || ',' || lpad((l.{0} %% 100)::text, 2, '0')"
        return f"{side.format('debit')} || '|' || {side.format('credit')}"
    return "printf('%%d,%%02d|%%d,%%02d', l.debit / 100, l.debit %% 100, l.credit / 100, l.credit %% 100)"


def _increasing_runs(ids: list[int]) -> Iterator[list[int]]:
    """`ids` (in chain order) cut where an id is lower than the one before: entries posted in the order they were
    created make one run; a draft posted after later entries starts another."""
    start = 0
    for index in range(1, len(ids)):
        if ids[index] < ids[index - 1]:
            yield ids[start:index]
            start = index
    if ids:
        yield ids[start:]


def _paris_day(value, zone) -> str:
    """AAAAMMJJ of a timestamp as the driver returns it (SQLite: UTC text; PostgreSQL: an aware datetime)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone):%Y%m%d}"


def iter_fec_bytes(year: FiscalYear) -> Iterator[bytes]:
    """The file's bytes in blocks (for streaming): ISO-8859-15, every record ended by CR LF."""
    yield HEADER
    for records in _record_chunks(year):
        yield from _encode(records)


def _encode(records: list[str]) -> Iterator[bytes]:
    """Records joined and encoded WRITE_BATCH at a time (one encode call per block, not per record).

    Every text of a record went through `clean`, so a block without a character above U+00FF has the same bytes
    in Latin-1 as in ISO-8859-15, and Latin-1 encodes five times faster; a block with €, Œ… (or a character
    ISO-8859-15 lacks, written `?`) takes the ISO-8859-15 table."""
    for start in range(0, len(records), WRITE_BATCH):
        text = LINE_END.join(records[start : start + WRITE_BATCH]) + LINE_END
        try:
            block = text.encode("latin-1")
        except UnicodeEncodeError:
            block = text.encode(ENCODING, errors="replace")
        yield block


def fec_bytes(year: FiscalYear) -> bytes:
    return b"".join(iter_fec_bytes(year))


def write_fec(year: FiscalYear, path: str | Path, workers: int = 1) -> int:
    """Write the year's FEC to `path`; returns the number of records (header excluded).

    With `workers` > 1 and a year of at least PARALLEL_MIN_ENTRIES entries, the file is written in parts by that
    many forked processes (`_write_in_parts`): the same bytes, in about half the time on two cores (`manage.py
    fec_export`; the export is CPU-bound: reading the lines and their lettering, formatting the records)."""
    path = Path(path)
    if workers > 1 and _can_fork():
        low, high = _chain_bounds(year)
        if low is not None and high - low + 1 >= PARALLEL_MIN_ENTRIES:
            return _write_in_parts(year, path, workers, low, high)
    with open(path, "wb") as out:
        out.write(HEADER)
        return _write_records(out, _record_chunks(year))


PARALLEL_MIN_ENTRIES = 20_000  # below it, forking costs more than it saves


def _write_records(out, chunks: Iterator[list[str]]) -> int:
    count = 0
    for records in chunks:
        count += len(records)
        for block in _encode(records):
            out.write(block)
    return count


def _can_fork() -> bool:
    """Forked workers open their own connections, so they see committed data only: not inside a transaction
    (the suite's tests, a request's atomic block), not on an in-memory SQLite database (each process would have
    its own), nor where fork is missing."""
    if connection.in_atomic_block or not hasattr(os, "fork"):
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _write_in_parts(year: FiscalYear, path: Path, workers: int, low: int, high: int) -> int:
    """The file in `workers` parts by chain-index span, each written by a forked process into its own file (the
    first also writes the header and the à-nouveaux), then added in order at the end of the first (os.sendfile: no copy
    through Python). Every part keeps the file's order: à-nouveaux first, then chain order. A failing part (disk
    full…) fails the whole export and leaves no part behind."""
    edges = _edges(year, workers, low, high)
    parts = [path.with_name(f"{path.name}.part{index}") for index in range(workers)]
    connections.close_all()  # each process opens its own connection: none is shared across the fork
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [
                pool.submit(_write_part, year.pk, str(part), index == 0, (edges[index], edges[index + 1]))
                for index, part in enumerate(parts)
            ]
            counts = [future.result() for future in futures]
        with open(parts[0], "r+b") as out:  # not "ab": sendfile refuses a file opened for appending
            out.seek(0, os.SEEK_END)
            for part in parts[1:]:
                with open(part, "rb") as source:
                    remaining = os.fstat(source.fileno()).st_size
                    offset = 0
                    while remaining:
                        sent = os.sendfile(out.fileno(), source.fileno(), offset, remaining)
                        offset, remaining = offset + sent, remaining - sent
        os.replace(parts[0], path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
    return sum(counts)


def _edges(year: FiscalYear, workers: int, low: int, high: int) -> list[int]:
    """Chain indexes cutting the year into `workers` spans of about as many lines each: the first part also writes
    the à-nouveaux (a detailed one carries every open item: 100,000 lines at 1M lines), so it takes that many fewer
    of the other lines, assumed spread evenly over the chain (the year's line counts from the monthly aggregates)."""
    counts = {opening: 0 for opening in (True, False)}
    rows = (
        AccountBalance.objects.filter(fiscal_year=year, aux_key=0)
        .values_list("is_opening")
        .annotate(n=Sum("line_count"))
    )
    for opening, count in rows:
        counts[opening] = count
    opening, other = counts[True], counts[False]
    share, size = (opening + other) / workers, high - low + 1
    edges = [low - 1]
    for index in range(1, workers):
        quota = max(0.0, share * index - opening)  # other lines written by the end of part `index`
        edges.append(max(edges[-1], low - 1 + round(size * min(1.0, quota / other)) if other else high))
    return [*edges, high]


def _write_part(year_pk: int, part: str, first: bool, span: tuple[int, int]) -> int:
    """In a forked worker: one part of the file (`_write_in_parts`)."""
    year = FiscalYear.objects.get(pk=year_pk)
    passes = ((True, None), (False, span)) if first else ((False, span),)
    try:
        with open(part, "wb") as out:
            if first:
                out.write(HEADER)
            return _write_records(out, _record_chunks(year, passes))
    finally:
        connections.close_all()
