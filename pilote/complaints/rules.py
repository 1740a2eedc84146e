"""Row validation shared by the forms and the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# The explicit state machine: status → statuses it may move to. Services check every change here.
TRANSITIONS: dict[str, set[str]] = {
    "new": {"in_progress"},
    "in_progress": {"answered"},
    "answered": {"closed"},
    "closed": {"reopened"},
    "reopened": {"in_progress"},
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def clean_complaint(complaint) -> None:
    """The linked order and invoice must be the customer's own."""
    errors = {}
    if complaint.order_id and complaint.customer_id and complaint.order.customer_id != complaint.customer_id:
        errors["order"] = f"La commande {complaint.order.number} n'est pas une commande de ce client."
    if complaint.invoice_id and complaint.customer_id and complaint.invoice.customer_id != complaint.customer_id:
        errors["invoice"] = f"{complaint.invoice} n'est pas une facture de ce client."
    if complaint.received_on and complaint.answer_due and complaint.answer_due < complaint.received_on:
        errors["answer_due"] = "L'échéance de réponse ne peut pas précéder la date de réception."
    if errors:
        raise ValidationError(errors)
