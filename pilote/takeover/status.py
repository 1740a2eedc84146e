"""The check the assistant shows: the take-over's transitory account is balanced once the open invoices and
the opening balance have both been taken over (see ARCHITECTURE.md, « Taking over existing data »)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from pilote.ledger.models import EntryLine
from pilote.lib.money import ZERO

TRANSITORY_CODE = "4718"
TRANSITORY_LABEL = "Reprise des données — compte d'attente"


@dataclass
class Transitory:
    code: str
    debit: Decimal
    credit: Decimal
    used: bool

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def balanced(self) -> bool:
        return self.balance == 0


def transitory_balance() -> Transitory:
    totals = EntryLine.objects.filter(account__code=TRANSITORY_CODE, is_posted=True).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    debit, credit = totals["debit"] or ZERO, totals["credit"] or ZERO
    return Transitory(TRANSITORY_CODE, debit, credit, used=bool(debit or credit))
