"""The waiting list of a resource: when the slot one wants is taken, one joins the list for it; when a booking
over it is cancelled or shortened and the slot has become free, the first person waiting (the earliest on the list)
gets it offered — a to-do item and an e-mail — and holds it for OFFER_HOURS (setting PILOTE_OFFICE_OFFER_HOURS,
24 by default): meanwhile `book_resource` refuses the slot to anyone else. Confirming books it through
`book_resource` (so the database's overlap constraint still has the last word; rows are locked with
`of=("self",)` only — locking the resource's row too made a confirmation and a concurrent booking deadlock on
PostgreSQL, the booking's foreign-key check waiting for that lock); declining or letting the delay
pass offers it to the next person. Expired offers are passed on by the schedule « office.waiting » (hourly work
of the platform's scheduler) and whenever the list of the resource moves."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pilote.core import audit, jobs
from pilote.core.exceptions import DomainError
from pilote.office.models import Booking, Resource, WaitingRequest, WaitingStatus
from pilote.office.services import bookings

ACTIVE = (WaitingStatus.WAITING, WaitingStatus.OFFERED)


def offer_delay() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "PILOTE_OFFICE_OFFER_HOURS", 24)))


def _overlapping(resource_pk, starts_at, ends_at):
    return WaitingRequest.objects.filter(resource_id=resource_pk, starts_at__lt=ends_at, ends_at__gt=starts_at)


def held_offer(resource: Resource, starts_at, ends_at, now=None) -> WaitingRequest | None:
    """The offer still running over this slot, if any (its holder alone may book it)."""
    now = now or timezone.now()
    return (_overlapping(resource.pk, starts_at, ends_at)
            .filter(status=WaitingStatus.OFFERED, offer_expires_at__gt=now)
            .select_related("requested_by").order_by("offered_at", "pk").first())  # fmt: skip


@transaction.atomic
def join_waiting_list(*, actor, resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime, title: str,
                      attendees: int = 1, notes: str = "") -> WaitingRequest:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise DomainError("Indiquez l'objet de la réservation.")
    resource = Resource.objects.get(pk=resource.pk)
    bookings.check_rules(resource, starts_at, ends_at, attendees)
    if starts_at <= timezone.now():
        raise DomainError("Ce créneau est déjà commencé : la liste d'attente vaut pour un créneau à venir.")
    offer = held_offer(resource, starts_at, ends_at)
    if not bookings.slot_taken(resource, starts_at, ends_at) and (offer is None or offer.requested_by_id == actor.pk):
        raise DomainError(f"« {resource} » est libre sur ce créneau : réservez-le directement.")
    if _overlapping(resource.pk, starts_at, ends_at).filter(requested_by=actor, status__in=ACTIVE).exists():
        raise DomainError(f"Vous êtes déjà en liste d'attente pour « {resource} » sur ce créneau.")
    request = WaitingRequest.objects.create(resource=resource, title=title, starts_at=starts_at, ends_at=ends_at,
                                            attendees=attendees, requested_by=actor, notes=notes or "")  # fmt: skip
    audit.record(actor, "office.waiting.joined", request, after=audit.snapshot(request))
    return request


def position(request: WaitingRequest) -> int:
    """Where the request stands among those waiting on an overlapping slot (1 = next to be offered)."""
    earlier = _overlapping(request.resource_id, request.starts_at, request.ends_at).filter(
        status=WaitingStatus.WAITING, created_at__lte=request.created_at
    )
    return earlier.exclude(created_at=request.created_at, pk__gt=request.pk).count()


def _notify(request: WaitingRequest, base_url: str) -> None:
    user = request.requested_by
    if not user.email:
        return
    url = base_url.rstrip("/") + reverse("office:waiting-list")
    limit = timezone.localtime(request.offer_expires_at)
    body = (f"Bonjour,\n\nLe créneau que vous attendiez s'est libéré : « {request.resource} » "
            f"{bookings.span_text(request.starts_at, request.ends_at)} ({request.title}).\n"
            f"Il vous est réservé jusqu'au {limit:%d/%m/%Y à %H:%M} : confirmez-le ici, sinon il sera proposé "
            f"à la personne suivante.\n\n{url}\n")  # fmt: skip
    send_mail(f"Créneau libéré : {request.resource}", body, None, [user.email])


def offer_freed_slot(resource: Resource, starts_at, ends_at, *, now=None, base_url: str = "") -> list[WaitingRequest]:
    """After a cancellation or a shortening freed [starts_at, ends_at): offer each waiting request over it whose
    whole slot is now free and not held by an earlier offer, the earliest first. Called inside the freeing
    transaction; the e-mails leave once it commits."""
    now = now or timezone.now()
    offered = []
    candidates = (_overlapping(resource.pk, starts_at, ends_at)
                  .filter(status=WaitingStatus.WAITING, starts_at__gt=now)
                  .select_related("requested_by", "resource").select_for_update(of=("self",))
                  .order_by("created_at", "pk"))  # fmt: skip
    for request in candidates:
        if bookings.slot_taken(resource, request.starts_at, request.ends_at):
            continue
        if held_offer(resource, request.starts_at, request.ends_at, now) is not None:
            continue
        request.status = WaitingStatus.OFFERED
        request.offered_at = now
        request.offer_expires_at = min(now + offer_delay(), request.starts_at)
        request.save(update_fields=["status", "offered_at", "offer_expires_at"])
        audit.record(None, "office.waiting.offered", request, after={"jusqu_au": request.offer_expires_at.isoformat()})
        transaction.on_commit(lambda r=request: _notify(r, base_url))
        offered.append(request)
    return offered


def expire_offers(now=None, base_url: str = "") -> int:
    """Close the offers whose delay has passed and offer their slots to the next person waiting."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        expired = list(WaitingRequest.objects.filter(status=WaitingStatus.OFFERED, offer_expires_at__lte=now)
                       .select_related("resource").select_for_update(of=("self",)))  # fmt: skip
        for request in expired:
            request.status = WaitingStatus.EXPIRED
            request.save(update_fields=["status"])
            audit.record(None, "office.waiting.expired", request)
            offer_freed_slot(request.resource, request.starts_at, request.ends_at, now=now, base_url=base_url)
            count += 1
    return count


