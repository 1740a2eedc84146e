"""Grants: the list (filters, sorting, exports), a new file, its page (award, instalments, deadlines, budget, dedicated
funds, the report's texts) and the financial report (Cerfa 15059) as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.associations import forms
from pilote.associations.access import for_associations
from pilote.associations.models import Grant, GrantBudgetLine, GrantDeadline, GrantInstalment
from pilote.associations.queries import grants as queries
from pilote.associations.services import grants as services
from pilote.associations.views.common import act_then_return, confirm_then_return
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.pdf import pdf_response


def _filtered(request):
    form = forms.GrantFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_grants(data), request.GET.get("tri", ""), queries.SORTS,
                               queries.DEFAULT_SORT)  # fmt: skip


@require_perm("associations.view")
@for_associations
def grant_list(request):
    form, grants = _filtered(request)
    context = {"form": form, "page": paginate(request, grants.select_related("funder"))}
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_grant_results.html", context)
    return render(request, "associations/grant_list.html", context)


@require_perm("associations.view")
@for_associations
def grant_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, grants = _filtered(request)
    return export_response(grants.select_related("funder").iterator(chunk_size=500), queries.COLUMNS, "subventions",
                           fmt, title="Subventions")  # fmt: skip


@require_perm("associations.edit")
@for_associations
def grant_create(request):
    form = forms.GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.create_grant(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"La subvention {grant.code} est créée.")
            return redirect("associations:grant-detail", pk=grant.pk)
    return render(request, "associations/grant_form.html", {"form": form})


@require_perm("associations.view")
@for_associations
def grant_detail(request, pk: int):
    grant = get_object_or_404(Grant.objects.select_related("funder"), pk=pk)
    today = timezone.localdate()
    context = {
        "grant": grant,
        "instalments": list(grant.instalments.all()),
        "deadlines": list(grant.deadlines.all()),
        "moves": list(grant.fund_moves.all()),
        "budget_lines": list(grant.budget.all()),
        "agreement_form": forms.AgreementForm(),
        "fund_balance": queries.fund_balance(grant),
        "report": queries.financial_report(grant),
        "award_form": forms.AwardForm(initial={"amount": grant.amount_requested, "granted_on": today}),
        "instalment_form": forms.InstalmentForm(initial={"expected_on": today}),
        "receive_form": forms.ReceiveInstalmentForm(initial={"received_on": today}),
        "deadline_form": forms.DeadlineForm(),
        "budget_form": forms.BudgetLineForm(),
        "funds_form": forms.FundsForm(initial={"date": today}),
        "report_form": forms.ReportForm(
            initial={
                "report_summary": grant.report_summary,
                "report_variances": grant.report_variances,
                "report_beneficiaries": grant.report_beneficiaries,
            }
        ),  # fmt: skip
    }
    return render(request, "associations/grant_detail.html", context)


@require_perm("associations.view")
@for_associations
def grant_report_pdf(request, pk: int):
    grant = get_object_or_404(Grant.objects.select_related("funder"), pk=pk)
    return pdf_response(
        queries.REPORT_TEMPLATE,
        queries.report_context(grant, request.structure),
        f"compte-rendu-financier-{grant.code}.pdf",
    )


@require_POST
@require_perm("associations.edit")
@for_associations
def grant_report_send(request, pk: int):
    grant = get_object_or_404(Grant.objects.select_related("funder"), pk=pk)
    return confirm_then_return(
        request,
        lambda: services.send_financial_report(actor=request.user, grant=grant, structure=request.structure),
        f"Le compte rendu financier est envoyé à {grant.funder.display_name} ({grant.funder.email}).",
        reverse("associations:grant-detail", args=[pk]),
    )  # fmt: skip


def _act(request, pk: int, form_class, action, success: str):
    grant = get_object_or_404(Grant, pk=pk)
    return act_then_return(request, form_class, lambda data: action(grant, data), success,
                           reverse("associations:grant-detail", args=[pk]))  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def grant_award(request, pk: int):
    return _act(request, pk, forms.AwardForm,
                lambda g, d: services.award_grant(actor=request.user, grant=g, **d),
                "La subvention est accordée et comptabilisée (441 / 741).")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def grant_refuse(request, pk: int):
    return _act(request, pk, forms.forms.Form, lambda g, d: services.refuse_grant(actor=request.user, grant=g),
                "La subvention est notée refusée.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def instalment_add(request, pk: int):
    return _act(request, pk, forms.InstalmentForm,
                lambda g, d: services.add_instalment(actor=request.user, grant=g, **d), "Versement prévu.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def instalment_receive(request, pk: int):
    instalment = get_object_or_404(GrantInstalment, pk=pk)
    return _act(request, instalment.grant_id, forms.ReceiveInstalmentForm,
                lambda g, d: services.receive_instalment(actor=request.user, instalment=instalment, **d),
                "Versement encaissé et comptabilisé.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def deadline_add(request, pk: int):
    return _act(request, pk, forms.DeadlineForm,
                lambda g, d: services.add_deadline(actor=request.user, grant=g, **d), "Échéance ajoutée.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def deadline_done(request, pk: int):
    deadline = get_object_or_404(GrantDeadline, pk=pk)
    return _act(request, deadline.grant_id, forms.forms.Form,
                lambda g, d: services.complete_deadline(actor=request.user, deadline=deadline,
                                                        done_on=timezone.localdate()),
                "Échéance tenue.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def budget_set(request, pk: int):
    return _act(request, pk, forms.BudgetLineForm,
                lambda g, d: services.set_budget_line(actor=request.user, grant=g, **d),
                "Budget enregistré.")  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def agreement_upload(request, pk: int):
    grant = get_object_or_404(Grant, pk=pk)
    form = forms.AgreementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("associations:grant-detail", pk=pk)
    try:
        services.attach_agreement(actor=request.user, grant=grant, upload=form.cleaned_data["file"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "La convention est jointe à la subvention.")
    return redirect("associations:grant-detail", pk=pk)


@require_perm("associations.view")
@for_associations
def agreement_download(request, pk: int):
    grant = get_object_or_404(Grant, pk=pk)
    handle = services.agreement_file(grant)
    if handle is None:
        raise Http404("Aucune convention jointe.")
    return FileResponse(handle, as_attachment=True, filename=grant.agreement_name or f"convention-{grant.code}")


@require_POST
@require_perm("associations.edit")
@for_associations
def budget_delete(request, pk: int):
    line = get_object_or_404(GrantBudgetLine, pk=pk)
    return confirm_then_return(request, lambda: services.delete_budget_line(actor=request.user, line=line),
                               f"La nature {line.nature} est retirée du budget.",
                               reverse("associations:grant-detail", args=[line.grant_id]))  # fmt: skip


@require_POST
@require_perm("associations.edit")
@for_associations
def report_update(request, pk: int):
    return _act(request, pk, forms.ReportForm,
                lambda g, d: services.update_report(actor=request.user, grant=g, **d),
                "Le compte rendu est enregistré.")  # fmt: skip


@require_POST
@require_perm("associations.receipts")
@for_associations
def funds_carry(request, pk: int):
    return _act(request, pk, forms.FundsForm,
                lambda g, d: services.carry_unused(actor=request.user, grant=g, year_end=d["date"]),
                "La part non utilisée est reportée en fonds dédiés (6894 / 194).")  # fmt: skip


@require_POST
@require_perm("associations.receipts")
@for_associations
def funds_use(request, pk: int):
    return _act(request, pk, forms.FundsForm,
                lambda g, d: services.use_funds(actor=request.user, grant=g, on=d["date"]),
                "Les fonds dédiés utilisés reviennent en produits (194 / 7894).")  # fmt: skip
