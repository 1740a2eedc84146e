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
from pilote.quality import scoring
from pilote.quality.forms import (
    ActionForm,
    ActionStatusForm,
    ReviewForm,
    RiskFilterForm,
    RiskForm,
    RiskStatusForm,
    SettingsForm,
)
from pilote.quality.models import Risk, RiskAction
from pilote.quality.queries import risks as queries
from pilote.quality.services import risks as services


def _error(form, exc) -> None:
    form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))


def _filtered(request, scale: int):
    form = RiskFilterForm(request.GET or None)
    data = filter_data(form)
    risks = queries.filter_risks(data, scale)
    return form, sort_queryset(risks, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)


@require_perm("quality.risks.view")
def risk_list(request):
    scale = services.current_settings().risk_scale
    form, risks = _filtered(request, scale)
    page = paginate(request, queries.with_list_relations(risks))
    page.object_list = queries.decorate(page.object_list, scale, local_today())
    context = {"form": form, "page": page, "scale": scale}
    if request.headers.get("HX-Request") == "true":
        return render(request, "quality/_risk_results.html", context)
    return render(request, "quality/risk_list.html", context)


@require_perm("quality.risks.view")
def risk_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    scale = services.current_settings().risk_scale
    _, risks = _filtered(request, scale)
    columns = queries.export_columns(scale)
    return export_response(queries.export_rows(risks), columns, "registre-risques", fmt, title="Registre des risques")


@require_perm("quality.risks.view")
def heatmap(request):
    scale = services.current_settings().risk_scale
    form, risks = _filtered(request, scale)
    before, after = queries.heat_maps(risks, scale)
    legend = [(name, scoring.LEVEL_LABELS[name]) for name in scoring.LEVELS]
    context = {"form": form, "before": before, "after": after, "legend": legend, "count": risks.count()}
    return render(request, "quality/heatmap.html", context)


def _save_risk(request, form, risk=None):
    try:
        if risk is None:
            return services.create_risk(actor=request.user, **form.service_fields())
        return services.update_risk(
            actor=request.user, risk=risk, expected_version=form.cleaned_data.get("version"), **form.service_fields()
        )
    except (DomainError, ValidationError) as exc:
        _error(form, exc)
    return None


@require_perm("quality.risks.edit")
def risk_create(request):
    scale = services.current_settings().risk_scale
    form = RiskForm(request.POST or None, scale=scale)
    if request.method == "POST" and form.is_valid() and (risk := _save_risk(request, form)):
        messages.success(request, f"Le risque {risk.reference} a été enregistré.")
        return redirect("quality:risk-detail", pk=risk.pk)
    return render(request, "quality/risk_form.html", {"form": form})


@require_perm("quality.risks.edit")
def risk_edit(request, pk: int):
    risk = get_object_or_404(Risk, pk=pk)
    scale = services.current_settings().risk_scale
    form = RiskForm(request.POST or None, instance=Risk.objects.get(pk=pk), scale=scale)
    if request.method == "POST" and form.is_valid() and _save_risk(request, form, risk):
        messages.success(request, "Le risque a été enregistré.")
        return redirect("quality:risk-detail", pk=pk)
    return render(request, "quality/risk_form.html", {"form": form, "risk": risk})


def _detail(request, risk: Risk, status: int = 200, **forms):
    today, scale = local_today(), services.current_settings().risk_scale
    risk = queries.decorate([risk], scale, today)[0]
    context = {
        "risk": risk,
        "actions": queries.risk_actions(risk, today),
        "action_form": forms.get("action_form") or ActionForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "status_form": RiskStatusForm(),
        "action_status_choices": ActionStatusForm().fields["status"].choices,
        "error": forms.get("error", ""),
    }
    return render(request, "quality/risk_detail.html", context, status=status)


def _get(pk: int) -> Risk:
    try:
        return queries.risk_detail(pk)
    except Risk.DoesNotExist as exc:
        raise Http404 from exc


@require_perm("quality.risks.view")
def risk_detail(request, pk: int):
    return _detail(request, _get(pk))


def _act(request, pk: int, form, key: str, act, done: str):
    risk = _get(pk)
    if form.is_valid():
        try:
            act(risk, form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
        else:
            messages.success(request, done)
            return redirect("quality:risk-detail", pk=pk)
    return _detail(request, risk, status=400, **{key: form})


@require_POST
@require_perm("quality.risks.edit")
def action_add(request, pk: int):
    def act(risk, data):
        services.add_action(actor=request.user, risk=risk, **data)

    return _act(request, pk, ActionForm(request.POST), "action_form", act, "L'action de traitement a été ajoutée.")


@require_POST
@require_perm("quality.risks.edit")
def risk_review(request, pk: int):
    def act(risk, data):
        services.review_risk(actor=request.user, risk=risk, next_review_on=data["next_review_on"])

    return _act(request, pk, ReviewForm(request.POST), "review_form", act, "La revue du risque est enregistrée.")


@require_POST
@require_perm("quality.risks.edit")
def risk_status(request, pk: int):
    def act(risk, data):
        services.set_risk_status(actor=request.user, risk=risk, status=data["status"])

    return _act(request, pk, RiskStatusForm(request.POST), "status_form", act, "Le statut du risque a changé.")


@require_POST
@require_perm("quality.risks.actions")
def action_status(request, pk: int):
    action = get_object_or_404(RiskAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_action_status(actor=request.user, action=action, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, "L'action a été mise à jour.")
    else:
        messages.error(request, "État ou date invalide : rien n'a été modifié.")
    if request.user.can("quality.risks.view"):
        return redirect("quality:risk-detail", pk=action.risk_id)
    return redirect("core:home")


@require_perm("quality.settings")
def settings_edit(request):
    current = services.current_settings()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                actor=request.user,
                risk_scale=form.cleaned_data["risk_scale"],
                headcount=form.cleaned_data["headcount"],
                expected_version=form.cleaned_data.get("version"),
            )
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
        else:
            messages.success(request, "Les paramètres qualité ont été enregistrés.")
            return redirect("quality:settings")
    return render(request, "quality/settings.html", {"form": form})
