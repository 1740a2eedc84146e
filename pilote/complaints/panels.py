"""The complaints section of a contact's page: open ones first, then the latest, and a one-click new one."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from pilote.complaints.models import Complaint, Status

SHOWN = 6


def contact_complaints(request, contact) -> str:
    complaints = Complaint.objects.filter(customer=contact)
    latest = list(
        complaints.annotate(
            closed=Case(When(status=Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("closed", "-received_on", "-pk")[: SHOWN + 1]
    )
    if not latest and not contact.is_customer:
        return ""
    context = {
        "contact": contact,
        "complaints": latest[:SHOWN],
        "more": len(latest) > SHOWN,
        "open_count": complaints.exclude(status=Status.CLOSED).count() if latest else 0,
        "today": timezone.localdate(),
    }
    return render_to_string("complaints/_contact_panel.html", context, request=request)
