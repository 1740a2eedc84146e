"""People's careers over the API (apihr), with the pages' permissions, forms and services: professional interviews
and annual reviews (recorded and read by rh and direction; each person reads their own annual reviews, as on their
file), the skills matrix (the repository, the levels jobs require, a person's assessed levels), onboarding and exit
checklists opened and their steps ticked, a trainee's evaluation of a training (the attendee, or rh), and the day the
information on paid leave was given back from a sick leave (L3141-19-3)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, Page, Paging, RequiredId, fetch, guarded, page_of, through_form
from pilote.api.hr import AbsenceOut
from pilote.hr.checklists import ARRIVAL, DEPARTURE
from pilote.hr.forms import (
    AnnualReviewForm,
    InterviewForm,
    LeaveInformationForm,
    SkillForm,
    TrainingEvaluationForm,
)
from pilote.hr.models import (
    Absence,
    AnnualReview,
    CareerInterview,
    ChecklistItem,
    Employee,
    EmployeeSkill,
    InterviewKind,
    JobSkill,
    Skill,
    TrainingAttendance,
)
from pilote.hr.queries import interviews as interview_queries
from pilote.hr.queries import skills as skill_queries
from pilote.hr.services import absences as absence_services
from pilote.hr.services import checklists as checklist_services
from pilote.hr.services import interviews as interview_services
from pilote.hr.services import skills as skill_services
from pilote.hr.services import training as training_services
from pilote.lib.dates import local_today

router = Router(tags=["Ressources humaines"])


# --- professional interviews ----------------------------------------------------------------------------------


class CareerInterviewOut(Schema):
    id: int
    employee_id: int
    kind: str = Field(..., description="professionnel ou etat_des_lieux")
    held_on: dt.date
    held_by: str
    summary: str
    training_followed: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_held_by(obj: CareerInterview) -> str:
        return (obj.held_by.get_full_name() or obj.held_by.username) if obj.held_by else ""


class CareerInterviewIn(Schema):
    kind: InterviewKind = InterviewKind.PROFESSIONAL
    held_on: Day
    summary: str = Field("", max_length=10_000)
    training_followed: bool | None = Field(
        None, description="formation non obligatoire suivie depuis le dernier état des lieux ; par défaut : "
        "ce que dit le plan de formation, comme la page le propose"
    )  # fmt: skip


class CareerInterviewFilters(Paging):
    salarie: OptionalId = None
    nature: Literal["", *InterviewKind.values] = ""  # type: ignore[valid-type]
    du: Day | None = None
    au: Day | None = None


class InterviewDueOut(Schema):
    employee_id: int
    employee: str
    entry_date: dt.date
    last_held_on: dt.date | None
    interview_due: dt.date = Field(..., description="prochain entretien professionnel avant le")
    review_due: dt.date = Field(..., description="état des lieux récapitulatif avant le")
    late: bool = Field(..., description="une échéance est dépassée")


def _held(rows, data: dict):
    """Interviews or reviews of one person (`salarie`) held between `du` and `au`, the latest first."""
    if data["salarie"]:
        rows = rows.filter(employee_id=data["salarie"])
    if data["du"]:
        rows = rows.filter(held_on__gte=data["du"])
    if data["au"]:
        rows = rows.filter(held_on__lte=data["au"])
    return rows.order_by("-held_on", "-pk")


@guarded(router, "GET", "/entretiens-professionnels", "hr.view", response=Page[CareerInterviewOut])
def list_career_interviews(request, filters: Query[CareerInterviewFilters]):
    data = filters.dict()
    rows = _held(CareerInterview.objects.select_related("held_by"), data)
    return page_of(rows.filter(kind=data["nature"]) if data["nature"] else rows, data)


@guarded(router, "GET", "/echeances-entretiens", "hr.view", response=Page[InterviewDueOut])
def list_interviews_due(request, paging: Query[Paging]):
    """Each person present (trainees apart) with their next professional interview and review under the configured
    rule, the soonest first, as on the interviews page."""
    today = local_today()
    rows = sorted(interview_queries.due_rows(today), key=lambda r: (min(r.interview.due, r.review.due), r.employee.pk))
    page = page_of(rows, paging)
    page["results"] = [
        {"employee_id": r.employee.pk, "employee": r.employee.full_name, "entry_date": r.employee.entry_date,
         "last_held_on": r.last, "interview_due": r.interview.due, "review_due": r.review.due,
         "late": r.interview.late(today) or r.review.late(today)}
        for r in page["results"]
    ]  # fmt: skip
    return page


@guarded(router, "GET", "/entretiens-professionnels/{interview_id}", "hr.view", response=CareerInterviewOut)
def get_career_interview(request, interview_id: ObjectId):
    return fetch(CareerInterview.objects.select_related("held_by"), interview_id)


@guarded(router, "POST", "/salaries/{employee_id}/entretiens-professionnels", "hr.edit",
         response={201: CareerInterviewOut})  # fmt: skip
def record_career_interview(request, employee_id: ObjectId, payload: CareerInterviewIn):
    """An interview held, as its page records it (a date to come or before the entry: 409)."""
    employee = fetch(Employee, employee_id)
    body = payload.dict()
    if body["training_followed"] is None:
        body["training_followed"] = interview_services.training_followed_since_review(employee)
    fields = through_form(InterviewForm, body)
    interview = interview_services.record_interview(actor=request.auth, employee=employee, **fields)
    return Status(201, fetch(CareerInterview.objects.select_related("held_by"), interview.pk))


# --- annual reviews -------------------------------------------------------------------------------------------


class AnnualReviewOut(Schema):
    id: int
    employee_id: int
    held_on: dt.date
    reviewer: str
    assessment: str
    objectives: list[str] = Field(..., description="un objectif par élément")
    training_wishes: str
    created_at: dt.datetime

    @staticmethod
    def resolve_objectives(obj: AnnualReview) -> list[str]:
        return obj.objective_list


class AnnualReviewIn(Schema):
    held_on: Day
    assessment: str = Field("", max_length=10_000)
    objectives: str = Field("", max_length=5000, description="un objectif par ligne")
    training_wishes: str = Field("", max_length=250)


class AnnualReviewFilters(Paging):
    salarie: OptionalId = None
    du: Day | None = None
    au: Day | None = None


@guarded(router, "GET", "/entretiens-annuels", "hr.view", response=Page[AnnualReviewOut])
def list_annual_reviews(request, filters: Query[AnnualReviewFilters]):
    data = filters.dict()
    return page_of(_held(AnnualReview.objects.all(), data), data)


@guarded(router, "GET", "/entretiens-annuels/{review_id}", "hr.view", response=AnnualReviewOut)
def get_annual_review(request, review_id: ObjectId):
    return fetch(AnnualReview, review_id)


@guarded(router, "GET", "/mes-entretiens-annuels", "hr.self", response=Page[AnnualReviewOut])
def list_my_annual_reviews(request, paging: Query[Paging]):
    """The caller's own annual reviews, as their file shows them (none when no file is linked to the account)."""
    return page_of(AnnualReview.objects.filter(employee__user=request.auth).order_by("-held_on", "-pk"), paging)


