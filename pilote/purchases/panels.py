"""The purchases section of a supplier's page: its open orders, latest invoices and requests for quotes, each one
click away, the buttons to order or ask for a price, and its scorecard over the last quarters with its manual
ratings (a bounded number of queries: three lists of a few rows, the scorecard's five reads, the ratings)."""

from __future__ import annotations

from django.template.loader import render_to_string

from pilote.lib.dates import local_today
from pilote.purchases.forms import RatingForm
from pilote.purchases.models import PurchaseOrder, QuoteRequest, SupplierInvoice, SupplierRating
from pilote.purchases.queries.scorecard import supplier_history
from pilote.purchases.scorecard import CRITERIA


def contact_purchases(request, contact) -> str:
    orders = list(PurchaseOrder.objects.filter(supplier=contact).order_by("-date", "-pk")[:6])
    invoices = list(SupplierInvoice.objects.filter(supplier=contact).order_by("-date", "-pk")[:6])
    if not contact.is_supplier and not orders and not invoices:
        return ""
    requests = list(QuoteRequest.objects.filter(answers__supplier=contact).order_by("-date", "-pk")[:4])
    today = local_today()
    context = {
        "contact": contact, "orders": orders, "invoices": invoices, "requests": requests,
        "history": supplier_history(contact, today), "criteria": list(CRITERIA.items()),
        "ratings": list(SupplierRating.objects.filter(supplier=contact).select_related("rated_by")[:5]),
        "rating_form": RatingForm(initial={"rated_on": today}, auto_id="note_%s"),
    }  # fmt: skip
    return render_to_string("purchases/_contact_panel.html", context, request=request)
