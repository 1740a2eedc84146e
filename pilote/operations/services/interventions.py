"""Interventions: planned (one visit or a recurrence that skips public holidays), a technician's overlapping
visit refused (travel time included), a missing skill or a visit outside working hours flagged; on the day the
technician records arrival, departure and the report signed by the person served; a done visit becomes a draft
invoice (the time spent at the catalogue's hourly rate) through the sales services."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.registry import planned_hours
from pilote.lib.public_holidays import french_holidays
from pilote.operations import planning
from pilote.operations.models import Intervention, InterventionStatus, Sector, SectorTravel, Technician
from pilote.operations.services.stock import _clean

TRAVEL = dt.timedelta(minutes=planning.DEFAULT_TRAVEL)  # between two visits in no sector
MAX_DURATION = dt.timedelta(hours=12)
MAX_OCCURRENCES = 260  # a year of weekdays
HOURLY_PRODUCT = "MNT-HEURE"  # the catalogue's « Intervention technicien », when it exists
LIVE = [InterventionStatus.PLANNED, InterventionStatus.STARTED, InterventionStatus.DONE]


def _check_day(day: dt.date) -> None:
    if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
        raise DomainError("Une intervention se planifie entre 2000 et 2099.")


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


@transaction.atomic
def set_technician(*, actor, user, skills: str = "", day_start=dt.time(8), day_end=dt.time(17, 30)) -> Technician:
    if day_end <= day_start:
        raise DomainError("La fin de journée doit suivre son début.")
    technician, _ = Technician.objects.update_or_create(
        user=user, defaults={"skills": skills.strip()[:300], "day_start": day_start, "day_end": day_end}
    )
    audit.record(actor, "operations.technician.saved", technician, after=audit.snapshot(technician))
    return technician


def default_address(contact) -> str:
    """Where a visit goes when the planner leaves the address empty: the contact's own address (billing), else its
    first other address."""
    lines = contact.address_lines
    if not lines:
        other = contact.addresses.first()
        lines = [other.line1, f"{other.postal_code} {other.city}"] if other else []
    return ", ".join(lines) or "Adresse à préciser"


class Travel:
    """The sectors and their travel times, read once (two queries): the travel time between two addresses."""

    def __init__(self):
        self.sectors = [(s.code, s.prefixes) for s in Sector.objects.all()]
        self.names = {s.code: s.name for s in Sector.objects.all()}
        self.within = dict(Sector.objects.values_list("code", "minutes_within"))
        self.between = {frozenset((t.origin.code, t.destination.code)): t.minutes
                        for t in SectorTravel.objects.select_related("origin", "destination")}  # fmt: skip

    def sector(self, address: str) -> str | None:
        return planning.sector_of(address, self.sectors)

    def minutes(self, a: str, b: str) -> int:
        return planning.travel_minutes(self.sector(a), self.sector(b), self.within, self.between)

    @property
    def longest(self) -> dt.timedelta:
        return dt.timedelta(minutes=max([planning.DEFAULT_TRAVEL, *self.within.values(), *self.between.values()]))

    def describe(self, a: str, b: str) -> str:
        """« 35 minutes de trajet (Lyon centre → Villeurbanne) », or the default when a sector is unknown."""
        first, second = self.sector(a), self.sector(b)
        minutes = planning.travel_minutes(first, second, self.within, self.between)
        if first is None or second is None:
            return f"{minutes} minutes de trajet (adresse hors secteur : trajet par défaut)"
        if first == second:
            return f"{minutes} minutes de trajet dans le secteur {self.names[first]}"
        return f"{minutes} minutes de trajet ({self.names[first]} → {self.names[second]})"


def conflicts(technician, start: dt.datetime, end: dt.datetime, exclude=None, address: str = "",
              travel: Travel | None = None) -> list[tuple[Intervention, int]]:  # fmt: skip
    """The technician's visits that leave less than the travel time between them and this one (each with that
    time, in minutes)."""
    if technician is None:
        return []
    travel = travel or Travel()
    reach = travel.longest
    around = Intervention.objects.filter(
        technician=technician, status__in=LIVE, start__lt=end + reach, end__gt=start - reach
    ).select_related("customer")
    if exclude is not None:
        around = around.exclude(pk=exclude.pk)
    found = []
    for visit in around:
        minutes = travel.minutes(address, visit.address)
        if planning.overlaps(start, end, visit.start, visit.end, dt.timedelta(minutes=minutes)):
            found.append((visit, minutes))
    return found


def warnings_for(technician, start: dt.datetime, end: dt.datetime, skill: str) -> list[str]:
    """What the planner should see but may accept: a missing skill, a visit outside the working hours — the staff
    schedule's shifts that day when the people's domain has some (core.registry.planned_hours), else the
    technician's usual hours."""
    if technician is None:
        return ["Intervention non affectée : choisissez un intervenant."]
    profile = Technician.objects.filter(user=technician).first()
    name = technician.get_full_name() or technician.username
    found = []
    if skill and (profile is None or skill.strip().lower() not in profile.skill_set):
        found.append(f"{name} n'a pas la compétence « {skill} ».")
    begins, ends = _local(start), _local(end)
    shifts = planned_hours(technician.pk, begins.date())  # the staff schedule (hr), when it plans that day
    if shifts:
        if not any(a <= begins.time() and (ends.time() <= b or b <= a) and begins.date() == ends.date()
                   for a, b in shifts):  # fmt: skip
            hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in shifts)
            found.append(f"{name} est au planning du personnel ce jour-là de {hours} : la visite en déborde.")
    elif profile and (begins.time() < profile.day_start or ends.time() > profile.day_end
                      or begins.date() != ends.date()):  # fmt: skip
        found.append(f"{name} travaille de {profile.day_start:%H:%M} à {profile.day_end:%H:%M} : la visite en déborde.")
    return found


