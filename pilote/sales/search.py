"""Global search: quotes, orders and invoices by number, customer or customer reference."""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from pilote.core.registry import SearchHit
from pilote.lib.formats import format_eur
from pilote.sales.models import Invoice, Order, Quote
from pilote.sales.queries.invoices import customer_named


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page not built yet
        return reverse("sales:invoice-list")


# A number is searched from 3 characters: the search box asks from the 2nd, and « FA » or « 20 » is in nearly every
# number — no index serves so short a pattern (pg_trgm needs a trigram), so each keystroke read all 100,000 invoices
# (660 ms on PostgreSQL) to find what the lists show anyway. A customer's name is searched from 2.
NUMBER_MIN = 3

SHOWN = ("number", "date", "total_gross", "customer__name", "customer__first_name", "customer__kind")


def search_documents(user, query: str, limit: int) -> list:
    hits = []
    # The customer as `customer_id IN (matching contacts)`: an OR across the join read every document's customer.
    match = customer_named(query)
    if len(query) >= NUMBER_MIN:
        match |= Q(number__icontains=query)
    for model, url_name, extra in (
        (Invoice, "sales:invoice-detail", ("kind",)),  # an invoice's name says invoice, deposit or credit note
        (Order, "sales:order-detail", ()),
        (Quote, "sales:quote-detail", ()),
    ):
        found = model.objects.filter(match).select_related("customer").only(*SHOWN, *extra).order_by("-date", "-pk")
        for doc in found[:limit]:
            detail = f"{doc.customer.display_name} · {doc.date:%d/%m/%Y} · {format_eur(doc.total_gross)}"
            hits.append(SearchHit(str(doc), detail, _url(url_name, doc.pk)))
    return hits[:limit]
