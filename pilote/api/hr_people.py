"""People over the API beyond employees and absences, with the pages' permissions and services: contracts and their
amendments (human resources only; reading someone else's salary is written in the audit log, as the file does),
payroll inputs (the variables of a month, prepared from the files, typed, validated: human resources only), expense
reports (each employee's own written and submitted; decided by rh and direction; posted and reimbursed by the
accountant and direction — `hr.services.expenses` decides who may do what), and the training plan (actions,
enrolments, completion)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    through_form,
    uploaded_base64,
)
from pilote.core.listing import sort_queryset
from pilote.hr.expenses import CATEGORY_CHOICES, VEHICLE_CHOICES
from pilote.hr.forms import (
    ContractForm,
    DecisionForm,
    ExpenseLineForm,
    ExpensePayForm,
    ExpenseReportForm,
    PayrollJournalForm,
    PayrollMonthForm,
    PayrollVariableForm,
    TrainingActionForm,
    TrainingCompleteForm,
)
from pilote.hr.models import (
    ContractType,
    Employee,
    ExpenseReport,
    ExpenseStatus,
    PayrollMonth,
    PayrollVariable,
    TrainingAction,
    TrainingFunding,
    TrainingKind,
    TrainingStatus,
)
from pilote.hr.queries import expenses as expense_queries
from pilote.hr.queries import training as training_queries
from pilote.hr.services import contracts as contract_services
from pilote.hr.services import expenses as expense_services
from pilote.hr.services import payroll as payroll_services
from pilote.hr.services import training as training_services
from pilote.lib.dates import local_today

router = Router(tags=["Ressources humaines"])

ExpenseCategory = Literal[tuple(code for code, _ in CATEGORY_CHOICES)]  # type: ignore[valid-type]
Vehicle = Literal[tuple(code for code, _ in VEHICLE_CHOICES)]  # type: ignore[valid-type]


# --- contracts ------------------------------------------------------------------------------------------------


class ContractOut(Schema):
    id: int
    employee_id: int
    version: int
    kind: str
    effective_from: dt.date
    signed_on: dt.date | None
    end_date: dt.date | None
    cdd_reason: str
    renewals: int
    job: str
    part_time: bool
    weekly_hours: Decimal
    trial_end: dt.date | None
    monthly_gross: Decimal = Field(..., description="salaire brut mensuel (confidentiel : lecture journalisée)")
    school: str
    reason: str
    author: str
    created_at: dt.datetime


class ContractIn(Schema):
    """The terms from their date: the contract when the employee has none, else an amendment (its `reason`)."""

    kind: ContractType | None = Field(None, description="par défaut : celle du dossier ou de la dernière version")
    effective_from: Day
    signed_on: Day | None = None
    end_date: Day | None = None
    cdd_reason: str | None = None
    job: str | None = None
    part_time: bool | None = None
    weekly_hours: Decimal | None = Field(None, max_digits=4, decimal_places=2)
    trial_end: Day | None = None
    monthly_gross: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    school: str | None = None
    reason: str = Field("", description="objet de l'avenant (obligatoire pour un avenant)")


@guarded(router, "GET", "/salaries/{employee_id}/contrats", "hr.view", response=list[ContractOut])
def list_contracts(request, employee_id: ObjectId):
    """The contract and its amendments, newest first; reading someone else's salary is written in the audit log."""
    return contract_services.read_contracts(request.auth, fetch(Employee, employee_id))


@guarded(router, "POST", "/salaries/{employee_id}/contrats", "hr.edit", response={201: ContractOut})
def record_contract(request, employee_id: ObjectId, payload: ContractIn):
    """The contract page's form from the current terms (the file's, or the last version's), then the service."""
    employee = fetch(Employee, employee_id)
    _, initial = contract_services.current_terms(employee)
    fields = through_form(ContractForm, payload, initial=initial)
    return Status(201, contract_services.record_terms(actor=request.auth, employee=employee, **fields))


# --- expense reports ------------------------------------------------------------------------------------------


