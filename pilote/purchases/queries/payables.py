"""Payables: supplier invoices still to pay by due date (overdue, this week, this month), those whose terms go
beyond the legal limits, and a supplier's statement read from its 401 sub-ledger account.

Aged payables at any date are the ledger's (`ledger.queries.aged_balance("401", day)`, /comptabilite/balance-agee/
?type=401): they read the open items of the books, whatever paid them; this module does not count them again.

The due-invoice list runs a fixed number of queries: filters and totals in SQL (one aggregate), rows with their
supplier by a join, one page read. Payment terms (C. com. L441-10, FRENCH-RULES §2 and §12): at most 60 days
from the invoice date, or 45 days end of month; `SupplierInvoice.legal_due_limit` keeps the later of the two
(`sales.terms.latest_legal_due_date`) so « beyond the legal terms » is a plain SQL comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.money import ZERO
from pilote.purchases.models import SupplierInvoice, SupplierInvoiceKind, SupplierInvoiceStatus
from pilote.sales.terms import end_of_month

# Invoices the structure still owes: received (awaiting the bon à payer), approved or disputed — not paid nor
# refused. Credit notes are not « due »: they lower the supplier's balance in the books.
OPEN_STATUSES = (SupplierInvoiceStatus.RECEIVED, SupplierInvoiceStatus.APPROVED, SupplierInvoiceStatus.DISPUTED)

PERIODS = {
    "retard": "En retard",
    "semaine": "À payer d'ici la fin de la semaine",
    "mois": "À payer d'ici la fin du mois",
    "toutes": "Toutes les échéances ouvertes",
}

BEYOND_TERMS = Q(due_date__gt=F("legal_due_limit"))


def period_end(period: str, today: dt.date) -> dt.date | None:
    """The last due date a period takes (overdue invoices included: they are still to pay), None for all."""
    if period == "retard":
        return today - dt.timedelta(days=1)
    if period == "semaine":
        return today + dt.timedelta(days=6 - today.weekday())  # Sunday
    if period == "mois":
        return end_of_month(today)
    return None


def open_invoices():
    return SupplierInvoice.objects.filter(kind=SupplierInvoiceKind.INVOICE, status__in=OPEN_STATUSES)


def due_invoices(data: dict, today: dt.date):
    invoices = open_invoices().select_related("supplier")
    if end := period_end(data.get("period") or "", today):
        invoices = invoices.filter(due_date__lte=end)
    if supplier := data.get("supplier"):
        invoices = invoices.filter(supplier=supplier)
    if status := data.get("status"):
        invoices = invoices.filter(status=status)
    if (minimum := data.get("minimum")) is not None:
        invoices = invoices.filter(payable__gte=minimum)
    if (maximum := data.get("maximum")) is not None:
        invoices = invoices.filter(payable__lte=maximum)
    if data.get("beyond_terms"):
        invoices = invoices.filter(BEYOND_TERMS)
    return invoices


def beyond_terms_invoices():
    """Every invoice (paid or not, refused ones left out) whose due date is beyond the legal terms."""
    return (
        SupplierInvoice.objects.filter(kind=SupplierInvoiceKind.INVOICE)
        .exclude(status=SupplierInvoiceStatus.REFUSED)
        .filter(BEYOND_TERMS)
    )


def due_totals(invoices, today: dt.date) -> dict:
    sums = invoices.order_by().aggregate(
        count=Count("pk"),
        total=Sum("payable"),
        late=Sum("payable", filter=Q(due_date__lt=today)),
        beyond=Count("pk", filter=BEYOND_TERMS),
    )
    return {"count": sums["count"], "total": sums["total"] or ZERO, "late": sums["late"] or ZERO,
            "beyond": sums["beyond"]}  # fmt: skip


def days_late(invoice: SupplierInvoice, today: dt.date) -> int:
    return max((today - invoice.due_date).days, 0) if invoice.due_date else 0


DUE_SORTS = {
    "echeance": ["due_date", "supplier__name"],
    "fournisseur": [french("supplier__name"), "due_date"],
    "date": ["date"],
    "montant": ["payable"],
    "statut": ["status", "due_date"],
}


def due_columns(today: dt.date) -> list[Column]:
    return [
        Column("Fournisseur", lambda i: i.supplier.display_name),
        Column("SIREN fournisseur", lambda i: i.supplier.siren),
        Column("N° de facture", lambda i: i.number),
        Column("Date", lambda i: i.date),
        Column("Échéance", lambda i: i.due_date),
        Column("Jours de retard", lambda i: days_late(i, today)),
        Column("Net à payer", lambda i: i.payable),
        Column("Statut", lambda i: i.get_status_display()),
        Column("Échéance légale au plus tard", lambda i: i.legal_due_limit),
        Column("Délai au-delà de la limite légale", lambda i: i.beyond_legal_terms),
    ]


# --- todo -----------------------------------------------------------------------------------------------------

SOON_DAYS = 7


def due_soon(today: dt.date, limit: int = 200) -> list[SupplierInvoice]:
    """Invoices due within a week (or overdue) still to act on: received ones awaiting their bon à payer, and
    approved ones no live payment run holds yet (disputed ones wait for the supplier). One query."""
    from pilote.purchases.models import PaymentRunStatus

    return list(
        SupplierInvoice.objects.filter(
            kind=SupplierInvoiceKind.INVOICE,
            status__in=(SupplierInvoiceStatus.RECEIVED, SupplierInvoiceStatus.APPROVED),
            due_date__lte=today + dt.timedelta(days=SOON_DAYS),
        )
        .exclude(payment_items__run__status__in=[PaymentRunStatus.DRAFT, PaymentRunStatus.APPROVED])
        .select_related("supplier")
        .order_by("due_date", "pk")[:limit]
    )


# --- a supplier's statement -----------------------------------------------------------------------------------


@dataclass
class StatementRow:
    date: dt.date
    label: str
    reference: str
    due_date: dt.date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO  # owed to the supplier: credit minus debit


@dataclass
class SupplierStatement:
    supplier: object
    start: dt.date
    end: dt.date
    opening: Decimal
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].balance if self.rows else self.opening

    @property
    def total_debit(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)


def supplier_statement(supplier, start: dt.date, end: dt.date) -> SupplierStatement:
    """Relevé du compte fournisseur: the posted lines of its 401 sub-ledger account(s) from `start` to `end`
    (invoices credited, credit notes and payments debited), after the balance of everything before `start`,
    with a running balance of what is owed. Read from the books, so a payment booked from the bank statement
    counts as much as one from a payment run. À-nouveaux are left out (their items were posted in an earlier
    year and are counted there) except the first fiscal year's, which carry the balances taken over from the
    books kept before Pilote. Four queries."""
    from pilote.ledger.models import EntryLine, EntryStatus, JournalKind
    from pilote.ledger.vat import books_start

    lines = (
        EntryLine.objects.filter(
            auxiliary__contact=supplier,
            account__code__startswith="401",
            entry__status=EntryStatus.POSTED,
            date__lte=end,
        )
        .exclude(Q(entry__journal__kind=JournalKind.OPENING) & ~Q(fiscal_year__start_date=books_start()))
        .select_related("entry__journal")
    )
    before = lines.filter(date__lt=start).aggregate(d=Sum("debit"), c=Sum("credit"))
    result = SupplierStatement(supplier, start, end, opening=(before["c"] or ZERO) - (before["d"] or ZERO))
    balance = result.opening
    for line in lines.filter(date__gte=start).order_by("date", "entry__number", "pk"):
        balance += line.credit - line.debit
        result.rows.append(
            StatementRow(
                date=line.date,
                label=(line.label or line.entry.label)[:120],
                reference=line.reference or line.entry.piece_ref,
                due_date=line.due_date,
                debit=line.debit,
                credit=line.credit,
                balance=balance,
            )
        )
    return result


def supplier_summary(supplier, today: dt.date) -> dict:
    """What is owed to the supplier by due date (one aggregate over its open invoices)."""
    week_end = period_end("semaine", today)
    sums = (
        open_invoices()
        .filter(supplier=supplier)
        .aggregate(
            total=Sum("payable"),
            late=Sum("payable", filter=Q(due_date__lt=today)),
            week=Sum("payable", filter=Q(due_date__lte=week_end)),
            beyond=Count("pk", filter=BEYOND_TERMS),
        )
    )
    return {key: (value or ZERO) if key != "beyond" else value for key, value in sums.items()}