def _refuse_conflicts(technician, start, end, exclude=None, address: str = "", travel: Travel | None = None) -> None:
    travel = travel or Travel()
    clash = conflicts(technician, start, end, exclude, address, travel)
    if clash:
        other, _minutes = clash[0]
        raise DomainError(
            f"Conflit : {technician.get_full_name() or technician.username} est déjà chez {other.customer} de "
            f"{_local(other.start):%H:%M} à {_local(other.end):%H:%M} le {_local(other.start):%d/%m/%Y}, et il faut "
            f"{travel.describe(other.address, address)} entre les deux visites. Choisissez un autre horaire ou un "
            f"autre intervenant."
        )


@transaction.atomic
def plan(*, actor, customer, kind: str, address: str, subject: str, technician, day: dt.date, at: dt.time,
         minutes: int, required_skill: str = "", until: dt.date | None = None,
         weekdays: list[int] | None = None) -> tuple[list[Intervention], list[str]]:  # fmt: skip
    """One visit on `day`, or one on each of `weekdays` from `day` to `until` (public holidays skipped). Refused
    whole when any occurrence collides with another visit of the technician; warnings returned otherwise."""
    duration = dt.timedelta(minutes=int(minutes))
    if not dt.timedelta(minutes=5) <= duration <= MAX_DURATION:
        raise DomainError("Une intervention dure de 5 minutes à 12 heures.")
    _check_day(day)
    if until is None:
        days = [day]
    else:
        if until < day or (until - day).days > 366:
            raise DomainError("La récurrence se termine après son début, dans l'année.")
        holidays = set(french_holidays(day.year)) | set(french_holidays(until.year))
        days = planning.occurrences(day, until, weekdays or [0, 1, 2, 3, 4], holidays)
        if not days:
            raise DomainError("Aucun jour ouvré dans cette période pour ces jours de la semaine.")
        if len(days) > MAX_OCCURRENCES:
            raise DomainError(f"Au plus {MAX_OCCURRENCES} visites par récurrence.")
    if technician is not None:
        Technician.objects.select_for_update().filter(user=technician).first()  # one planner at a time per person
    series = f"S{timezone.now():%y%m%d%H%M%S%f}"[:20] if len(days) > 1 else ""
    visits, warnings = [], []
    travel = Travel()
    for each in days:
        start = timezone.make_aware(dt.datetime.combine(each, at))
        end = start + duration
        _refuse_conflicts(technician, start, end, address=address, travel=travel)
        visit = Intervention(customer=customer, kind=kind, address=address.strip()[:300], subject=subject.strip(),
                             technician=technician, start=start, end=end, required_skill=required_skill.strip(),
                             series=series, created_by=actor)  # fmt: skip
        _clean(visit)
        visit.save()
        visits.append(visit)
        for text in warnings_for(technician, start, end, required_skill):
            if text not in warnings:
                warnings.append(text)
    audit.record(actor, "operations.intervention.planned", visits[0],
                 after={"visites": len(visits), "intervenant": str(technician or "")})  # fmt: skip
    return visits, warnings


