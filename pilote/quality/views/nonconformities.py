from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.lib.dates import local_today
from pilote.quality.forms import (
    ActionStatusForm,
    AnalysisForm,
    CapaForm,
    EffectivenessForm,
    NcFilterForm,
    NonConformityForm,
)
from pilote.quality.models import CapaAction, NonConformity
from pilote.quality.queries import nonconformities as queries
from pilote.quality.services import nonconformities as services


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = NcFilterForm(request.GET or None)
    data = filter_data(form)
    ncs = sort_queryset(queries.filter_ncs(data), request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, ncs


@require_perm("quality.nc.view")
def nc_list(request):
    form, ncs = _filtered(request)
    page = paginate(request, queries.with_list_relations(ncs))
    return render(request, "quality/nc_list.html", {"form": form, "page": page})


@require_perm("quality.nc.view")
def nc_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, ncs = _filtered(request)
    return export_response(queries.export_rows(ncs), queries.EXPORT_COLUMNS, "non-conformites", fmt,
                           title="Non-conformités")  # fmt: skip


@require_perm("quality.nc.edit")
def nc_create(request):
    form = NonConformityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nc = services.open_nonconformity(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"La non-conformité {nc.reference} est ouverte.")
            return redirect("quality:nc-detail", pk=nc.pk)
    return render(request, "quality/nc_form.html", {"form": form})


@require_perm("quality.nc.edit")
def nc_from_complaint(request, complaint_pk: int):
    from pilote.complaints.models import Complaint

    complaint = get_object_or_404(Complaint, pk=complaint_pk)
    form = NonConformityForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            nc = services.from_complaint(actor=request.user, complaint=complaint, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"La non-conformité {nc.reference} est ouverte depuis {complaint.reference}.")
            return redirect("quality:nc-detail", pk=nc.pk)
    return render(request, "quality/nc_form.html", {"form": form, "complaint": complaint})


def _get(pk: int) -> NonConformity:
    try:
        return queries.nc_detail(pk)
    except NonConformity.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, nc, status: int = 200, **forms):
    context = {
        "nc": nc,
        "actions": queries.nc_actions(nc, local_today()),
        "analysis_form": forms.get("analysis_form") or AnalysisForm.for_nc(nc),
        "capa_form": forms.get("capa_form") or CapaForm(),
        "check_form": forms.get("check_form") or EffectivenessForm(),
        "status_choices": ActionStatusForm().fields["status"].choices,
        "error": forms.get("error", ""),
    }
    return render(request, "quality/nc_detail.html", context, status=status)


@require_perm("quality.nc.view")
def nc_detail(request, pk: int):
    return _detail(request, _get(pk))


def _act(request, pk, form, key, act, done):
    nc = _get(pk)
    if form.is_valid():
        try:
            act(nc, form)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, done)
            return redirect("quality:nc-detail", pk=pk)
    return _detail(request, nc, status=400, **{key: form})


@require_POST
@require_perm("quality.nc.edit")
def nc_analysis(request, pk: int):
    def act(nc, form):
        data = form.cleaned_data
        services.record_analysis(actor=request.user, nc=nc, root_cause=data["root_cause"], whys=form.whys(),
                                 ishikawa=data["ishikawa"], immediate_action=data["immediate_action"],
                                 expected_version=data.get("version"))  # fmt: skip

    return _act(request, pk, AnalysisForm(request.POST), "analysis_form", act, "L'analyse est enregistrée.")


@require_POST
@require_perm("quality.nc.edit")
def capa_add(request, pk: int):
    def act(nc, form):
        services.add_capa(actor=request.user, nc=nc, **form.cleaned_data)

    return _act(request, pk, CapaForm(request.POST), "capa_form", act, "L'action a été ajoutée.")


@require_POST
@require_perm("quality.nc.close")
def nc_check(request, pk: int):
    def act(nc, form):
        data = form.cleaned_data
        services.check_effectiveness(actor=request.user, nc=nc, effective=data["effective"], comment=data["comment"])

    return _act(request, pk, EffectivenessForm(request.POST), "check_form", act, "La vérification est enregistrée.")


@require_POST
@require_perm("quality.nc.edit")
def nc_step(request, pk: int):
    """Move the loop on: to the actions (Do), or to the effectiveness check (Check)."""
    nc = _get(pk)
    step = {"actions": services.start_actions, "verification": services.request_check}.get(request.POST.get("etape"))
    if step is None:
        messages.error(request, "Étape inconnue : rien n'a été modifié.")
        return redirect("quality:nc-detail", pk=pk)
    try:
        step(actor=request.user, nc=nc)
    except (DomainError, ValidationError) as exc:
        return _detail(request, nc, status=409, error=_message(exc))
    messages.success(request, "La non-conformité passe à l'étape suivante.")
    return redirect("quality:nc-detail", pk=pk)


@require_POST
@require_perm("quality.nc.edit")
def capa_status(request, pk: int):
    action = get_object_or_404(CapaAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_capa_status(actor=request.user, action=action, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, "L'action a été mise à jour.")
    else:
        messages.error(request, "État ou date invalide : rien n'a été modifié.")
    return redirect("quality:nc-detail", pk=action.nonconformity_id)
