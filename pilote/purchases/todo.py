"""The home page's to-do: supplier invoices due within a week (or overdue), per supplier — those awaiting their
bon à payer, and approved ones that no payment run holds yet (one query)."""

from __future__ import annotations

from django.urls import reverse

from pilote.core.registry import TodoItem
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.lib.french import plural
from pilote.lib.money import ZERO
from pilote.purchases.models import SupplierInvoiceStatus
from pilote.purchases.queries.payables import due_soon


def todo_items(user) -> list[TodoItem]:
    today = local_today()
    groups: dict[tuple[int, bool], list] = {}
    for invoice in due_soon(today):
        groups.setdefault((invoice.supplier_id, invoice.status == SupplierInvoiceStatus.APPROVED), []).append(invoice)
    items = []
    for (_, approved), invoices in groups.items():
        supplier, due = invoices[0].supplier, min(i.due_date for i in invoices)
        total = sum((i.payable for i in invoices), ZERO)
        what = "Payer" if approved else "Bon à payer à donner :"
        late = " (en retard)" if due < today else ""
        items.append(
            TodoItem(
                f"{what} {supplier.display_name}, {plural(len(invoices), 'facture')} de {format_eur(total)}{late}",
                reverse("purchases:supplier-account", args=[supplier.pk]),
                due,
                "Fournisseur",
            )
        )
    return items
