"""Reads of the purchases app: the supplier invoices list, its filters, sorts, totals and export columns."""

from __future__ import annotations

from django.db.models import Q, Sum

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.lib.money import ZERO
from pilote.purchases.models import SupplierInvoice

INVOICE_SORTS = {
    "numero": ["number"],
    "date": ["date"],
    "fournisseur": [french("supplier__name")],
    "ttc": ["total_gross"],
    "echeance": ["due_date"],
    "statut": ["status"],
}


def _signed(invoice: SupplierInvoice, amount):
    return -amount if invoice.is_credit_note else amount


INVOICE_COLUMNS = [
    Column("Fournisseur", lambda i: i.supplier.display_name),
    Column("SIREN fournisseur", lambda i: i.supplier.siren),
    Column("N° de facture", lambda i: i.number),
    Column("Type", lambda i: i.get_kind_display()),
    Column("Date", lambda i: i.date),
    Column("Échéance", lambda i: i.due_date),
    Column("Total HT", lambda i: _signed(i, i.total_net)),
    Column("TVA", lambda i: _signed(i, i.total_vat)),
    Column("Total TTC", lambda i: _signed(i, i.total_gross)),
    Column("Statut", lambda i: i.get_status_display()),
    Column("Origine", lambda i: i.get_source_display()),
]


def filter_invoices(data: dict):
    invoices = SupplierInvoice.objects.select_related("supplier")
    if data.get("q"):
        q = data["q"].strip()
        invoices = invoices.filter(Q(number__icontains=q) | Q(supplier__name__icontains=q))
    if data.get("status"):
        invoices = invoices.filter(status=data["status"])
    if data.get("supplier"):
        invoices = invoices.filter(supplier=data["supplier"])
    if data.get("start"):
        invoices = invoices.filter(date__gte=data["start"])
    if data.get("end"):
        invoices = invoices.filter(date__lte=data["end"])
    return invoices


def list_totals(invoices) -> dict:
    """Totals of the selection, credit notes counted negative (one aggregate query)."""
    sums = invoices.aggregate(
        invoices=Sum("total_gross", filter=Q(kind="invoice")), credits=Sum("total_gross", filter=Q(kind="credit_note"))
    )
    return {"gross": (sums["invoices"] or ZERO) - (sums["credits"] or ZERO)}


def history(invoice: SupplierInvoice) -> list:
    """The invoice's audit events, oldest first, each with its French label."""
    from pilote.core import audit
    from pilote.core.models import AuditEvent

    events = list(
        AuditEvent.objects.filter(object_type=invoice._meta.label_lower, object_id=str(invoice.pk)).order_by("at", "pk")
    )
    for event in events:
        event.label = audit.label(event.action)
    return events
