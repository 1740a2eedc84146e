"""`import_fec`: a validated file posted in one transaction — the fiscal year opened if needed, the missing
accounts, journals and auxiliary accounts created, every entry posted through `batch.post_many` by
batches, à-nouveaux first, then in file order, with progress reported after each batch."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import batch, services
from pilote.ledger.fec_import.lines import cents
from pilote.ledger.fec_import.reading import (
    ACCOUNT,
    AMOUNT_A,
    AMOUNT_B,
    AUX,
    DATE,
    JOURNAL,
    LABEL,
    NUM,
    PIECE,
    PIECE_DATE,
    numbered_records,
)
from pilote.ledger.fec_import.report import FecImportError, FecReport, ImportResult, changed
from pilote.ledger.fec_import.validation import validate_fec
from pilote.ledger.models import Account, AuxiliaryAccount, FiscalYear, Journal

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
            f"Fichier FEC refusé : {len(report.problems)} anomalie(s) ; rien n'a été importé.", report.problems
        )
    try:
        with transaction.atomic():
            return _import(report, actor, progress)
    except (DomainError, ValidationError, DatabaseError) as exc:
        reason = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
        raise FecImportError(f"Import annulé, rien n'a été enregistré : {reason}") from exc


def _specs(report: FecReport, opening: bool, accounts, auxiliaries, journals, seen: list[int]) -> Iterator:
    """The à-nouveaux (or the other entries) in file order as `batch.EntrySpec`, each line turned into a
    `batch.CentsLine` as it is read, each entry given out when the next one begins. `seen` counts the
    records, entries and cents read, so that the import can tell the file from the one validated."""
    separator, width, opening_journals = report.separator, report.width, report.opening_journals
    sens_column = report.amounts != "Debit/Credit"
    days: dict[str, dt.date] = {}

    def day(value: str) -> dt.date:
        found = days.get(value)
        if found is None:
            found = days[value] = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        return found

    spec, piece_ref, piece_date = None, "", ""
    key, entry_label, cents_lines = None, "", []
    _, records = numbered_records(report.source, separator, report.grouped)
    for line_no, record in records:
        if not record or record.isspace():
            continue
        v = record.split(separator)  # only the fields used are stripped
        if len(v) != width:
            raise changed()
        journal = v[JOURNAL].strip()
        if (journal in opening_journals) != opening:
            continue
        number = v[NUM].strip()
        if key is None or journal != key[0] or number != key[1]:
            if spec is not None:
                spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
                yield spec
            key, entry_label, cents_lines = (journal, number), v[LABEL].strip(), []
            spec = batch.EntrySpec(  # a FEC has no entry label: the first line's is used
                journal=journals[journal],
                date=day(v[DATE].strip()),
                label=entry_label,
                origin=f"Ligne {line_no} (écriture {journal} {number})",
                lines=cents_lines,
            )
            piece_ref = piece_date = ""
            seen[1] += 1
        seen[0] += 1
        if not piece_ref:
            piece_ref = v[PIECE].strip()
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
            cents_lines.append(
                batch.CentsLine(
                    accounts[v[ACCOUNT].strip()],
                    auxiliaries[aux] if aux else None,
                    "" if label == entry_label else label,  # the entry label is shown for it
                    debit,
                    credit,
                )
            )
    if spec is not None:
        spec.piece_ref, spec.piece_date = piece_ref, day(piece_date) if piece_date else None
        yield spec


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
    specs = itertools.chain(_specs(report, True, *references, seen), _specs(report, False, *references, seen))
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
