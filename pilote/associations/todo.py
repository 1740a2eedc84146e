"""The associations' to-do items: the year's dues to call, dues unpaid a month after their call (reminders),
receipts of last year's gifts to issue before the declaration — a few counting queries, a few items."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pilote.associations.models import Donation, Due, DueStatus
from pilote.associations.queries.members import present_on
from pilote.core.models import Structure
from pilote.core.registry import TodoItem
from pilote.core.vocabulary import ASSOCIATION, SOCIAL
from pilote.lib.dates import local_today

REMINDER_AFTER = dt.timedelta(days=30)


def _is_association() -> bool:
    return Structure.objects.filter(pk=1, type__in=(ASSOCIATION, SOCIAL)).exists()


def dues_items(user) -> list[TodoItem]:
    if not _is_association():
        return []
    today = local_today()
    items = []
    to_call = present_on(today).exclude(dues__year=today.year).filter(membership_type__fee__gt=0).count()
    if to_call:
        items.append(TodoItem(f"Appeler les cotisations {today.year} : {to_call} adhérent(s)",
                              reverse("associations:dues"), None, "Cotisations"))  # fmt: skip
    late = Due.objects.filter(status=DueStatus.CALLED, called_on__lte=today - REMINDER_AFTER)
    count = late.count()
    if count:
        url = reverse("associations:dues") + f"?etat={DueStatus.CALLED}"
        oldest = late.order_by("called_on").values_list("called_on", flat=True).first()
        items.append(TodoItem(f"Relancer {count} cotisation(s) impayée(s)", url, oldest + REMINDER_AFTER,
                              "Cotisations"))  # fmt: skip
    return items


def receipt_items(user) -> list[TodoItem]:
    if not _is_association():
        return []
    today = local_today()
    last_year = today.year - 1
    pending = Donation.objects.filter(date__year=last_year, receipt__isnull=True).count()
    if not pending:
        return []
    url = reverse("associations:receipt-batch") + f"?year={last_year}"
    return [TodoItem(f"Émettre les reçus fiscaux des dons {last_year} ({pending} don(s))", url,
                     dt.date(today.year, 3, 31), "Reçus fiscaux")]  # fmt: skip


def grant_items(user) -> list[TodoItem]:
    """Report deadlines of grants not yet met, and instalments expected and not received (the 10 soonest each)."""
    if not _is_association():
        return []
    from pilote.associations.models import GrantDeadline, GrantInstalment

    today = local_today()
    items = [
        TodoItem(f"{d.label} — subvention {d.grant.code}", reverse("associations:grant-detail", args=[d.grant_id]),
                 d.due_on, "Subventions")
        for d in GrantDeadline.objects.filter(done_on__isnull=True).select_related("grant").order_by("due_on")[:10]
    ]  # fmt: skip
    late = GrantInstalment.objects.filter(received_on__isnull=True, expected_on__lte=today, grant__status="granted")
    items += [
        TodoItem(f"Versement attendu : {i.label} — subvention {i.grant.code}",
                 reverse("associations:grant-detail", args=[i.grant_id]), i.expected_on, "Subventions")
        for i in late.select_related("grant").order_by("expected_on")[:10]
    ]  # fmt: skip
    return items
