"""Onboarding and exit checklists on the file: a checklist opened, a step ticked or unticked (rh and direction)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.hr.models import ChecklistItem, Employee
from pilote.hr.services import checklists as services


@require_POST
@require_perm("hr.edit")
def checklist_open(request, pk: int, kind: str):
    employee = get_object_or_404(Employee, pk=pk)
    try:
        services.open_checklist(actor=request.user, employee=employee, kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hr:employee-detail", pk=pk)


@require_POST
@require_perm("hr.edit")
def checklist_tick(request, pk: int):
    item = get_object_or_404(ChecklistItem.objects.select_related("employee"), pk=pk)
    services.tick(actor=request.user, item=item, done=request.POST.get("done") == "1")
    return redirect(reverse("hr:employee-detail", args=[item.employee_id]) + "#parcours")
