from django.db.models import Q
from django.urls import reverse

from pilote.complaints.models import Complaint
from pilote.core.registry import SearchHit


def search_complaints(user, query: str, limit: int) -> list[SearchHit]:
    condition = Q(subject__icontains=query) | Q(customer__name__icontains=query)
    number = query.strip().upper().removeprefix("REC-").lstrip("0")
    if number.isdigit():
        condition |= Q(pk=int(number))
    complaints = Complaint.objects.filter(condition).select_related("customer").order_by("-received_on", "-pk")
    return [
        SearchHit(
            label=f"{c.reference} — {c.subject}",
            detail=f"{c.customer.display_name} · {c.get_status_display()} · {c.received_on:%d/%m/%Y}",
            url=reverse("complaints:detail", args=[c.pk]),
        )
        for c in complaints[:limit]
    ]
