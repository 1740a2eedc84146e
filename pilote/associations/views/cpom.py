"""CPOM and activity of a social establishment: the CPOM list (filters, sorts, exports), a CPOM's page for a year
(objectives against targets, means against the books, with their variance), its yearly activity report (PDF), and
the monthly activity of each service (list, exports, entry)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.associations import forms
from pilote.associations.access import for_associations
from pilote.associations.models import Cpom, CpomDeadline, CpomMeans, CpomObjective
from pilote.associations.queries import cpom as queries
from pilote.associations.services import cpom as services
from pilote.associations.views.common import act_then_return, confirm_then_return
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.pdf import pdf_response
from pilote.lib.dates import local_today


def _cpoms(request):
    form = forms.CpomFilterForm(request.GET or None)
    data = filter_data(form)
    rows = sort_queryset(queries.filter_cpoms(data), request.GET.get("tri", ""), queries.CPOM_SORTS,
                         queries.CPOM_DEFAULT_SORT)  # fmt: skip
    return form, rows.prefetch_related("funders")


@require_perm("associations.view")
@for_associations
def cpom_list(request):
    form, rows = _cpoms(request)
    return render(request, "associations/cpom_list.html", {"form": form, "page": paginate(request, rows)})


@require_perm("associations.view")
@for_associations
def cpom_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, rows = _cpoms(request)
    return export_response(rows, queries.CPOM_COLUMNS, "cpom", fmt, title="CPOM")


@require_perm("associations.edit")
@for_associations
def cpom_create(request):
    today = local_today()
    form = forms.CpomForm(request.POST or None, initial={"start_year": today.year, "end_year": today.year + 4})
    if request.method == "POST" and form.is_valid():
        try:
            cpom = services.create_cpom(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le CPOM est créé : ajoutez ses objectifs et ses moyens.")
            return redirect("associations:cpom-detail", pk=cpom.pk)
    return render(request, "associations/volunteer_form.html", {"form": form, "title": "Nouveau CPOM",
                                                                 "back": "associations:cpom-list"})  # fmt: skip


def _year(request, cpom: Cpom) -> int:
    today = local_today().year
    default = min(max(today, cpom.start_year), cpom.end_year)
    year = to_int(request.GET.get("annee"), minimum=cpom.start_year, maximum=cpom.end_year)
    return year if year is not None else default


def _context(request, cpom: Cpom) -> dict:
    year = _year(request, cpom)
    return {
        "cpom": cpom,
        "year": year,
        "funders": list(cpom.funders.all()),
        **queries.follow_up(cpom, year, local_today()),
    }


@require_perm("associations.view")
@for_associations
def cpom_detail(request, pk: int):
    cpom = get_object_or_404(Cpom, pk=pk)
    context = _context(request, cpom)
    year = context["year"]
    context |= {"objective_form": forms.ObjectiveForm(), "target_form": forms.TargetForm(initial={"year": year}),
                "means_form": forms.MeansForm(initial={"year": year}),
                "deadline_form": forms.CpomDeadlineForm(initial={"year": year}),
                "deadlines": list(cpom.deadlines.all()), "means_lines": list(cpom.means.filter(year=year)),
                "reported": year in services.reported_years(cpom), "this_year": local_today().year}  # fmt: skip
    return render(request, "associations/cpom_detail.html", context)


@require_perm("associations.view")
@for_associations
def cpom_report_pdf(request, pk: int):
    cpom = get_object_or_404(Cpom, pk=pk)
    context = _context(request, cpom) | {"structure": request.structure}
    context["months"] = list(queries.filter_activity({"annee": context["year"]}).order_by("service", "month"))
    return pdf_response("associations/cpom_report_pdf.html", context,
                        f"rapport-activite-{context['year']}.pdf")  # fmt: skip


def _back(cpom_pk: int, year) -> str:
    url = reverse("associations:cpom-detail", args=[cpom_pk])
    return url + f"?annee={year}" if year is not None else url


def _act(request, cpom_pk: int, form_class, action, success: str):
    cpom = get_object_or_404(Cpom, pk=cpom_pk)
    return act_then_return(request, form_class, lambda data: action(cpom, data), success,
                           _back(cpom.pk, to_int(request.POST.get("year", ""))))  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def objective_add(request, pk: int):
    return _act(request, pk, forms.ObjectiveForm,
                lambda c, d: services.add_objective(actor=request.user, cpom=c, **d), "Objectif ajouté.")  # fmt: skip


@require_perm("associations.edit")
@for_associations
def objective_edit(request, pk: int):
    objective = get_object_or_404(CpomObjective.objects.select_related("cpom"), pk=pk)
    fields = ("title", "indicator", "unit", "higher_is_better", "source", "service")
    form = forms.ObjectiveForm(request.POST or None, initial={name: getattr(objective, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_objective(actor=request.user, objective=objective, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Objectif modifié.")
            return redirect("associations:cpom-detail", pk=objective.cpom_id)
    return render(request, "associations/volunteer_form.html", {
        "form": form, "title": f"Modifier l'objectif {objective.position} — {objective.cpom.title}",
        "back_url": reverse("associations:cpom-detail", args=[objective.cpom_id]),
    })  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def objective_delete(request, pk: int):
    objective = get_object_or_404(CpomObjective, pk=pk)
    return confirm_then_return(request, lambda: services.delete_objective(actor=request.user, objective=objective),
                               f"L'objectif « {objective.title} » est supprimé.",
                               _back(objective.cpom_id, None))  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def target_set(request, pk: int):
    objective = get_object_or_404(CpomObjective, pk=pk)
    return _act(request, objective.cpom_id, forms.TargetForm,
                lambda c, d: services.set_target(actor=request.user, objective=objective, **d),
                "Cible enregistrée.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def means_set(request, pk: int):
    return _act(request, pk, forms.MeansForm,
                lambda c, d: services.set_means(actor=request.user, cpom=c, **d), "Moyens enregistrés.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def means_delete(request, pk: int):
    means = get_object_or_404(CpomMeans.objects.select_related("cpom"), pk=pk)
    return confirm_then_return(request, lambda: services.delete_means(actor=request.user, means=means),
                               f"Les moyens {means.accounts} de {means.year} sont retirés.",
                               _back(means.cpom_id, means.year))  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def deadline_add(request, pk: int):
    return _act(request, pk, forms.CpomDeadlineForm,
                lambda c, d: services.add_deadline(actor=request.user, cpom=c, **d), "Échéance ajoutée.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def deadline_done(request, pk: int):
    deadline = get_object_or_404(CpomDeadline, pk=pk)
    return confirm_then_return(request, lambda: services.complete_deadline(actor=request.user, deadline=deadline,
                                                                           done_on=local_today()),
                               f"« {deadline.label} » : fait.", _back(deadline.cpom_id, deadline.year))  # fmt: skip


def _activity(request):
    form = forms.ActivityFilterForm(request.GET or None)
    data = filter_data(form)
    rows = sort_queryset(queries.filter_activity(data), request.GET.get("tri", ""), queries.ACTIVITY_SORTS,
                         queries.ACTIVITY_DEFAULT_SORT)  # fmt: skip
    return form, rows


@require_perm("associations.view")
@for_associations
def activity_list(request):
    form, rows = _activity(request)
    page = paginate(request, rows)
    for row in page:
        row.occupancy = queries.occupancy(row)
    return render(request, "associations/activity_list.html",
                  {"form": form, "page": page, "services": queries.services()})  # fmt: skip


@require_perm("associations.view")
@for_associations
def activity_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, rows = _activity(request)
    return export_response(rows.iterator(chunk_size=500), queries.ACTIVITY_COLUMNS, "activite-mensuelle", fmt,
                           title="Activité mensuelle")  # fmt: skip


@require_perm("associations.edit")
@for_associations
def activity_record(request):
    form = forms.ActivityMonthForm(request.POST or None, initial={"month": local_today().replace(day=1)})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_activity(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Activité {row.service} de {row.month:%m/%Y} enregistrée.")
            return redirect("associations:activity-list")
    return render(request, "associations/volunteer_form.html", {"form": form, "title": "Saisir l'activité d'un mois",
                                                                 "back": "associations:activity-list"})  # fmt: skip