class ExpenseLineOut(Schema):
    id: int
    spent_on: dt.date
    category: str
    description: str
    amount: Decimal
    vat: Decimal
    deductible_vat: Decimal
    vat_basis: str
    has_receipt: bool
    vehicle: str
    horsepower: int | None
    electric: bool
    distance: Decimal | None

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return bool(obj.receipt)


class ExpenseReportOut(Schema):
    id: int
    number: str
    employee_id: int
    title: str
    status: str
    total: Decimal
    deductible_vat: Decimal
    submitted_at: dt.datetime | None
    decided_by: str
    decided_at: dt.datetime | None
    decision_note: str
    paid_on: dt.date | None
    created_at: dt.datetime
    version: int
    lines: list[ExpenseLineOut]

    @staticmethod
    def resolve_lines(obj: ExpenseReport):
        return list(obj.lines.order_by("spent_on", "pk"))


# A receipt's upload limit (the page's field says it in French), in base64 and a little more.
MAX_RECEIPT_BASE64 = 14 * 1024 * 1024


class ExpenseLineIn(Schema):
    spent_on: Day
    category: ExpenseCategory  # type: ignore[valid-type]
    description: str = ""
    amount: Decimal | None = Field(None, max_digits=10, decimal_places=2, description="TTC (sauf kilométrique)")
    vat: Decimal | None = Field(None, max_digits=10, decimal_places=2)
    vehicle: Vehicle | None = None  # type: ignore[valid-type]
    horsepower: int | None = Field(None, ge=1, le=50)
    electric: bool = False
    distance: Decimal | None = Field(None, max_digits=7, decimal_places=1)
    receipt_name: str = Field("", max_length=120, description="nom du justificatif (photo JPEG, PNG ou PDF)")
    receipt_base64: str = Field("", max_length=MAX_RECEIPT_BASE64, description="le justificatif en base64")


class ExpenseReportIn(Schema):
    title: str
    lines: list[ExpenseLineIn] = Field([], max_length=20, description="les dépenses, chacune avec son justificatif")
    soumettre: bool = Field(False, description="transmettre la note pour validation (chaque dépense justifiée)")


class ExpenseDecisionIn(Schema):
    decision: Literal["accepter", "refuser"]
    note: str = Field("", description="motif, obligatoire pour un refus")


class ExpensePayIn(Schema):
    on: Day = Field(..., description="date du virement")
    bank_account: RequiredId = Field(..., description="id du compte bancaire débité")


class ExpenseFilters(Paging):
    q: Words = Field("", max_length=200, description="numéro, objet ou salarié")
    statut: Literal["", *ExpenseStatus.values] = ""  # type: ignore[valid-type]
    du: Day | None = None
    au: Day | None = None
    tri: str = Field(expense_queries.DEFAULT_SORT, description="numero, salarie, date, total, etat")


@guarded(router, "GET", "/notes-de-frais", "hr.expenses.view", response=Page[ExpenseReportOut])
def list_expense_reports(request, filters: Query[ExpenseFilters]):
    data = filters.dict()
    reports = sort_queryset(expense_queries.filter_reports(data), data["tri"], expense_queries.SORTS,
                            expense_queries.DEFAULT_SORT)  # fmt: skip
    return page_of(reports.prefetch_related("lines"), data)


@guarded(router, "GET", "/notes-de-frais/{report_id}", "hr.expenses.view", response=ExpenseReportOut)
def get_expense_report(request, report_id: ObjectId):
    return fetch(ExpenseReport, report_id)


@guarded(router, "GET", "/mes-notes-de-frais", "hr.self", response=Page[ExpenseReportOut])
def list_my_expense_reports(request, paging: Query[Paging]):
    """The caller's own reports only (a manager's team's: /validations-notes-de-frais)."""
    return page_of(expense_queries.mine(request.auth).prefetch_related("lines"), paging)


