"""Resources (rooms, vehicles, equipment) and their bookings.

`book_resource` checks the resource's rules (active, capacity, opening hours, longest booking) and refuses an
overlap with a French message proposing an alternative: another free resource of the same kind and size on the
same slot, or the next free slot of the same length on this one. Under it, the database refuses the overlap too
(`triggers.py`): two people booking the same room at the same instant on PostgreSQL both pass the service's
check, the exclusion constraint makes the second wait for the first and refuses it; that refusal becomes the
same French message with its alternatives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.core import audit, integrity
from pilote.core.exceptions import DomainError, check_version
from pilote.office import triggers
from pilote.office.models import Booking, BookingStatus, Resource, ResourceKind, VehicleLog
from pilote.office.rules import clean_resource_hours

RESOURCE_FIELDS = ("name", "kind", "capacity", "location", "registration", "description", "rules", "opens_at",
                   "closes_at", "max_hours", "is_active")  # fmt: skip
SEARCH_DAYS = 14  # how far the next free slot is looked for
STEP = dt.timedelta(minutes=15)


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _when(moment: dt.datetime) -> str:
    return f"{_local(moment):%d/%m/%Y %H:%M}"


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    start, end = _local(start), _local(end)
    if start.date() == end.date():
        return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M}"


@transaction.atomic
def create_resource(*, actor, **fields) -> Resource:
    values = {key: fields[key] for key in RESOURCE_FIELDS if key in fields}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        raise DomainError("Donnez un nom à la ressource.")
    clean_resource_hours(values.get("opens_at"), values.get("closes_at"))
    if Resource.objects.filter(name__iexact=values["name"]).exists():
        raise DomainError(f"Une ressource s'appelle déjà « {values['name']} ».")
    resource = Resource.objects.create(**values)
    audit.record(actor, "office.resource.created", resource, after=audit.snapshot(resource))
    return resource


@transaction.atomic
def update_resource(*, actor, resource: Resource, expected_version: int | None = None, **fields) -> Resource:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    check_version(resource.version, expected_version, "La ressource")
    before = audit.snapshot(resource)
    for key in RESOURCE_FIELDS:
        if key in fields:
            setattr(resource, key, fields[key])
    resource.name = resource.name.strip()
    clean_resource_hours(resource.opens_at, resource.closes_at)
    if Resource.objects.filter(name__iexact=resource.name).exclude(pk=resource.pk).exists():
        raise DomainError(f"Une ressource s'appelle déjà « {resource.name} ».")
    resource.version += 1
    resource.save()
    audit.record(actor, "office.resource.updated", resource, before=before, after=audit.snapshot(resource))
    return resource


def _overlapping(resource_ids, starts_at, ends_at, exclude_pk=None):
    bookings = Booking.objects.filter(
        resource_id__in=resource_ids, status=BookingStatus.CONFIRMED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return bookings.exclude(pk=exclude_pk) if exclude_pk else bookings


def check_rules(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, attendees: int) -> None:
    if not resource.is_active:
        raise DomainError(f"« {resource} » n'est pas réservable en ce moment.")
    if ends_at <= starts_at:
        raise DomainError("La fin de la réservation doit suivre son début.")
    if attendees < 1:
        raise DomainError("Une réservation est faite pour au moins une personne.")
    if attendees > resource.capacity:
        raise DomainError(f"« {resource} » accueille {resource.capacity} personne(s) au plus, pas {attendees}.")
    if resource.max_hours and ends_at - starts_at > dt.timedelta(hours=resource.max_hours):
        raise DomainError(f"« {resource} » se réserve {resource.max_hours} h au plus d'affilée.")
    if not _fits_hours(resource, starts_at, ends_at):
        raise DomainError(
            f"« {resource} » se réserve dans la journée, de {resource.opens_at:%H:%M} à {resource.closes_at:%H:%M}."
        )


def _fits_hours(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    if not (resource.opens_at and resource.closes_at):
        return True
    start, end = _local(start), _local(end)
    return start.date() == end.date() and resource.opens_at <= start.time() and end.time() <= resource.closes_at


def free_alternatives(resource: Resource, starts_at, ends_at, attendees: int = 1, exclude_pk=None) -> dict:
    """What to propose when `resource` is taken: other active resources of its kind, big enough and free on the
    same slot (one query), and the next free slot of the same length on `resource` within SEARCH_DAYS (one
    query over its bookings)."""
    busy = _overlapping(
        Resource.objects.filter(kind=resource.kind).values("pk"), starts_at, ends_at, exclude_pk
    ).values("resource_id")
    others = list(
        Resource.objects.filter(kind=resource.kind, is_active=True, capacity__gte=attendees)
        .exclude(pk=resource.pk)
        .exclude(pk__in=busy)
        .order_by("capacity", "name")[:3]
    )
    length = ends_at - starts_at
    horizon = starts_at + dt.timedelta(days=SEARCH_DAYS)
    taken = list(
        _overlapping([resource.pk], starts_at, horizon + length, exclude_pk)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    candidate, slot = starts_at, None
    while candidate < horizon and slot is None:
        clash = next((end for start, end in taken if start < candidate + length and end > candidate), None)
        if clash is not None:
            candidate = clash
        elif _fits_hours(resource, candidate, candidate + length):
            slot = (candidate, candidate + length)
        else:
            candidate += STEP
    return {"resources": others, "slot": slot}


def overlap_message(resource: Resource, starts_at, ends_at, attendees: int = 1, exclude_pk=None) -> str:
    clash = _overlapping([resource.pk], starts_at, ends_at, exclude_pk).order_by("starts_at").first()
    text = f"« {resource} » est déjà réservé(e)"
    if clash is not None:
        text += f" {span_text(clash.starts_at, clash.ends_at)} (« {clash.title} »)"
    text += " : la réservation est refusée."
    found = free_alternatives(resource, starts_at, ends_at, attendees, exclude_pk)
    proposals = [f"« {other} » est libre sur ce créneau" for other in found["resources"]]
    if found["slot"]:
        proposals.append(f"« {resource} » est libre {span_text(*found['slot'])}")
    if proposals:
        text += " Autres possibilités : " + " ; ".join(proposals) + "."
    return text


def slot_taken(resource: Resource, starts_at, ends_at) -> bool:
    return _overlapping([resource.pk], starts_at, ends_at).exists()


def _is_overlap(exc: IntegrityError) -> bool:
    return integrity.message_for(exc) == triggers.MESSAGE


@transaction.atomic
def book_resource(
    *, actor, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, title: str, attendees: int = 1,
    notes: str = "", event=None,
) -> Booking:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise DomainError("Indiquez l'objet de la réservation.")
    resource = Resource.objects.get(pk=resource.pk)
    check_rules(resource, starts_at, ends_at, attendees)
    if slot_taken(resource, starts_at, ends_at):
        raise DomainError(overlap_message(resource, starts_at, ends_at, attendees))
    from pilote.office.services.waiting import held_offer

    offer = held_offer(resource, starts_at, ends_at)
    if offer is not None and offer.requested_by_id != getattr(actor, "pk", None):
        limit = _local(offer.offer_expires_at)
        raise DomainError(f"« {resource} » est proposé(e) à {offer.requested_by} (liste d'attente) "
                          f"{span_text(offer.starts_at, offer.ends_at)}, jusqu'au {limit:%d/%m/%Y à %H:%M} : "
                          "la réservation est refusée.")  # fmt: skip
    booking = Booking(resource=resource, title=title, starts_at=starts_at, ends_at=ends_at, attendees=attendees,
                      booked_by=actor, notes=notes or "", event=event)  # fmt: skip
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the transaction usable for the message
            booking.save()
    except IntegrityError as exc:
        if not _is_overlap(exc):
            raise
        # Someone booked the slot between our check and our write (PostgreSQL's exclusion constraint).
        raise DomainError(overlap_message(resource, starts_at, ends_at, attendees)) from exc
    audit.record(actor, "office.booking.created", booking, after=audit.snapshot(booking))
    return booking


def can_change(user, booking: Booking) -> bool:
    return booking.booked_by_id == user.pk or user.can("office.manage")


@transaction.atomic
def cancel_booking(*, actor, booking: Booking, base_url: str = "") -> Booking:
    """Cancel; the slot goes to the first person on the waiting list (services/waiting.py)."""
    from pilote.office.services import waiting

    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
    if not can_change(actor, booking):
        raise DomainError("Seule la personne qui a réservé, l'assistant(e) ou la direction annule cette réservation.")
    if booking.is_cancelled:
        raise DomainError("Cette réservation est déjà annulée.")
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    audit.record(actor, "office.booking.cancelled", booking)
    waiting.offer_freed_slot(booking.resource, booking.starts_at, booking.ends_at, base_url=base_url)
    return booking


@transaction.atomic
def shorten_booking(*, actor, booking: Booking, starts_at: dt.datetime, ends_at: dt.datetime,
                    base_url: str = "") -> Booking:  # fmt: skip
    """Keep only part of a booking (start later, end earlier); the time given back goes to the first person on
    the waiting list."""
    from pilote.office.services import waiting

    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
    if not can_change(actor, booking):
        raise DomainError("Seule la personne qui a réservé, l'assistant(e) ou la direction modifie cette réservation.")
    if booking.is_cancelled:
        raise DomainError("Cette réservation est annulée.")
    if ends_at <= starts_at:
        raise DomainError("La fin de la réservation doit suivre son début.")
    if starts_at < booking.starts_at or ends_at > booking.ends_at:
        booked = span_text(booking.starts_at, booking.ends_at)
        raise DomainError(f"Pour raccourcir, restez dans le créneau réservé ({booked}) ; pour l'allonger, faites "
                          "une nouvelle réservation.")  # fmt: skip
    if (starts_at, ends_at) == (booking.starts_at, booking.ends_at):
        raise DomainError("Le créneau est inchangé.")
    freed = [(booking.starts_at, starts_at), (ends_at, booking.ends_at)]
    before = audit.snapshot(booking)
    booking.starts_at, booking.ends_at = starts_at, ends_at
    booking.save(update_fields=["starts_at", "ends_at"])
    audit.record(actor, "office.booking.shortened", booking, before=before, after=audit.snapshot(booking))
    for start, end in freed:
        if end > start:
            waiting.offer_freed_slot(booking.resource, start, end, base_url=base_url)
    return booking


@transaction.atomic
def log_trip(
    *, actor, resource: Resource, day: dt.date, km_start: int, km_end: int, fuel_litres: Decimal = Decimal(0),
    fuel_cost: Decimal = Decimal(0), purpose: str = "", booking: Booking | None = None, driver=None,
) -> VehicleLog:  # fmt: skip
    if resource.kind != ResourceKind.VEHICLE:
        raise DomainError("Le carnet de bord concerne les véhicules.")
    if km_end < km_start:
        raise DomainError("Le kilométrage au retour est au moins celui du départ.")
    last = VehicleLog.objects.filter(resource=resource, day__lte=day).order_by("-day", "-id").first()
    if last is not None and km_start < last.km_end:
        raise DomainError(
            f"Le dernier trajet de « {resource} » finissait à {last.km_end} km : le départ ne peut être plus bas."
        )
    trip = VehicleLog.objects.create(
        resource=resource, booking=booking, day=day, driver=driver or actor, km_start=km_start, km_end=km_end,
        fuel_litres=fuel_litres or Decimal(0), fuel_cost=fuel_cost or Decimal(0), purpose=purpose or "",
    )  # fmt: skip
    audit.record(actor, "office.trip.logged", trip, after=audit.snapshot(trip))
    return trip
