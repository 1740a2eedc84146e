"""Reads on the communication plan, the stakeholder map and the consents, shared by their pages and the API: the
lists filtered and sorted as the pages offer, the values an edit form starts from."""

from __future__ import annotations

from django.db.models import Max

from pilote.core.collation import french
from pilote.core.listing import sort_queryset
from pilote.office.models import CommAction, Consent, Stakeholder, Suppression

ACTION_SORTS = {"debut": ["starts_on", "id"], "action": [french("title"), "id"], "canal": ["channel", "starts_on"]}
ACTION_FIELDS = ("title", "target", "channel", "starts_on", "ends_on", "budget", "actual_cost", "owner", "results")
STAKEHOLDER_SORTS = {"nom": [french("contact__name")], "pouvoir": ["power", "interest"],
                     "interet": ["interest", "power"], "echange": ["last_exchange"]}  # fmt: skip
STAKEHOLDER_FIELDS = ("contact", "kind", "power", "interest", "owner", "notes")


def actions(*, channel: str = "", sort: str = ""):
    """The plan's actions, of one channel if given, sorted by the list's key (by start by default)."""
    rows = CommAction.objects.select_related("owner")
    if channel:
        rows = rows.filter(channel=channel)
    return sort_queryset(rows, sort or "", ACTION_SORTS, "debut")


def action_initial(action: CommAction) -> dict:
    """What the action's edit form starts from."""
    return {field: action.owner_id if field == "owner" else getattr(action, field) for field in ACTION_FIELDS}


def stakeholders(*, kind: str = "", sort: str = ""):
    """The map's stakeholders with their last exchange, of one category if given (most powerful first by default)."""
    rows = Stakeholder.objects.select_related("contact", "owner").annotate(
        last_exchange=Max("contact__interactions__occurred_at")
    )
    if kind:
        rows = rows.filter(kind=kind)
    return sort_queryset(rows, sort or "", STAKEHOLDER_SORTS, "-pouvoir")


def stakeholder_initial(stakeholder: Stakeholder) -> dict:
    return {field: getattr(stakeholder, f"{field}_id" if field in ("contact", "owner") else field)
            for field in STAKEHOLDER_FIELDS}  # fmt: skip


def consents():
    """Every recorded consent, by contact name."""
    return Consent.objects.select_related("contact", "recorded_by").order_by("contact__name", "id")


def suppressed(email: str) -> bool:
    """Whether the address is on the suppression list (unsubscribed or bounced): no mailing goes to it."""
    return bool(email) and Suppression.objects.filter(email__iexact=email.strip()).exists()


def suppressed_among(emails) -> set[str]:
    """Those of `emails` on the suppression list, lower case."""
    wanted = {email.strip().lower() for email in emails if email}
    return {email.lower() for email in Suppression.objects.filter(email__in=wanted).values_list("email", flat=True)}
