"""Staff organisation over the API (apihr), with the pages' permissions, forms and services: the schedule (a week's
grid as each caller sees it — rh and direction everyone, a manager their team, anyone else themselves — shifts
planned, removed and a week recopied by whoever plans the person) and the year's overtime (human resources only);
internal announcements (read by everyone employed, published and withdrawn by rh and direction); an employee's
analytic split (human resources only); the expense reports paid back by SEPA transfer (the pain.001 file of
`hr.services.transfers`, the reports reimbursed) and a receipt's file, served through the report's checks."""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse, Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Clock,
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    checked,
    fetch,
    guarded,
    page_of,
    through_form,
)
from pilote.hr.forms import AnnouncementForm, ExpenseTransferForm, ShiftForm, WeekForm
from pilote.hr.models import Announcement, Employee, ExpenseLine, WorkShift
from pilote.hr.queries import worktime as worktime_queries
from pilote.hr.services import analytic as analytic_services
from pilote.hr.services import announcements as announcement_services
from pilote.hr.services import expenses as expense_services
from pilote.hr.services import transfers as transfer_services
from pilote.hr.services import worktime as worktime_services
from pilote.lib.dates import local_today

router = Router(tags=["Ressources humaines"])


# --- the schedule ---------------------------------------------------------------------------------------------


class WorkShiftOut(Schema):
    id: int
    employee_id: int
    day: dt.date
    start: str = Field(..., description="heure locale HH:MM")
    end: str = Field(..., description="heure locale HH:MM ; avant le début : fin le lendemain (travail de nuit)")
    break_minutes: int
    hours: Decimal
    note: str
    author: str

    @staticmethod
    def resolve_start(obj: WorkShift) -> str:
        return f"{obj.start:%H:%M}"

    @staticmethod
    def resolve_end(obj: WorkShift) -> str:
        return f"{obj.end:%H:%M}"


class WorkAlertOut(Schema):
    day: dt.date
    kind: str
    message: str


class PlanningRowOut(Schema):
    employee_id: int
    employee: str
    can_plan: bool = Field(..., description="l'appelant planifie cette personne")
    worked: Decimal = Field(..., description="heures de la semaine")
    overtime_25: Decimal
    overtime_50: Decimal
    complementary_10: Decimal
    complementary_25: Decimal
    alerts: list[WorkAlertOut] = Field(..., description="durées maximales et repos (12 semaines lues)")
    shifts: list[WorkShiftOut]


class PlanningOut(Schema):
    monday: dt.date
    week: str = Field(..., description="semaine ISO, par exemple 2026-W45")
    rows: list[PlanningRowOut]


class WeekFilters(Schema):
    semaine: str = Field("", max_length=10, description="semaine ISO (2026-W45) ; par défaut : la semaine en cours")
    equipe: OptionalId = Field(None, description="id du responsable : son équipe (rh et direction)")


def _week(filters: WeekFilters) -> tuple[dt.date, Employee | None]:
    """The week and the team asked for, read by the planning page's form (French 422 otherwise)."""
    from pilote.hr import worktime

    data = through_form(WeekForm, {"semaine": filters.semaine, "equipe": filters.equipe})
    return worktime.monday(data.get("semaine") or local_today()), data.get("equipe")


def _visible_shift(request, shift_id: int) -> WorkShift:
    """A shift of a person the caller sees on the schedule; another one is not theirs to see (404)."""
    shift = fetch(WorkShift.objects.select_related("employee__manager"), shift_id)
    if not worktime_queries.visible(request.auth, shift.day, shift.day).filter(pk=shift.employee_id).exists():
        raise Http404
    return shift


@guarded(router, "GET", "/planning", "hr.self", response=PlanningOut)
def get_planning(request, filters: Query[WeekFilters]):
    """The week's grid as the planning page shows it to the caller: each person's shifts, hours, overtime and the
    legal alerts."""
    monday, team = _week(filters)
    rows = []
    for row in worktime_queries.week_grid(request.auth, monday, team):
        week = row.week
        rows.append({
            "employee_id": row.employee.pk, "employee": row.employee.full_name, "can_plan": row.can_plan,
            "worked": week.worked if week else Decimal(0), "overtime_25": week.overtime_25 if week else Decimal(0),
            "overtime_50": week.overtime_50 if week else Decimal(0),
            "complementary_10": week.complementary_10 if week else Decimal(0),
            "complementary_25": week.complementary_25 if week else Decimal(0),
            "alerts": [{"day": a.day, "kind": a.kind, "message": a.message} for a in row.alerts],
            "shifts": [shift for day in row.days for shift in day],
        })  # fmt: skip
    return {"monday": monday, "week": f"{monday:%G-W%V}", "rows": rows}


class WorkShiftIn(Schema):
    employee: RequiredId = Field(..., description="id du salarié (une personne que l'appelant planifie)")
    day: Day
    start: Clock
    end: Clock = Field(..., description="avant le début : fin le lendemain")
    break_minutes: int = Field(60, ge=0, le=600, description="pause en minutes (60 par défaut, comme la page)")
    note: str = Field("", max_length=120, description="poste, lieu")


