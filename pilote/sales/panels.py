"""The sales section of a contact's page: what the customer owes, its latest documents, one-click actions."""

from __future__ import annotations

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from pilote.lib.money import ZERO
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceKind, InvoiceStatus, Quote, QuoteStatus


def contact_sales(request, contact) -> str:
    invoices = Invoice.objects.filter(customer=contact)
    quotes = Quote.objects.filter(customer=contact)
    if not contact.is_customer and not invoices.exists() and not quotes.exists():
        return ""
    today = timezone.localdate()
    open_ones = invoices.filter(status=InvoiceStatus.ISSUED).exclude(kind=InvoiceKind.CREDIT_NOTE)
    due = open_ones.aggregate(g=Sum("total_gross"), p=Sum("amount_paid"), c=Sum("credited_amount"))
    late = invoices.filter(OPEN_INVOICE, due_date__lt=today)
    context = {
        "contact": contact,
        "balance": (due["g"] or ZERO) - (due["p"] or ZERO) - (due["c"] or ZERO),
        "late_count": late.count(),
        "invoices": invoices.order_by("-date", "-pk")[:8],
        "quotes": quotes.filter(status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT]).order_by("-date")[:5],
    }
    return render_to_string("sales/_contact_panel.html", context, request=request)