@guarded(router, "POST", "/salaries/{employee_id}/entretiens-annuels", "hr.edit", response={201: AnnualReviewOut})
def record_annual_review(request, employee_id: ObjectId, payload: AnnualReviewIn):
    employee = fetch(Employee, employee_id)
    fields = through_form(AnnualReviewForm, payload)
    return Status(201, training_services.record_review(actor=request.auth, employee=employee, **fields))


# --- skills (GPEC) --------------------------------------------------------------------------------------------


class JobRequirementOut(Schema):
    job: str
    level: int


class SkillOut(Schema):
    id: int
    name: str
    family: str
    requirements: list[JobRequirementOut] = Field(..., description="niveau requis par emploi")

    @staticmethod
    def resolve_requirements(obj: Skill):
        return [{"job": row.job, "level": row.level} for row in obj.jobs.order_by("job")]


class SkillIn(Schema):
    name: str = Field(..., max_length=120)
    family: str = Field("", max_length=80)


class SkillFilters(Paging):
    q: str = Field("", max_length=120, description="mot du nom")
    famille: str = Field("", max_length=80)


class JobRequirementIn(Schema):
    job: str = Field(..., max_length=120, description="un emploi des salariés présents")
    level: int = Field(..., ge=0, le=4, description="niveau requis de 1 à 4 ; 0 retire l'exigence")


