"""Territorial needs studies' pages: the list (filters, sorts, exports), a new study, a study (its header, areas,
sources, indicators with their values per area and the analysis against the reference, findings), its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.pdf import pdf_file_response
from pilote.office import documents
from pilote.office.forms import (
    StudyAreaForm,
    StudyFilterForm,
    StudyFindingForm,
    StudyForm,
    StudyIndicatorForm,
    StudySourceForm,
    StudyValuesForm,
)
from pilote.office.models import NeedsStudy, StudyIndicator, StudyStatus
from pilote.office.queries import territory as queries
from pilote.office.services import territory as services


def _studies(request):
    form = StudyFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_studies(data), request.GET.get("tri", ""), queries.SORTS,
                               queries.DEFAULT_SORT)  # fmt: skip


@require_perm("office.meetings.view")
def study_list(request):
    form, studies = _studies(request)
    return render(request, "office/study_list.html", {"form": form, "page": paginate(request, studies)})


@require_perm("office.meetings.view")
def study_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, studies = _studies(request)
    return export_response(studies, queries.EXPORT_COLUMNS, "etudes-territoire", fmt,
                           title="Études des besoins du territoire")  # fmt: skip


def _save_study(request, form, study=None):
    try:
        if study is None:
            return services.create_study(actor=request.user, **form.cleaned_data)
        return services.update_study(actor=request.user, study=study, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


@require_perm("office.meetings.edit")
def study_create(request):
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (study := _save_study(request, form)):
        messages.success(request, "Étude créée : ajoutez ses zones, ses sources et ses indicateurs.")
        return redirect("office:study-detail", pk=study.pk)
    return render(request, "office/study_form.html", {"form": form})


@require_perm("office.meetings.edit")
def study_edit(request, pk: int):
    study = get_object_or_404(NeedsStudy, pk=pk)
    form = StudyForm(request.POST or None, instance=study)
    if request.method == "POST" and form.is_valid() and _save_study(request, form, study):
        messages.success(request, "Étude enregistrée.")
        return redirect("office:study-detail", pk=pk)
    return render(request, "office/study_form.html", {"form": form, "study": study})


@require_perm("office.meetings.view")
def study_detail(request, pk: int):
    study = get_object_or_404(NeedsStudy.objects.select_related("author"), pk=pk)
    parts = queries.study_parts(study)
    editable = request.user.can("office.meetings.edit") and study.status == StudyStatus.DRAFT
    context = {"study": study, "editable": editable, **parts}
    if editable:
        forms = {"area_form": StudyAreaForm, "source_form": StudySourceForm, "indicator_form": StudyIndicatorForm,
                 "finding_form": StudyFindingForm}  # fmt: skip
        context.update({key: form_class(study=study) for key, form_class in forms.items()})
    return render(request, "office/study_detail.html", context)


def _post(request, study, form, add, done: str):
    """The study page's forms: checked, the service called, the outcome as a message, back to the study."""
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            add(form)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    return redirect("office:study-detail", pk=study.pk)


def _part_view(form_class, service, done: str, name: str):
    """The view adding one part of a study (an area, a source, an indicator with its values, a finding): the form
    posted, the service called with the study and the form's data, the outcome as a message, back to the study."""

    @require_POST
    @require_perm("office.meetings.edit")
    def view(request, pk: int):
        study = get_object_or_404(NeedsStudy, pk=pk)
        form = form_class(request.POST, study=study)
        return _post(request, study, form, lambda f: service(actor=request.user, study=study, **f.service_data()),
                     done)  # fmt: skip

    view.__name__ = view.__qualname__ = name
    return view


study_area_add = _part_view(StudyAreaForm, services.add_area, "Zone ajoutée.", "study_area_add")
study_source_add = _part_view(StudySourceForm, services.add_source, "Source ajoutée.", "study_source_add")
study_indicator_add = _part_view(StudyIndicatorForm, services.add_indicator, "Indicateur ajouté.",
                                 "study_indicator_add")  # fmt: skip
study_finding_add = _part_view(StudyFindingForm, services.add_finding, "Constat ajouté.", "study_finding_add")


@require_POST
@require_perm("office.meetings.edit")
def study_values(request, pk: int):
    indicator = get_object_or_404(StudyIndicator.objects.select_related("study"), pk=pk)
    form = StudyValuesForm(request.POST, indicator=indicator, areas=indicator.study.areas.all())
    return _post(request, indicator.study, form,
                 lambda f: services.set_values(actor=request.user, indicator=indicator, values=f.area_values()),
                 f"Valeurs de « {indicator.label} » enregistrées.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def study_remove(request, pk: int):
    study = get_object_or_404(NeedsStudy, pk=pk)
    try:
        services.remove_part(actor=request.user, study=study, part=request.POST.get("element", ""),
                             pk=to_int(request.POST.get("id")) or 0)  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Élément retiré de l'étude.")
    return redirect("office:study-detail", pk=pk)


@require_POST
@require_perm("office.meetings.edit")
def study_status(request, pk: int):
    study = get_object_or_404(NeedsStudy, pk=pk)
    try:
        services.set_status(actor=request.user, study=study, status=request.POST.get("etat", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Étude validée." if study.status != StudyStatus.FINAL else "Étude rouverte.")
    return redirect("office:study-detail", pk=pk)


@require_perm("office.meetings.view")
def study_pdf(request, pk: int):
    study = get_object_or_404(NeedsStudy.objects.select_related("author"), pk=pk)
    return pdf_file_response(documents.study_pdf(study, request), documents.study_filename(study))
