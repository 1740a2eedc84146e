"""A customer's quotes and invoices (core.personal_data). Issued invoices are accounting documents: kept ten years
(C. com. L123-22, counted here to the end of the tenth calendar year after the invoice) and frozen as issued (CGI
289), so a customer with such an invoice, or with an invoice still to be paid, cannot be anonymised yet."""

from __future__ import annotations

import datetime as dt

from pilote.core.personal_data import PersonalDataSource, Section
from pilote.lib.formats import format_date
from pilote.sales.models import Invoice, InvoiceStatus, Quote

KEPT_YEARS = 10


def collect(contact) -> list[Section]:
    quotes = [
        {
            "Numéro": q.number or "brouillon",
            "Date": q.date,
            "Statut": q.get_status_display(),
            "Total TTC": q.total_gross,
        }
        for q in Quote.objects.filter(customer=contact).order_by("date", "pk")
    ]
    invoices = [
        {"Numéro": i.number or "brouillon", "Type": i.get_kind_display(), "Date": i.date,
         "Statut": i.get_status_display(), "Total TTC": i.total_gross, "Reste dû": i.balance_due}
        for i in Invoice.objects.filter(customer=contact).order_by("date", "pk")
    ]  # fmt: skip
    return [Section("Devis", quotes), Section("Factures et avoirs", invoices)]


def retention(contact, today: dt.date) -> list[str]:
    reasons = []
    issued = Invoice.objects.filter(customer=contact, status=InvoiceStatus.ISSUED)
    last = issued.order_by("-date").values_list("date", flat=True).first()
    if last is not None:
        until = dt.date(last.year + KEPT_YEARS, 12, 31)
        if today <= until:
            reasons.append(
                f"des factures émises sont à conserver jusqu'au {format_date(until)} (10 ans, article L123-22 du "
                "code de commerce)"
            )
    if any(invoice.balance_due > 0 for invoice in issued):
        reasons.append("des factures restent à payer")
    return reasons


SOURCE = PersonalDataSource(
    key="sales.documents",
    subject_kind="contact",
    collect=collect,
    retention=retention,
    audited=lambda contact: [],
)