@guarded(router, "GET", "/competences", "hr.view", response=Page[SkillOut])
def list_skills(request, filters: Query[SkillFilters]):
    data = filters.dict()
    skills = Skill.objects.prefetch_related("jobs").order_by("family", "name")
    if data["q"].strip():
        skills = skills.filter(name__icontains=data["q"].strip())
    if data["famille"].strip():
        skills = skills.filter(family__iexact=data["famille"].strip())
    return page_of(skills, data)


@guarded(router, "GET", "/competences/{skill_id}", "hr.view", response=SkillOut)
def get_skill(request, skill_id: ObjectId):
    return fetch(Skill, skill_id)


@guarded(router, "POST", "/competences", "hr.edit", response={201: SkillOut})
def create_skill(request, payload: SkillIn):
    """A skill added to the repository (the same name twice: 409)."""
    fields = through_form(SkillForm, payload)
    return Status(201, skill_services.create_skill(actor=request.auth, **fields))


@guarded(router, "POST", "/competences/{skill_id}/exigences", "hr.edit", response=SkillOut)
def require_skill(request, skill_id: ObjectId, payload: JobRequirementIn):
    """The level a job requires of the skill, as the skills page sets it (0 removes the requirement)."""
    from pilote.hr.forms import JobSkillForm

    skill = fetch(Skill, skill_id)
    fields = through_form(JobSkillForm, {"job": payload.job, "skill": skill.pk, "level": payload.level})
    skill_services.require_skill(actor=request.auth, **fields)
    return fetch(Skill, skill_id)


class SkillLevelOut(Schema):
    skill_id: int
    skill: str
    family: str
    level: int | None = Field(..., description="niveau évalué (0 à 4), null : jamais évalué")
    required: int | None = Field(..., description="niveau que l'emploi du salarié requiert")
    assessed_on: dt.date | None
    assessed_by: str


class SkillLevelIn(Schema):
    skill: RequiredId
    level: int = Field(..., ge=0, le=4)


class SkillAssessmentIn(Schema):
    levels: list[SkillLevelIn] = Field(..., min_length=1, max_length=500)


def _levels(employee: Employee) -> list[dict]:
    """Every skill of the repository with the person's level and what their job requires, as the assessment page."""
    held = {row.skill_id: row for row in EmployeeSkill.objects.filter(employee=employee)}
    required = {row.skill_id: row.level for row in JobSkill.objects.filter(job=employee.job)}
    rows = []
    for skill in Skill.objects.order_by("family", "name"):
        row = held.get(skill.pk)
        rows.append(
            {
                "skill_id": skill.pk,
                "skill": skill.name,
                "family": skill.family,
                "level": row.level if row else None,
                "required": required.get(skill.pk),
                "assessed_on": row.assessed_on if row else None,
                "assessed_by": row.assessed_by if row else "",
            }
        )
    return rows


@guarded(router, "GET", "/salaries/{employee_id}/competences", "hr.view", response=list[SkillLevelOut])
def get_employee_skills(request, employee_id: ObjectId):
    return _levels(fetch(Employee, employee_id))