class WeekCopyIn(Schema):
    semaine: str = Field("", max_length=10, description="semaine ISO à remplir (2026-W45) ; la précédente est recopiée")
    equipe: OptionalId = Field(None, description="id du responsable : son équipe seulement")


class WeekCopyOut(Schema):
    monday: dt.date
    created: int = Field(..., description="plages recopiées")


@guarded(router, "GET", "/plages-travail/{shift_id}", "hr.self", response=WorkShiftOut)
def get_work_shift(request, shift_id: ObjectId):
    return _visible_shift(request, shift_id)


@guarded(router, "POST", "/plages-travail", "hr.self", response={201: WorkShiftOut})
def plan_work_shift(request, payload: WorkShiftIn):
    """A shift planned, as on the planning page: for a person the caller plans (another one: 422 on `employee`),
    neither overlapping another nor on a day of leave, within the maximum durations and a part-timer's limits
    (409 with the French reason)."""
    from pilote.hr import worktime

    plannable = worktime_queries.plannable(request.auth, worktime.monday(payload.day))
    fields = through_form(ShiftForm, payload, employees=plannable)
    return Status(201, worktime_services.plan_shift(actor=request.auth, **fields))


@guarded(router, "DELETE", "/plages-travail/{shift_id}", "hr.self", response={204: None})
def remove_work_shift(request, shift_id: ObjectId):
    """A shift removed from the schedule by whoever plans the person; someone else's: 404."""
    shift = _visible_shift(request, shift_id)
    if not worktime_services.can_plan(request.auth, shift.employee):
        raise Http404
    worktime_services.remove_shift(actor=request.auth, shift=shift)
    return Status(204, None)


@guarded(router, "POST", "/recopies-planning", "hr.self", response=WeekCopyOut)
def copy_work_week(request, payload: WeekCopyIn):
    """The previous week's shifts recopied onto the week, for the people the caller plans who have nothing planned
    that week (a day of leave or a person gone is skipped), as the planning page's button does."""
    monday, team = _week(WeekFilters(semaine=payload.semaine, equipe=payload.equipe))
    employees = worktime_queries.plannable(request.auth, monday, team)
    created = worktime_services.copy_week(actor=request.auth, employees=employees,
                                          source=monday - dt.timedelta(days=7), target=monday)  # fmt: skip
    return {"monday": monday, "created": created}


class OvertimeOut(Schema):
    employee_id: int
    employee: str
    worked: Decimal
    overtime_25: Decimal
    overtime_50: Decimal
    overtime: Decimal
    quota: Decimal = Field(..., description="contingent annuel")
    left: Decimal = Field(..., description="contingent restant")
    beyond: Decimal = Field(..., description="heures au-delà du contingent")

    @staticmethod
    def resolve_employee_id(obj) -> int:
        return obj.employee.pk

    @staticmethod
    def resolve_employee(obj) -> str:
        return obj.employee.full_name


class OvertimeFilters(Paging):
    annee: int | None = Field(None, ge=2000, le=2099, description="par défaut : l'année en cours")


@guarded(router, "GET", "/heures-supplementaires", "hr.view", response=Page[OvertimeOut])
def list_overtime(request, filters: Query[OvertimeFilters]):
    """Each person's overtime of the weeks ending in the year against the yearly quota, the most first, as on the
    overtime page."""
    data = filters.dict()
    year = data["annee"] or local_today().year
    return page_of(worktime_queries.year_overtime(year, worktime_services.quota()), data)


# --- announcements --------------------------------------------------------------------------------------------


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str
    published_on: dt.date
    until: dt.date | None
    author: str


class AnnouncementIn(Schema):
    title: str = Field(..., max_length=150)
    body: str = Field(..., max_length=5000)
    until: Day | None = Field(None, description="affichée jusqu'au (facultatif)")


@guarded(router, "GET", "/annonces", "hr.self", response=Page[AnnouncementOut])
def list_announcements(request, paging: Query[Paging]):
    """The announcements shown today (every one, past and to come, for rh and direction), newest first."""
    return page_of(announcement_services.visible(request.auth, local_today()), paging)


@guarded(router, "GET", "/annonces/{announcement_id}", "hr.self", response=AnnouncementOut)
def get_announcement(request, announcement_id: ObjectId):
    return fetch(announcement_services.visible(request.auth, local_today()), announcement_id)


@guarded(router, "POST", "/annonces", "hr.edit", response={201: AnnouncementOut})
def publish_announcement(request, payload: AnnouncementIn):
    """Published today on everyone's home page (an end already past: 409)."""
    fields = through_form(AnnouncementForm, payload)
    return Status(201, announcement_services.publish(actor=request.auth, **fields))


@guarded(router, "DELETE", "/annonces/{announcement_id}", "hr.edit", response={204: None})
def withdraw_announcement(request, announcement_id: ObjectId):
    announcement_services.withdraw(actor=request.auth, announcement=fetch(Announcement, announcement_id))
    return Status(204, None)


