"""GDPR for an employee (rh and direction): the export of their whole file, at their request, and its
anonymisation once the legal keeping periods have run (hr.personal_data; rules in core.personal_data)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from pilote.core import personal_data
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.hr.models import Employee
from pilote.lib.dates import local_today

CONFIRMATION = "ANONYMISER"


@require_GET
@require_perm("hr.edit")
def archive(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    data = personal_data.export_archive(
        actor=request.user, subject_kind="employee", subject=employee, label=employee.full_name
    )
    response = HttpResponse(data, content_type="application/zip")
    name = slugify(employee.full_name) or f"salarie-{employee.pk}"
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{name}.zip"'
    return response


@require_POST
@require_perm("hr.edit")
def anonymise(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    if request.POST.get("confirmation", "").strip().upper() != CONFIRMATION:
        messages.error(request, f"Tapez {CONFIRMATION} pour confirmer l'anonymisation : elle est définitive.")
        return redirect("hr:employee-detail", pk=pk)
    try:
        personal_data.anonymise(actor=request.user, subject_kind="employee", subject=employee, today=local_today())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Le dossier est anonymisé, ainsi que le journal d'audit qui le concerne.")
    return redirect("hr:employee-detail", pk=pk)
