"""People over the API, for the roles of human resources only (hr.view, hr.edit: direction and rh; no other role
reads an employee's file here either; every role with a file asks for its own leave): employees hired, changed (a
register mention with its reason) and leaving through `hr.services.employees`; absences recorded, requested, decided
and cancelled through `hr.services.absences`, which decide who may do what as on the pages. The social security
number and the IBAN are written, never read back."""

import datetime as dt
from decimal import Decimal
from typing import Literal

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
)
from pilote.core.listing import sort_queryset
from pilote.hr.forms import EMPLOYEE_FIELDS, AbsenceForm, EmployeeForm, ExitForm, LeaveRequestForm
from pilote.hr.models import Absence, AbsenceKind, ContractType, CseCategory, Employee, Sex
from pilote.hr.queries import absences as absence_queries
from pilote.hr.queries import employees as queries
from pilote.hr.services import absences as absence_services
from pilote.hr.services import employees as services

router = Router(tags=["Ressources humaines"])


class EmployeeOut(Schema):
    id: int
    register_number: int
    last_name: str
    birth_name: str
    first_names: str
    sex: str
    birth_date: dt.date
    nationality: str
    email: str
    phone: str
    job: str
    qualification: str
    cse_category: str
    establishment: str
    manager_id: int | None
    user_id: int | None
    contract_type: str
    part_time: bool
    weekly_hours: Decimal
    entry_date: dt.date
    exit_date: dt.date | None
    exit_reason: str
    version: int


class EmployeePatch(Schema):
    last_name: str | None = None
    birth_name: str | None = None
    first_names: str | None = None
    sex: Sex | None = None
    birth_date: Day | None = None
    birth_place: str | None = None
    nationality: str | None = None
    nir: str | None = Field(None, description="n° de sécurité sociale (écrit, jamais relu par l'API)")
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    iban: str | None = None
    bic: str | None = None
    job: str | None = None
    qualification: str | None = None
    cse_category: CseCategory | None = None
    establishment: str | None = None
    manager: OptionalId = Field(None, description="id du salarié responsable")
    user: OptionalId = Field(None, description="id du compte Pilote du salarié")
    contract_type: ContractType | None = None
    part_time: bool | None = None
    weekly_hours: Decimal | None = Field(None, max_digits=4)
    entry_date: Day | None = None
    hiring_authorisation_date: Day | None = None
    needs_work_permit: bool | None = None
    work_permit_type: str | None = None
    work_permit_number: str | None = None
    work_permit_expires: Day | None = None
    temp_agency: str | None = None
    tutor: str | None = None
    internship_place: str | None = None


class EmployeeIn(EmployeePatch):
    last_name: str
    first_names: str
    sex: Sex
    birth_date: Day
    job: str
    entry_date: Day


class EmployeeUpdate(EmployeePatch):
    reason: str = Field("", description="motif, obligatoire quand une mention du registre du personnel change")
    version: int | None = Field(None, description="Version lue ; si le dossier a changé depuis, réponse 409.")


class ExitIn(Schema):
    exit_date: Day
    exit_reason: str


class EmployeeFilters(Paging):
    q: Words = Field("", description="nom, prénoms ou emploi")
    statut: Literal["presents", "a_venir", "sortis", "tous"] = "presents"
    contrat: str = Field("", description="type de contrat (cdi, cdd…)")
    categorie: str = Field("", description="catégorie CSE")
    tri: str = Field(queries.DEFAULT_SORT, description="nom, entree, emploi, contrat, numero ; préfixe - décroissant")


@guarded(router, "GET", "/salaries", "hr.view", response=Page[EmployeeOut])
def list_employees(request, filters: Query[EmployeeFilters]):
    data = filters.dict()
    employees = sort_queryset(queries.filter_employees(data), data["tri"], queries.SORTS, queries.DEFAULT_SORT)
    return page_of(employees, data)


@guarded(router, "GET", "/salaries/{employee_id}", "hr.view", response=EmployeeOut)
def get_employee(request, employee_id: ObjectId):
    return fetch(Employee, employee_id)


@guarded(router, "POST", "/salaries", "hr.edit", response={201: EmployeeOut})
def hire_employee(request, payload: EmployeeIn):
    fields = through_form(EmployeeForm, payload)
    employee = services.hire_employee(actor=request.auth, **{name: fields[name] for name in EMPLOYEE_FIELDS})
    return Status(201, fetch(Employee, employee.pk))


