"""`import_fec`: a validated file posted in one transaction — the fiscal year opened if needed, the missing
accounts, journals and auxiliary accounts created, every entry posted through `batch.post_many` by
batches, à-nouveaux first, then in file order, with progress reported after each batch."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import batch, lettering, open_items, services
from pilote.ledger.fec_import.lines import OPENING_LABEL_RE, cents
from pilote.ledger.fec_import.reading import (
    ACCOUNT,
    AMOUNT_A,
    AMOUNT_B,
    AUX,
    DATE,
    DATE_LET,
    JOURNAL,
    LABEL,
    LET,
    NUM,
    PIECE,
    PIECE_DATE,
    VALID,
    numbered_records,
    split,
)
from pilote.ledger.fec_import.report import FecImportError, FecReport, ImportResult, changed
from pilote.ledger.fec_import.validation import validate_fec
from pilote.ledger.models import Account, AuxiliaryAccount, ChainHead, FiscalYear, Journal, MatchedLine, Matching

PROGRESS_EVERY = 1000
BATCH_LINES = 50_000  # a batch of entries is posted once it holds this many lines, whatever PROGRESS_EVERY


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
            f"Fichier FEC refusé : {report.problem_count} anomalie(s) ; rien n'a été importé.", report.problems
        )
    try:
        with transaction.atomic():
            return _import(report, actor, progress)
    except (DomainError, ValidationError, DatabaseError) as exc:
        reason = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
        raise FecImportError(f"Import annulé, rien n'a été enregistré : {reason}") from exc


def _specs(
    report: FecReport, opening: bool, accounts, auxiliaries, journals, seen: list[int], lettered: list
) -> Iterator:
    """The à-nouveaux (or the other entries) in file order as `batch.EntrySpec`, each line turned into a
    `batch.CentsLine` as it is read, each entry given out when the next one begins. `seen` counts the
    records, entries and cents read, so that the import can tell the file from the one validated.

    What a re-export must give back is kept: the EcritureNum and ValidDate (of the entry's first line),
    each line's PieceRef when it differs from the entry's, and the lettered lines, noted in `lettered`
    as (entry's rank in posting order, line position, account, auxiliary, code, DateLet, debit, credit)."""
    separator, width, opening_journals = report.separator, report.width, report.opening_journals
    by_label, first_date = report.opening_by_label, report.first_date
    sens_column = report.amounts != "Debit/Credit"
    days: dict[str, dt.date] = {}

    def day(value: str) -> dt.date:
        found = days.get(value)
        if found is None:
            found = days[value] = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        return found

    spec, piece_ref, piece_date, skip, position = None, "", "", False, 0
    key, entry_label, cents_lines = None, "", []
    _, records = numbered_records(report.source, separator, report.grouped)
    for line_no, record in records:
        if not record or record.isspace():
            continue
        v = split(record, separator, width)  # only the fields used are stripped
        if len(v) != width:
            raise changed()
        journal, number = v[JOURNAL].strip(), v[NUM].strip()
        if key is None or journal != key[0] or number != key[1]:
            if spec is not None:
                spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
                yield spec
                spec = None
            key, entry_label, cents_lines, position = (journal, number), v[LABEL].strip(), [], 0
            entry_date = day(v[DATE].strip())
            moved = journal in by_label and entry_date == first_date and OPENING_LABEL_RE.search(entry_label)
            skip = (journal in opening_journals or bool(moved)) != opening
            if skip:
                continue
            valid = v[VALID].strip()
            spec = batch.EntrySpec(  # a FEC has no entry label: the first line's is used
                journal=journals[report.opening_target if moved else journal],
                date=entry_date,
                label=entry_label,
                origin=f"Ligne {line_no} (écriture {journal} {number})",
                lines=cents_lines,
                source_number=number,
                source_valid_date=day(valid) if valid else None,
                taken_over=True,
            )
            piece_ref = piece_date = ""
            seen[1] += 1
        elif skip:
            continue
        seen[0] += 1
        line_piece = v[PIECE].strip()
        if not piece_ref:
            piece_ref = line_piece
        if not piece_date:
            piece_date = v[PIECE_DATE].strip()
        amount_a, amount_b = v[AMOUNT_A].strip(), v[AMOUNT_B].strip()
        if sens_column:
            amount = cents(amount_a)
            debit, credit = (amount, 0) if amount_b.upper() in ("D", "+1", "1") else (0, amount)
        else:
            debit, credit = cents(amount_a), cents(amount_b)
        seen[2] += debit
        seen[3] += credit
        if debit or credit:
            aux, label = v[AUX].strip(), v[LABEL].strip()
            account, auxiliary = accounts[v[ACCOUNT].strip()], auxiliaries[aux] if aux else None
            cents_lines.append(
                batch.CentsLine(
                    account,
                    auxiliary,
                    "" if label == entry_label else label,  # the entry label is shown for it
                    debit,
                    credit,
                    "" if line_piece == piece_ref else line_piece[:40],  # the line's own document
                )
            )
            position += 1
            code = v[LET].strip()[:20]  # Matching.code; longer codes are reported before the import
            if code:
                date_let = v[DATE_LET].strip()
                lettered.append(
                    (seen[1], position, account.pk, auxiliary.pk if auxiliary else 0, code,
                     day(date_let) if date_let else None, debit, credit)
                )  # fmt: skip
    if spec is not None:
        spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
        yield spec


def _rebuild_lettering(actor, first_index: int, lettered: list) -> int:
    """The file's lettering as Matching rows, with its codes and DateLet (as the time of the matching,
    noon in Europe/Paris): one matching per account, sub-account and code; partial when its lines do not
    balance. A code already used on that account in Pilote (an earlier year) is left out; the count of
    matchings left out is returned."""
    if not lettered:
        return 0
    wanted = {(first_index + rank - 1, position) for rank, position, *_ in lettered}
    low, high = min(index for index, _ in wanted), max(index for index, _ in wanted)
    ids = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.chain_index, l.position, l.id FROM ledger_entryline l JOIN ledger_entry e ON e.id = l.entry_id "
            "WHERE e.chain_index BETWEEN %s AND %s",
            [low, high],
        )
        for index, position, line_id in cursor.fetchall():
            if (index, position) in wanted:
                ids[(index, position)] = line_id
    groups: dict[tuple, list] = {}
    for rank, position, account_id, aux_key, code, date_let, debit, credit in lettered:
        group = groups.setdefault((account_id, aux_key, code), [[], 0, 0, None])
        group[0].append(ids[(first_index + rank - 1, position)])
        group[1] += debit
        group[2] += credit
        if date_let and (group[3] is None or date_let > group[3]):
            group[3] = date_let
    used = set(
        Matching.objects.filter(account_id__in={key[0] for key in groups}).values_list("account_id", "aux_key", "code")
    )
    kept = {key: group for key, group in groups.items() if key not in used}
    change = open_items.Change(line_id for group in kept.values() for line_id in group[0])
    matchings = Matching.objects.bulk_create(
        Matching(account_id=key[0], aux_key=key[1], code=key[2], is_partial=group[1] != group[2], created_by=actor)
        for key, group in kept.items()
    )
    by_day: dict[dt.date, list[int]] = {}
    items = []
    for matching, group in zip(matchings, kept.values(), strict=True):
        items.extend(MatchedLine(line_id=line_id, matching=matching) for line_id in group[0])
        if group[3]:
            by_day.setdefault(group[3], []).append(matching.pk)
    MatchedLine.objects.bulk_create(items, batch_size=5000)
    # Lettered at noon of its DateLet (a matching without one keeps the take-over's time): the matchings' dates and
    # the lines' copies (the FEC's EcritureLet and DateLet when exported again).
    lettering.date_lettering(
        (matching.pk for matching in matchings), {lettering.noon(day): pks for day, pks in by_day.items()},
        line_ids=(line_id for group in kept.values() for line_id in group[0]),
    )  # fmt: skip
    change.done()
    return len(groups) - len(kept)


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

    total, done, lines = report.entry_count, 0, 0
    seen = [0, 0, 0, 0]  # records, entries, debit and credit cents read
    references = (accounts, auxiliaries, journals)
    lettered: list[tuple] = []
    first_index = ChainHead.objects.select_for_update().get_or_create(pk=1)[0].last_index + 1
    specs = itertools.chain(
        _specs(report, True, *references, seen, lettered), _specs(report, False, *references, seen, lettered)
    )
    pending, pending_lines = [], 0
    for spec in itertools.chain(specs, [None]):
        if spec is not None:
            pending.append(spec)
            pending_lines += len(spec.lines)
            if len(pending) < PROGRESS_EVERY and pending_lines < BATCH_LINES:
                continue
        if not pending:
            break
        batch.post_many(actor=actor, specs=pending)
        lines += pending_lines
        done += len(pending)
        pending, pending_lines = [], 0
        if progress:
            progress(done, total)
    if seen != [report.line_count, total, report.debit_cents, report.credit_cents]:
        raise changed()  # rolled back with everything else
    lettering_left_out = _rebuild_lettering(actor, first_index, lettered)
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
        matchings=len({(line[2], line[3], line[4]) for line in lettered}) - lettering_left_out,
        matchings_left_out=lettering_left_out,
    )
