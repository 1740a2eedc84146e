"""Donations: recorded and posted to 754x in the same transaction (ANC 2018-06).

Money: bank (cheque, transfer) or cash → 75411 Dons manuels. In kind: the goods' account (by default 6068) →
75411. Waived volunteer expenses: the expense (by default 6251) → 75412 Abandons de frais par les bénévoles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.associations.models import Donation, DonationKind, PaymentMethod
from pilote.associations.services import books
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.lib.money import round_eur

GIFTS_ACCOUNT = "75411"
WAIVED_EXPENSES_ACCOUNT = "75412"
DEFAULT_IN_KIND_ACCOUNT = "6068"
DEFAULT_EXPENSES_ACCOUNT = "6251"


@transaction.atomic
def record_donation(
    *,
    actor,
    donor,
    date: dt.date,
    amount: Decimal,
    kind: str = DonationKind.MONEY,
    method: str = "",
    bank_account=None,
    description: str = "",
    counterpart_account: str = "",
) -> Donation:
    amount = round_eur(amount)
    if amount <= 0:
        raise DomainError("Le montant d'un don doit être positif.")
    if kind not in DonationKind.values:
        raise DomainError("Nature de don inconnue.")
    label = f"Don {donor.display_name}"[:200]
    if kind == DonationKind.MONEY:
        if method == PaymentMethod.CASH:
            journal = books.cash_journal(actor=actor)
            debit = journal.account
        elif method in (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER):
            if bank_account is None:
                raise DomainError("Un don par chèque ou virement est encaissé sur un compte bancaire : choisissez-le.")
            journal, debit = bank_account.journal, bank_account.account
        else:
            raise DomainError("Choisissez le mode de versement du don : espèces, chèque ou virement.")
        credit = books.account(GIFTS_ACCOUNT)
    else:
        if not description.strip():
            what = "les biens donnés" if kind == DonationKind.IN_KIND else "les frais abandonnés"
            raise DomainError(f"Décrivez {what} : le reçu fiscal le mentionne.")
        method, bank_account, journal = "", None, books.misc_journal()
        default = DEFAULT_IN_KIND_ACCOUNT if kind == DonationKind.IN_KIND else DEFAULT_EXPENSES_ACCOUNT
        debit = books.account(counterpart_account or default)
        credit = books.account(GIFTS_ACCOUNT if kind == DonationKind.IN_KIND else WAIVED_EXPENSES_ACCOUNT)
    entry = books.post(
        actor=actor, journal=journal, date=date, label=label,
        lines=[books.Line(debit, debit=amount, label=label), books.Line(credit, credit=amount, label=label)],
    )  # fmt: skip
    donation = Donation.objects.create(
        donor=donor, date=date, kind=kind, method=method, amount=amount, description=description.strip()[:200],
        bank_account=bank_account, entry=entry, created_by=actor,
    )  # fmt: skip
    audit.record(actor, "associations.donation.recorded", donation, after=audit.snapshot(donation))
    return donation
