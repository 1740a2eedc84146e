"""The DUERP versions found from the office's document search (core.registry.register_document_source)."""

from __future__ import annotations


def search_duerp_versions(user, text: str, limit: int) -> list:
    """The published DUERP versions, for the office's document search (core.registry.register_document_source):
    found by « DUERP », « document unique », a version number or the words of its update note."""
    from django.db.models import Q
    from django.urls import reverse

    from pilote.core.registry import SearchHit
    from pilote.quality.models import DuerpVersion

    lowered = text.lower()
    versions = DuerpVersion.objects.order_by("-number")
    if not any(word in lowered for word in ("duerp", "document unique", "risques professionnels")):
        match = Q(note__icontains=text)
        if text.isdigit():
            match |= Q(number=int(text))
        versions = versions.filter(match)
    return [
        SearchHit(
            f"Document unique (DUERP), version {v.number}",
            f"validée le {v.published_on:%d/%m/%Y} · PDF",
            reverse("quality:duerp-version-pdf", args=[v.pk]),
        )  # fmt: skip
        for v in versions[:limit]
    ]