def expense_line_fields(line: ExpenseLineIn) -> dict:
    """An expense as the page's line form checks it: the receipt by the page's field (size, type), then by the
    service (its first bytes) when `add_line` stores it."""
    receipt = line.receipt_base64 and uploaded_base64(line.receipt_name, line.receipt_base64, field="receipt_base64")
    fields = through_form(ExpenseLineForm, line, files={"receipt": receipt} if receipt else None)
    return fields | {"description": fields["description"] or "", "receipt": fields.get("receipt")}


@guarded(router, "POST", "/mes-notes-de-frais", "hr.self", response={201: ExpenseReportOut})
def create_my_expense_report(request, payload: ExpenseReportIn):
    """The caller's own report, its expenses with their receipts (each checked by the page's form and the service)
    and, when asked, its submission — all or nothing. The caller's account must be linked to their file."""
    employee = get_object_or_404(Employee, user=request.auth)
    title = through_form(ExpenseReportForm, {"title": payload.title})["title"]
    lines = [expense_line_fields(line) for line in payload.lines]
    with transaction.atomic():
        report = expense_services.create_report(actor=request.auth, employee=employee, title=title)
        for fields in lines:
            expense_services.add_line(actor=request.auth, report=report, **fields)
        if payload.soumettre:
            expense_services.submit_report(actor=request.auth, report=report)
    return Status(201, fetch(ExpenseReport, report.pk))


@guarded(router, "POST", "/notes-de-frais/{report_id}/decision", "hr.edit", response=ExpenseReportOut)
def decide_expense_report(request, report_id: ObjectId, payload: ExpenseDecisionIn):
    """Approve or refuse a submitted report (rh and direction; never their own — a manager through
    /validations-notes-de-frais)."""
    fields = through_form(DecisionForm, payload)
    report = fetch(ExpenseReport.objects.select_related("employee__manager"), report_id)
    expense_services.decide_report(actor=request.auth, report=report, approve=fields["decision"] == "accepter",
                                   note=fields["note"])  # fmt: skip
    return fetch(ExpenseReport, report_id)


@guarded(router, "GET", "/validations-notes-de-frais", "hr.self", response=Page[ExpenseReportOut])
def list_reports_to_decide(request, paging: Query[Paging]):
    """The reports waiting for the caller's decision: their team's for a manager, all for rh and direction (never
    their own), as « À valider » on the expenses page."""
    return page_of(expense_queries.decidable(request.auth).prefetch_related("lines"), paging)


@guarded(router, "POST", "/validations-notes-de-frais/{report_id}", "hr.self", response=ExpenseReportOut)
def decide_as_manager(request, report_id: ObjectId, payload: ExpenseDecisionIn):
    """A manager's decision on a report of their team (or rh's): another report is not theirs to see (404)."""
    fields = through_form(DecisionForm, payload)
    report = fetch(expense_queries.decidable(request.auth).select_related("employee__manager"), report_id)
    expense_services.decide_report(actor=request.auth, report=report, approve=fields["decision"] == "accepter",
                                   note=fields["note"])  # fmt: skip
    return fetch(ExpenseReport, report_id)


@guarded(router, "POST", "/notes-de-frais/{report_id}/comptabilisation", "hr.expenses.post",
         response=ExpenseReportOut)  # fmt: skip
def post_expense_report(request, report_id: ObjectId):
    expense_services.post_report(actor=request.auth, report=fetch(ExpenseReport, report_id))
    return fetch(ExpenseReport, report_id)


@guarded(router, "POST", "/notes-de-frais/{report_id}/remboursement", "hr.expenses.post",
         response=ExpenseReportOut)  # fmt: skip
def reimburse_expense_report(request, report_id: ObjectId, payload: ExpensePayIn):
    fields = through_form(ExpensePayForm, payload)
    expense_services.reimburse_report(actor=request.auth, report=fetch(ExpenseReport, report_id), **fields)
    return fetch(ExpenseReport, report_id)


# --- training -------------------------------------------------------------------------------------------------


class AttendanceOut(Schema):
    id: int
    employee_id: int
    attended: bool
    rating: int | None
    comment: str


class TrainingOut(Schema):
    id: int
    title: str
    provider: str
    kind: str
    funding: str
    start: dt.date
    end: dt.date
    hours: Decimal
    cost: Decimal
    status: str
    evaluation: str
    skill_id: int | None


