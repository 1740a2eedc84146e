"""Global search: quotes, orders and invoices by number, customer or customer reference."""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from pilote.core.registry import SearchHit
from pilote.lib.formats import format_eur
from pilote.sales.models import Invoice, Order, Quote


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page not built yet
        return reverse("sales:invoice-list")


def search_documents(user, query: str, limit: int) -> list:
    hits = []
    match = Q(number__icontains=query) | Q(customer__name__icontains=query)
    for model, url_name in (
        (Invoice, "sales:invoice-detail"),
        (Order, "sales:order-detail"),
        (Quote, "sales:quote-detail"),
    ):
        for doc in model.objects.filter(match).select_related("customer").order_by("-date", "-pk")[:limit]:
            detail = f"{doc.customer.display_name} · {doc.date:%d/%m/%Y} · {format_eur(doc.total_gross)}"
            hits.append(SearchHit(str(doc), detail, _url(url_name, doc.pk)))
    return hits[:limit]
