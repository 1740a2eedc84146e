"""Professional interviews: who is due (rh and direction), and the record of one held."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response
from pilote.hr.forms import InterviewForm
from pilote.hr.models import Employee
from pilote.hr.queries import interviews as queries
from pilote.hr.services import interviews as services


@require_perm("hr.view")
def interview_list(request):
    today = timezone.localdate()
    rows = sorted(queries.due_rows(today), key=lambda r: (min(r.interview.due, r.review.due), r.employee.pk))
    headcount = len(rows)
    context = {"rows": rows, "today": today, "rule": queries.rule(), "headcount": headcount,
               "penalty": headcount >= queries.PENALTY_HEADCOUNT}  # fmt: skip
    return render(request, "hr/interview_list.html", context)


@require_perm("hr.view")
def interview_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    rows = queries.due_rows(timezone.localdate())
    return export_response(rows, queries.EXPORT_COLUMNS, "entretiens-professionnels", fmt,
                           title="Entretiens professionnels", subtitle=queries.rule().label)  # fmt: skip


@require_perm("hr.edit")
def interview_create(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    followed = services.training_followed_since_review(employee)
    form = InterviewForm(request.POST or None, initial={"held_on": timezone.localdate(), "training_followed": followed})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_interview(actor=request.user, employee=employee, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'entretien est enregistré.")
            return redirect("hr:employee-detail", pk=pk)
    return render(request, "hr/interview_form.html", {"form": form, "employee": employee})
