"""Customer payments: the bank entry, the allocation to invoices, the lettering of the customer account.

A payment posts 512 (the bank account's journal) against 411 (the customer's sub-ledger) and is
allocated to open invoices, oldest first unless told otherwise. When an invoice is settled (payments and
credit notes cover it), its 411 lines are lettered together; a partial payment gets a partial (lower-case)
lettering. Under the « encaissements » regime, the same entry moves the paid share of the services' VAT
from 44588 to 44571, with its base, so the CA3 of the month of payment declares it (CGI 269-2-c).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import lettering
from pilote.ledger import services as ledger
from pilote.ledger.models import EntryLine, EntryStatus, JournalKind
from pilote.ledger.models_bank import BankAccount
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, round_eur
from pilote.sales import hooks
from pilote.sales.issuing import COLLECTED_VAT_ACCOUNT, PENDING_VAT_ACCOUNT, account
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentAllocation


def open_invoices(customer):
    """Issued invoices (deposits included) of the customer that are not fully settled, oldest first — those
    another app holds out of sales payments (hooks.payment_blocks: a doubtful debt) left out."""
    found = list(
        Invoice.objects.filter(OPEN_INVOICE, customer=customer)  # in SQL: settled invoices are not loaded
        .defer("customer_snapshot", "seller_snapshot")  # JSON decoded per row, never read here
        .order_by("due_date", "date", "pk")
    )
    blocked = hooks.blocked_payments(invoice.pk for invoice in found)
    return [invoice for invoice in found if invoice.pk not in blocked]


def _lock(invoice_ids) -> dict[int, Invoice]:
    """The invoices a payment settles, locked for the rest of the transaction in the order of their ids: two
    payments touching the same invoices wait for each other and never for each other's next lock (a deadlock).
    Only those: a customer's other invoices stay free for the payments and credit notes that touch them."""
    rows = Invoice.objects.select_for_update().filter(pk__in=sorted(set(invoice_ids))).order_by("pk")
    return {inv.pk: inv for inv in rows.defer("customer_snapshot", "seller_snapshot")}  # JSON never read here


def _locked_allocations(customer, amount: Decimal, allocations) -> list[tuple[Invoice, Decimal]]:
    """The allocations with their invoices locked and read again (their balance as committed now). Oldest first
    when none are given: planned on the open invoices, whose balances must not have moved once locked — else a
    concurrent payment or credit note just settled one, and the payment is refused (nothing written)."""
    if allocations is not None:
        locked = _lock(inv.pk for inv, _ in allocations)
        return [(locked.get(inv.pk, inv), Decimal(share)) for inv, share in allocations]
    planned = _allocate(customer, amount, None)
    locked = _lock(inv.pk for inv, _ in planned)
    if any(locked[inv.pk].balance_due != inv.balance_due for inv, _ in planned):
        raise DomainError("Un autre règlement ou un avoir vient de changer le reste dû de ces factures : réessayez.")
    return [(locked[inv.pk], share) for inv, share in planned]


def _allocate(customer, amount: Decimal, allocations: list[tuple[Invoice, Decimal]] | None):
    if allocations is None:  # oldest first
        allocations, left = [], amount
        for invoice in open_invoices(customer):
            if left <= 0:
                break
            share = min(left, invoice.balance_due)
            allocations.append((invoice, share))
            left -= share
    problems = []
    blocked = hooks.blocked_payments(invoice.pk for invoice, _ in allocations)
    for invoice, share in allocations:
        if invoice.pk in blocked:
            problems.append(blocked[invoice.pk])
        elif invoice.customer_id != customer.pk:
            problems.append(f"{invoice} n'est pas une facture de ce client.")
        elif invoice.status != InvoiceStatus.ISSUED or invoice.kind == InvoiceKind.CREDIT_NOTE:
            problems.append(f"{invoice} n'est pas une facture émise à régler.")
        elif share <= 0:
            problems.append(f"{invoice} : le montant affecté doit être positif.")
        elif share > invoice.balance_due:
            problems.append(f"{invoice} : {format_eur(share)} dépasse le reste dû ({format_eur(invoice.balance_due)}).")
    if sum((share for _, share in allocations), ZERO) > amount:
        problems.append("Les montants affectés dépassent le règlement.")
    if problems:
        raise DomainError(" ".join(problems))
    return allocations