@transaction.atomic
def reschedule(*, actor, visit: Intervention, technician, day: dt.date, at: dt.time, minutes: int) -> list[str]:
    visit = Intervention.objects.select_for_update().get(pk=visit.pk)
    if visit.status != InterventionStatus.PLANNED:
        raise DomainError("Seule une intervention planifiée se déplace.")
    _check_day(day)
    start = timezone.make_aware(dt.datetime.combine(day, at))
    end = start + dt.timedelta(minutes=int(minutes))
    if not dt.timedelta(minutes=5) <= end - start <= MAX_DURATION:
        raise DomainError("Une intervention dure de 5 minutes à 12 heures.")
    _refuse_conflicts(technician, start, end, exclude=visit, address=visit.address)
    before = audit.snapshot(visit)
    visit.technician, visit.start, visit.end = technician, start, end
    visit.version += 1
    visit.save()
    audit.record(actor, "operations.intervention.moved", visit, before=before, after=audit.snapshot(visit))
    return warnings_for(technician, start, end, visit.required_skill)


def _own(actor, visit: Intervention) -> None:
    from pilote.core.permissions import user_can

    if visit.technician_id != actor.pk and not user_can(actor, "operations.plan"):
        raise DomainError("Seul l'intervenant de cette visite (ou le planificateur) la renseigne.")


@transaction.atomic
def arrive(*, actor, visit: Intervention, at: dt.datetime | None = None) -> Intervention:
    visit = Intervention.objects.select_for_update().get(pk=visit.pk)
    _own(actor, visit)
    if visit.status != InterventionStatus.PLANNED:
        raise DomainError("L'arrivée est déjà notée.")
    visit.arrived_at, visit.status = at or timezone.now(), InterventionStatus.STARTED
    visit.version += 1
    visit.save(update_fields=["arrived_at", "status", "version"])
    audit.record(actor, "operations.intervention.arrived", visit)
    return visit


@transaction.atomic
def finish(*, actor, visit: Intervention, report: str, signed_by: str, at: dt.datetime | None = None) -> Intervention:
    visit = Intervention.objects.select_for_update().get(pk=visit.pk)
    _own(actor, visit)
    if visit.status != InterventionStatus.STARTED:
        raise DomainError("Notez d'abord l'arrivée chez le client.")
    if not report.strip():
        raise DomainError("Écrivez un court compte rendu de l'intervention.")
    if not signed_by.strip():
        raise DomainError("Indiquez le nom de la personne qui signe le compte rendu.")
    left = at or timezone.now()
    if left <= visit.arrived_at:
        raise DomainError("Le départ doit suivre l'arrivée.")
    visit.left_at, visit.report, visit.signed_by = left, report.strip()[:4000], signed_by.strip()[:120]
    visit.signed_at, visit.status = left, InterventionStatus.DONE
    visit.version += 1
    visit.save()
    audit.record(actor, "operations.intervention.done", visit, after={"signé par": visit.signed_by})
    return visit


@transaction.atomic
def cancel(*, actor, visit: Intervention) -> Intervention:
    visit = Intervention.objects.select_for_update().get(pk=visit.pk)
    if visit.status == InterventionStatus.DONE:
        raise DomainError("Une intervention réalisée ne s'annule pas.")
    visit.status = InterventionStatus.CANCELLED
    visit.version += 1
    visit.save(update_fields=["status", "version"])
    audit.record(actor, "operations.intervention.cancelled", visit)
    return visit


