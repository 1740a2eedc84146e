"""The receivables share of the demo: the default levels, and the dunning history of the late invoices
as weekly Monday runs up to a week before DEMO_TODAY (so some letters are due « today » in the to-do
list), one disputed invoice held out, a credit limit, and one customer's oldest late invoice classed doubtful
(411 → 416) and written down by half on DEMO_TODAY, through bad_debts (the current month: no declared CA3
changes). Works with whatever issued invoices the sales
demo created (none at all included)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.ledger.demo import OLD_INVOICE
from pilote.receivables import bad_debts, dunning, ledger_items, services
from pilote.receivables.levels import create_default_levels
from pilote.receivables.models import DunningLevel
from pilote.receivables.queries import open_invoices


def load(rng, users) -> None:
    actor = users["comptable"]
    create_default_levels(DunningLevel)
    old = ledger_items.open_lines().filter(reference=OLD_INVOICE["number"]).first()
    if old is not None:  # the previous tool's invoice contested since before the take-over
        services.hold_taken_over(
            actor=actor,
            line_id=old.pk,
            reason="Litige antérieur à la reprise : prestation contestée, médiation en cours",
        )
    late = list(open_invoices().filter(due_date__lt=DEMO_TODAY).select_related("customer").order_by("due_date", "pk"))
    if not late:
        return
    disputed = late[len(late) // 2] if len(late) > 2 else None
    if disputed is not None:
        services.hold_invoice(actor=actor, invoice=disputed, reason="Litige : livraison incomplète contestée")
    day = late[0].due_date + dt.timedelta(days=7 - late[0].due_date.weekday())  # the next Monday
    last_run = DEMO_TODAY - dt.timedelta(days=7)
    while day <= last_run:
        for proposal in dunning.proposals(day):
            services.send_dunning(actor=actor, customer=proposal.customer, on=day, deliver=False)
        day += dt.timedelta(days=7)
    biggest = max(late, key=lambda invoice: invoice.balance_due)
    limit = (biggest.balance_due * Decimal("1.5")).quantize(Decimal("1000"))
    services.set_credit_limit(actor=actor, customer=biggest.customer, amount=max(limit, Decimal("1000")))
    doubtful = next((invoice for invoice in late if invoice != disputed and invoice.customer != biggest.customer), None)
    if doubtful is not None:
        debt = bad_debts.classify(
            actor=actor, invoice=doubtful, day=DEMO_TODAY, reason="Redressement judiciaire ouvert, créance déclarée"
        )
        bad_debts.provision(actor=actor, debt=debt, day=DEMO_TODAY, rate=Decimal("50"))