def vat_transfer_lines(invoice: Invoice, share: Decimal, label: str) -> list[ledger.LineInput]:
    """The paid share of the services' VAT waiting on 44588 for this invoice, moved to 44571."""
    if not invoice.vat_on_receipts or invoice.entry_id is None:
        return []
    pending = account(PENDING_VAT_ACCOUNT[0], PENDING_VAT_ACCOUNT[1])
    waiting = EntryLine.objects.filter(entry_id=invoice.entry_id, account=pending)
    moved = list(  # read once: each waiting line (one per VAT rate) looks at it
        EntryLine.objects.filter(
            entry__status=EntryStatus.POSTED, account=pending, reference=invoice.number, debit__gt=0
        ).exclude(entry_id=invoice.entry_id)
    )
    settled = invoice.amount_paid + share + invoice.credited_amount >= invoice.total_gross
    lines = []
    for line in waiting:
        tax_total, base_total = line.credit, line.vat_base or ZERO
        already = sum((m.debit for m in moved if m.vat_rate == line.vat_rate), ZERO)
        already_base = sum((-(m.vat_base or ZERO) for m in moved if m.vat_rate == line.vat_rate), ZERO)
        if settled:  # the last payment moves what is left, so nothing stays behind for rounding
            tax, base = tax_total - already, base_total - already_base
        else:
            tax = round_eur(tax_total * share / invoice.total_gross)
            base = round_eur(base_total * share / invoice.total_gross)
        if tax <= 0:
            continue
        lines.append(
            ledger.LineInput(
                pending, debit=tax, label=label, vat_rate=line.vat_rate, vat_base=-base, reference=invoice.number
            )
        )
        lines.append(
            ledger.LineInput(
                account(COLLECTED_VAT_ACCOUNT),
                credit=tax,
                label=label,
                vat_rate=line.vat_rate,
                vat_base=base,
                reference=invoice.number,
            )
        )
    return lines


@transaction.atomic
def record_payment(
    *,
    actor,
    customer,
    date: dt.date,
    amount: Decimal,
    method: str,
    bank_account: BankAccount,
    reference: str = "",
    allocations: list[tuple[Invoice, Decimal]] | None = None,
    statement_line=None,
) -> Payment:
    amount = round_eur(amount)
    if amount <= 0:
        raise DomainError("Le montant du règlement doit être positif.")
    allocations = _allocate(customer, amount, _locked_allocations(customer, amount, allocations))
    aux = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code="411")
    numbers = ", ".join(inv.number for inv, _ in allocations)
    label = f"Règlement {customer.display_name} {numbers}".strip()[:200]
    lines = [
        ledger.LineInput(bank_account.account, debit=amount, label=label),
        *[
            ledger.LineInput(account("411"), credit=share, auxiliary=aux, label=label, reference=inv.number)
            for inv, share in allocations
        ],
    ]
    unallocated = amount - sum((share for _, share in allocations), ZERO)
    if unallocated:  # an advance or an overpayment stays on the customer's account
        lines.append(
            ledger.LineInput(account("411"), credit=unallocated, auxiliary=aux, label=label, reference=reference[:40])
        )
    for inv, share in allocations:
        lines.extend(vat_transfer_lines(inv, share, label))
    entry = ledger.create_entry(
        actor=actor,
        journal=bank_account.journal,
        date=date,
        label=label,
        lines=lines,
        piece_ref=(reference or numbers)[:40],
        piece_date=date,
        post=True,
    )
    payment = Payment.objects.create(
        customer=customer,
        date=date,
        amount=amount,
        method=method,
        reference=reference[:60],
        bank_account=bank_account,
        entry=entry,
        statement_line=statement_line,
        created_by=actor,
    )
    for inv, share in allocations:
        PaymentAllocation.objects.create(payment=payment, invoice=inv, amount=share)
        inv.amount_paid += share
        if inv.balance_due <= 0:
            inv.paid_on = date
        inv.save(update_fields=["amount_paid", "paid_on", "updated_at"])
        letter_invoice(actor=actor, invoice=inv)
    if statement_line is not None:
        from pilote.ledger import bank

        bank.reconcile(
            actor=actor, statement_line=statement_line, entry_line=entry.lines.get(account=bank_account.account)
        )
    audit.record(actor, "sales.payment.recorded", payment, after=audit.snapshot(payment))
    return payment


def customer_lines(invoice: Invoice) -> list[EntryLine]:
    """The 411 lines of the invoice, of its credit notes and of the payments allocated to it, in open fiscal
    years: once a year is closed, its open items live on in the next year's detailed à-nouveaux (which keep
    the invoice number as reference), and those are what a later payment is lettered with."""
    own = [invoice.entry_id]
    own += list(invoice.credit_notes.filter(status=InvoiceStatus.ISSUED).values_list("entry_id", flat=True))
    paid_by = list(invoice.allocations.values_list("payment__entry_id", flat=True))
    return list(
        EntryLine.objects.filter(
            account__code="411", auxiliary__contact=invoice.customer_id, fiscal_year__status="open"
        ).filter(
            Q(entry_id__in=own)
            | Q(entry_id__in=paid_by, reference=invoice.number)
            | Q(entry__journal__kind=JournalKind.OPENING, reference=invoice.number)
        )
    )


def letter_invoice(*, actor, invoice: Invoice) -> None:
    """Letter the invoice's customer lines with what settles it: fully when the balance is nil, partially
    otherwise (the previous partial lettering redone with the new line, in one step)."""
    lines = customer_lines(invoice)
    if len(lines) >= 2:
        lettering.reletter(actor=actor, lines=lines)
