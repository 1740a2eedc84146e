"""Leave: the employee's own balances and requests, the decisions of their manager or rh, the absences rh
records, and the team calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate
from pilote.core.pdf import pdf_response
from pilote.hr.forms import (
    AbsenceFilterForm,
    AbsenceForm,
    DecisionForm,
    LeaveInformationForm,
    LeaveRequestForm,
    MonthForm,
)
from pilote.hr.models import Absence, Employee
from pilote.hr.queries import absences as queries
from pilote.hr.services import absences as services


def _refused(form, exc) -> None:
    form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))


@require_perm("hr.self")
def my_leave(request):
    employee = Employee.objects.filter(user=request.user).first()
    form = LeaveRequestForm(request.POST or None)
    if request.method == "POST" and employee is not None and form.is_valid():
        try:
            services.request_leave(actor=request.user, employee=employee, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, "Votre demande est transmise à votre responsable.")
            return redirect("hr:leave-mine")
    context = {"employee": employee, "form": form}
    if employee is not None:
        periods = queries.balances(employee, timezone.localdate())
        context |= {
            "periods": periods,
            "available": queries.available(periods),
            "absences": employee.absences.order_by("-start", "-pk")[:50],
        }
    return render(request, "hr/my_leave.html", context)


@require_POST
@require_perm("hr.self")
def leave_cancel(request, pk: int):
    absence = get_object_or_404(Absence.objects.select_related("employee"), pk=pk)
    if absence.employee.user_id != request.user.pk and not request.user.can("hr.edit"):
        raise Http404
    try:
        services.cancel_leave(actor=request.user, absence=absence)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "L'absence est annulée.")
    return redirect("hr:leave-mine" if absence.employee.user_id == request.user.pk else "hr:absence-list")


@require_perm("hr.self")
def team_requests(request):
    waiting = list(queries.decidable(request.user)[:100])
    return render(request, "hr/team_requests.html", {"waiting": waiting, "form": DecisionForm()})


@require_POST
@require_perm("hr.self")
def leave_decide(request, pk: int):
    absence = get_object_or_404(Absence.objects.select_related("employee__manager"), pk=pk)
    if not services.can_decide(request.user, absence):
        raise Http404  # not a request this user may see
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "accepter"
        try:
            services.decide_leave(actor=request.user, absence=absence, approve=approve, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Demande de {absence.employee.full_name} {'acceptée' if approve else 'refusée'}."
            )
    else:
        messages.error(request, "Choisissez « Accepter » ou « Refuser ».")
    return redirect("hr:team-requests")


def _filtered(request):
    form = AbsenceFilterForm(request.GET or None)
    return form, queries.filter_absences(filter_data(form))


@require_perm("hr.view")
def absence_list(request):
    form, absences = _filtered(request)
    return render(request, "hr/absence_list.html", {"form": form, "page": paginate(request, absences)})


@require_perm("hr.view")
def absence_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, absences = _filtered(request)
    return export_response(absences.iterator(chunk_size=500), queries.EXPORT_COLUMNS, "absences", fmt, title="Absences")


@require_perm("hr.edit")
def absence_create(request):
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_absence(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, "L'absence est enregistrée.")
            return redirect("hr:absence-list")
    return render(request, "hr/absence_form.html", {"form": form})


@require_perm("hr.self")
def team_calendar(request):
    form = MonthForm(request.GET or None)
    month = (form.cleaned_data.get("mois") if form.is_valid() else None) or timezone.localdate().replace(day=1)
    data = queries.month_calendar(request.user, month, services.in_alsace_moselle())
    previous = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    context = {"form": form, "month": month, "previous": previous, "following": following, **data}
    return render(request, "hr/calendar.html", context)


def _absence(request, pk: int) -> Absence:
    return queries.read_absence(request.user, get_object_or_404(Absence, pk=pk).pk)


@require_perm("hr.view")
def absence_detail(request, pk: int):
    """An absence; after a sickness or work accident, the paid-leave information due on return (L3141-19-3)."""
    absence = _absence(request, pk)
    today = timezone.localdate()
    info = queries.return_information(absence, today)
    context = {"absence": absence, "info": info, "today": today}
    if info is not None and not info.given:
        context["prolonged"] = queries.continued_by(absence)
        context["form"] = LeaveInformationForm(initial={"given_on": max(today, info.back)})
    return render(request, "hr/absence_detail.html", context)


@require_POST
@require_perm("hr.edit")
def absence_information_given(request, pk: int):
    absence = get_object_or_404(Absence.objects.select_related("employee"), pk=pk)
    form = LeaveInformationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de remise de l'information (JJ/MM/AAAA).")
    else:
        try:
            given_on = form.cleaned_data["given_on"]
            services.record_leave_information(actor=request.user, absence=absence, given_on=given_on)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Information sur les congés payés remise à {absence.employee.full_name}.")
    return redirect("hr:absence-detail", pk=absence.pk)


@require_perm("hr.view")
def absence_information_pdf(request, pk: int):
    """The letter « Information sur vos congés payés » (portrait), as of the day given or today."""
    absence = _absence(request, pk)
    info = queries.return_information(absence, timezone.localdate())
    if info is None:
        raise Http404
    context = {"absence": absence, "employee": absence.employee, "info": info}
    name = f"Information-conges-payes-{absence.employee.last_name}-{info.back:%Y-%m-%d}.pdf"
    return pdf_response("hr/leave_information_pdf.html", context, name, request=request)
