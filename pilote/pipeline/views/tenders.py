"""Tenders: list and exports, the tender file, its grid, decision, tasks and documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.pipeline import queries
from pilote.pipeline import tender_services as services
from pilote.pipeline.forms import (
    CriterionForm,
    DecisionForm,
    DocumentForm,
    GridForm,
    TaskForm,
    TenderFilterForm,
    TenderForm,
)
from pilote.pipeline.models import Tender, TenderCriterion, TenderDocument, TenderTask


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_text(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = TenderFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_tenders(data), request.GET.get("tri", ""), queries.TENDER_SORTS, "remise")


@require_perm("pipeline.view")
def tender_list(request):
    form, tenders = _filtered(request)
    page = paginate(request, queries.with_tender_relations(tenders))
    template = "pipeline/_tender_results.html" if _is_htmx(request) else "pipeline/tender_list.html"
    return render(request, template, {"form": form, "page": page})


@require_perm("pipeline.view")
def tender_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, tenders = _filtered(request)
    rows = queries.with_tender_relations(tenders).iterator(chunk_size=2000)
    return export_response(rows, queries.TENDER_COLUMNS, "appels-d-offres", fmt, title="Appels d'offres")


def _detail(request, pk: int, status: int = 200, **forms):
    try:
        tender = queries.tender_detail(pk)
    except Tender.DoesNotExist:
        raise Http404 from None
    criteria, grid = queries.tender_grid(tender)
    context = {
        "tender": tender,
        "grid": grid,
        "grid_form": forms.get("grid_form") or GridForm(criteria=criteria),
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"decision": tender.decision, "version": tender.version}),
        "task_form": forms.get("task_form") or TaskForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "tasks": list(queries.tender_tasks(tender)),
    }
    return render(request, "pipeline/tender_detail.html", context, status=status)


@require_perm("pipeline.view")
def tender_detail(request, pk: int):
    return _detail(request, pk)


def _save_form(request, tender=None):
    form = TenderForm(request.POST or None, instance=Tender.objects.get(pk=tender.pk) if tender else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version", None)
        try:
            if tender is None:
                tender = services.create_tender(actor=request.user, **data)
            else:
                tender = services.update_tender(actor=request.user, tender=tender, expected_version=expected, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Le dossier « {tender.title} » a été enregistré.")
            return redirect("pipeline:tender-detail", pk=tender.pk)
    return render(request, "pipeline/tender_form.html", {"form": form, "tender": tender})


@require_perm("pipeline.edit")
def tender_create(request):
    return _save_form(request)


@require_perm("pipeline.edit")
def tender_edit(request, pk: int):
    return _save_form(request, get_object_or_404(Tender, pk=pk))


@require_POST
@require_perm("pipeline.edit")
def tender_grid(request, pk: int):
    tender = get_object_or_404(Tender, pk=pk)
    form = GridForm(request.POST, criteria=list(tender.criteria.all()))
    if form.is_valid():
        try:
            services.score_grid(actor=request.user, tender=tender, rows=form.scores())
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, "La grille de go/no-go a été enregistrée.")
            return redirect("pipeline:tender-detail", pk=pk)
    return _detail(request, pk, grid_form=form)


@require_POST
@require_perm("pipeline.edit")
def criterion_add(request, pk: int):
    tender = get_object_or_404(Tender, pk=pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        services.add_criterion(actor=request.user, tender=tender, **form.cleaned_data)
        return redirect("pipeline:tender-detail", pk=pk)
    return _detail(request, pk, criterion_form=form)


@require_POST
@require_perm("pipeline.edit")
def criterion_delete(request, pk: int):
    criterion = get_object_or_404(TenderCriterion, pk=pk)
    services.delete_criterion(actor=request.user, criterion=criterion)
    messages.success(request, f"Le critère « {criterion.label} » a été retiré de la grille.")
    return redirect("pipeline:tender-detail", pk=criterion.tender_id)


@require_POST
@require_perm("pipeline.edit")
def tender_decide(request, pk: int):
    tender = get_object_or_404(Tender, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            tender = services.decide_tender(
                actor=request.user,
                tender=tender,
                decision=form.cleaned_data["decision"],
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Décision enregistrée : {tender.get_decision_display()}.")
            return redirect("pipeline:tender-detail", pk=pk)
    return _detail(request, pk, decision_form=form)


@require_POST
@require_perm("pipeline.edit")
def task_add(request, pk: int):
    tender = get_object_or_404(Tender, pk=pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        services.add_task(actor=request.user, tender=tender, **form.cleaned_data)
        messages.success(request, "La tâche a été ajoutée.")
        return redirect("pipeline:tender-detail", pk=pk)
    return _detail(request, pk, task_form=form)


@require_POST
@require_perm("pipeline.edit")
def task_toggle(request, pk: int):
    task = get_object_or_404(TenderTask.objects.select_related("assignee"), pk=pk)
    task = services.set_task_done(actor=request.user, task=task, done=request.POST.get("done") == "1")
    if _is_htmx(request):
        return render(request, "pipeline/_task.html", {"task": task})
    return redirect("pipeline:tender-detail", pk=task.tender_id)


@require_POST
@require_perm("pipeline.edit")
def task_delete(request, pk: int):
    task = get_object_or_404(TenderTask, pk=pk)
    services.delete_task(actor=request.user, task=task)
    messages.success(request, "La tâche a été supprimée.")
    return redirect("pipeline:tender-detail", pk=task.tender_id)


@require_POST
@require_perm("pipeline.edit")
def document_upload(request, pk: int):
    tender = get_object_or_404(Tender, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.attach_document(
                actor=request.user, tender=tender, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"]
            )
        except (DomainError, ValidationError) as exc:
            form.add_error("file", _error_text(exc))
        else:
            messages.success(request, f"La pièce « {document.original_name} » a été ajoutée.")
            return redirect("pipeline:tender-detail", pk=pk)
    return _detail(request, pk, document_form=form)


@require_perm("pipeline.view")
def document_download(request, pk: int):
    """The only way to a tender file: checked here, sent as an attachment (never shown inline)."""
    document = get_object_or_404(TenderDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Fichier introuvable.") from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@require_POST
@require_perm("pipeline.edit")
def document_delete(request, pk: int):
    document = get_object_or_404(TenderDocument, pk=pk)
    services.delete_document(actor=request.user, document=document)
    messages.success(request, f"La pièce « {document.original_name} » a été supprimée.")
    return redirect("pipeline:tender-detail", pk=document.tender_id)
