"""The schedule: a week's grid (rh and direction everyone, a manager their team, anyone else themselves) with the
hours, overtime and legal alerts; shifts planned, removed, a week recopied; the year's overtime against the quota."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response
from pilote.hr import worktime
from pilote.hr.forms import ShiftForm, WeekForm, YearForm
from pilote.hr.models import WorkShift
from pilote.hr.queries import worktime as queries
from pilote.hr.services import worktime as services
from pilote.lib.dates import local_today


def _week(request) -> tuple[WeekForm, dt.date, object]:
    form = WeekForm(request.GET or None, initial={"semaine": f"{local_today():%G-W%V}"})
    data = form.cleaned_data if form.is_valid() else {}
    return form, worktime.monday(data.get("semaine") or local_today()), data.get("equipe")


def _back(monday: dt.date) -> str:
    return f"{reverse('hr:planning')}?semaine={monday:%G-W%V}"


@require_perm("hr.self")
def planning(request):
    form, monday, team = _week(request)
    rows = queries.week_grid(request.user, monday, team)
    plannable = [row.employee for row in rows if row.can_plan]
    shift_form = ShiftForm(request.POST or None, employees=plannable, initial={"day": monday, "break_minutes": 60})
    if request.method == "POST" and shift_form.is_valid():
        try:
            services.plan_shift(actor=request.user, **shift_form.cleaned_data)
        except DomainError as exc:
            shift_form.add_error(None, exc.message)
        else:
            messages.success(request, "La plage de travail est planifiée.")
            return redirect(_back(worktime.monday(shift_form.cleaned_data["day"])))
    days = [(name, monday + dt.timedelta(days=i)) for i, name in enumerate(queries.DAYS)]
    context = {"form": form, "rows": rows, "days": days, "monday": monday, "shift_form": shift_form,
               "previous": monday - dt.timedelta(days=7), "following": monday + dt.timedelta(days=7),
               "label": worktime.week_label(monday), "plannable": plannable, "this_week": f"{monday:%G-W%V}",
               "previous_week": f"{monday - dt.timedelta(days=7):%G-W%V}",
               "following_week": f"{monday + dt.timedelta(days=7):%G-W%V}",
               "alerts": sum(len(row.alerts) for row in rows)}  # fmt: skip
    return render(request, "hr/planning.html", context)


@require_POST
@require_perm("hr.self")
def shift_remove(request, pk: int):
    shift = get_object_or_404(WorkShift.objects.select_related("employee__manager"), pk=pk)
    if not services.can_plan(request.user, shift.employee):
        raise Http404
    services.remove_shift(actor=request.user, shift=shift)
    messages.success(request, "La plage est retirée du planning.")
    return redirect(_back(worktime.monday(shift.day)))


@require_POST
@require_perm("hr.self")
def week_copy(request):
    form, monday, team = _week(request)
    try:
        count = services.copy_week(actor=request.user, employees=queries.plannable(request.user, monday, team),
                                   source=monday - dt.timedelta(days=7), target=monday)  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{count} plage(s) recopiée(s) de la semaine précédente.")
    return redirect(_back(monday))


def _year(request) -> int:
    form = YearForm(request.GET or None)
    return (form.cleaned_data.get("annee") if form.is_valid() else None) or local_today().year


@require_perm("hr.view")
def overtime_year(request):
    year = _year(request)
    rows = queries.year_overtime(year, services.quota())
    return render(request, "hr/overtime.html", {"rows": rows, "year": year, "quota": services.quota(),
                                                "form": YearForm(initial={"annee": year})})  # fmt: skip


@require_perm("hr.view")
def overtime_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    year = _year(request)
    return export_response(queries.year_overtime(year, services.quota()), queries.YEAR_COLUMNS,
                           f"heures-supplementaires-{year}", fmt, title=f"Heures supplémentaires {year}")  # fmt: skip
