"""Inalterability chain: each posted entry's hash covers its content and the previous entry's hash.

Changing, inserting or removing any posted entry or line breaks every hash after it, which
`verify.check_chain` reports. The canonical text uses integer cents and ISO dates, so it is the same on
SQLite and PostgreSQL and across Python versions. `head_text` and `line_text` write it from plain values
(`batch.post_many` hashes thousands of entries without building model instances); `canonical` reads them
from an entry and its lines.
"""

from __future__ import annotations

import hashlib

from pilote.lib.money import to_cents

GENESIS = "0" * 64


def head_text(
    chain_index, journal_code, year_start, number, date, piece_ref, piece_date, label, posted_at, reversal_of_id,
    source_number="", source_valid_date=None,
) -> str:  # fmt: skip
    """The entry's canonical head. An entry taken over from a FEC also covers its original EcritureNum and
    ValidDate (appended only then, so the hashes of every other entry are unchanged)."""
    piece_day = piece_date.isoformat() if piece_date else ""
    text = (
        f"{chain_index}|{journal_code}|{year_start.isoformat()}|{number}|{date.isoformat()}|{piece_ref}|"
        f"{piece_day}|{label}|{posted_at.isoformat(timespec='microseconds')}|{reversal_of_id or ''}"
    )
    if source_number or source_valid_date:
        text += f"|{source_number}|{source_valid_date.isoformat() if source_valid_date else ''}"
    return text


def line_text(
    account_code, auxiliary_code, label, debit_cents, credit_cents, due_date, vat_rate, vat_base_cents, reference
) -> str:
    due = due_date.isoformat() if due_date else ""
    rate = f"{vat_rate:.2f}" if vat_rate is not None else ""
    base = vat_base_cents if vat_base_cents is not None else ""
    return f"{account_code}|{auxiliary_code or ''}|{label}|{debit_cents}|{credit_cents}|{due}|{rate}|{base}|{reference}"


def canonical(entry, lines) -> str:
    head = head_text(
        entry.chain_index,
        entry.journal.code,
        entry.fiscal_year.start_date,
        entry.number,
        entry.date,
        entry.piece_ref,
        entry.piece_date,
        entry.label,
        entry.posted_at,
        entry.reversal_of_id,
        entry.source_number,
        entry.source_valid_date,
    )
    body = [
        line_text(
            line.account.code,
            line.auxiliary.code if line.auxiliary_id else "",
            line.label,
            to_cents(line.debit),
            to_cents(line.credit),
            line.due_date,
            line.vat_rate,
            to_cents(line.vat_base) if line.vat_base is not None else None,
            line.reference,
        )
        for line in lines
    ]
    return "\n".join([head, *body])


def hash_text(previous_hash: str, canonical_text: str) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical_text}".encode()).hexdigest()


def entry_hash(previous_hash: str, entry, lines) -> str:
    return hash_text(previous_hash, canonical(entry, lines))