@guarded(router, "PATCH", "/salaries/{employee_id}/competences", "hr.edit", response=list[SkillLevelOut])
def assess_employee_skills(request, employee_id: ObjectId, payload: SkillAssessmentIn):
    """The levels sent assessed (the others kept), as on the person's assessment page; an unknown skill: 422."""
    from django.core.exceptions import ValidationError

    employee = fetch(Employee, employee_id)
    skills = Skill.objects.in_bulk([row.skill for row in payload.levels])
    if unknown := sorted({row.skill for row in payload.levels} - set(skills)):
        raise ValidationError({"levels": [f"Compétence inconnue : {', '.join(map(str, unknown))}."]})
    skill_services.assess(actor=request.auth, employee=employee,
                          levels={skills[row.skill]: row.level for row in payload.levels})  # fmt: skip
    return _levels(employee)


class MatrixLevelOut(Schema):
    skill_id: int
    required: int | None
    level: int


class MatrixRowOut(Schema):
    employee_id: int
    employee: str
    job: str
    levels: list[MatrixLevelOut]
    gaps: int = Field(..., description="compétences sous le niveau que l'emploi requiert")


@guarded(router, "GET", "/matrice-competences", "hr.view", response=Page[MatrixRowOut])
def get_skills_matrix(request, paging: Query[Paging]):
    """The matrix as its page shows it: each person present (interns apart) by job, each skill's level against the
    job's requirement."""
    data = skill_queries.matrix(local_today())
    gaps: dict[int, int] = {}
    for gap in data.gaps:
        gaps[gap.employee_id] = gaps.get(gap.employee_id, 0) + 1
    page = page_of(data.rows, paging)
    page["results"] = [
        {"employee_id": person.pk, "employee": person.full_name, "job": person.job, "gaps": gaps.get(person.pk, 0),
         "levels": [{"skill_id": skill.pk, "required": required, "level": level} for skill, required, level in cells]}
        for person, cells in page["results"]
    ]  # fmt: skip
    return page


# --- onboarding and exit checklists ---------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    id: int
    employee_id: int
    kind: str = Field(..., description="arrivee ou depart")
    position: int
    code: str
    label: str
    due_on: dt.date
    done_on: dt.date | None
    done_by: str


class ChecklistOpenIn(Schema):
    kind: Literal[ARRIVAL, DEPARTURE]  # type: ignore[valid-type]


class ChecklistTickIn(Schema):
    done: bool = Field(..., description="vrai : étape faite (aujourd'hui) ; faux : à refaire")


class ChecklistFilters(Paging):
    salarie: OptionalId = None
    parcours: Literal["", ARRIVAL, DEPARTURE] = ""  # type: ignore[valid-type]
    a_faire: bool | None = Field(None, description="vrai : les étapes à faire ; faux : les faites")


@guarded(router, "GET", "/etapes-parcours", "hr.view", response=Page[ChecklistItemOut])
def list_checklist_items(request, filters: Query[ChecklistFilters]):
    data = filters.dict()
    items = ChecklistItem.objects.order_by("due_on", "employee_id", "kind", "position")
    if data["salarie"]:
        items = items.filter(employee_id=data["salarie"])
    if data["parcours"]:
        items = items.filter(kind=data["parcours"])
    if data["a_faire"] is not None:
        items = items.filter(done_on__isnull=data["a_faire"])
    return page_of(items, data)


@guarded(router, "GET", "/salaries/{employee_id}/parcours", "hr.view", response=list[ChecklistItemOut])
def get_checklist(request, employee_id: ObjectId):
    return list(fetch(Employee, employee_id).checklist.order_by("kind", "position"))


@guarded(router, "POST", "/salaries/{employee_id}/parcours", "hr.edit", response={201: list[ChecklistItemOut]})
def open_checklist(request, employee_id: ObjectId, payload: ChecklistOpenIn):
    """The arrival's (from the entry date) or the departure's steps (from the exit date: recorded first, else 409)
    not opened yet, as on the file."""
    employee = fetch(Employee, employee_id)
    checklist_services.open_checklist(actor=request.auth, employee=employee, kind=payload.kind)
    return Status(201, list(employee.checklist.order_by("kind", "position")))


