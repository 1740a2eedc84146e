"""Payroll: the months, a month's variables with the indicative estimate, their edit and validation by rh, the
export for the provider, the provider's journal posted as the payroll entry. rh and direction only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import export_response
from pilote.hr import payroll
from pilote.hr.forms import PayrollJournalForm, PayrollMonthForm, PayrollVariableForm
from pilote.hr.models import PayrollMonth, PayrollStatus, PayrollVariable
from pilote.hr.queries import payroll as queries
from pilote.hr.services import payroll as services
from pilote.lib.dates import local_today
from pilote.lib.formats import format_number


@require_perm("hr.view")
def payroll_list(request):
    form = PayrollMonthForm(initial={"month": local_today().replace(day=1)})
    months = PayrollMonth.objects.select_related("entry", "entry__journal")[:36]
    context = {"months": months, "form": form, "smic": payroll.SMIC_MONTHLY, "pmss": payroll.PMSS}
    return render(request, "hr/payroll_list.html", context)


@require_POST
@require_perm("hr.edit")
def payroll_prepare(request):
    form = PayrollMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le mois.")
        return redirect("hr:payroll")
    try:
        record = services.prepare_month(actor=request.user, month=form.cleaned_data["month"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("hr:payroll")
    messages.success(request, "Les variables du mois sont préparées depuis les dossiers, contrats et absences.")
    return redirect("hr:payroll-month", pk=record.pk)


@require_perm("hr.view")
def payroll_month(request, pk: int):
    record = get_object_or_404(PayrollMonth.objects.select_related("entry"), pk=pk)
    found = queries.rows(record)
    net_ratio, employer_rate = queries.ratios()
    context = {"record": record, "rows": found, "totals": queries.totals(found), "journal_form": PayrollJournalForm(),
               "draft": record.status == PayrollStatus.DRAFT, "net_ratio": format_number(net_ratio),
               "employer_rate": format_number(employer_rate),
               "smic": payroll.SMIC_MONTHLY, "smic_hourly": payroll.SMIC_HOURLY, "pmss": payroll.PMSS}  # fmt: skip
    return render(request, "hr/payroll_month.html", context)


@require_perm("hr.view")
def payroll_export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    record = get_object_or_404(PayrollMonth, pk=pk)
    return export_response(queries.export_rows(record).iterator(chunk_size=500), queries.EXPORT_COLUMNS,
                           f"variables-paie-{record.month:%Y-%m}", fmt,
                           title=f"Variables de paie {record.month:%m/%Y}")  # fmt: skip


@require_perm("hr.edit")
def payroll_variable_edit(request, pk: int):
    variable = get_object_or_404(PayrollVariable.objects.select_related("employee", "payroll"), pk=pk)
    form = PayrollVariableForm(request.POST or None, instance=variable)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.TYPED_FIELDS}
        try:
            version = form.cleaned_data["version"]
            services.update_variable(actor=request.user, variable=variable, expected_version=version, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Variables de {variable.employee.full_name} enregistrées.")
            return redirect("hr:payroll-month", pk=variable.payroll_id)
    return render(request, "hr/payroll_variable_form.html", {"form": form, "variable": variable})


@require_POST
@require_perm("hr.edit")
def payroll_validate(request, pk: int):
    record = get_object_or_404(PayrollMonth, pk=pk)
    try:
        services.validate_month(actor=request.user, payroll_month=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Les variables sont validées : exportez-les pour le gestionnaire de paie.")
    return redirect("hr:payroll-month", pk=pk)


@require_POST
@require_perm("hr.edit")
def payroll_post(request, pk: int):
    record = get_object_or_404(PayrollMonth, pk=pk)
    form = PayrollJournalForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("hr:payroll-month", pk=pk)
    try:
        entry = services.post_journal_file(actor=request.user, payroll_month=record, upload=form.cleaned_data["file"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"L'écriture de paie est passée (journal {entry.journal.code}, n° {entry.number}).")
    return redirect("hr:payroll-month", pk=pk)
