"""Inalterability chain: each posted entry's seal covers its content and the previous entry's seal.

The seal is HMAC-SHA256 keyed with `settings.PILOTE_CHAIN_KEY` (`pilote.lib.sealing`), a secret held outside
the database: changing, inserting or removing any posted entry or line breaks every seal after it, which
`verify.check_chain` reports, and whoever can write to the database without holding the key cannot
recompute seals that verify. The head of the chain (`current_head`) is also recorded outside the database
(`heads.record`: year-end closing, FEC export, backups), so even a rewrite by someone holding the key is
detected against a head recorded before it.

The canonical text covers every business field of the entry (journal and its kind — the à-nouveaux flag —,
fiscal year, number, dates, references, label, validation time, reversal link, FEC take-over fields,
author) and of each line in order (position, date and fiscal year, account, auxiliary account, label,
reference, amounts, due date, VAT rate and base). It uses integer cents, ISO dates and UTC times, so it is
the same on SQLite and PostgreSQL and across Python versions. `head_text` and `line_text` write it from plain
values (`batch.post_many` seals thousands of entries without building model instances, `verify` reads raw
rows); `canonical` reads them from an entry and its lines.

Migration 0017 switched the existing chains from plain SHA-256 over a narrower text to this one, once.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pilote.lib import sealing
from pilote.lib.formats import format_number
from pilote.lib.money import to_cents

GENESIS = sealing.GENESIS


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def head_text(
    chain_index, journal_code, journal_kind, year_start, number, date, piece_ref, piece_date, label, posted_at,
    reversal_of_id, source_number, source_valid_date, created_by_id,
) -> str:  # fmt: skip
    """The entry's canonical head (`posted_at` an aware datetime, written in UTC)."""
    posted = posted_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return (
        f"{chain_index}|{journal_code}|{journal_kind}|{year_start.isoformat()}|{number}|{date.isoformat()}|"
        f"{piece_ref}|{_day(piece_date)}|{label}|{posted}|{reversal_of_id or ''}|{source_number}|"
        f"{_day(source_valid_date)}|{created_by_id}"
    )


def line_text(
    position, date, year_start, account_code, auxiliary_code, label, debit_cents, credit_cents, due_date, vat_rate,
    vat_base_cents, reference,
) -> str:  # fmt: skip
    rate = f"{vat_rate:.2f}" if vat_rate is not None else ""
    base = vat_base_cents if vat_base_cents is not None else ""
    return (
        f"{position}|{date.isoformat()}|{year_start.isoformat()}|{account_code}|{auxiliary_code or ''}|{label}|"
        f"{debit_cents}|{credit_cents}|{_day(due_date)}|{rate}|{base}|{reference}"
    )


def canonical(entry, lines) -> str:
    """`entry` with its journal and fiscal year loaded; `lines` in order, with their accounts."""
    years = {entry.fiscal_year_id: entry.fiscal_year.start_date}
    head = head_text(
        entry.chain_index, entry.journal.code, entry.journal.kind, entry.fiscal_year.start_date, entry.number,
        entry.date, entry.piece_ref, entry.piece_date, entry.label, entry.posted_at, entry.reversal_of_id,
        entry.source_number, entry.source_valid_date, entry.created_by_id,
    )  # fmt: skip
    body = []
    for line in lines:
        if line.fiscal_year_id not in years:
            years[line.fiscal_year_id] = line.fiscal_year.start_date
        body.append(
            line_text(
                line.position,
                line.date,
                years[line.fiscal_year_id],
                line.account.code,
                line.auxiliary.code if line.auxiliary_id else "",
                line.label,
                to_cents(line.debit),
                to_cents(line.credit),
                line.due_date,
                line.vat_rate,
                to_cents(line.vat_base) if line.vat_base is not None else None,
                line.reference,
            )  # fmt: skip
        )
    return "\n".join([head, *body])


def seal_text(previous: str, canonical_text: str) -> str:
    return sealing.seal(previous, canonical_text)


def entry_hash(previous: str, entry, lines) -> str:
    """The seal `services.post_entry` stores in `Entry.hash`."""
    return seal_text(previous, canonical(entry, lines))


class Head(NamedTuple):
    """Where the chain stands: the last posted entry's index and seal, and how many posted entries exist
    (equal to the index in sound books)."""

    index: int
    seal: str
    count: int

    def __str__(self) -> str:  # the form `verify_ledger --head` and the verification page take back
        return f"{self.index}:{self.seal}"

    @property
    def described(self) -> str:
        """« indice 1 234 (1 234 écritures validées) »."""
        s = "s" if self.count > 1 else ""
        return f"indice {format_number(self.index, 0)} ({format_number(self.count, 0)} écriture{s} validée{s})"


def current_head() -> Head:
    """The chain's head as stored, with the number of posted entries: what a closing report, a FEC export's
    manifest or a backup's manifest writes down outside the database."""
    from pilote.ledger.models import ChainHead, Entry, EntryStatus

    head = ChainHead.objects.filter(pk=1).first()
    count = Entry.objects.filter(status=EntryStatus.POSTED).count()
    return Head(head.last_index, head.last_hash, count) if head else Head(0, GENESIS, count)


def current_head_text() -> str:
    """The head as a backup's manifest writes it (« INDICE:EMPREINTE »), registered with `core.registry`."""
    return str(current_head())


def parse_head(text: str) -> Head:
    """A head as printed (« 1 234:5f3a… », spaces and case ignored) → Head; ValueError in French."""
    index, _, seal = "".join((text or "").split()).partition(":")
    seal = seal.lower()
    if not index.isdigit() or len(seal) != 64 or any(c not in "0123456789abcdef" for c in seal):
        raise ValueError(
            "Tête de chaîne illisible : attendu « indice:empreinte », l'indice en chiffres et l'empreinte en "
            "64 caractères hexadécimaux (telle qu'imprimée dans le rapport de clôture ou le manifeste d'export)."
        )
    return Head(int(index), seal, int(index))
