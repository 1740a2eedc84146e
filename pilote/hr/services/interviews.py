"""Professional interviews held: recorded by rh or direction, with an audit event that keeps their content out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr.models import CareerInterview, Employee, InterviewKind


@transaction.atomic
def record_interview(
    *, actor, employee: Employee, kind: str, held_on: dt.date, summary: str = "", training_followed: bool = False
) -> CareerInterview:
    if kind not in InterviewKind.values:
        raise DomainError("Cette nature d'entretien n'existe pas.")
    if held_on > timezone.localdate():
        raise DomainError("Un entretien s'enregistre une fois tenu : la date ne peut pas être à venir.")
    if held_on < employee.entry_date:
        raise DomainError("L'entretien ne peut pas précéder l'entrée du salarié.")
    interview = CareerInterview.objects.create(employee=employee, kind=kind, held_on=held_on, held_by=actor,
                                               summary=summary, training_followed=training_followed)  # fmt: skip
    audit.record(actor, "hr.interview.recorded", interview,
                 after={"employee": employee.pk, "kind": kind, "held_on": str(held_on)})  # fmt: skip
    return interview


def training_followed_since_review(employee: Employee) -> bool:
    """What the interview's « formation non obligatoire suivie » says by default: has the person followed one since
    their last review (état des lieux), or since hiring when none was held."""
    from pilote.hr.services.training import optional_training_since

    last_review = employee.interviews.filter(kind=InterviewKind.REVIEW).order_by("-held_on").first()
    return optional_training_since(employee, last_review.held_on if last_review else None)
