"""What a dunning run would send: per customer, the overdue invoices and the level due for each.

Reads only, in a fixed number of queries whatever the data size: the levels, the overdue invoices
(with their customer), the dunning history of those invoices, their payments and their credit notes.

When is a level due for an invoice? The next level after the last one it reached, once
  - the invoice is `days_after_due` days past its due date, and
  - since its previous letter, at least the gap between the two levels' delays has passed
    (J+7 then J+21: 14 days), so a customer first chased at J+60 does not get the next level the day
    after the first one.
An invoice with a hold (DunningHold: dispute, payment plan) or classed doubtful (DoubtfulDebt) is left out.
The old invoices of the previous tool, taken over into the ledger (`ledger_items.py`), are chased the same way:
their letter lines point at their open line of 411, their history is found by customer and invoice number (a closing
carries the line forward into a new one, with the same reference).
One letter per customer lists all its overdue invoices and takes the highest level due among them; each line
records the level its invoice reached (0 when the invoice is only listed, its next level not being due yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Exists, Max, OuterRef

from pilote.contacts.models import Contact
from pilote.core.collation import french, french_key
from pilote.lib.formats import format_date, format_eur
from pilote.lib.money import ZERO
from pilote.receivables import ledger_items, templating
from pilote.receivables.levels import create_default_levels
from pilote.receivables.models import Channel, DoubtfulDebt, DunningHold, DunningLetter, DunningLetterLine, DunningLevel
from pilote.receivables.penalties import PenaltyResult, late_penalty, recovery_indemnity
from pilote.receivables.queries import id_set
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceStatus, PaymentAllocation


def active_levels() -> list[DunningLevel]:
    levels = list(DunningLevel.objects.filter(is_active=True).order_by("rank"))
    if not levels and not DunningLevel.objects.exists():  # first use after a flush
        create_default_levels(DunningLevel)
        levels = list(DunningLevel.objects.filter(is_active=True).order_by("rank"))
    return levels


def next_level_due(
    levels: list[DunningLevel], due_date: dt.date, last_rank: int, last_date: dt.date | None, on: dt.date
) -> DunningLevel | None:
    """The level to send now for an invoice whose last reached level is `last_rank` (0: none)."""
    following = [level for level in levels if level.rank > last_rank]
    if not following:
        return None
    level = following[0]
    if on < due_date + dt.timedelta(days=level.days_after_due):
        return None
    if last_date is not None:
        previous = max((lv.days_after_due for lv in levels if lv.rank == last_rank), default=0)
        if on < last_date + dt.timedelta(days=max(level.days_after_due - previous, 0)):
            return None
    return level


@dataclass
class OverdueInvoice:
    invoice: Invoice | ledger_items.LedgerInvoice  # a Pilote invoice or an old one taken over into the ledger
    amount_due: Decimal
    last_rank: int
    last_date: dt.date | None
    level: DunningLevel | None  # due now, or None
    indemnity: Decimal
    on: dt.date
    # Payments and credit notes, by their date; None when not read (`proposals(penalties=False)`).
    reductions: tuple[tuple[dt.date, Decimal], ...] | None = ()

    @cached_property
    def penalty(self) -> PenaltyResult:
        """Computed when first read: the home page's to-do reads the levels, never the penalties."""
        if self.reductions is None:
            raise ValueError("Pénalités non calculables : paiements et avoirs non lus (proposals(penalties=False)).")
        invoice = self.invoice
        return late_penalty(invoice.total_gross, invoice.due_date, self.on, reductions=self.reductions)

    @property
    def days_overdue(self) -> int:
        return self.penalty.days_late

    @property
    def taken_over(self) -> bool:
        return getattr(self.invoice, "taken_over", False)

    def describe(self) -> str:
        """The invoice as a letter lists it: an old one is named by the number the customer received."""
        invoice = self.invoice
        name = f"{invoice.number} (facture reprise)" if self.taken_over else invoice.number
        dated = f" du {format_date(invoice.date)}" if invoice.date else ""
        return f"- {name}{dated}, échue le {format_date(invoice.due_date)} : {format_eur(self.amount_due)} restant dû"


