"""Leave and absences: requests by the employee (self-service), decisions by their manager or rh, absences
recorded by rh (sickness with its certificate…). Each write in a transaction with an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.core.permissions import role_can
from pilote.hr import leave
from pilote.hr.models import REQUESTABLE_KINDS, Absence, AbsenceKind, AbsenceStatus, Employee
from pilote.lib.public_holidays import is_alsace_moselle

LIVE = (AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED)


def in_alsace_moselle() -> bool:
    """The structure's address is in Bas-Rhin, Haut-Rhin or Moselle: two more public holidays (L3134-13)."""
    return is_alsace_moselle(Structure.objects.values_list("postal_code", flat=True).first() or "")


def count_days(kind: str, start: dt.date, end: dt.date) -> Decimal:
    """Paid leave is counted in jours ouvrables (Monday to Saturday, public holidays excluded, those of
    Alsace-Moselle for a structure there); other absences in calendar days."""
    if kind == AbsenceKind.PAID_LEAVE:
        return Decimal(leave.working_days(start, end, alsace_moselle=in_alsace_moselle()))
    return Decimal((end - start).days + 1)


def trace(absence: Absence) -> dict:
    """The audit trail's view of an absence: a health-related kind is not written (the auditor reads the trail)."""
    data = audit.snapshot(absence)
    if absence.is_health_related:
        data["kind"] = "(confidentiel)"
    return data


def _check(employee: Employee, kind: str, start: dt.date, end: dt.date, exclude: int | None = None) -> Decimal:
    if end < start:
        raise DomainError("La fin de l'absence ne peut pas précéder son début.")
    if (end - start).days > 366:
        raise DomainError("Une absence se saisit par périodes d'un an au plus.")
    if start < employee.entry_date or (employee.exit_date and end > employee.exit_date):
        raise DomainError("Ces dates sont en dehors de la présence du salarié dans la structure.")
    overlapping = employee.absences.filter(status__in=LIVE, start__lte=end, end__gte=start).exclude(pk=exclude)
    if clash := overlapping.first():
        raise DomainError(f"Ces dates chevauchent une autre absence : {clash.get_kind_display().lower()} du "
                          f"{clash.start:%d/%m/%Y} au {clash.end:%d/%m/%Y}.")  # fmt: skip
    days = count_days(kind, start, end)
    if days == 0:
        raise DomainError("Ces dates ne comptent aucun jour ouvrable (dimanches et jours fériés exclus).")
    return days


@transaction.atomic
def request_leave(*, actor, employee: Employee, kind: str, start: dt.date, end: dt.date, comment: str = "") -> Absence:
    """An employee's own request (self-service): only for their own file and the kinds one asks for."""
    if employee.user_id != actor.pk:
        raise DomainError("Une demande de congé se fait depuis son propre dossier.")
    if kind not in REQUESTABLE_KINDS:
        raise DomainError("Cette absence est enregistrée par le service des ressources humaines, sur justificatif.")
    Employee.objects.select_for_update().get(pk=employee.pk)  # one request at a time per person (overlaps)
    days = _check(employee, kind, start, end)
    absence = Absence.objects.create(employee=employee, kind=kind, start=start, end=end, days=days,
                                     comment=comment[:250], requested_by=actor)  # fmt: skip
    audit.record(actor, "hr.absence.requested", absence, after=trace(absence))
    return absence


def can_decide(actor, absence: Absence) -> bool:
    """rh and direction decide every request; a manager those of the people reporting to them; nobody their own."""
    if absence.employee.user_id == actor.pk:
        return False
    if role_can(actor.role, "hr.edit"):
        return True
    manager = absence.employee.manager
    return manager is not None and manager.user_id == actor.pk


