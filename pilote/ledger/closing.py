"""Year-end carry forward (à-nouveaux): balance-sheet balances of one fiscal year opened in the next.

Classes 1 to 5 are carried forward account by account (customer and supplier accounts by auxiliary
account); the year's result (Σ class 7 − Σ class 6) is carried to 120 (profit) or 129 (loss) — PCG art.
941-12 / 941-12x. Income and expense accounts (6, 7) start the new year at zero.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from pilote.ledger.models import Account, AccountBalance, AuxiliaryAccount, FiscalYear
from pilote.ledger.services import LineInput
from pilote.lib.money import ZERO


def carry_forward_lines(year: FiscalYear) -> list[LineInput]:
    balances = (
        AccountBalance.objects.filter(fiscal_year=year)
        .values("account_id", "aux_key")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={b["account_id"] for b in balances})}
    auxiliaries = AuxiliaryAccount.objects.in_bulk({b["aux_key"] for b in balances if b["aux_key"]})
    net_by_key: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    result = ZERO
    for row in balances:
        account = accounts[row["account_id"]]
        net = row["d"] - row["c"]
        if account.account_class in (6, 7):
            if row["aux_key"] == 0:
                result -= net  # income is credit (negative net): result = Σ7 − Σ6
            continue
        if account.requires_auxiliary and row["aux_key"] == 0:
            continue  # carried by auxiliary account instead
        net_by_key[(row["account_id"], row["aux_key"])] += net
    lines = []

    def order(item):
        (account_id, aux_key), _ = item
        return accounts[account_id].code, auxiliaries[aux_key].code if aux_key else ""

    for (account_id, aux_key), net in sorted(net_by_key.items(), key=order):
        if net == 0:
            continue
        lines.append(
            LineInput(
                account=accounts[account_id],
                auxiliary=auxiliaries.get(aux_key) if aux_key else None,
                debit=net if net > 0 else ZERO,
                credit=-net if net < 0 else ZERO,
                label="Report à nouveau",
            )
        )
    if result:
        code = "120" if result > 0 else "129"
        lines.append(
            LineInput(
                account=Account.objects.get(code=code),
                label="Résultat de l'exercice précédent",
                credit=result if result > 0 else ZERO,
                debit=-result if result < 0 else ZERO,
            )
        )
    return lines
