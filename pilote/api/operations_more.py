"""Interventions invoiced over the API (apia): a done intervention becomes a draft sales invoice of the time spent at
the catalogue's hourly rate, through `operations.services.interventions.invoice`, as its page does."""

from ninja import Router, Status

from pilote.api.base import ObjectId, fetch, guarded
from pilote.api.sales import InvoiceDetailOut
from pilote.operations.models import Intervention

router = Router(tags=["Stock et interventions"])


@guarded(router, "POST", "/interventions/{visit_id}/facturation", "operations.plan", response={201: InvoiceDetailOut})
def invoice_visit(request, visit_id: ObjectId):
    """The draft invoice of a done intervention (not yet invoiced), dated today; the accountant issues it."""
    from pilote.lib.dates import local_today
    from pilote.operations.services import interventions
    from pilote.sales.models import Invoice

    draft = interventions.invoice(actor=request.auth, visit=fetch(Intervention, visit_id), date=local_today())
    return Status(201, fetch(Invoice.objects.select_related("customer", "credited_invoice"), draft.pk))
