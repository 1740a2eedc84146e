"""Inalterability chain: each posted entry's hash covers its content and the previous entry's hash.

Changing, inserting or removing any posted entry or line breaks every hash after it, which
`verify.check_chain` reports. The canonical text uses integer cents and ISO dates, so it is the same on
SQLite and PostgreSQL and across Python versions.
"""

from __future__ import annotations

import hashlib

from pilote.lib.money import to_cents

GENESIS = "0" * 64


def canonical(entry, lines) -> str:
    head = "|".join(
        [
            str(entry.chain_index),
            entry.journal.code,
            entry.fiscal_year.start_date.isoformat(),
            str(entry.number),
            entry.date.isoformat(),
            entry.piece_ref,
            entry.piece_date.isoformat() if entry.piece_date else "",
            entry.label,
            entry.posted_at.isoformat(timespec="microseconds"),
            str(entry.reversal_of_id or ""),
        ]
    )
    body = [
        "|".join(
            [
                line.account.code,
                line.auxiliary.code if line.auxiliary_id else "",
                line.label,
                str(to_cents(line.debit)),
                str(to_cents(line.credit)),
                line.due_date.isoformat() if line.due_date else "",
                f"{line.vat_rate:.2f}" if line.vat_rate is not None else "",
                str(to_cents(line.vat_base)) if line.vat_base is not None else "",
                line.reference,
            ]
        )
        for line in lines
    ]
    return "\n".join([head, *body])


def entry_hash(previous_hash: str, entry, lines) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical(entry, lines)}".encode()).hexdigest()
