"""Onboarding and exit checklists: opened when a person is hired (an entry within the last 30 days or to come) or
leaves, or by rh from the file; each step ticked or unticked, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr import checklists
from pilote.hr.models import ChecklistItem, Employee
from pilote.lib.dates import local_today


@transaction.atomic
def open_checklist(*, actor, employee: Employee, kind: str) -> int:
    """The steps of an arrival (from the entry date) or a departure (from the exit date) not opened yet."""
    if kind not in checklists.STEPS:
        raise DomainError("Ce parcours n'existe pas.")
    anchor = employee.entry_date if kind == checklists.ARRIVAL else employee.exit_date
    if anchor is None:
        raise DomainError("Inscrivez d'abord la sortie du salarié.")
    existing = set(employee.checklist.filter(kind=kind).values_list("code", flat=True))
    new = [ChecklistItem(employee=employee, kind=kind, position=i, code=step.code, label=step.label,
                         due_on=checklists.due(step, anchor))
           for i, step in enumerate(checklists.STEPS[kind]) if step.code not in existing]  # fmt: skip
    ChecklistItem.objects.bulk_create(new)
    if new:
        audit.record(actor, "hr.checklist.opened", employee, after={"kind": kind, "steps": len(new)})
    return len(new)


def open_on_hire(actor, employee: Employee) -> None:
    if employee.entry_date >= local_today() - dt.timedelta(days=30):
        open_checklist(actor=actor, employee=employee, kind=checklists.ARRIVAL)


@transaction.atomic
def tick(*, actor, item: ChecklistItem, done: bool) -> ChecklistItem:
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if done:
        item.done_on, item.done_by = local_today(), (actor.get_full_name() or actor.username)[:150]
    else:
        item.done_on, item.done_by = None, ""
    item.save(update_fields=["done_on", "done_by"])
    audit.record(actor, "hr.checklist.ticked" if done else "hr.checklist.unticked", item.employee,
                 after={"kind": item.kind, "step": item.code})  # fmt: skip
    return item