# --- an employee's analytic split -----------------------------------------------------------------------------


class AnalyticShareOut(Schema):
    axis_id: int
    axis: str
    section_id: int
    section: str
    percent: Decimal


class AnalyticShareIn(Schema):
    section: RequiredId = Field(..., description="id d'une section active de l'axe")
    percent: Decimal = Field(..., max_digits=5, decimal_places=2, description="part en %, les parts font 100")


class AnalyticSplitIn(Schema):
    shares: list[AnalyticShareIn] = Field(..., max_length=200, description="vide : l'axe retiré de la ventilation")


def _shares(employee: Employee) -> list[dict]:
    rows = employee.analytic.select_related("section__axis")
    rows = rows.order_by("section__axis__position", "section__axis__code", "section__code")
    return [{"axis_id": row.section.axis_id, "axis": row.section.axis.code, "section_id": row.section_id,
             "section": row.section.code, "percent": row.percent} for row in rows]  # fmt: skip


@guarded(router, "GET", "/salaries/{employee_id}/ventilation-analytique", "hr.view", response=list[AnalyticShareOut])
def get_employee_analytic(request, employee_id: ObjectId):
    """Where the payroll entry puts the person's pay: their shares on each axis."""
    return _shares(fetch(Employee, employee_id))


@guarded(router, "PUT", "/salaries/{employee_id}/ventilation-analytique/{axis_id}", "hr.edit",
         response=list[AnalyticShareOut])  # fmt: skip
def set_employee_analytic(request, employee_id: ObjectId, axis_id: ObjectId, payload: AnalyticSplitIn):
    """The person's shares on one active axis replaced, as on their file: active sections of the axis, adding up to
    100 % (409 with the French reason otherwise)."""
    from pilote.ledger.models import AnalyticAxis

    employee = fetch(Employee, employee_id)
    axis = fetch(AnalyticAxis.objects.filter(is_active=True), axis_id)
    parts: dict[int, Decimal] = {}
    for share in payload.shares:
        parts[share.section] = parts.get(share.section, Decimal(0)) + share.percent
    shares = analytic_services.shares_of(axis, parts)
    analytic_services.set_employee_analytic(actor=request.auth, employee=employee, axis=axis, shares=shares)
    return _shares(employee)


# --- expense reports paid back by SEPA transfer, a receipt's file ---------------------------------------------


class PayableReportOut(Schema):
    id: int
    number: str
    employee_id: int
    employee: str
    title: str
    total: Decimal
    iban_known: bool = Field(..., description="le dossier du salarié porte un IBAN (sinon : pas de virement)")

    @staticmethod
    def resolve_employee(obj) -> str:
        return obj.employee.full_name

    @staticmethod
    def resolve_iban_known(obj) -> bool:
        return bool(transfer_services.iban(obj.employee))


class ExpenseTransferIn(Schema):
    reports: list[RequiredId] = Field(..., min_length=1, max_length=500, description="ids des notes à rembourser")
    on: Day = Field(..., description="date d'exécution (aujourd'hui ou après)")
    bank_account: RequiredId = Field(..., description="id du compte bancaire débité")


@guarded(router, "GET", "/notes-de-frais-a-virer", "hr.expenses.post", response=Page[PayableReportOut])
def list_payable_reports(request, paging: Query[Paging]):
    """The posted expense reports not paid back yet, as the transfer page proposes them."""
    return page_of(transfer_services.payable(), paging)


@guarded(router, "POST", "/virements-notes-de-frais", "hr.expenses.post")
def pay_reports_by_transfer(request, payload: ExpenseTransferIn):
    """The SEPA credit transfer file (pain.001.001.09, checked against the official XSD) paying the reports back,
    each reimbursed in the books on the execution date — the transfer page's file. A report no longer to pay, an
    employee without an IBAN or a date past: 409 with the French reason, nothing written."""
    reports = list(transfer_services.payable()[:500])
    data = {"reports": [str(pk) for pk in payload.reports], "on": payload.on, "bank_account": payload.bank_account}
    form = checked(ExpenseTransferForm(data=data, reports=reports))
    fields = form.cleaned_data
    xml = transfer_services.pay_by_transfer(actor=request.auth, reports=form.chosen(), execution_date=fields["on"],
                                            bank_account=fields["bank_account"])  # fmt: skip
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virement-notes-de-frais-{fields["on"]:%Y-%m-%d}.xml"'
    return response


@guarded(router, "GET", "/justificatifs-depenses/{expense_line_id}", "hr.self")
def download_receipt(request, expense_line_id: ObjectId):
    """An expense's receipt, as an attachment, to whoever may open its report (the employee, their manager, human
    resources, the accountant); another report's, or an expense without a receipt: 404."""
    line = fetch(ExpenseLine.objects.select_related("report__employee__manager"), expense_line_id)
    handle = expense_services.open_receipt(request.auth, line)
    if handle is None:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=line.receipt_name or "justificatif")