@guarded(router, "PATCH", "/etapes-parcours/{step_id}", "hr.edit", response=ChecklistItemOut)
def tick_checklist_item(request, step_id: ObjectId, payload: ChecklistTickIn):
    item = fetch(ChecklistItem.objects.select_related("employee"), step_id)
    return checklist_services.tick(actor=request.auth, item=item, done=payload.done)


# --- a trainee's evaluation -----------------------------------------------------------------------------------


class MyTrainingOut(Schema):
    id: int = Field(..., description="id de la participation (pour l'évaluer)")
    training_id: int
    title: str
    provider: str
    start: dt.date
    end: dt.date
    hours: Decimal
    status: str
    attended: bool
    rating: int | None
    comment: str

    @staticmethod
    def resolve_training_id(obj: TrainingAttendance) -> int:
        return obj.action_id

    @staticmethod
    def resolve_title(obj: TrainingAttendance) -> str:
        return obj.action.title

    @staticmethod
    def resolve_provider(obj: TrainingAttendance) -> str:
        return obj.action.provider

    @staticmethod
    def resolve_start(obj: TrainingAttendance) -> dt.date:
        return obj.action.start

    @staticmethod
    def resolve_end(obj: TrainingAttendance) -> dt.date:
        return obj.action.end

    @staticmethod
    def resolve_hours(obj: TrainingAttendance) -> Decimal:
        return obj.action.hours

    @staticmethod
    def resolve_status(obj: TrainingAttendance) -> str:
        return obj.action.status


class TrainingEvaluationIn(Schema):
    rating: int = Field(..., ge=1, le=5, description="satisfaction de 1 à 5")
    comment: str = Field("", max_length=250)


@guarded(router, "GET", "/mes-formations", "hr.self", response=Page[MyTrainingOut])
def list_my_trainings(request, paging: Query[Paging]):
    """The caller's own trainings, followed and planned, as their file shows them."""
    rows = TrainingAttendance.objects.filter(employee__user=request.auth).select_related("action")
    return page_of(rows.order_by("-action__start", "-pk"), paging)


@guarded(router, "POST", "/participations-formation/{attendance_id}/evaluation", "hr.self", response=MyTrainingOut)
def evaluate_training(request, attendance_id: ObjectId, payload: TrainingEvaluationIn):
    """The attendee's evaluation of a training followed (or rh's); someone else's participation: 404."""
    attendance = fetch(TrainingAttendance.objects.select_related("employee", "action"), attendance_id)
    if not training_services.can_evaluate(request.auth, attendance):
        raise Http404
    fields = through_form(TrainingEvaluationForm, payload)
    return training_services.evaluate(actor=request.auth, attendance=attendance, **fields)


# --- the information on paid leave given back from a sick leave -----------------------------------------------


class LeaveInformationOut(AbsenceOut):
    leave_information_on: dt.date | None = Field(..., description="information sur les congés payés remise le")
    leave_information_by: str


class LeaveInformationIn(Schema):
    given_on: Day = Field(..., description="jour de la remise, au retour du salarié ou après")


@guarded(router, "POST", "/absences/{absence_id}/information-conges", "hr.edit", response=LeaveInformationOut)
def record_leave_information(request, absence_id: ObjectId, payload: LeaveInformationIn):
    """The day the employee back from a sickness or a work accident received the information on their paid leave
    (L3141-19-3), once, as on the absence's page: not due, already given or before the return: 409."""
    absence = fetch(Absence.objects.select_related("employee"), absence_id)
    fields = through_form(LeaveInformationForm, payload)
    return absence_services.record_leave_information(actor=request.auth, absence=absence, **fields)
