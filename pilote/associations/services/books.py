"""How associations post to the books: always through the ledger's services (balanced, numbered, chained)."""

from __future__ import annotations

from pilote.core.exceptions import DomainError
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, Journal, JournalKind

CASH_ACCOUNT = "530"


def account(code: str) -> Account:
    found = Account.objects.filter(code=code).first()
    if found is None:
        raise DomainError(
            f"Le compte {code} n'existe pas dans le plan comptable : installez le plan des associations "
            "(ANC 2018-06) ou créez-le."
        )
    return found


def misc_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.MISC).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'opérations diverses : créez-en un dans la comptabilité.")
    return journal


def cash_journal(*, actor) -> Journal:
    """The cash journal (53x), opened on first use as « CA »."""
    journal = Journal.objects.filter(kind=JournalKind.CASH).order_by("code").first()
    if journal is None:
        journal = ledger.create_journal(
            actor=actor, code="CA", label="Caisse", kind=JournalKind.CASH, account=account(CASH_ACCOUNT)
        )
    return journal


def post(*, actor, journal: Journal, date, label: str, lines, piece_ref: str = ""):
    return ledger.create_entry(
        actor=actor, journal=journal, date=date, label=label, lines=lines, piece_ref=piece_ref, piece_date=date,
        post=True,
    )  # fmt: skip


Line = ledger.LineInput
