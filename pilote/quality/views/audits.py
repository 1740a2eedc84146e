from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.pdf import pdf_file_response, render_pdf
from pilote.quality.forms import AuditCloseForm, AuditFilterForm, AuditForm, AuditQuestionForm, FindingForm
from pilote.quality.models import Audit, AuditItem
from pilote.quality.queries import audits as queries
from pilote.quality.services import audits as services


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = AuditFilterForm(request.GET or None, years=queries.years())
    data = filter_data(form)
    audits = sort_queryset(queries.filter_audits(data), request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, audits


@require_perm("quality.audits.view")
def audit_list(request):
    form, audits = _filtered(request)
    page = paginate(request, queries.with_list_relations(audits))
    return render(request, "quality/audit_list.html", {"form": form, "page": page})


@require_perm("quality.audits.view")
def audit_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, audits = _filtered(request)
    return export_response(queries.export_rows(audits), queries.EXPORT_COLUMNS, "programme-audits", fmt,
                           title="Programme d'audits")  # fmt: skip


def _get(pk: int) -> Audit:
    try:
        return queries.audit_detail(pk)
    except Audit.DoesNotExist as exc:
        raise Http404 from exc


@require_perm("quality.audits.edit")
def audit_create(request):
    form = AuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.plan_audit(actor=request.user, **form.service_fields())
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"L'audit {audit.reference} est planifié : préparez sa grille.")
            return redirect("quality:audit-detail", pk=audit.pk)
    return render(request, "quality/audit_form.html", {"form": form})


@require_perm("quality.audits.edit")
def audit_edit(request, pk: int):
    audit = _get(pk)
    form = AuditForm(request.POST or None, instance=audit)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_audit(actor=request.user, audit=audit, expected_version=form.cleaned_data.get("version"),
                                  **form.service_fields())  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "L'audit est modifié.")
            return redirect("quality:audit-detail", pk=pk)
    return render(request, "quality/audit_form.html", {"form": form, "audit": audit})


def _detail(request, audit, status=200, **forms):
    rows = queries.items(audit)
    context = {
        "audit": audit, "items": rows, "summary": queries.summary(rows),
        "question_form": forms.get("question_form") or AuditQuestionForm(),
        "close_form": forms.get("close_form") or AuditCloseForm(),
        "finding_choices": FindingForm().fields["result"].choices, "error": forms.get("error", ""),
    }  # fmt: skip
    return render(request, "quality/audit_detail.html", context, status=status)


@require_perm("quality.audits.view")
def audit_detail(request, pk: int):
    return _detail(request, _get(pk))


@require_POST
@require_perm("quality.audits.edit")
def question_add(request, pk: int):
    audit = _get(pk)
    form = AuditQuestionForm(request.POST)
    if form.is_valid():
        try:
            services.add_question(actor=request.user, audit=audit, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "La question est ajoutée à la grille.")
            return redirect("quality:audit-detail", pk=pk)
    return _detail(request, audit, status=400, question_form=form)


@require_POST
@require_perm("quality.audits.edit")
def audit_step(request, pk: int):
    """Start the audit, close it with its conclusion, or cancel it while planned."""
    audit = _get(pk)
    step = request.POST.get("etape")
    form = AuditCloseForm(request.POST)
    try:
        if step == "commencer":
            services.start_audit(actor=request.user, audit=audit)
        elif step == "annuler":
            services.cancel_audit(actor=request.user, audit=audit)
        elif step == "clore":
            if not form.is_valid():
                return _detail(request, audit, status=400, close_form=form)
            services.close_audit(actor=request.user, audit=audit, conclusion=form.cleaned_data["conclusion"])
        else:
            messages.error(request, "Étape inconnue : rien n'a été modifié.")
            return redirect("quality:audit-detail", pk=pk)
    except (DomainError, ValidationError) as exc:
        return _detail(request, audit, status=409, error=_message(exc))
    messages.success(request, {"commencer": "L'audit est commencé.", "annuler": "L'audit est annulé.",
                               "clore": "L'audit est clos : son rapport est disponible."}[step])  # fmt: skip
    return redirect("quality:audit-detail", pk=pk)


@require_POST
@require_perm("quality.audits.edit")
def finding(request, pk: int):
    item = get_object_or_404(AuditItem, pk=pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un constat : rien n'a été enregistré.")
        return redirect("quality:audit-detail", pk=item.audit_id)
    try:
        item = services.record_finding(actor=request.user, item=item, **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        nc = item.nonconformities.first()
        done = f"Constat enregistré : la non-conformité {nc.reference} est ouverte." if nc else "Constat enregistré."
        messages.success(request, done)
    return redirect("quality:audit-detail", pk=item.audit_id)


@require_perm("quality.audits.view")
def audit_pdf(request, pk: int):
    audit = _get(pk)
    rows = queries.items(audit)
    context = {"audit": audit, "items": rows, "summary": queries.summary(rows)}
    pdf = render_pdf("quality/audit_report_pdf.html", context, request=request)
    return pdf_file_response(pdf, f"rapport-{audit.reference}.pdf")
