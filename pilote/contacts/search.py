from django.db.models import Q
from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.registry import SearchHit
from pilote.lib import identifiers


def search_contacts(user, query: str, limit: int) -> list[SearchHit]:
    compact = identifiers.compact(query)
    condition = Q(name__icontains=query) | Q(first_name__icontains=query) | Q(email__icontains=query)
    if compact.isdigit():
        condition |= Q(siren__startswith=compact) | Q(siret__startswith=compact)
    contacts = Contact.objects.filter(condition).order_by("-is_active", "name")[:limit]
    return [
        SearchHit(
            label=c.display_name,
            detail=" · ".join(part for part in (", ".join(c.role_labels), c.city) if part),
            url=reverse("contacts:detail", args=[c.pk]),
        )
        for c in contacts
    ]
