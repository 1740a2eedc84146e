"""Reads: aged receivables by customer, a customer's account (statement), the dunning history.

Sums run in SQL on the integer cents of MoneyField (exact on SQLite and PostgreSQL); a page runs a
fixed number of queries whatever the number of invoices or customers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, Min, Q, Sum, Value, When
from django.db.models.expressions import RawSQL

from pilote.contacts.models import Contact
from pilote.core.collation import french, french_key
from pilote.core.listing import Column
from pilote.lib.money import ZERO, MoneyField
from pilote.receivables import ledger_items
from pilote.receivables.models import DoubtfulStatus, DunningLetter
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceKind, InvoiceStatus, Payment

BALANCE = F("total_gross") - F("amount_paid") - F("credited_amount")


def id_set(ids) -> RawSQL:
    """`pk__in=id_set(ids)`: a list of ids read back by the database from one parameter (a JSON array on
    SQLite, an array on PostgreSQL) — neither thousands of parameters (SQLite caps their number, Django
    prepares each one) nor a subquery that would scan the invoices again for every lookup."""
    ids = [int(value) for value in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


BUCKETS = [
    ("not_due", "Non échu"),
    ("d30", "1 à 30 j"),
    ("d60", "31 à 60 j"),
    ("d90", "61 à 90 j"),
    ("over90", "Plus de 90 j"),
]


def open_invoices():
    """Issued invoices and deposits with something left to pay (credit notes and payments deducted); a debt
    written off (bad_debts.py) is no receivable any more. Doubtful ones stay: they are on 416."""
    return Invoice.objects.filter(OPEN_INVOICE).exclude(doubtful_debt__status=DoubtfulStatus.WRITTEN_OFF)


def _bucket(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=BALANCE), default=Value(0), output_field=MoneyField()))


def _bucket_sums(on: dt.date) -> dict:
    days = [on - dt.timedelta(days=n) for n in (30, 60, 90)]
    return {
        "not_due": _bucket(Q(due_date__gte=on)),
        "d30": _bucket(Q(due_date__lt=on, due_date__gte=days[0])),
        "d60": _bucket(Q(due_date__lt=days[0], due_date__gte=days[1])),
        "d90": _bucket(Q(due_date__lt=days[1], due_date__gte=days[2])),
        "over90": _bucket(Q(due_date__lt=days[2])),
        "total": Sum(BALANCE, output_field=MoneyField()),
    }


AGED_SORTS = {
    "client": [french("customer__name"), french("customer__first_name")],
    "total": ["total"],
    "retard": ["over90", "d90", "d60", "d30"],
    "echeance": ["oldest_due"],
}


def _filtered_open_invoices(on: dt.date, data: dict):
    invoices = open_invoices()
    if data.get("q"):
        invoices = invoices.filter(
            Q(customer__name__icontains=data["q"]) | Q(customer__first_name__icontains=data["q"])
        )
    if data.get("late_only"):
        invoices = invoices.filter(due_date__lt=on)
    return invoices


def aged_balances(on: dt.date, data: dict):
    """One row per customer: its open balance split by age of the due date on `on`."""
    return (
        _filtered_open_invoices(on, data)
        .values("customer_id", "customer__name", "customer__first_name", "customer__kind")
        .annotate(oldest_due=Min("due_date"), **_bucket_sums(on))
    )


def aged_totals(on: dt.date, data: dict) -> dict:
    """The totals of the same filtered invoices, in one query, and of the old invoices taken over."""
    totals = _filtered_open_invoices(on, data).aggregate(**_bucket_sums(on))
    totals = {key: value or ZERO for key, value in totals.items()}
    for row in ledger_items.bucket_totals(_filtered_ledger_items(on, data), on).values():
        for key in totals:
            totals[key] += row[key]
    return totals


def _filtered_ledger_items(on: dt.date, data: dict) -> list:
    found = ledger_items.items(due_before=on if data.get("late_only") else None)
    if found and data.get("q"):
        named = Contact.objects.filter(pk__in=id_set({item.customer_id for item in found})).filter(
            Q(name__icontains=data["q"]) | Q(first_name__icontains=data["q"])
        )
        kept = set(named.values_list("pk", flat=True))
        found = [item for item in found if item.customer_id in kept]
    return found


AMOUNT_KEYS = ("not_due", "d30", "d60", "d90", "over90", "total")


def aged_rows(on: dt.date, data: dict, requested: str):
    """The aged balances, sorted: the grouped query itself while no old invoice taken over is open; otherwise its
    rows with the taken-over items added to their customer's (customers with only those added) and sorted here."""
    rows = sort_aged(aged_balances(on, data), requested)
    extra = ledger_items.bucket_totals(_filtered_ledger_items(on, data), on)
    if not extra:
        return rows
    merged = {row["customer_id"]: row for row in rows}
    names = Contact.objects.filter(pk__in=id_set(extra.keys() - merged.keys()))
    for pk, name, first_name, kind in names.values_list("pk", "name", "first_name", "kind"):
        merged[pk] = {"customer_id": pk, "customer__name": name, "customer__first_name": first_name,
                      "customer__kind": kind, "oldest_due": None, **dict.fromkeys(AMOUNT_KEYS, ZERO)}  # fmt: skip
    for pk, added in extra.items():
        row = merged[pk]
        for key in AMOUNT_KEYS:
            row[key] = (row[key] or ZERO) + added[key]
        row["oldest_due"] = min(filter(None, (row["oldest_due"], added["oldest_due"])))
    key = requested.lstrip("-")
    if key not in AGED_SORTS:
        requested, key = "-total", "total"
    sort_keys = {
        "client": lambda r: (french_key(r["customer__name"]), french_key(r["customer__first_name"])),
        "total": lambda r: r["total"],
        "retard": lambda r: tuple(r[k] or ZERO for k in ("over90", "d90", "d60", "d30")),
        "echeance": lambda r: r["oldest_due"],
    }[key]
    descending = requested.startswith("-")
    return sorted(merged.values(), key=lambda r: (sort_keys(r), r["customer_id"]), reverse=descending)


