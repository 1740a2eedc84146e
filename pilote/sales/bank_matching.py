"""Customer payments from the bank statement: credits not yet reconciled are matched with the open
invoices they may settle (same amount, invoice number in the label, customer's name or IBAN), and one
click records the payment (bank entry, allocation, lettering) and reconciles the statement line.

The ledger's own reconciliation page reaches the same path: when its « settle an open item » action
targets a sales invoice, the handler registered here records the payment on the sales side too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pilote.core.exceptions import DomainError
from pilote.ledger.bank import SUGGESTION_DAYS, significant_words
from pilote.ledger.models import EntryLine, EntryStatus
from pilote.ledger.models_bank import StatementLine
from pilote.sales import hooks, payments
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceKind


@dataclass
class Candidate:
    line: StatementLine
    invoices: list[tuple[Invoice, list[str]]]
    booked: object = None  # an unreconciled bank entry line that already records this credit


def _booked_lines(lines: list[StatementLine]) -> list:
    """Posted bank debits not yet reconciled around the statement lines' dates (one query): a credit that
    is already in the books (a payment typed earlier) must be reconciled, not recorded a second time."""
    if not lines:
        return []
    window = dt.timedelta(days=SUGGESTION_DAYS)
    return list(
        EntryLine.objects.filter(
            account_id__in={line.bank_account.account_id for line in lines},
            entry__status=EntryStatus.POSTED,
            statement_line__isnull=True,
            debit__gt=0,
            date__range=(
                min(line.booking_date for line in lines) - window,
                max(line.booking_date for line in lines) + window,
            ),
        ).select_related("entry")
    )


def open_invoices():
    return Invoice.objects.filter(OPEN_INVOICE).select_related("customer")


def reasons_for(line: StatementLine, invoice: Invoice) -> list[str]:
    text = f"{line.label} {line.reference} {line.counterparty}"
    reasons = []
    if invoice.balance_due == line.amount:
        reasons.append("même montant")
    if invoice.number.lower() in text.lower():
        reasons.append(f"n° {invoice.number} dans le libellé")
    if significant_words(invoice.customer.display_name) & significant_words(text):
        reasons.append("nom du client")
    if line.counterparty_iban and line.counterparty_iban == invoice.customer.iban:
        reasons.append("IBAN du client")
    return reasons


def candidates(limit: int = 100) -> list[Candidate]:
    lines = list(
        StatementLine.objects.filter(entry_line__isnull=True, amount__gt=0)
        .select_related("bank_account")
        .order_by("booking_date", "pk")[:limit]
    )
    invoices = list(open_invoices())
    blocked = hooks.blocked_payments(invoice.pk for invoice in invoices)  # e.g. doubtful debts: not suggested
    invoices = [invoice for invoice in invoices if invoice.pk not in blocked]
    booked = _booked_lines(lines)
    rows = []
    for line in lines:
        already = next(
            (
                b for b in booked
                if b.account_id == line.bank_account.account_id and b.debit == line.amount
                and abs((b.date - line.booking_date).days) <= SUGGESTION_DAYS
            ),
            None,
        )  # fmt: skip
        if already is not None:
            booked.remove(already)  # one book line answers one statement line
            rows.append(Candidate(line, [], already))
            continue
        matches = [(inv, reasons) for inv in invoices if (reasons := reasons_for(line, inv))]
        matches.sort(key=lambda m: (-len(m[1]), m[0].due_date or m[0].date))
        rows.append(Candidate(line, matches[:5]))
    return rows


def settle(*, actor, statement_line: StatementLine, invoice: Invoice):
    if statement_line.entry_line_id:
        raise DomainError("Cette ligne de relevé est déjà rapprochée.")
    if statement_line.amount <= 0:
        raise DomainError("Seul un crédit du relevé peut être un règlement client.")
    share = min(statement_line.amount, invoice.balance_due)
    if share <= 0:
        raise DomainError(f"{invoice} est déjà soldée.")
    return payments.record_payment(
        actor=actor,
        customer=invoice.customer,
        date=statement_line.booking_date,
        amount=statement_line.amount,
        method="transfer",
        bank_account=statement_line.bank_account,
        reference=(statement_line.reference or statement_line.label)[:60],
        allocations=[(invoice, share)],
        statement_line=statement_line,
    )


def ledger_settlement_handler(*, actor, statement_line: StatementLine, settle_line):
    """Called by ledger.bank.book_statement_line: a settled 411 line of a sales invoice is a sales payment."""
    invoice = Invoice.objects.filter(entry_id=settle_line.entry_id).exclude(kind=InvoiceKind.CREDIT_NOTE).first()
    if invoice is None:
        return None
    payment = settle(actor=actor, statement_line=statement_line, invoice=invoice)
    return payment.entry.lines.get(account=statement_line.bank_account.account)
