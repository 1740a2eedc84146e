"""The purchases section of a supplier's page: its open orders, latest invoices and requests for quotes, each one
click away, and the buttons to order or ask for a price (a bounded number of queries: three lists of a few rows)."""

from __future__ import annotations

from django.template.loader import render_to_string

from pilote.purchases.models import PurchaseOrder, QuoteRequest, SupplierInvoice


def contact_purchases(request, contact) -> str:
    orders = list(PurchaseOrder.objects.filter(supplier=contact).order_by("-date", "-pk")[:6])
    invoices = list(SupplierInvoice.objects.filter(supplier=contact).order_by("-date", "-pk")[:6])
    if not contact.is_supplier and not orders and not invoices:
        return ""
    requests = list(QuoteRequest.objects.filter(answers__supplier=contact).order_by("-date", "-pk")[:4])
    context = {"contact": contact, "orders": orders, "invoices": invoices, "requests": requests}
    return render_to_string("purchases/_contact_panel.html", context, request=request)