@dataclass
class Proposal:
    customer: Contact
    items: list[OverdueInvoice] = field(default_factory=list)

    @property
    def level(self) -> DunningLevel | None:
        due = [item.level for item in self.items if item.level is not None]
        return max(due, key=lambda level: level.rank) if due else None

    @property
    def total_due(self) -> Decimal:
        return sum((item.amount_due for item in self.items), ZERO)

    @property
    def total_penalties(self) -> Decimal:
        return sum((item.penalty.total for item in self.items), ZERO)

    @property
    def total_indemnities(self) -> Decimal:
        return sum((item.indemnity for item in self.items), ZERO)

    def placeholder_values(self, on: dt.date, structure_name: str) -> dict[str, str]:
        invoices = "\n".join(item.describe() for item in self.items)
        return {
            "client": self.customer.display_name,
            "factures": invoices,
            "total_du": format_eur(self.total_due),
            "penalites": format_eur(self.total_penalties),
            "indemnite": format_eur(self.total_indemnities),
            "date": format_date(on),
            "structure": structure_name,
        }


# What a proposal and its letter read of an invoice (not the frozen snapshots, JSON decoded per row).
INVOICE_FIELDS = (
    "kind", "status", "number", "customer_id", "date", "due_date", "total_gross", "amount_paid", "credited_amount",
)  # fmt: skip


def overdue_invoices(on: dt.date, customer_ids=None):
    """Issued invoices and deposits past due with something left to pay, not held out of dunning nor classed
    doubtful (bad_debts.py)."""
    invoices = (
        Invoice.objects.filter(OPEN_INVOICE, due_date__lt=on)
        .alias(held=Exists(DunningHold.objects.filter(invoice=OuterRef("pk"))))
        .filter(held=False)
        .alias(doubtful=Exists(DoubtfulDebt.objects.filter(invoice=OuterRef("pk"))))
        .filter(doubtful=False)  # classed doubtful: recovered through the courts, not chased by letters
    )
    if customer_ids is not None:
        invoices = invoices.filter(customer_id__in=customer_ids)
    return invoices


def proposals(
    on: dt.date, customer_ids=None, *, only_due: bool = True, penalties: bool = True, taken_over: bool = True
) -> list[Proposal]:
    """The customers to chase on `on` (those with at least one level due unless `only_due` is off). `penalties`
    off leaves out the payments and credit notes that only the penalties read (the to-do list shows levels and
    amounts due: two queries fewer), `taken_over` off the old invoices of the ledger (the caller knows that these
    customers have none)."""
    levels = active_levels()
    requested = customer_ids
    overdue = overdue_invoices(on, customer_ids)
    invoices = list(overdue.only(*INVOICE_FIELDS).order_by(french("customer__name"), "due_date", "pk"))
    # Each customer once (a customer has many overdue invoices: not one Contact built per invoice).
    customer_ids = {invoice.customer_id for invoice in invoices}
    customers = {c.pk: c for c in Contact.objects.filter(pk__in=id_set(customer_ids))} if invoices else {}
    for invoice in invoices:
        invoice.customer = customers[invoice.customer_id]
    ids = id_set(invoice.pk for invoice in invoices)  # one parameter, not one per invoice nor a second scan
    history = {
        row["invoice_id"]: (row["last_rank"], row["last_date"])
        for row in DunningLetterLine.objects.filter(invoice_id__in=ids, rank__gt=0)
        .values("invoice_id")
        .annotate(last_rank=Max("rank"), last_date=Max("letter__date"))
    }
    reductions = _reductions(ids) if penalties else {}

    by_customer: dict[int, Proposal] = {}
    for invoice in invoices:
        last_rank, last_date = history.get(invoice.pk, (0, None))
        item = OverdueInvoice(
            invoice=invoice,
            amount_due=invoice.balance_due,
            last_rank=last_rank,
            last_date=last_date,
            level=next_level_due(levels, invoice.due_date, last_rank, last_date, on),
            indemnity=recovery_indemnity(invoice.customer.kind),
            on=on,
            reductions=tuple(reductions.get(invoice.pk, ())) if penalties else None,
        )
        by_customer.setdefault(invoice.customer_id, Proposal(invoice.customer)).items.append(item)
    if taken_over and _add_ledger_items(by_customer, levels, on, requested):
        for proposal in by_customer.values():
            proposal.items.sort(key=lambda item: (item.invoice.due_date, item.invoice.number))
        by_customer = dict(sorted(by_customer.items(), key=lambda pair: (french_key(pair[1].customer.name), pair[0])))
    found = list(by_customer.values())
    return [p for p in found if p.level is not None] if only_due else found


