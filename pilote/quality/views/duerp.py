from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.quality import documents
from pilote.quality.forms import (
    ActionPlanFilterForm,
    ActionStatusForm,
    HazardForm,
    PreventionActionForm,
    PublishForm,
    WorkUnitForm,
)
from pilote.quality.models import DuerpVersion, Hazard, PreventionAction, WorkUnit
from pilote.quality.queries import duerp as queries
from pilote.quality.services import duerp as services
from pilote.quality.services.risks import current_settings


def _error(form, exc) -> None:
    form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))


@require_perm("quality.duerp.view")
def duerp_home(request):
    today, latest = local_today(), services.latest_version()
    headcount = current_settings().headcount
    context = {
        "units": queries.working_document(today),
        "versions": queries.versions(),
        "latest": latest,
        "headcount": headcount,
        "yearly": headcount >= services.YEARLY_FROM,
        "next_due": services.next_update_due(headcount, latest),
        "today": today,
    }
    return render(request, "quality/duerp.html", context)


def _save(request, form, act):
    try:
        return act(form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _error(form, exc)
    return None


@require_perm("quality.duerp.edit")
def unit_create(request):
    form = WorkUnitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, lambda data: services.create_work_unit(actor=request.user, **data))
    ):
        messages.success(request, "L'unité de travail a été ajoutée.")
        return redirect("quality:duerp")
    return render(request, "quality/unit_form.html", {"form": form})


@require_perm("quality.duerp.edit")
def unit_edit(request, pk: int):
    unit = get_object_or_404(WorkUnit, pk=pk)
    form = WorkUnitForm(request.POST or None, instance=WorkUnit.objects.get(pk=pk))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, lambda data: services.update_work_unit(actor=request.user, unit=unit, **data))
    ):
        messages.success(request, "L'unité de travail a été enregistrée.")
        return redirect("quality:duerp")
    return render(request, "quality/unit_form.html", {"form": form, "unit": unit})


@require_perm("quality.duerp.edit")
def hazard_create(request, unit_pk: int):
    unit = get_object_or_404(WorkUnit, pk=unit_pk)
    form = HazardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hazard = _save(request, form, lambda data: services.add_hazard(actor=request.user, unit=unit, **data))
        if hazard:
            messages.success(request, "Le risque a été évalué.")
            return redirect("quality:hazard-edit", pk=hazard.pk)
    return render(request, "quality/hazard_form.html", {"form": form, "unit": unit})


def _hazard_page(request, hazard, form, action_form=None, status=200):
    today = local_today()
    actions = list(hazard.actions.select_related("owner").order_by("due_on", "pk"))
    for action in actions:
        action.late = action.is_open and action.due_on < today
    context = {
        "form": form, "unit": hazard.unit, "hazard": hazard, "actions": actions,
        "action_form": action_form or PreventionActionForm(),
        "status_choices": ActionStatusForm().fields["status"].choices,
    }  # fmt: skip
    return render(request, "quality/hazard_form.html", context, status=status)


@require_perm("quality.duerp.edit")
def hazard_edit(request, pk: int):
    hazard = get_object_or_404(Hazard.objects.select_related("unit"), pk=pk)
    form = HazardForm(request.POST or None, instance=Hazard.objects.get(pk=pk))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, lambda data: services.update_hazard(actor=request.user, hazard=hazard, **data))
    ):
        messages.success(request, "L'évaluation du risque a été enregistrée.")
        return redirect("quality:hazard-edit", pk=pk)
    return _hazard_page(request, hazard, form)


@require_POST
@require_perm("quality.duerp.edit")
def prevention_add(request, pk: int):
    hazard = get_object_or_404(Hazard.objects.select_related("unit"), pk=pk)
    form = PreventionActionForm(request.POST)
    if form.is_valid():
        data = {**form.cleaned_data, "cost": form.cleaned_data.get("cost") or 0}
        if _save(request, form, lambda _: services.add_prevention_action(actor=request.user, hazard=hazard, **data)):
            messages.success(request, "L'action de prévention a été ajoutée au plan d'actions.")
            return redirect("quality:hazard-edit", pk=pk)
    return _hazard_page(request, hazard, HazardForm(instance=hazard), action_form=form, status=400)


@require_POST
@require_perm("quality.duerp.edit")
def prevention_status(request, pk: int):
    action = get_object_or_404(PreventionAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_prevention_status(actor=request.user, action=action, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, "L'action de prévention a été mise à jour.")
    else:
        messages.error(request, "État ou date invalide : rien n'a été modifié.")
    return redirect("quality:hazard-edit", pk=action.hazard_id)


def _plan(request):
    form = ActionPlanFilterForm(request.GET or None)
    data = filter_data(form)
    actions = queries.filter_actions(data, local_today())
    return form, sort_queryset(actions, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)


@require_perm("quality.duerp.view")
def action_plan(request):
    form, actions = _plan(request)
    page = paginate(request, queries.with_relations(actions))
    today = local_today()
    for action in page.object_list:
        action.late = action.is_open and action.due_on < today
    context = {"form": form, "page": page, "total": queries.plan_total(actions)}
    return render(request, "quality/action_plan.html", context)


@require_perm("quality.duerp.view")
def action_plan_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, actions = _plan(request)
    return export_response(queries.export_rows(actions), queries.EXPORT_COLUMNS, "plan-actions-prevention", fmt,
                           title="Plan d'actions de prévention")  # fmt: skip


@require_perm("quality.duerp.publish")
def publish(request):
    form = PublishForm(request.POST or None)
    latest = services.latest_version()
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_duerp(actor=request.user, note=form.cleaned_data["note"])
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
        else:
            messages.success(request, f"La version {version.number} du DUERP est validée et conservée.")
            return redirect("quality:duerp-version", pk=version.pk)
    content = services.document_content(current_settings().headcount)
    changes = services.changes_between(latest.content if latest else None, content)
    return render(request, "quality/duerp_publish.html", {"form": form, "latest": latest, "changes": changes})


def _version(pk: int) -> DuerpVersion:
    try:
        return DuerpVersion.objects.select_related("published_by").get(pk=pk)
    except DuerpVersion.DoesNotExist as exc:
        raise Http404 from exc


@require_perm("quality.duerp.view")
def version_detail(request, pk: int):
    version = _version(pk)
    context = {"version": version, "units": queries.version_units(version)}
    return render(request, "quality/duerp_version.html", context)


@require_perm("quality.duerp.view")
def version_pdf(request, pk: int):
    version = _version(pk)
    return pdf_file_response(documents.version_pdf(version, request), documents.filename(version))