class TrainingDetailOut(TrainingOut):
    attendees: list[AttendanceOut]

    @staticmethod
    def resolve_attendees(obj: TrainingAction):
        return list(obj.attendees.order_by("employee__last_name", "pk"))


class TrainingIn(Schema):
    title: str
    provider: str
    kind: TrainingKind = TrainingKind.DEVELOPMENT
    funding: TrainingFunding
    start: Day
    end: Day
    hours: Decimal = Field(..., max_digits=6, decimal_places=1)
    cost: Decimal = Field(Decimal(0), max_digits=10, decimal_places=2)
    skill: OptionalId = Field(None, description="id de la compétence visée (GPEC)")
    employees: list[RequiredId] = Field([], max_length=500, description="ids des stagiaires")


class EnrolIn(Schema):
    employees: list[RequiredId] = Field(..., min_length=1, max_length=500, description="ids des salariés à inscrire")


class CompleteIn(Schema):
    attended: list[RequiredId] = Field([], max_length=500, description="ids des stagiaires présents")
    evaluation: str = ""


class TrainingFilters(Paging):
    annee: int | None = Field(None, ge=2000, le=2099, description="par défaut : l'année en cours")
    statut: Literal["", *TrainingStatus.values] = ""  # type: ignore[valid-type]
    nature: Literal["", *TrainingKind.values] = ""  # type: ignore[valid-type]


@guarded(router, "GET", "/formations", "hr.view", response=Page[TrainingOut])
def list_trainings(request, filters: Query[TrainingFilters]):
    """The training plan of a year, as its page shows it."""
    data = filters.dict()
    return page_of(training_queries.plan(data, data["annee"] or local_today().year), data)


@guarded(router, "GET", "/formations/{training_id}", "hr.view", response=TrainingDetailOut)
def get_training(request, training_id: ObjectId):
    return fetch(TrainingAction, training_id)


@guarded(router, "POST", "/formations", "hr.edit", response={201: TrainingDetailOut})
def create_training(request, payload: TrainingIn):
    fields = through_form(TrainingActionForm, payload)
    return Status(201, training_services.create_action(actor=request.auth, **fields))


@guarded(router, "POST", "/formations/{training_id}/inscriptions", "hr.edit", response=TrainingDetailOut)
def enrol_training(request, training_id: ObjectId, payload: EnrolIn):
    action = fetch(TrainingAction, training_id)
    employees = list(Employee.objects.filter(pk__in=payload.employees))
    training_services.enrol(actor=request.auth, action=action, employees=employees)
    return fetch(TrainingAction, training_id)


@guarded(router, "POST", "/formations/{training_id}/realisation", "hr.edit", response=TrainingDetailOut)
def complete_training(request, training_id: ObjectId, payload: CompleteIn):
    action = fetch(TrainingAction, training_id)
    fields = through_form(TrainingCompleteForm, payload, action=action)
    training_services.complete_action(actor=request.auth, action=action, attended=[e.pk for e in fields["attended"]],
                                      evaluation=fields["evaluation"])  # fmt: skip
    return fetch(TrainingAction, training_id)


@guarded(router, "POST", "/formations/{training_id}/annulation", "hr.edit", response=TrainingDetailOut)
def cancel_training(request, training_id: ObjectId):
    training_services.cancel_action(actor=request.auth, action=fetch(TrainingAction, training_id))
    return fetch(TrainingAction, training_id)


# --- payroll inputs -------------------------------------------------------------------------------------------


class PayrollVariableOut(Schema):
    id: int
    employee_id: int
    base_gross: Decimal = Field(..., description="salaire de base du contrat (confidentiel)")
    contract_hours: Decimal
    hours_worked: Decimal
    overtime_25: Decimal
    overtime_50: Decimal
    complementary_10: Decimal
    complementary_25: Decimal
    paid_leave_days: Decimal
    sickness_days: Decimal
    work_accident_days: Decimal
    unpaid_days: Decimal
    other_absence_days: Decimal
    bonus: Decimal
    benefits_in_kind: Decimal
    expenses: Decimal
    entry_date: dt.date | None
    exit_date: dt.date | None
    comment: str
    version: int


