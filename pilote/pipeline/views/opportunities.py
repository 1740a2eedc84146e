"""Opportunities: the kanban, the list and its exports, the opportunity's page, forms and stage moves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import safe_next
from pilote.pipeline import queries, services
from pilote.pipeline.forms import CloseForm, KanbanFilterForm, MoveForm, OpportunityFilterForm, OpportunityForm
from pilote.pipeline.models import Opportunity
from pilote.pipeline.stages import Stage, all_stages


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _board_context(request, message: str = "", error: str = "") -> dict:
    form = KanbanFilterForm(request.GET or None)
    data = filter_data(form)
    opportunities = queries.filter_opportunities({"q": data.get("q"), "responsable": data.get("responsable")})
    columns, summary = queries.kanban(opportunities)
    return {
        "form": form,
        "columns": columns,
        "summary": summary,
        "board_message": message,
        "board_error": error,
        "filters": request.GET.urlencode(),
        "today": timezone.localdate(),
        "can_edit": request.user.can("pipeline.edit"),
        "stage_choices": [(stage.value, stage.label) for stage in all_stages()],
    }


@require_perm("pipeline.view")
def kanban(request):
    template = "pipeline/_board.html" if _is_htmx(request) else "pipeline/kanban.html"
    return render(request, template, _board_context(request))


def _filtered(request):
    form = OpportunityFilterForm(request.GET or None)
    data = filter_data(form)
    opportunities = queries.filter_opportunities(data)
    return form, sort_queryset(opportunities, request.GET.get("tri", ""), queries.SORTS, "cloture")


@require_perm("pipeline.view")
def opportunity_list(request):
    form, opportunities = _filtered(request)
    page = paginate(request, queries.with_list_relations(opportunities))
    template = "pipeline/_list_results.html" if _is_htmx(request) else "pipeline/list.html"
    return render(request, template, {"form": form, "page": page})


@require_perm("pipeline.view")
def opportunity_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, opportunities = _filtered(request)
    rows = queries.export_rows(opportunities)
    return export_response(rows, queries.EXPORT_COLUMNS, "opportunites", fmt, title="Opportunités")


@require_perm("pipeline.view")
def opportunity_detail(request, pk: int):
    try:
        opportunity = queries.opportunity_detail(pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    context = {
        "opportunity": opportunity,
        "history": queries.stage_history(opportunity),
        "tenders": opportunity.tenders.all(),
        "move_form": MoveForm(initial={"stage": opportunity.stage, "version": opportunity.version}),
        "stages": Stage,
    }
    return render(request, "pipeline/detail.html", context)


def _save(request, form, opportunity=None):
    data = dict(form.cleaned_data)
    expected = data.pop("version", None)
    try:
        if opportunity is None:
            return services.create_opportunity(actor=request.user, **data)
        return services.update_opportunity(
            actor=request.user, opportunity=opportunity, expected_version=expected, **data
        )
    except ValidationError as exc:
        form.add_error(None, exc)
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


@require_perm("pipeline.edit")
def opportunity_create(request):
    initial = {"owner": request.user.pk, "contact": request.GET.get("contact")}
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        opportunity = _save(request, form)
        if opportunity:
            messages.success(request, f"L'opportunité « {opportunity.title} » a été créée.")
            return redirect("pipeline:detail", pk=opportunity.pk)
    return render(request, "pipeline/form.html", {"form": form})


@require_perm("pipeline.edit")
def opportunity_edit(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = OpportunityForm(request.POST or None, instance=Opportunity.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and _save(request, form, opportunity):
        messages.success(request, "L'opportunité a été enregistrée.")
        return redirect("pipeline:detail", pk=pk)
    return render(request, "pipeline/form.html", {"form": form, "opportunity": opportunity})


@require_POST
@require_perm("pipeline.edit")
def opportunity_move(request, pk: int):
    """Move a card: from its small form, or by drag and drop (the same form posted by fetch)."""
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = MoveForm(request.POST)
    message = error = ""
    if not form.is_valid():
        error = "Étape inconnue."
    elif form.cleaned_data["stage"] == Stage.LOST:
        # Losing needs a reason: the closing form asks for it.
        url = reverse("pipeline:close", args=[pk]) + "?resultat=perdue"
        if _is_htmx(request):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
    else:
        try:
            moved = services.move_opportunity(
                actor=request.user,
                opportunity=opportunity,
                stage=form.cleaned_data["stage"],
                expected_version=form.cleaned_data.get("version"),
            )
        except (DomainError, ValidationError) as exc:
            error = getattr(exc, "message", None) or " ".join(exc.messages)
        else:
            message = f"« {moved.title} » : {moved.get_stage_display()}."
    if _is_htmx(request):
        return render(request, "pipeline/_board.html", _board_context(request, message, error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(safe_next(request, "pipeline:kanban"))


@require_perm("pipeline.edit")
def opportunity_close(request, pk: int):
    opportunity = get_object_or_404(Opportunity.objects.select_related("contact"), pk=pk)
    initial = {"outcome": request.GET.get("resultat", Stage.WON), "version": opportunity.version}
    form = CloseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_opportunity(
                actor=request.user,
                opportunity=opportunity,
                stage=data["outcome"],
                expected_version=data.get("version"),
                closed_on=data["closed_on"],
                amount=data.get("amount"),
                lost_reason=data.get("lost_reason") or "",
                lost_details=data.get("lost_details") or "",
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            won = data["outcome"] == Stage.WON
            messages.success(request, "Bravo, l'opportunité est gagnée." if won else "L'opportunité est perdue.")
            return redirect("pipeline:detail", pk=pk)
    return render(request, "pipeline/close.html", {"form": form, "opportunity": opportunity})
