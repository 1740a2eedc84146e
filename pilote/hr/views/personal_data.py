"""GDPR for an employee (rh and direction): the export of their whole file, at their request, and its
anonymisation once the legal keeping periods have run (hr.personal_data; rules and page actions in
core.personal_data)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from pilote.core import personal_data
from pilote.core.access import require_perm
from pilote.hr import personal_data as employee_data
from pilote.hr.models import Employee


@require_GET
@require_perm("hr.edit")
def archive(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    return personal_data.archive_response(
        request, subject_kind="employee", subject=employee, label=employee.full_name, fallback=f"salarie-{pk}"
    )


@require_POST
@require_perm("hr.edit")
def anonymise(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    personal_data.anonymise_from_request(
        request, subject_kind="employee", subject=employee,
        done=employee_data.ANONYMISED_MESSAGE,
    )  # fmt: skip
    return redirect("hr:employee-detail", pk=pk)