def sort_aged(rows, requested: str):
    """Like core.listing.sort_queryset, but the tie-break is the customer: ordering a grouped query by
    the invoice pk would split the groups."""
    key = requested.lstrip("-")
    if key not in AGED_SORTS:
        requested, key = "-total", "total"
    descending = requested.startswith("-")
    prefix = "-" if descending else ""
    ordering = [
        prefix + field if isinstance(field, str) else (field.desc() if descending else field.asc())
        for field in AGED_SORTS[key]
    ]
    return rows.order_by(*ordering, f"{prefix}customer_id")


def customer_label(row: dict) -> str:
    if row["customer__kind"] == "person" and row["customer__first_name"]:
        return f"{row['customer__name'].upper()} {row['customer__first_name']}"
    return row["customer__name"]


AGED_COLUMNS = [
    Column("Client", customer_label),
    Column("Plus ancienne échéance", lambda r: r["oldest_due"]),
    *[Column(label, lambda r, key=key: r[key] or ZERO) for key, label in BUCKETS],
    Column("Total dû", lambda r: r["total"]),
]


# --- A customer's account ----------------------------------------------------------------------


@dataclass
class StatementRow:
    date: dt.date
    label: str
    reference: str
    due_date: dt.date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO


@dataclass
class Statement:
    customer: Contact
    start: dt.date
    end: dt.date
    opening: Decimal
    rows: list[StatementRow] = field(default_factory=list)
    # The period's totals, from SQL: `rows` may hold only the period's latest movements (`statement(last=…)`).
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO
    hidden: int = 0  # the period's earlier movements not in `rows`
    # The old invoices of the previous tool still open today (`ledger_items.py`): listed under the movements.
    taken_over: list = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_debit - self.total_credit

    @property
    def taken_over_due(self) -> Decimal:
        return sum((item.balance_due for item in self.taken_over), ZERO)

    @property
    def total_due(self) -> Decimal:
        """What the customer owes: the movements' balance and the old invoices still open."""
        return self.closing + self.taken_over_due


