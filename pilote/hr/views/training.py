"""The training plan (rh and direction), an action's attendees and completion, attendees' evaluations (rh or the
attendee), and annual reviews recorded by rh and direction."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data
from pilote.hr.forms import (
    AnnualReviewForm,
    TrainingActionForm,
    TrainingCompleteForm,
    TrainingEvaluationForm,
    TrainingFilterForm,
)
from pilote.hr.models import Employee, TrainingAction, TrainingAttendance, TrainingStatus
from pilote.hr.queries import training as queries
from pilote.hr.services import training as services
from pilote.lib.dates import local_today


def _filtered(request):
    form = TrainingFilterForm(request.GET or None)
    data = filter_data(form)
    year = data.get("annee") or local_today().year
    return form, year, queries.plan(data, year)


@require_perm("hr.view")
def training_list(request):
    form, year, actions = _filtered(request)
    return render(request, "hr/training_list.html",
                  {"form": form, "year": year, "actions": actions[:300], "totals": queries.totals(year)})  # fmt: skip


@require_perm("hr.view")
def training_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, year, actions = _filtered(request)
    return export_response(actions.iterator(chunk_size=500), queries.EXPORT_COLUMNS, f"plan-de-formation-{year}",
                           fmt, title=f"Plan de formation {year}")  # fmt: skip


@require_perm("hr.edit")
def training_create(request):
    form = TrainingActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'action de formation est inscrite au plan.")
            return redirect("hr:training-detail", pk=action.pk)
    return render(request, "hr/training_form.html", {"form": form})


@require_perm("hr.view")
def training_detail(request, pk: int):
    action = get_object_or_404(TrainingAction, pk=pk)
    attendees = list(action.attendees.select_related("employee").order_by("employee__last_name"))
    complete = TrainingCompleteForm(action=action, initial={"attended": [a.employee_id for a in attendees]})
    enrol = TrainingActionForm().fields["employees"]
    context = {"action": action, "attendees": attendees, "complete_form": complete,
               "candidates": enrol.queryset.exclude(pk__in=[a.employee_id for a in attendees]),
               "planned": action.status == TrainingStatus.PLANNED}  # fmt: skip
    return render(request, "hr/training_detail.html", context)


def _done(request, pk: int, call, success: str):
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("hr:training-detail", pk=pk)


@require_POST
@require_perm("hr.edit")
def training_enrol(request, pk: int):
    action = get_object_or_404(TrainingAction, pk=pk)
    ids = [value for value in request.POST.getlist("employees") if value.isascii() and value.isdigit()]
    employees = list(Employee.objects.filter(pk__in=ids))
    return _done(request, pk, lambda: services.enrol(actor=request.user, action=action, employees=employees),
                 "Les stagiaires sont inscrits.")  # fmt: skip


@require_POST
@require_perm("hr.edit")
def training_complete(request, pk: int):
    action = get_object_or_404(TrainingAction, pk=pk)
    form = TrainingCompleteForm(request.POST, action=action)
    if not form.is_valid():
        messages.error(request, "Cochez les stagiaires présents.")
        return redirect("hr:training-detail", pk=pk)
    attended = [e.pk for e in form.cleaned_data["attended"]]
    return _done(request, pk, lambda: services.complete_action(actor=request.user, action=action, attended=attended,
                 evaluation=form.cleaned_data["evaluation"]), "La formation est réalisée.")  # fmt: skip


@require_POST
@require_perm("hr.edit")
def training_cancel(request, pk: int):
    action = get_object_or_404(TrainingAction, pk=pk)
    return _done(request, pk, lambda: services.cancel_action(actor=request.user, action=action),
                 "La formation est annulée.")  # fmt: skip


@require_POST
@require_perm("hr.self")
def training_evaluate(request, pk: int):
    attendance = get_object_or_404(TrainingAttendance.objects.select_related("employee", "action"), pk=pk)
    if not services.can_evaluate(request.user, attendance):
        raise Http404
    form = TrainingEvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une satisfaction de 1 à 5.")
    else:
        try:
            services.evaluate(actor=request.user, attendance=attendance, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Merci pour votre évaluation.")
    if attendance.employee.user_id == request.user.pk:
        return redirect("hr:me")
    return redirect("hr:training-detail", pk=attendance.action_id)


@require_perm("hr.edit")
def review_create(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    form = AnnualReviewForm(request.POST or None, initial={"held_on": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(actor=request.user, employee=employee, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'entretien annuel est enregistré.")
            return redirect("hr:employee-detail", pk=pk)
    return render(request, "hr/review_form.html", {"form": form, "employee": employee})
