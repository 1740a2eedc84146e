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


ACTIVITY_DUE_DAY = 10  # a month's activity is typed by the 10th of the next month
DEADLINE_HORIZON = dt.timedelta(days=60)


def _is_social() -> bool:
    return Structure.objects.filter(pk=1, type=SOCIAL).exists()


def _month_before(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def missing_activity_months(today: dt.date) -> list[tuple[str, dt.date]]:
    """(service, month) of every month over and not typed, from each service's first month (or the first CPOM
    year for a service an objective names but nobody typed yet) to last month."""
    from pilote.associations.models import ActivityMonth, Cpom, CpomObjective

    last = _month_before(today.replace(day=1))
    typed: dict[str, set[dt.date]] = {}
    for service, month in ActivityMonth.objects.values_list("service", "month"):
        typed.setdefault(service, set()).add(month)
    first_year = Cpom.objects.order_by("start_year").values_list("start_year", flat=True).first()
    if first_year is not None:
        for service in CpomObjective.objects.exclude(service="").values_list("service", flat=True).distinct():
            typed.setdefault(service, set())
    missing = []
    for service, months in sorted(typed.items()):
        start = min(months) if months else dt.date(first_year or today.year, 1, 1)
        month = last
        while month >= start:
            if month not in months:
                missing.append((service, month))
            month = _month_before(month)
    return missing


def cpom_items(user) -> list[TodoItem]:
    """A social establishment's CPOM duties: each month's activity typed by the 10th of the next month, the yearly
    reports and dialogues de gestion due within two months or late, and this year's objectives behind target."""
    if not _is_social():
        return []
    from pilote.associations.models import Cpom, CpomDeadline
    from pilote.associations.queries.cpom import follow_up
    from pilote.lib.formats import format_quantity

    today = local_today()
    items = [
        TodoItem(f"Saisir l'activité {service} de {month:%m/%Y}", reverse("associations:activity-record"),
                 _month_after(month).replace(day=ACTIVITY_DUE_DAY), "Activité")
        for service, month in missing_activity_months(today)[:12]
    ]  # fmt: skip
    due = CpomDeadline.objects.filter(done_on__isnull=True, due_on__lte=today + DEADLINE_HORIZON)
    items += [
        TodoItem(f"{d.label} — {d.cpom.title}", reverse("associations:cpom-detail", args=[d.cpom_id])
                 + (f"?annee={d.year}" if d.year else ""), d.due_on, "CPOM")
        for d in due.select_related("cpom").order_by("due_on")[:10]
    ]  # fmt: skip
    for cpom in Cpom.objects.filter(start_year__lte=today.year, end_year__gte=today.year):
        for row in follow_up(cpom, today.year, today)["objectives"]:
            if row.variance is None or row.variance.status != "non atteint":
                continue
            unit = f" {row.objective.unit}" if row.objective.unit else ""
            items.append(TodoItem(
                f"Objectif du CPOM en retard : {row.objective.title} — {format_quantity(row.variance.actual)}{unit} "
                f"pour une cible de {format_quantity(row.variance.target)}{unit}",
                reverse("associations:cpom-detail", args=[cpom.pk]) + f"?annee={today.year}", None, "CPOM",
            ))  # fmt: skip
    return items


def _month_after(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)
