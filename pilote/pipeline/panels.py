"""The pipeline section of a contact's page: its opportunities and tenders, and « new opportunity »."""

from __future__ import annotations

from django.template.loader import render_to_string

from pilote.pipeline.models import Opportunity, Tender


def contact_pipeline(request, contact) -> str:
    opportunities = list(Opportunity.objects.filter(contact=contact).order_by("-updated_at")[:8])
    tenders = list(Tender.objects.filter(buyer=contact).order_by("-submission_deadline")[:5])
    if not opportunities and not tenders and not (contact.is_prospect or contact.is_customer):
        return ""
    context = {"contact": contact, "opportunities": opportunities, "tenders": tenders}
    return render_to_string("pipeline/_contact_panel.html", context, request=request)