def billable_hours(visit: Intervention) -> Decimal:
    """The time on site, by started quarter hour."""
    minutes = Decimal(int((visit.left_at - visit.arrived_at).total_seconds() // 60))
    return ((minutes / 15).to_integral_value(rounding=ROUND_CEILING) * 15 / 60).quantize(Decimal("0.01"))


@transaction.atomic
def invoice(*, actor, visit: Intervention, date: dt.date):
    """A draft sales invoice of the time spent, at the catalogue's hourly rate; the accountant issues it."""
    from pilote.catalog.models import Product
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    visit = Intervention.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if visit.status != InterventionStatus.DONE:
        raise DomainError("Seule une intervention réalisée se facture.")
    if visit.invoice_id:
        raise DomainError("Cette intervention est déjà facturée.")
    product = Product.objects.filter(reference=HOURLY_PRODUCT, is_active=True).first()
    if product is None:
        raise DomainError(f"Créez l'article {HOURLY_PRODUCT} (heure d'intervention) dans le catalogue.")
    line = LineSpec(
        description=f"{product.name} — {visit.subject} du {_local(visit.start):%d/%m/%Y}",
        quantity=billable_hours(visit),
        unit_price=product.unit_price, vat_rate=product.vat_rate, unit=product.unit, product=product,
        reference=product.reference, kind=product.kind,
    )  # fmt: skip
    draft = sales.create_invoice(actor=actor, customer=visit.customer, date=date, lines=[line])
    visit.invoice = draft
    visit.save(update_fields=["invoice"])
    audit.record(actor, "operations.intervention.invoiced", visit, after={"facture": draft.pk})
    return draft


# --- Sectors and travel times ------------------------------------------------------------------------------


@transaction.atomic
def save_sector(*, actor, code: str, name: str, postcodes: str, minutes_within: int, sector: Sector | None = None):
    """A sector created or changed: its code, name, postcodes (five digits or the start of them) and travel time
    inside it; a postcode start claimed by another sector is refused (the longest match would hide it)."""
    prefixes = [p.strip() for p in postcodes.replace(";", ",").split(",") if p.strip()]
    wrong = [p for p in prefixes if not (p.isascii() and p.isdigit() and 2 <= len(p) <= 5)]
    if not prefixes or wrong:
        raise DomainError("Codes postaux : de 2 à 5 chiffres chacun (« 69001, 69002, 6913 »), séparés par des virgules"
                          + (f" — « {wrong[0]} » ne convient pas." if wrong else "."))  # fmt: skip
    taken = {p: s for s in Sector.objects.exclude(pk=getattr(sector, "pk", None)) for p in s.prefixes}
    twice = sorted({p for p in prefixes if p in taken})
    if twice:
        raise DomainError(f"Le code postal {twice[0]} est déjà dans le secteur {taken[twice[0]]}.")
    code = code.strip().upper()
    if Sector.objects.filter(code=code).exclude(pk=getattr(sector, "pk", None)).exists():
        raise DomainError(f"Le secteur {code} existe déjà.")
    before = audit.snapshot(sector) if sector else None
    sector = sector or Sector()
    sector.code, sector.name, sector.postcodes = code, name.strip(), ", ".join(dict.fromkeys(prefixes))
    sector.minutes_within = minutes_within
    _clean(sector)
    sector.save()
    audit.record(actor, "operations.sector.saved", sector, before=before, after=audit.snapshot(sector))
    return sector


@transaction.atomic
def save_travel_times(*, actor, minutes: dict[tuple[int, int], int | None]) -> int:
    """The travel times between sectors, {(sector id, sector id): minutes or None to forget it}, either way;
    returns how many are set."""
    ids = set(Sector.objects.values_list("pk", flat=True))
    for (a, b), value in minutes.items():
        if a == b or a not in ids or b not in ids:
            raise DomainError("Un trajet relie deux secteurs existants et différents.")
        if value is not None and not 0 <= value <= 600:
            raise DomainError("Un trajet dure de 0 à 600 minutes.")
    for (a, b), value in minutes.items():
        origin, destination = min(a, b), max(a, b)
        if value is None:
            SectorTravel.objects.filter(origin_id=origin, destination_id=destination).delete()
        else:
            SectorTravel.objects.update_or_create(origin_id=origin, destination_id=destination,
                                                  defaults={"minutes": value})  # fmt: skip
    count = SectorTravel.objects.count()
    audit.record(actor, "operations.sector.travel_saved", None, after={"trajets": count})
    return count