class PayrollMonthOut(Schema):
    id: int
    month: dt.date
    status: str
    validated_by: str
    validated_at: dt.datetime | None
    entry_id: int | None
    version: int


class PayrollMonthDetailOut(PayrollMonthOut):
    variables: list[PayrollVariableOut]

    @staticmethod
    def resolve_variables(obj: PayrollMonth):
        return list(obj.variables.order_by("employee__last_name", "employee__first_names", "pk"))


class PayrollMonthIn(Schema):
    month: Day = Field(..., description="un jour du mois (le 1er est retenu)")


class PayrollVariablePatch(Schema):
    hours_worked: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    overtime_25: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    overtime_50: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    complementary_10: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    complementary_25: Decimal | None = Field(None, max_digits=7, decimal_places=2)
    bonus: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    benefits_in_kind: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    expenses: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    comment: str | None = None
    version: int | None = Field(None, description="Version lue ; si les variables ont changé depuis, réponse 409.")


@guarded(router, "GET", "/paie", "hr.view", response=Page[PayrollMonthOut])
def list_payroll_months(request, paging: Query[Paging]):
    return page_of(PayrollMonth.objects.order_by("-month"), paging)


@guarded(router, "GET", "/paie/{payroll_id}", "hr.view", response=PayrollMonthDetailOut)
def get_payroll_month(request, payroll_id: ObjectId):
    """The month's variables, one row per employee (salary and absences: human resources only)."""
    return fetch(PayrollMonth, payroll_id)


@guarded(router, "POST", "/paie", "hr.edit", response=PayrollMonthDetailOut)
def prepare_payroll_month(request, payload: PayrollMonthIn):
    """Create the month's variables, or refresh what the files say while the month is in preparation."""
    month = through_form(PayrollMonthForm, {"month": payload.month.isoformat()})["month"]
    return payroll_services.prepare_month(actor=request.auth, month=month)


@guarded(router, "PATCH", "/paie/variables/{variable_id}", "hr.edit", response=PayrollVariableOut)
def update_payroll_variable(request, variable_id: ObjectId, payload: PayrollVariablePatch):
    """What rh types (hours, overtime, bonuses…); the rest comes from the files and the absences."""
    variable = fetch(PayrollVariable, variable_id)
    fields = through_form(PayrollVariableForm, payload, instance=fetch(PayrollVariable, variable_id))
    data = {name: fields[name] for name in payroll_services.TYPED_FIELDS}
    return payroll_services.update_variable(actor=request.auth, variable=variable, expected_version=payload.version,
                                            **data)  # fmt: skip


@guarded(router, "POST", "/paie/{payroll_id}/validation", "hr.edit", response=PayrollMonthDetailOut)
def validate_payroll_month(request, payroll_id: ObjectId):
    return payroll_services.validate_month(actor=request.auth, payroll_month=fetch(PayrollMonth, payroll_id))


class PayrollJournalIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier CSV (compte, libellé, débit, crédit)")
    content_base64: str = Field(..., max_length=MAX_RECEIPT_BASE64, description="le fichier en base64")


@guarded(router, "POST", "/paie/{payroll_id}/journal", "hr.edit", response=PayrollMonthOut)
def post_payroll_journal(request, payroll_id: ObjectId, payload: PayrollJournalIn):
    """The provider's payroll journal (the validated month's, once) posted as the month's entry (OD, its last day),
    the file checked as the payroll page's upload; every problem of the file said in French (409)."""
    upload = uploaded_base64(payload.file_name, payload.content_base64)
    data = through_form(PayrollJournalForm, {}, files={"file": upload})
    month = fetch(PayrollMonth, payroll_id)
    payroll_services.post_journal_file(actor=request.auth, payroll_month=month, upload=data["file"])
    return fetch(PayrollMonth, payroll_id)
