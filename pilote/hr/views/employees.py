"""Employee files (rh and direction) and the signed-in person's own file (self-service)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core import personal_data
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.hr.forms import ContractForm, EmployeeFilterForm, EmployeeForm, ExitForm, TrainingEvaluationForm
from pilote.hr.models import Employee
from pilote.hr.queries import absences as absence_queries
from pilote.hr.queries import employees as queries
from pilote.hr.services import contracts as contract_services
from pilote.hr.services import employees as services
from pilote.lib.identifiers import format_nir


def _filtered(request):
    form = EmployeeFilterForm(request.GET or None)
    data = filter_data(form)
    employees = queries.filter_employees(data)
    return form, sort_queryset(employees, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)


@require_perm("hr.view")
def employee_list(request):
    form, employees = _filtered(request)
    context = {"form": form, "page": paginate(request, queries.with_list_relations(employees))}
    if request.headers.get("HX-Request") == "true":
        return render(request, "hr/_employee_results.html", context)
    return render(request, "hr/employee_list.html", context)


@require_perm("hr.view")
def employee_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, employees = _filtered(request)
    return export_response(queries.export_rows(employees), queries.EXPORT_COLUMNS, "salaries", fmt, title="Salariés")


def _save(form, actor, employee=None):
    try:
        if employee is None:
            return services.hire_employee(actor=actor, **form.service_fields())
        return services.update_employee(
            actor=actor,
            employee=employee,
            expected_version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason", ""),
            **form.service_fields(),
        )
    except ValidationError as exc:
        for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
            form.add_error(field if field in form.fields else None, [e.message % (e.params or {}) for e in errors])
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


@require_perm("hr.edit")
def employee_create(request):
    form = EmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (employee := _save(form, request.user)):
        messages.success(request, f"{employee.full_name} est inscrit(e) au registre du personnel.")
        return redirect("hr:employee-detail", pk=employee.pk)
    return render(request, "hr/employee_form.html", {"form": form})


@require_perm("hr.edit")
def employee_edit(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    form = EmployeeForm(request.POST or None, instance=Employee.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid() and _save(form, request.user, employee):
        messages.success(request, "Le dossier a été enregistré.")
        return redirect("hr:employee-detail", pk=pk)
    return render(request, "hr/employee_form.html", {"form": form, "employee": employee})


def _file(request, employee: Employee, template: str = "hr/employee_detail.html", **extra):
    """The file as rh and direction see it, or as its own person does: both see the salary history, and reading
    someone else's salary is written in the audit log."""
    contracts = contract_services.read_contracts(request.user, employee)
    context = {
        "contracts": contracts,
        "employee": employee,
        "nir": format_nir(employee.nir),
        "lines": employee.register.order_by("id"),
        "team": employee.team.filter(exit_date__isnull=True).order_by("last_name", "first_names"),
        "trainings": employee.trainings.select_related("action").order_by("-action__start", "-pk")[:50],
        "reviews": employee.annual_reviews.order_by("-held_on", "-pk")[:10],
        "evaluation_form": TrainingEvaluationForm(),
        **extra,
    }
    return render(request, template, context)


@require_perm("hr.view")
def employee_detail(request, pk: int):
    employee = get_object_or_404(Employee.objects.select_related("manager", "user"), pk=pk)
    periods = absence_queries.balances(employee, timezone.localdate())
    return _file(
        request,
        employee,
        exit_form=ExitForm(),
        periods=periods,
        available=absence_queries.available(periods),
        absences=employee.absences.order_by("-start", "-pk")[:20],
        interviews=employee.interviews.order_by("-held_on", "-pk")[:20],
        checklist=employee.checklist.order_by("kind", "position"),
        today=timezone.localdate(),
        retention=personal_data.retention_reasons("employee", employee, timezone.localdate())
        if request.user.can("hr.edit")
        else [],
        analytic_axes=_analytic_axes(employee),
    )


def _analytic_axes(employee):
    """Each active axis with the employee's shares on it and the form to change them."""
    from pilote.hr.forms import analytic_form
    from pilote.ledger.models import AnalyticAxis

    current = {row.section_id: row.percent for row in employee.analytic.all()}
    found = []
    for axis in AnalyticAxis.objects.filter(is_active=True).order_by("position", "code"):
        form = analytic_form(axis)
        for name, field in form.fields.items():
            field.initial = current.get(int(name.removeprefix("part_")))
        shares = [(s, current[s.pk]) for s in axis.sections.order_by("code") if s.pk in current]
        found.append((axis, form, shares))
    return found


@require_perm("hr.edit")
def contract_edit(request, pk: int):
    """The contract of a person who has none, else an amendment from the current version's terms."""
    employee = get_object_or_404(Employee, pk=pk)
    last, initial = contract_services.current_terms(employee)
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract_services.record_terms(actor=request.user, employee=employee, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le contrat est enregistré." if last is None else "L'avenant est enregistré.")
            return redirect("hr:employee-detail", pk=pk)
    return render(request, "hr/contract_form.html", {"form": form, "employee": employee, "last": last})


@require_POST
@require_perm("hr.edit")
def employee_exit(request, pk: int):
    employee = get_object_or_404(Employee.objects.select_related("manager", "user"), pk=pk)
    form = ExitForm(request.POST)
    if form.is_valid():
        try:
            services.record_exit(actor=request.user, employee=employee, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, "La sortie est inscrite au registre du personnel.")
            return redirect("hr:employee-detail", pk=pk)
    return _file(request, employee, exit_form=form)


@require_perm("hr.self")
def my_file(request):
    """The signed-in person's own file: only ever the record linked to their account."""
    employee = Employee.objects.select_related("manager").filter(user=request.user).first()
    if employee is None:
        return render(request, "hr/me.html", {"employee": None})
    return _file(request, employee, "hr/me.html")


@require_POST
@require_perm("hr.edit")
def employee_analytic(request, pk: int, axis: int):
    """The employee's analytic distribution on one axis (where the payroll entry puts their pay)."""
    from pilote.hr.forms import analytic_form
    from pilote.hr.services.analytic import set_employee_analytic, shares_of
    from pilote.ledger.models import AnalyticAxis

    employee = get_object_or_404(Employee, pk=pk)
    chosen = get_object_or_404(AnalyticAxis, pk=axis, is_active=True)
    form = analytic_form(chosen, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        parts = {int(name.removeprefix("part_")): value for name, value in form.cleaned_data.items()}
        try:
            shares = shares_of(chosen, parts)
            set_employee_analytic(actor=request.user, employee=employee, axis=chosen, shares=shares)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Ventilation analytique sur l'axe {chosen.code} enregistrée.")
    return redirect(reverse("hr:employee-detail", args=[employee.pk]) + "#analytique")
