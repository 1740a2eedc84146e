"""Reads of requests for quotes: the filtered list, its sorts and export columns.

The list runs a bounded number of queries: filters in SQL, rows with their order by a join, one page read."""

from __future__ import annotations

from django.db.models import Q

from pilote.core.listing import Column, words_refusal
from pilote.purchases.models import QuoteRequest, QuoteRequestStatus

REQUEST_SORTS = {"numero": ["number"], "date": ["date"], "objet": ["title"], "statut": ["status"]}

REQUEST_COLUMNS = [
    Column("Numéro", lambda r: r.number),
    Column("Date", lambda r: r.date),
    Column("Objet", lambda r: r.title),
    Column("Réponse attendue le", lambda r: r.reply_by),
    Column("Statut", lambda r: r.get_status_display()),
    Column("Commande", lambda r: r.order.number if r.order_id else ""),
]


def read_filters(params) -> dict:
    """The list's filters from the query string: a search text (100 characters at most) and a known status."""
    status = params.get("statut", "")
    return {
        "q": (params.get("q") or "").strip()[:100],
        "status": status if status in QuoteRequestStatus.values else "",
    }


def filter_requests(data: dict):
    requests = QuoteRequest.objects.select_related("order")
    if (q := data.get("q")) and not words_refusal(q):  # shorter words: refused on the page and the API
        requests = requests.filter(Q(title__icontains=q) | Q(number__icontains=q))
    if status := data.get("status"):
        requests = requests.filter(status=status)
    return requests