def statement(customer: Contact, start: dt.date, end: dt.date, last: int | None = None) -> Statement:
    """Relevé de compte: invoices (debit), credit notes and payments (credit) from `start` to `end`
    with a running balance, after the opening balance of everything dated before `start`; then the old invoices
    taken over from the previous tool that are still open (they live in the ledger only).

    With `last`, only the period's `last` latest movements are read (the customer's page of a customer with
    thousands of invoices): the totals and the closing balance come from SQL sums, and the running balance is
    counted back from the closing one, so each shown line carries the same balance as in the whole statement."""
    invoices = Invoice.objects.filter(customer=customer, status=InvoiceStatus.ISSUED)
    payments = Payment.objects.filter(customer=customer)
    is_credit = Q(kind=InvoiceKind.CREDIT_NOTE)
    before = invoices.filter(date__lt=start).aggregate(
        debit=Sum("total_gross", filter=~is_credit), credit=Sum("total_gross", filter=is_credit)
    )
    paid_before = payments.filter(date__lt=start).aggregate(total=Sum("amount"))["total"] or ZERO
    opening = (before["debit"] or ZERO) - (before["credit"] or ZERO) - paid_before
    shown = invoices.filter(date__gte=start, date__lte=end)
    shown_payments = payments.filter(date__gte=start, date__lte=end)
    totals = shown.aggregate(
        debit=Sum("total_gross", filter=~is_credit), credit=Sum("total_gross", filter=is_credit), count=Count("pk")
    )
    paid = shown_payments.aggregate(total=Sum("amount"), count=Count("pk"))
    result = Statement(
        customer,
        start,
        end,
        opening=opening,
        total_debit=totals["debit"] or ZERO,
        total_credit=(totals["credit"] or ZERO) + (paid["total"] or ZERO),
    )
    # One order for both sources: by date; on a day, what is owed before what settles it (credit notes, then
    # payments); then the number or the entry order. `last` reads each source's latest in that order.
    settles = Case(When(is_credit & Q(total_gross__gt=0), then=Value(1)), default=Value(0))
    invoice_order = ["date", "settles", "number"]
    payment_order = ["date", "pk"]
    shown = shown.annotate(settles=settles).only("date", "kind", "number", "due_date", "total_gross")
    shown_payments = shown_payments.only("date", "method", "reference", "amount")  # not the frozen snapshots
    if last is not None:
        shown = reversed(shown.order_by(*[f"-{key}" for key in invoice_order])[:last])
        shown_payments = reversed(shown_payments.order_by(*[f"-{key}" for key in payment_order])[:last])
    else:
        shown, shown_payments = shown.order_by(*invoice_order), shown_payments.order_by(*payment_order)
    keyed = []
    for invoice in shown:
        credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
        row = StatementRow(
            date=invoice.date,
            label=invoice.get_kind_display(),
            reference=invoice.number,
            due_date=None if credit_note else invoice.due_date,
            debit=ZERO if credit_note else invoice.total_gross,
            credit=invoice.total_gross if credit_note else ZERO,
        )
        keyed.append(((invoice.date, invoice.settles, 0), row))
    for payment in shown_payments:
        label = f"Règlement ({payment.get_method_display().lower()})"
        keyed.append(((payment.date, 1, 1), StatementRow(payment.date, label, payment.reference, None, ZERO,
                                                         payment.amount)))  # fmt: skip
    keyed.sort(key=lambda pair: pair[0])  # stable: each source keeps its own order within a key
    rows = [row for _, row in keyed]
    if last is not None:
        rows = rows[-last:] if last else []
    result.hidden = totals["count"] + paid["count"] - len(rows)
    balance = result.closing  # counted back from the end: the shown lines' balances include the hidden ones
    for row in reversed(rows):
        row.balance = balance
        balance -= row.debit - row.credit
    result.rows = rows
    result.taken_over = ledger_items.items([customer.pk])
    return result


def customer_summary(customer: Contact, on: dt.date, taken_over: list | None = None) -> dict:
    """The customer's open balance split by age (one query), its old invoices taken over included: read here
    unless given (`Statement.taken_over`: the customer's page reads them once for both)."""
    totals = open_invoices().filter(customer=customer).aggregate(**_bucket_sums(on))
    totals = {key: value or ZERO for key, value in totals.items()}
    if taken_over is None:
        taken_over = ledger_items.items([customer.pk])
    taken_over = ledger_items.bucket_totals(taken_over, on).get(customer.pk, {})
    for key in AMOUNT_KEYS:
        totals[key] += taken_over.get(key, ZERO)
    return totals


def customer_open_invoices(customer: Contact):
    return (
        open_invoices()
        .filter(customer=customer)
        .select_related("dunning_hold", "doubtful_debt")
        .defer("customer_snapshot", "seller_snapshot", "notes")  # frozen JSON the page never shows
        .order_by("due_date", "pk")
    )


# --- Dunning history ----------------------------------------------------------------------------

HISTORY_SORTS = {"date": ["date"], "client": [french("customer__name")], "niveau": ["rank"], "total": ["total"]}


def letters(data: dict):
    found = DunningLetter.objects.select_related("customer").defer("pdf", "body")
    if data.get("q"):
        found = found.filter(Q(customer__name__icontains=data["q"]) | Q(lines__invoice_number__icontains=data["q"]))
        found = found.distinct()
    if data.get("rank"):
        found = found.filter(rank=data["rank"])
    if data.get("customer"):
        found = found.filter(customer_id=data["customer"])
    if data.get("to_print"):
        found = found.filter(channel="letter", sent_at__isnull=True)
    return found


HISTORY_COLUMNS = [
    Column("Date", lambda letter: letter.date),
    Column("Client", lambda letter: letter.customer.display_name),
    Column("Niveau", lambda letter: f"{letter.rank}. {letter.title}"),
    Column("Envoi", lambda letter: letter.get_channel_display()),
    Column("Envoyée le", lambda letter: letter.sent_at),
    Column("Reste dû", lambda letter: letter.total_due),
    Column("Pénalités", lambda letter: letter.total_penalties),
    Column("Indemnités", lambda letter: letter.total_indemnities),
    Column("Total réclamé", lambda letter: letter.total),
]
