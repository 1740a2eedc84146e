"""Customers' open items that no Pilote invoice stands for: the invoices of the previous tool.

A structure that takes over its data (`takeover`'s open customer invoices, or a FEC import) brings its old unpaid
invoices into the ledger only — one line per invoice on the customer's sub-account of 411, the old invoice number as
the line's reference, its due date (see ARCHITECTURE.md, « Taking over existing data »). They are chased all the
same: this module reads them, through `ledger.documents_open`, for the dunning proposals, the aged receivables, the
home to-do and the customer's page, in a fixed number of queries. Pilote's own invoices — their carried-forward
à-nouveaux included — are read from `sales.Invoice`: a line whose reference is a Pilote invoice's number is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q

from pilote.ledger import documents_open
from pilote.lib.money import ZERO
from pilote.receivables.models import DoubtfulDebt, DoubtfulStatus, DunningHold
from pilote.sales.models import Invoice

CUSTOMER_CONTROL = "411"


@dataclass
class LedgerInvoice(documents_open.LedgerDocument):
    """An old invoice, with the fields of a `sales.Invoice` that dunning and the customer's page read."""

    customer: object = None
    dunning_hold: object = None  # its DunningHold, when it is kept out of dunning
    doubtful_debt: object = None  # its DoubtfulDebt, when it was classed doubtful (411 → 416)
    taken_over = True
    pk = None  # no sales invoice behind it

    @property
    def customer_id(self) -> int:
        return self.contact_id


def open_lines(customer_ids=None, *, due_before: dt.date | None = None, chased_only: bool = False):
    """The old invoices' open lines; `chased_only` leaves out those held out of dunning (dispute, payment plan)."""
    lines = documents_open.open_lines(CUSTOMER_CONTROL, debit=True, contact_ids=customer_ids, due_before=due_before)
    lines = lines.exclude(Exists(Invoice.objects.filter(number=OuterRef("reference"))))
    if chased_only:
        # The held references first (one list of a small table, read once): only a line whose reference some hold
        # bears is then looked up for its customer's hold — SQLite (no statistics) ran the correlated lookup through
        # every line of the customer's sub-account, for each open line.
        held = DunningHold.objects.filter(entry_line__isnull=False).values("entry_line__reference")
        lines = lines.exclude(
            Q(reference__in=held) & Q(Exists(holds_of(OuterRef("auxiliary__contact_id"), OuterRef("reference"))))
        )
    return lines


def holds_of(contact_id, reference):
    """The hold of the old invoice `reference` of that customer, whichever of its lines it was put on: the year's
    closing carries an open line forward as a new line of the next year (same reference, same customer), and the
    hold stays with the invoice."""
    return DunningHold.objects.filter(entry_line__auxiliary__contact_id=contact_id, entry_line__reference=reference)


def items(customer_ids=None, *, due_before: dt.date | None = None, chased_only: bool = False) -> list[LedgerInvoice]:
    """The old invoices left to pay, by due date, each with its hold if it has one (five queries at most). Those
    classed doubtful are still owed (on 416, like a Pilote invoice classed doubtful) until written off: they are
    listed with their debt, what was received since deducted, but never chased (`chased_only`)."""
    lines = open_lines(customer_ids, due_before=due_before, chased_only=chased_only)
    found = [LedgerInvoice(**vars(document)) for document in documents_open.documents(lines, debit=True)]
    if not chased_only:
        found = sorted(found + _doubtful(customer_ids, due_before), key=lambda item: (item.due_date, item.line_id))
    if found and not chased_only:
        holds = DunningHold.objects.filter(
            entry_line__auxiliary__contact_id__in=list({item.contact_id for item in found}),
            entry_line__reference__in=list({item.number for item in found}),
        ).annotate(contact_id=F("entry_line__auxiliary__contact_id"), reference=F("entry_line__reference"))
        held = {(hold.contact_id, hold.reference): hold for hold in holds.only("entry_line_id", "reason")}
        for item in found:
            item.dunning_hold = held.get((item.contact_id, item.number))
    return found


def bucket_totals(found: list[LedgerInvoice], on: dt.date) -> dict[int, dict]:
    """Per customer, what is left split into the aged receivables' buckets (`queries.BUCKETS`) and the oldest due."""
    totals: dict[int, dict] = {}
    for item in found:
        row = totals.setdefault(
            item.customer_id,
            {"not_due": ZERO, "d30": ZERO, "d60": ZERO, "d90": ZERO, "over90": ZERO, "total": ZERO, "oldest_due": None},
        )
        row[bucket_of(item.due_date, on)] += item.balance_due
        row["total"] += item.balance_due
        row["oldest_due"] = min(filter(None, (row["oldest_due"], item.due_date)))
    return totals


def bucket_of(due: dt.date, on: dt.date) -> str:
    late = (on - due).days
    if late <= 0:
        return "not_due"
    if late <= 30:
        return "d30"
    if late <= 60:
        return "d60"
    if late <= 90:
        return "d90"
    return "over90"


def _doubtful(customer_ids, due_before: dt.date | None) -> list[LedgerInvoice]:
    """The old invoices classed doubtful and not written off, as items (their line on 411 when classed)."""
    debts = DoubtfulDebt.objects.filter(entry_line__isnull=False, status=DoubtfulStatus.DOUBTFUL)
    if customer_ids is not None:
        debts = debts.filter(customer_id__in=list(customer_ids))
    if due_before is not None:
        debts = debts.filter(entry_line__due_date__lt=due_before)
    found = []
    for debt in debts.select_related("entry_line"):
        line = debt.entry_line
        left = debt.amount_gross - debt.recovered
        if left > 0:
            found.append(LedgerInvoice(
                line.pk, debt.customer_id, debt.reference, documents_open.document_date(line.label), line.due_date,
                line.debit, left, line.label, doubtful_debt=debt,
            ))  # fmt: skip
    return found


def total_due(customer_id: int | None = None):
    """What is left of the old invoices (doubtful ones included), of one customer or of all: the invoices list names it
    beside its own « reste à encaisser » (sales.hooks.other_receivables)."""
    return sum((item.balance_due for item in items(None if customer_id is None else [customer_id])), ZERO)
