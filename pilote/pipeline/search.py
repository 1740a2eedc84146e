"""Global-search providers: opportunities and tenders by title, reference or contact."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from pilote.core.registry import SearchHit
from pilote.lib.formats import format_eur
from pilote.pipeline.models import Opportunity, Tender


def search_opportunities(user, query: str, limit: int) -> list[SearchHit]:
    condition = Q(title__icontains=query) | Q(contact__name__icontains=query)
    found = Opportunity.objects.filter(condition).select_related("contact").order_by("-updated_at", "-pk")[:limit]
    return [
        SearchHit(
            label=o.title,
            detail=f"{o.contact.display_name} · {o.get_stage_display()} · {format_eur(o.amount)}",
            url=reverse("pipeline:detail", args=[o.pk]),
        )
        for o in found
    ]


def search_tenders(user, query: str, limit: int) -> list[SearchHit]:
    condition = Q(title__icontains=query) | Q(reference__icontains=query) | Q(buyer__name__icontains=query)
    found = Tender.objects.filter(condition).select_related("buyer").order_by("-updated_at", "-pk")[:limit]
    return [
        SearchHit(
            label=str(t),
            detail=f"{t.buyer.display_name} · {t.get_status_display()}",
            url=reverse("pipeline:tender-detail", args=[t.pk]),
        )
        for t in found
    ]