@transaction.atomic
def decide_leave(*, actor, absence: Absence, approve: bool, note: str = "") -> Absence:
    current = Absence.objects.select_for_update(of=("self",)).select_related("employee__manager").get(pk=absence.pk)
    if not can_decide(actor, current):
        raise DomainError("Vous ne pouvez pas décider de cette demande.")
    if current.status != AbsenceStatus.REQUESTED:
        raise DomainError(f"Cette demande a déjà été {current.get_status_display().lower()}.")
    if not approve and not note.strip():
        raise DomainError("Indiquez au salarié le motif du refus.")
    current.status = AbsenceStatus.APPROVED if approve else AbsenceStatus.REFUSED
    current.decided_by, current.decided_at, current.decision_note = actor, timezone.now(), note.strip()[:250]
    current.version += 1
    current.save()
    audit.record(actor, "hr.absence.approved" if approve else "hr.absence.refused", current,
                 after=trace(current))  # fmt: skip
    return current


@transaction.atomic
def cancel_leave(*, actor, absence: Absence) -> Absence:
    """The employee withdraws a request, or an accepted leave not yet begun; rh may cancel any absence."""
    current = Absence.objects.select_for_update().select_related("employee").get(pk=absence.pk)
    hr = role_can(actor.role, "hr.edit")
    if not hr and current.employee.user_id != actor.pk:
        raise DomainError("Vous ne pouvez pas annuler cette absence.")
    if current.status not in LIVE:
        raise DomainError("Cette absence n'est plus en cours.")
    if not hr and current.status == AbsenceStatus.APPROVED and current.start <= timezone.localdate():
        raise DomainError("Un congé commencé ne s'annule plus depuis votre espace : voyez le service RH.")
    current.status = AbsenceStatus.CANCELLED
    current.version += 1
    current.save()
    audit.record(actor, "hr.absence.cancelled", current, after=trace(current))
    return current


@transaction.atomic
def record_absence(
    *, actor, employee: Employee, kind: str, start: dt.date, end: dt.date, certificate: bool = False, comment: str = ""
) -> Absence:
    """An absence rh records directly (sickness and its certificate, work accident, maternity…), accepted."""
    Employee.objects.select_for_update().get(pk=employee.pk)
    days = _check(employee, kind, start, end)
    absence = Absence.objects.create(
        employee=employee, kind=kind, start=start, end=end, days=days, certificate=certificate, comment=comment[:250],
        requested_by=actor, status=AbsenceStatus.APPROVED, decided_by=actor, decided_at=timezone.now(),
    )  # fmt: skip
    audit.record(actor, "hr.absence.recorded", absence, after=trace(absence))
    return absence


@transaction.atomic
def record_leave_information(*, actor, absence: Absence, given_on: dt.date) -> Absence:
    """rh records the day the employee back from a sickness or work accident received the information on their
    paid leave (L3141-19-3): their balance and the date by which to take it. Once, on or after the return."""
    from pilote.hr.queries.absences import carries_information, continued_by

    if not role_can(actor.role, "hr.edit"):
        raise DomainError("Seuls les ressources humaines et la direction enregistrent cette information.")
    current = Absence.objects.select_for_update(of=("self",)).select_related("employee").get(pk=absence.pk)
    if not carries_information(current):
        raise DomainError("Cette information n'est due qu'au retour d'un arrêt maladie ou d'un accident du travail "
                          "accepté, terminé depuis la loi du 22 avril 2024.")  # fmt: skip
    if current.leave_information_on is not None:
        raise DomainError(f"L'information a déjà été remise le {current.leave_information_on:%d/%m/%Y}.")
    if (following := continued_by(current)) is not None:
        raise DomainError(f"L'arrêt est prolongé jusqu'au {following.end:%d/%m/%Y} : l'information se donne au retour.")
    back = current.end + dt.timedelta(days=1)
    if given_on < back:
        raise DomainError(f"L'information se donne au retour du salarié, le {back:%d/%m/%Y} ou après.")
    if given_on > timezone.localdate():
        raise DomainError("La date de remise ne peut pas être dans le futur.")
    current.leave_information_on = given_on
    current.leave_information_by = (actor.get_full_name() or actor.username)[:150]
    current.version += 1
    current.save()
    audit.record(actor, "hr.absence.leave_information", current, after=trace(current))
    return current
