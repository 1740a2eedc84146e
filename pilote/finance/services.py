"""Writes of the finance app: the variable share of an expense account (break-even)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.finance.breakeven import default_share
from pilote.finance.models import CostBehaviour
from pilote.ledger.models import Account


@transaction.atomic
def set_cost_behaviour(*, actor, account: Account, variable_share: Decimal) -> CostBehaviour | None:
    """Store the account's variable share (0–100 %); the default share removes the row."""
    if not account.code.startswith("6"):
        raise DomainError(f"Le compte {account.code} n'est pas un compte de charges (classe 6).")
    if not Decimal(0) <= variable_share <= Decimal(100):
        raise DomainError("La part variable d'une charge est comprise entre 0 et 100 %.")
    current = CostBehaviour.objects.select_for_update().filter(account=account).first()
    before = current.variable_share if current else default_share(account.code)
    if variable_share == default_share(account.code):
        if current:
            current.delete()
        current = None
    elif current:
        current.variable_share = variable_share
        current.save(update_fields=["variable_share"])
    else:
        current = CostBehaviour.objects.create(account=account, variable_share=variable_share)
    audit.record(
        actor,
        "finance.cost_behaviour.set",
        account,
        before={"part_variable": str(before)},
        after={"part_variable": str(variable_share)},
    )
    return current
