"""The training plan and annual reviews: actions created and followed by rh and direction, attendees enrolled, the
action completed with who attended, each attendee's evaluation; annual reviews recorded. Each write audited without
the reviews' content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import (
    AnnualReview,
    Employee,
    TrainingAction,
    TrainingAttendance,
    TrainingKind,
    TrainingStatus,
)
from pilote.lib.dates import local_today

ACTION_FIELDS = ("title", "provider", "kind", "funding", "start", "end", "hours", "cost")


def _check_action(fields: dict) -> None:
    if fields["end"] < fields["start"]:
        raise DomainError("La fin de la formation ne peut pas précéder son début.")
    if (fields["end"] - fields["start"]).days > 3 * 366:
        raise DomainError("Une action de formation dure trois ans au plus.")
    if not fields["hours"] or fields["hours"] <= 0 or fields["hours"] > 5000:
        raise DomainError("La durée va de 0,5 à 5 000 heures.")
    if fields["cost"] is None or fields["cost"] < 0:
        raise DomainError("Le coût est positif ou nul.")


@transaction.atomic
def create_action(*, actor, employees=(), skill=None, **fields) -> TrainingAction:
    fields = {name: fields[name] for name in ACTION_FIELDS}
    _check_action(fields)
    action = TrainingAction.objects.create(skill=skill, **fields)
    audit.record(actor, "hr.training.created", action, after={"title": action.title, "start": str(action.start)})
    if employees:
        enrol(actor=actor, action=action, employees=employees)
    return action


@transaction.atomic
def enrol(*, actor, action: TrainingAction, employees) -> int:
    action = TrainingAction.objects.select_for_update().get(pk=action.pk)
    if action.status != TrainingStatus.PLANNED:
        raise DomainError("On n'inscrit plus personne à une formation réalisée ou annulée.")
    already = set(action.attendees.values_list("employee_id", flat=True))
    added = [e for e in employees if e.pk not in already]
    gone = [e.full_name for e in added if e.exit_date and e.exit_date < action.start]
    if gone:
        raise DomainError(f"Plus dans la structure au début de la formation : {', '.join(gone)}.")
    TrainingAttendance.objects.bulk_create(TrainingAttendance(action=action, employee=e) for e in added)
    audit.record(actor, "hr.training.enrolled", action, after={"employees": sorted(e.pk for e in added)})
    return len(added)


@transaction.atomic
def complete_action(*, actor, action: TrainingAction, attended: list[int], evaluation: str = "") -> TrainingAction:
    """The action took place: who attended (the others are recorded as absent) and the action's evaluation."""
    action = TrainingAction.objects.select_for_update().get(pk=action.pk)
    if action.status != TrainingStatus.PLANNED:
        raise DomainError("Cette formation n'est plus prévue.")
    if action.start > local_today():
        raise DomainError("Une formation se déclare réalisée une fois commencée.")
    action.attendees.update(attended=False)
    action.attendees.filter(employee_id__in=attended).update(attended=True)
    action.status, action.evaluation = TrainingStatus.DONE, evaluation.strip()[:5000]
    action.save(update_fields=["status", "evaluation"])
    audit.record(actor, "hr.training.completed", action, after={"attended": sorted(attended)})
    return action


@transaction.atomic
def cancel_action(*, actor, action: TrainingAction) -> TrainingAction:
    action = TrainingAction.objects.select_for_update().get(pk=action.pk)
    if action.status != TrainingStatus.PLANNED:
        raise DomainError("Seule une formation prévue s'annule.")
    action.status = TrainingStatus.CANCELLED
    action.save(update_fields=["status"])
    audit.record(actor, "hr.training.cancelled", action)
    return action


def can_evaluate(user, attendance: TrainingAttendance) -> bool:
    """The attendee evaluates their training, rh and direction anyone's."""
    return attendance.employee.user_id == user.pk or user.can("hr.edit")


@transaction.atomic
def evaluate(*, actor, attendance: TrainingAttendance, rating: int | None, comment: str = "") -> TrainingAttendance:
    """An attendee's evaluation of the action (cold or hot), by rh or by the attendee."""
    if not can_evaluate(actor, attendance):
        raise DomainError("Seul le stagiaire ou le service des ressources humaines évalue la formation.")
    if not attendance.attended:
        raise DomainError("Seule une personne qui a suivi la formation l'évalue.")
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError("La satisfaction va de 1 à 5.")
    attendance.rating, attendance.comment = rating, comment.strip()[:250]
    attendance.save(update_fields=["rating", "comment"])
    audit.record(actor, "hr.training.evaluated", attendance.action, after={"employee": attendance.employee_id})
    return attendance


def optional_training_since(employee: Employee, since: dt.date | None) -> bool:
    """Has the person followed a non-mandatory training since `since` (the last review)? What the 8-year review
    checks (L6315-1; the €3,000 CPF top-up from 50 employees)."""
    done = TrainingAttendance.objects.filter(employee=employee, attended=True, action__status=TrainingStatus.DONE,
                                             action__kind=TrainingKind.DEVELOPMENT)  # fmt: skip
    return done.filter(action__end__gte=since).exists() if since else done.exists()


def hours_followed(employee: Employee) -> Decimal:
    rows = TrainingAttendance.objects.filter(employee=employee, attended=True, action__status=TrainingStatus.DONE)
    return sum((row.action.hours for row in rows.select_related("action")), Decimal(0))


@transaction.atomic
def record_review(*, actor, employee: Employee, held_on: dt.date, assessment: str = "", objectives: str = "",
                  training_wishes: str = "") -> AnnualReview:  # fmt: skip
    if held_on > local_today():
        raise DomainError("Un entretien s'enregistre une fois tenu : la date ne peut pas être à venir.")
    if held_on < employee.entry_date:
        raise DomainError("L'entretien ne peut pas précéder l'entrée du salarié.")
    review = AnnualReview.objects.create(
        employee=employee, held_on=held_on, reviewer=(actor.get_full_name() or actor.username)[:150],
        assessment=assessment.strip()[:10_000], objectives=objectives.strip()[:5000],
        training_wishes=training_wishes.strip()[:250],
    )  # fmt: skip
    audit.record(actor, "hr.review.recorded", review, after={"employee": employee.pk, "held_on": str(held_on)})
    return review
