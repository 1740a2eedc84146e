from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.quality.forms import ApproveForm, DraftForm, InForceForm, ProcedureFilterForm, ProcedureForm
from pilote.quality.models import Procedure, ProcedureStatus, ProcedureVersion
from pilote.quality.queries import procedures as queries
from pilote.quality.services import procedures as services


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = ProcedureFilterForm(request.GET or None)
    data = filter_data(form)
    procedures = queries.filter_procedures(data, request.user)
    return form, sort_queryset(procedures, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)


@require_perm("quality.procedures.view")
def procedure_list(request):
    form, procedures = _filtered(request)
    page = paginate(request, queries.with_list_relations(procedures))
    for procedure in page:
        procedure.in_force_number = queries.in_force_number(procedure)
    return render(request, "quality/procedure_list.html", {"form": form, "page": page})


@require_perm("quality.procedures.view")
def procedure_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, procedures = _filtered(request)
    return export_response(queries.export_rows(procedures), queries.EXPORT_COLUMNS, "procedures", fmt,
                           title="Procédures")  # fmt: skip


@require_perm("quality.procedures.edit")
def procedure_create(request):
    form = ProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            procedure = services.create_procedure(actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"La procédure {procedure.code} est créée : sa version 1 est en brouillon.")
            return redirect("quality:procedure-detail", pk=procedure.pk)
    return render(request, "quality/procedure_form.html", {"form": form})


def _get(pk: int) -> Procedure:
    try:
        return queries.procedure_detail(pk)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc


@require_perm("quality.procedures.edit")
def procedure_edit(request, pk: int):
    procedure = _get(pk)
    form = ProcedureForm(request.POST or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version", None)
        try:
            services.update_procedure(actor=request.user, procedure=procedure, expected_version=expected, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "La procédure est modifiée.")
            return redirect("quality:procedure-detail", pk=pk)
    return render(request, "quality/procedure_form.html", {"form": form, "procedure": procedure})


@require_perm("quality.procedures.view")
def procedure_detail(request, pk: int):
    procedure = _get(pk)
    versions = queries.versions(procedure)
    current = next((v for v in versions if v.status == ProcedureStatus.IN_FORCE), None)
    pending = next((v for v in versions if v.status in (ProcedureStatus.DRAFT, ProcedureStatus.APPROVED)), None)
    readers = queries.readers(procedure, current)
    me = next((r for r in readers if r["user"].pk == request.user.pk), None)
    context = {
        "procedure": procedure, "versions": versions, "current": current, "pending": pending, "readers": readers,
        "approver_label": queries.role_label(procedure.approver_role), "must_read": me is not None,
        "read_at": me["at"] if me else None, "can_approve": request.user.role == procedure.approver_role,
        "reader_roles": [queries.role_label(r) for r in procedure.reader_roles],
        "approve_form": ApproveForm(), "in_force_form": InForceForm(),
        "acknowledged": sum(1 for r in readers if r["at"]),
    }  # fmt: skip
    return render(request, "quality/procedure_detail.html", context)


@require_perm("quality.procedures.view")
def version_detail(request, pk: int):
    version = get_object_or_404(ProcedureVersion.objects.select_related("procedure"), pk=pk)
    return render(request, "quality/procedure_version.html", {"version": version, "log": version.log.all()})


@require_perm("quality.procedures.edit")
def draft_edit(request, pk: int):
    """Write the next version (from the text in force), or go on with the draft under way."""
    procedure = _get(pk)
    draft = services.pending_version(procedure)
    if draft is not None and draft.status != ProcedureStatus.DRAFT:
        messages.error(request, "La version en préparation est déjà approuvée : mettez-la en vigueur d'abord.")
        return redirect("quality:procedure-detail", pk=pk)
    source = draft or services.in_force(procedure)
    initial = {"body": source.body if source else "", "change_note": draft.change_note if draft else ""}
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(actor=request.user, procedure=procedure, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "Le brouillon est enregistré ; il attend son approbation.")
            return redirect("quality:procedure-detail", pk=pk)
    return render(request, "quality/procedure_draft.html", {"form": form, "procedure": procedure, "draft": draft})


def _version_step(request, pk: int, act, done: str):
    version = get_object_or_404(ProcedureVersion, pk=pk)
    try:
        act(version)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    return redirect("quality:procedure-detail", pk=version.procedure_id)


@require_POST
@require_perm("quality.procedures.approve")
def version_approve(request, pk: int):
    form = ApproveForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _version_step(request, pk, lambda v: services.approve(actor=request.user, version=v, comment=comment),
                         "La version est approuvée : elle peut entrer en vigueur.")  # fmt: skip


@require_POST
@require_perm("quality.procedures.edit")
def version_in_force(request, pk: int):
    form = InForceForm(request.POST)
    if not form.is_valid():
        version = get_object_or_404(ProcedureVersion, pk=pk)
        messages.error(request, "Indiquez une date d'entrée en vigueur valide (jj/mm/aaaa) : rien n'a été modifié.")
        return redirect("quality:procedure-detail", pk=version.procedure_id)
    day = form.cleaned_data["in_force_on"]
    return _version_step(request, pk, lambda v: services.put_in_force(actor=request.user, version=v, in_force_on=day),
                         "La version est en vigueur ; la précédente est remplacée.")  # fmt: skip


@require_POST
@require_perm("quality.procedures.read")
def version_acknowledge(request, pk: int):
    return _version_step(request, pk, lambda v: services.acknowledge(actor=request.user, version=v),
                         "Merci : votre lecture est enregistrée.")  # fmt: skip
