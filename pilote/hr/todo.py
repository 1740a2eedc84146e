"""Professional interviews in the to-do list: due within 60 days or late, for rh and direction (everyone) and
for each manager (the people reporting to them); for rh and direction the CSE's calendar, contracts ending,
arrival and departure steps and paid-leave information after a return; expense reports to decide on, post and pay
back. A query or two per kind of record (each aggregates or cuts its rows in SQL), whatever the data size."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import TodoItem
from pilote.hr.queries import interviews as queries

AHEAD = dt.timedelta(days=60)
DECIDABLE = 10  # expense reports listed to decide on (the list page has them all)
PERSON_FIELDS = ("pk", "first_names", "last_name", "entry_date")  # what an item names and its dates are counted from


def todo_items(user) -> list[TodoItem]:
    today = timezone.localdate()
    items = []
    people = queries.for_user(user, today).only(*PERSON_FIELDS)
    file_opened = user.can("hr.view")  # the person's file, else the calendar
    for row in queries.due_rows(today, people):
        for due, what in ((row.review, "l'état des lieux récapitulatif"), (row.interview, "l'entretien professionnel")):
            if due.due <= today + AHEAD:
                prefix = "En retard — tenir" if due.late(today) else "Tenir"
                url = reverse("hr:employee-detail", args=[row.employee.pk]) if file_opened else reverse("hr:calendar")
                items.append(TodoItem(f"{prefix} {what} de {row.employee.full_name}", url, due.due, "Personnel"))
                break  # the review is held in the interview: one item a person
    return (
        items
        + cse_items(user, today)
        + contract_items(user, today)
        + expense_items(user)
        + checklist_items(user, today)
        + leave_information_items(user, today)
    )


def contract_items(user, today: dt.date) -> list[TodoItem]:
    """Trial periods and fixed terms ending within 30 days (a CDD up to a week after), for rh and direction."""
    if not user.can("hr.view"):
        return []
    from pilote.hr.services.contracts import ending_soon

    items = []
    for what, day, contract in ending_soon(today):
        label = "Fin de la période d'essai" if what == "trial" else f"Fin du {contract.get_kind_display()}"
        url = reverse("hr:employee-detail", args=[contract.employee_id])
        items.append(TodoItem(f"{label} de {contract.employee.full_name}", url, day, "Personnel"))
    return items


def cse_items(user, today: dt.date) -> list[TodoItem]:
    """The steps of an election in preparation due within 30 days, and a renewal when the mandates end within
    six months, for rh and direction. One query (the elections are a handful: one every four years)."""
    if not user.can("hr.view"):
        return []
    from pilote.hr.models import CseElection, CseElectionStatus
    from pilote.hr.queries import cse as cse_queries

    wanted = Q(status=CseElectionStatus.PREPARATION) | Q(proclaimed_on__isnull=False)
    elections = list(CseElection.objects.filter(wanted).order_by("-first_round_on", "-id"))
    items = []
    for election in [e for e in elections if e.status == CseElectionStatus.PREPARATION][:1]:
        url = reverse("hr:cse-election", args=[election.pk])
        for step in cse_queries.calendar(election, today):
            if not step.done and step.due <= today + dt.timedelta(days=30):
                items.append(TodoItem(f"CSE — {step.label}", url, step.due, "Personnel"))
    for election in cse_queries.due_elections(today, elections):
        items.append(TodoItem("CSE — préparer le renouvellement des élus (mandats de 4 ans)", reverse("hr:cse"),
                              cse_queries.mandate_end(election), "Personnel"))  # fmt: skip
    return items


def expense_items(user) -> list[TodoItem]:
    """Expense reports waiting for the user's decision (their team's, or everyone's for rh and direction), and for
    the accountant those to post and to pay back. At most two queries (one ROW_NUMBER() query for both cost the
    compiler twice the Python)."""
    from pilote.hr.models import ExpenseReport, ExpenseStatus
    from pilote.hr.queries import expenses as queries

    waiting = queries.decidable(user).only("pk", "number", "submitted_at", "employee__first_names",
                                           "employee__last_name")  # fmt: skip
    items = [
        TodoItem(f"Valider la note de frais {r.number} de {r.employee.full_name}",
                 reverse("hr:expense-detail", args=[r.pk]), timezone.localtime(r.submitted_at).date(), "Personnel")
        for r in waiting[:DECIDABLE]
    ]  # fmt: skip
    if user.can("hr.expenses.post"):
        steps = ((ExpenseStatus.APPROVED, "à comptabiliser"), (ExpenseStatus.POSTED, "à rembourser"))
        counts = ExpenseReport.objects.aggregate(**{s: Count("pk", filter=Q(status=s)) for s, _ in steps})
        for status, what in steps:
            count = counts[status]
            if count:
                url = f"{reverse('hr:expense-list')}?statut={status}"
                items.append(TodoItem(f"Notes de frais {what} : {count}", url, None, "Personnel"))
    return items


def checklist_items(user, today: dt.date) -> list[TodoItem]:
    """Arrival and departure steps open and due within 14 days (or late), one line per person and checklist, for rh
    and direction. One query."""
    if not user.can("hr.view"):
        return []
    from pilote.hr.models import ChecklistItem

    groups: dict[tuple[int, str], list] = {}
    rows = ChecklistItem.objects.filter(done_on__isnull=True, due_on__lte=today + dt.timedelta(days=14))
    rows = rows.select_related("employee").only("employee_id", "kind", "due_on", "employee__first_names",
                                                "employee__last_name")  # fmt: skip
    for item in rows.order_by("due_on"):
        groups.setdefault((item.employee_id, item.kind), []).append(item)
    items = []
    for (pk, kind), steps in groups.items():
        what = "Parcours d'arrivée" if kind == "arrivee" else "Parcours de départ"
        label = f"{what} de {steps[0].employee.full_name} : {len(steps)} étape(s) à faire"
        items.append(
            TodoItem(label, reverse("hr:employee-detail", args=[pk]) + "#parcours", steps[0].due_on, "Personnel")
        )
    return items


def leave_information_items(user, today: dt.date) -> list[TodoItem]:
    """Employees back from a sickness or work accident whose paid-leave information is not given yet (due within the
    month after the return, L3141-19-3), for rh and direction. Two queries."""
    if not user.can("hr.view"):
        return []
    from pilote.hr.queries.absences import information_pending

    return [
        TodoItem(f"Informer {absence.employee.full_name} de ses congés payés (retour le {back:%d/%m/%Y})",
                 reverse("hr:absence-detail", args=[absence.pk]) + "#information-retour", due, "Personnel")
        for absence, back, due in information_pending(today)
    ]  # fmt: skip
