"""Expense reports: the employee's own (self-service), the decisions of their manager or rh, the list for rh,
direction and the accountant, who posts and reimburses; receipts served only through the report's checks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.hr.forms import DecisionForm, ExpenseFilterForm, ExpenseLineForm, ExpensePayForm, ExpenseReportForm
from pilote.hr.models import Employee, ExpenseLine, ExpenseReport, ExpenseStatus
from pilote.hr.queries import expenses as queries
from pilote.hr.services import expenses as services
from pilote.lib.dates import local_today


def _error(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _report(request, pk: int) -> ExpenseReport:
    report = get_object_or_404(ExpenseReport.objects.select_related("employee__manager", "entry", "payment_entry"),
                               pk=pk)  # fmt: skip
    if not services.can_open(request.user, report):
        raise Http404  # not a report this user may see
    return report


@require_perm("hr.self")
def my_expenses(request):
    employee = Employee.objects.filter(user=request.user).first()
    form = ExpenseReportForm(request.POST or None)
    if request.method == "POST" and employee is not None and form.is_valid():
        try:
            report = services.create_report(actor=request.user, employee=employee, title=form.cleaned_data["title"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("hr:expense-detail", pk=report.pk)
    reports = list(queries.mine(request.user)[:100])
    waiting = list(queries.decidable(request.user)[:100])
    return render(request, "hr/my_expenses.html",
                  {"employee": employee, "form": form, "reports": reports, "waiting": waiting})  # fmt: skip


@require_perm("hr.self")
def expense_detail(request, pk: int):
    report = _report(request, pk)
    line_form = ExpenseLineForm(request.POST or None, request.FILES or None, initial={"spent_on": local_today()})
    if request.method == "POST" and line_form.is_valid():
        data = dict(line_form.cleaned_data)
        data["description"] = data["description"] or ""
        try:
            services.add_line(actor=request.user, report=report, **data)
        except (DomainError, ValidationError) as exc:
            line_form.add_error(None, _error(exc))
        else:
            messages.success(request, "La dépense est ajoutée.")
            return redirect("hr:expense-detail", pk=pk)
    mine = report.employee.user_id == request.user.pk
    context = {
        "report": report, "lines": list(report.lines.all()), "line_form": line_form,
        "can_edit": report.is_editable and (mine or request.user.can("hr.edit")),
        "can_decide": report.status == ExpenseStatus.SUBMITTED and services.can_decide(request.user, report),
        "can_post": report.status == ExpenseStatus.APPROVED and request.user.can("hr.expenses.post"),
        "can_pay": report.status == ExpenseStatus.POSTED and request.user.can("hr.expenses.post"),
        "decision_form": DecisionForm(), "pay_form": ExpensePayForm(initial={"on": local_today()}),
    }  # fmt: skip
    return render(request, "hr/expense_detail.html", context)


def _act(request, pk: int, action, success: str):
    report = _report(request, pk)
    try:
        action(report)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, success)
    return redirect("hr:expense-detail", pk=pk)


@require_POST
@require_perm("hr.self")
def expense_line_remove(request, pk: int):
    line = get_object_or_404(ExpenseLine.objects.select_related("report__employee__manager"), pk=pk)
    if not services.can_open(request.user, line.report):
        raise Http404
    return _act(request, line.report_id, lambda r: services.remove_line(actor=request.user, line=line),
                "La dépense est retirée.")  # fmt: skip


@require_POST
@require_perm("hr.self")
def expense_submit(request, pk: int):
    return _act(request, pk, lambda r: services.submit_report(actor=request.user, report=r),
                "La note de frais est transmise pour validation.")  # fmt: skip


@require_POST
@require_perm("hr.self")
def expense_decide(request, pk: int):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez « Accepter » ou « Refuser ».")
        return redirect("hr:expense-detail", pk=pk)
    approve, note = form.cleaned_data["decision"] == "accepter", form.cleaned_data["note"]
    done = "La note de frais est approuvée." if approve else "La note de frais est refusée."
    return _act(request, pk, lambda r: services.decide_report(actor=request.user, report=r, approve=approve,
                                                              note=note), done)  # fmt: skip


@require_POST
@require_perm("hr.expenses.post")
def expense_post(request, pk: int):
    return _act(request, pk, lambda r: services.post_report(actor=request.user, report=r),
                "La note de frais est comptabilisée.")  # fmt: skip


@require_POST
@require_perm("hr.expenses.post")
def expense_pay(request, pk: int):
    form = ExpensePayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date du virement et le compte bancaire.")
        return redirect("hr:expense-detail", pk=pk)
    return _act(request, pk, lambda r: services.reimburse_report(actor=request.user, report=r,
                bank_account=form.cleaned_data["bank_account"], on=form.cleaned_data["on"]),
                "Le remboursement est enregistré.")  # fmt: skip


@require_perm("hr.self")
def expense_receipt(request, pk: int):
    line = get_object_or_404(ExpenseLine.objects.select_related("report__employee__manager"), pk=pk)
    handle = services.open_receipt(request.user, line)
    if handle is None:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=line.receipt_name or "justificatif")


def _filtered(request):
    form = ExpenseFilterForm(request.GET or None)
    reports = queries.filter_reports(filter_data(form))
    return form, sort_queryset(reports, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)


@require_perm("hr.expenses.view")
def expense_list(request):
    form, reports = _filtered(request)
    return render(request, "hr/expense_list.html", {"form": form, "page": paginate(request, reports)})


@require_perm("hr.expenses.view")
def expense_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, reports = _filtered(request)
    return export_response(reports.iterator(chunk_size=500), queries.EXPORT_COLUMNS, "notes-de-frais", fmt,
                           title="Notes de frais")  # fmt: skip