def _reductions(ids) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """The payments and issued credit notes of these invoices, by their date (what reduces their late penalties)."""
    reductions: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for invoice_id, day, amount in PaymentAllocation.objects.filter(invoice_id__in=ids).values_list(
        "invoice_id", "payment__date", "amount"
    ):
        reductions.setdefault(invoice_id, []).append((day, amount))
    # The credit notes of these invoices through their own index; the status checked here, not in SQL, where SQLite
    # (no statistics) preferred the status index — every issued invoice read (190 ms at 100,000 invoices).
    for invoice_id, day, amount, status in Invoice.objects.filter(credited_invoice_id__in=ids).values_list(
        "credited_invoice_id", "date", "total_gross", "status"
    ):
        if status == InvoiceStatus.ISSUED:
            reductions.setdefault(invoice_id, []).append((day, amount))
    return reductions


def _add_ledger_items(by_customer: dict, levels, on: dt.date, customer_ids) -> bool:
    """The customers' overdue old invoices, taken over into the ledger, added to their proposals (three queries for
    the items, one for their history, one for the customers not yet met)."""
    found = ledger_items.items(customer_ids, due_before=on, chased_only=True)
    if not found:
        return False
    missing = {item.customer_id for item in found} - by_customer.keys()
    for customer in Contact.objects.filter(pk__in=id_set(missing)) if missing else ():
        by_customer[customer.pk] = Proposal(customer)
    history = {
        (row["letter__customer_id"], row["invoice_number"]): (row["last_rank"], row["last_date"])
        for row in DunningLetterLine.objects.filter(
            entry_line__isnull=False,
            letter__customer_id__in=id_set({item.customer_id for item in found}),
            rank__gt=0,
        )
        .values("letter__customer_id", "invoice_number")
        .annotate(last_rank=Max("rank"), last_date=Max("letter__date"))
    }
    for item in found:
        proposal = by_customer[item.customer_id]
        item.customer = proposal.customer
        last_rank, last_date = history.get((item.customer_id, item.number), (0, None))
        proposal.items.append(
            OverdueInvoice(
                invoice=item,
                amount_due=item.balance_due,
                last_rank=last_rank,
                last_date=last_date,
                level=next_level_due(levels, item.due_date, last_rank, last_date, on),
                indemnity=recovery_indemnity(proposal.customer.kind),
                on=on,
                reductions=item.reductions,
            )
        )
    return True


def _channel(level: DunningLevel, customer: Contact) -> str:
    if level.channel == Channel.EMAIL and customer.email:
        return Channel.EMAIL
    return Channel.LETTER


def draft_letter(proposal: Proposal, on: dt.date, structure_name: str) -> tuple[DunningLetter, list[DunningLetterLine]]:
    """The letter and its lines, unsaved: what send_dunning records and what the preview shows."""
    level, customer = proposal.level, proposal.customer
    values = proposal.placeholder_values(on, structure_name)
    channel = _channel(level, customer)
    claims = level.include_penalties
    penalties, indemnities = proposal.total_penalties, proposal.total_indemnities
    letter = DunningLetter(
        customer=customer,
        level=level,
        rank=level.rank,
        title=level.title,
        date=on,
        channel=channel,
        email_to=customer.email if channel == Channel.EMAIL else "",
        subject=templating.render(level.email_subject, values)[:200],
        body=templating.render(level.letter_body, values),
        claims_penalties=claims,
        total_due=proposal.total_due,
        total_penalties=penalties,
        total_indemnities=indemnities,
        total=proposal.total_due + (penalties + indemnities if claims else ZERO),
    )
    lines = [
        DunningLetterLine(
            invoice=None if item.taken_over else item.invoice,
            entry_line_id=item.invoice.line_id if item.taken_over else None,
            rank=item.level.rank if item.level else 0,
            invoice_number=item.invoice.number,
            invoice_date=item.invoice.date,
            due_date=item.invoice.due_date,
            total_gross=item.invoice.total_gross,
            amount_due=item.amount_due,
            days_late=item.days_overdue,
            penalty=item.penalty.total,
            indemnity=item.indemnity,
            penalty_detail=[s.as_dict() for s in item.penalty.slices],
        )
        for item in proposal.items
    ]
    return letter, lines