@transaction.atomic
def confirm_offer(*, actor, request: WaitingRequest) -> Booking:
    request = WaitingRequest.objects.select_for_update(of=("self",)).select_related("resource").get(pk=request.pk)
    if request.requested_by_id != actor.pk:
        raise DomainError("Seule la personne à qui le créneau est proposé peut le confirmer.")
    if request.status != WaitingStatus.OFFERED:
        raise DomainError("Ce créneau ne vous est pas (ou plus) proposé.")
    if request.offer_expires_at <= timezone.now():
        limit = timezone.localtime(request.offer_expires_at)
        raise DomainError(f"La proposition a expiré le {limit:%d/%m/%Y à %H:%M} : le créneau passe à la personne "
                          "suivante.")  # fmt: skip
    booking = bookings.book_resource(actor=actor, resource=request.resource, starts_at=request.starts_at,
                                     ends_at=request.ends_at, title=request.title, attendees=request.attendees,
                                     notes=request.notes)  # fmt: skip
    request.status = WaitingStatus.CONFIRMED
    request.booking = booking
    request.save(update_fields=["status", "booking"])
    audit.record(actor, "office.waiting.confirmed", request)
    return booking


@transaction.atomic
def withdraw(*, actor, request: WaitingRequest, base_url: str = "") -> WaitingRequest:
    """Leave the list, or decline the slot offered (it goes to the next person)."""
    request = WaitingRequest.objects.select_for_update(of=("self",)).select_related("resource").get(pk=request.pk)
    if request.requested_by_id != actor.pk and not actor.can("office.manage"):
        raise DomainError("Seule la personne inscrite, l'assistant(e) ou la direction retire cette inscription.")
    if request.status not in ACTIVE:
        raise DomainError("Cette inscription n'est plus en attente.")
    was_offered = request.status == WaitingStatus.OFFERED
    request.status = WaitingStatus.WITHDRAWN
    request.save(update_fields=["status"])
    audit.record(actor, "office.waiting.declined", request)
    if was_offered:
        offer_freed_slot(request.resource, request.starts_at, request.ends_at, base_url=base_url)
    return request


@jobs.work
def expired_offers_work(job, progress) -> str:
    """The daily pass of the scheduler (pages of the bookings also pass expired offers on as they open)."""
    count = expire_offers(base_url=getattr(settings, "PILOTE_SITE_URL", ""))
    return f"{count} proposition(s) expirée(s) passée(s) à la personne suivante."
