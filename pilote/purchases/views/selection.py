"""Supplier selection files: list, creation (need, candidates, weighted criteria), the grid with the ranking and
each candidate's scorecard beside it, the choice with its justification, the request for quotes to the candidates."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, paginate, sort_queryset, words_refusal
from pilote.core.params import to_int
from pilote.lib.dates import local_today
from pilote.purchases import scorecard, selection
from pilote.purchases.forms import CandidateForm, DecideForm, GridForm, SelectionForm
from pilote.purchases.models import SelectionFile, SelectionStatus
from pilote.purchases.queries import selection as queries
from pilote.purchases.queries.invoices import history

FIX_ERRORS = "Le formulaire contient des erreurs : corrigez les champs signalés."


@require_perm("purchases.view")
def file_list(request):
    data = queries.read_filters(request.GET)
    files = sort_queryset(queries.filter_files(data), request.GET.get("tri", ""), queries.FILE_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(files, queries.FILE_COLUMNS, "dossiers-de-selection", request.GET["export"],
                               title="Dossiers de sélection fournisseurs")  # fmt: skip
    context = {"page": paginate(request, files), "q": data["q"], "status": data["status"],
               "q_refusal": words_refusal(data["q"]),
               "statuses": SelectionStatus.choices}  # fmt: skip
    return render(request, "purchases/selection_list.html", context)


@require_perm("purchases.order")
def file_create(request):
    post = request.POST if request.method == "POST" else None
    form = SelectionForm(post, initial={"date": local_today(), "supplier_1": to_int(request.GET.get("fournisseur"))})
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            created = selection.create_file(actor=request.user, title=data["title"], date=data["date"],
                                            description=data["description"], criteria=form.criteria(),
                                            suppliers=form.suppliers())  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Dossier de sélection {created.number} créé : notez les candidats.")
            return redirect("purchases:selection-detail", created.pk)
    elif post:
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/selection_form.html", {"form": form})


def _file(pk: int) -> SelectionFile:
    return get_object_or_404(SelectionFile.objects.select_related("chosen", "quote_request", "decided_by"), pk=pk)


def _render_detail(request, file: SelectionFile, detail: dict, grid: GridForm):
    rows = [(c, [grid[f"note-{c.pk}-{k.pk}"] for k in detail["criteria"]]) for c in detail["candidates"]]
    context = {
        "file": file, **detail, "grid_rows": rows, "editable": file.status == SelectionStatus.OPEN,
        "decide_form": DecideForm(candidates=detail["candidates"]), "candidate_form": CandidateForm(),
        "criteria_labels": list(scorecard.CRITERIA.values()), "history": history(file),
        "rfq_url": reverse("purchases:rfq-create") + f"?dossier={file.pk}",
    }  # fmt: skip
    return render(request, "purchases/selection_detail.html", context)


def _grid(file: SelectionFile, detail: dict, data=None) -> GridForm:
    return GridForm(data, candidates=detail["candidates"], criteria=detail["criteria"], scores=detail["scores"])


@require_perm("purchases.view")
def file_detail(request, pk: int):
    file = _file(pk)
    detail = queries.file_detail(file, local_today())
    return _render_detail(request, file, detail, _grid(file, detail))


@require_POST
@require_perm("purchases.order")
def file_grid(request, pk: int):
    file = _file(pk)
    detail = queries.file_detail(file, local_today())
    grid = _grid(file, detail, request.POST)
    if grid.is_valid():
        try:
            selection.set_scores(actor=request.user, file=file, scores=grid.scores(),
                                 version=to_int(request.POST.get("version")))  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Grille enregistrée : le classement est recalculé.")
            return redirect("purchases:selection-detail", pk)
    else:
        messages.error(request, FIX_ERRORS)
    return _render_detail(request, file, detail, grid)


@require_POST
@require_perm("purchases.order")
def file_decide(request, pk: int):
    file = _file(pk)
    form = DecideForm(request.POST, candidates=file.candidates.select_related("supplier"))
    if not form.is_valid():
        messages.error(request, "Choisissez un candidat et justifiez le choix.")
        return redirect("purchases:selection-detail", pk)
    candidate = file.candidates.select_related("supplier").get(pk=form.cleaned_data["candidate"])
    try:
        selection.decide(actor=request.user, file=file, candidate=candidate,
                         justification=form.cleaned_data["justification"],
                         version=to_int(request.POST.get("version")))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{candidate.supplier.display_name} retenu pour « {file.title} ».")
    return redirect("purchases:selection-detail", pk)


@require_POST
@require_perm("purchases.order")
def file_add_candidate(request, pk: int):
    file = _file(pk)
    form = CandidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un fournisseur.")
        return redirect("purchases:selection-detail", pk)
    try:
        selection.add_candidate(actor=request.user, file=file, supplier=form.cleaned_data["supplier"],
                                version=to_int(request.POST.get("version")))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{form.cleaned_data['supplier'].display_name} ajouté aux candidats.")
    return redirect("purchases:selection-detail", pk)