@guarded(router, "PATCH", "/salaries/{employee_id}", "hr.edit", response=EmployeeOut)
def update_employee(request, employee_id: ObjectId, payload: EmployeeUpdate):
    employee = fetch(Employee, employee_id)
    fields = through_form(EmployeeForm, payload, instance=fetch(Employee, employee_id))
    changes = {name: fields[name] for name in EMPLOYEE_FIELDS}
    reason = fields.get("reason", "")
    services.update_employee(
        actor=request.auth, employee=employee, expected_version=payload.version, reason=reason, **changes
    )
    return fetch(Employee, employee_id)


@guarded(router, "POST", "/salaries/{employee_id}/sortie", "hr.edit", response=EmployeeOut)
def record_exit(request, employee_id: ObjectId, payload: ExitIn):
    fields = through_form(ExitForm, payload)
    services.record_exit(actor=request.auth, employee=fetch(Employee, employee_id), **fields)
    return fetch(Employee, employee_id)


# --- absences -------------------------------------------------------------------------------------------


class AbsenceOut(Schema):
    id: int
    employee_id: int
    kind: str
    start: dt.date
    end: dt.date
    days: Decimal
    status: str
    comment: str
    certificate: bool
    decided_at: dt.datetime | None
    decision_note: str
    version: int


class AbsenceIn(Schema):
    employee: RequiredId = Field(..., description="id du salarié")
    kind: AbsenceKind
    start: Day
    end: Day
    certificate: bool = False
    comment: str = ""


class LeaveRequestIn(Schema):
    kind: AbsenceKind = Field(..., description="congés payés, RTT, sans solde… (ce qu'un salarié demande lui-même)")
    start: Day
    end: Day
    comment: str = ""


class DecisionIn(Schema):
    decision: Literal["accepter", "refuser"]
    note: str = Field("", description="motif, obligatoire pour un refus")


class AbsenceFilters(Paging):
    salarie: OptionalId = None
    nature: str = ""
    statut: str = ""
    du: Day | None = None
    au: Day | None = None


@guarded(router, "GET", "/absences", "hr.view", response=Page[AbsenceOut])
def list_absences(request, filters: Query[AbsenceFilters]):
    data = filters.dict()
    return page_of(absence_queries.filter_absences(data), data)


@guarded(router, "GET", "/absences/{absence_id}", "hr.view", response=AbsenceOut)
def get_absence(request, absence_id: ObjectId):
    """As on its page, reading a sickness or an accident at work is written in the audit log."""
    return absence_queries.read_absence(request.auth, fetch(Absence, absence_id).pk)


@guarded(router, "POST", "/absences", "hr.edit", response={201: AbsenceOut})
def record_absence(request, payload: AbsenceIn):
    fields = through_form(AbsenceForm, payload)
    return Status(201, absence_services.record_absence(actor=request.auth, **fields))


@guarded(router, "POST", "/mes-absences", "hr.self", response={201: AbsenceOut})
def request_leave(request, payload: LeaveRequestIn):
    """The caller's own leave request, to their manager (the caller's account must be linked to their file)."""
    from django.shortcuts import get_object_or_404

    employee = get_object_or_404(Employee, user=request.auth)
    fields = through_form(LeaveRequestForm, payload)
    return Status(201, absence_services.request_leave(actor=request.auth, employee=employee, **fields))


@guarded(router, "POST", "/absences/{absence_id}/decision", "hr.edit", response=AbsenceOut)
def decide_leave(request, absence_id: ObjectId, payload: DecisionIn):
    """Accept or refuse a request (rh and direction; never their own — managers decide their team's on the page)."""
    approve = payload.decision == "accepter"
    absence = fetch(Absence, absence_id)
    return absence_services.decide_leave(actor=request.auth, absence=absence, approve=approve, note=payload.note)


@guarded(router, "POST", "/absences/{absence_id}/annulation", "hr.edit", response=AbsenceOut)
def cancel_leave(request, absence_id: ObjectId):
    """rh and direction cancel an absence still in course (an employee withdraws their own on their page)."""
    return absence_services.cancel_leave(actor=request.auth, absence=fetch(Absence, absence_id))
