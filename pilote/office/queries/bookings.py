"""Reads on resources, bookings and the vehicle log: filtered lists (sorts and exports through core.listing), a
resource's coming days, the day's planning. Bounded query counts: lists select their relations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.office.models import Booking, BookingStatus, Resource, VehicleLog


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def local_text(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


# Resources
RESOURCE_SORTS = {"nom": [french("name")], "type": ["kind", french("name")], "capacite": ["capacity", "name"]}
RESOURCE_DEFAULT_SORT = "type"


def filter_resources(data: dict):
    resources = Resource.objects.all()
    if data.get("type"):
        resources = resources.filter(kind=data["type"])
    if q := (data.get("q") or "").strip():
        resources = resources.filter(Q(name__icontains=q) | Q(location__icontains=q) | Q(registration__icontains=q))
    return resources


RESOURCE_COLUMNS = [
    Column("Nom", lambda r: r.name),
    Column("Type", lambda r: r.get_kind_display()),
    Column("Capacité", lambda r: r.capacity),
    Column("Emplacement", lambda r: r.location),
    Column("Immatriculation", lambda r: r.registration),
    Column("Disponible de", lambda r: f"{r.opens_at:%H:%M}" if r.opens_at else ""),
    Column("Jusqu'à", lambda r: f"{r.closes_at:%H:%M}" if r.closes_at else ""),
    Column("Durée maximale (h)", lambda r: r.max_hours or ""),
    Column("Réservable", lambda r: "oui" if r.is_active else "non"),
    Column("Règles", lambda r: r.rules),
]


# Bookings
SORTS = {
    "debut": ["starts_at"],
    "ressource": [french("resource__name"), "starts_at"],
    "objet": [french("title")],
    "par": ["booked_by__last_name", "booked_by__first_name", "starts_at"],
}
DEFAULT_SORT = "debut"


def filter_bookings(data: dict, user):
    bookings = Booking.objects.all()
    state = data.get("etat") or ""
    if state == "annulees":
        bookings = bookings.filter(status=BookingStatus.CANCELLED)
    elif state != "toutes":
        bookings = bookings.filter(status=BookingStatus.CONFIRMED)
    if data.get("type"):
        bookings = bookings.filter(resource__kind=data["type"])
    if data.get("ressource"):
        bookings = bookings.filter(resource=data["ressource"])
    if data.get("du"):
        bookings = bookings.filter(ends_at__gt=day_bounds(data["du"], data["du"])[0])
    if data.get("au"):
        bookings = bookings.filter(starts_at__lt=day_bounds(data["au"], data["au"])[1])
    if data.get("miennes"):
        bookings = bookings.filter(booked_by=user)
    if q := (data.get("q") or "").strip():
        bookings = bookings.filter(Q(title__icontains=q) | Q(resource__name__icontains=q) | Q(notes__icontains=q))
    return bookings


def with_relations(bookings):
    return bookings.select_related("resource", "booked_by")


EXPORT_COLUMNS = [
    Column("Ressource", lambda b: b.resource.name),
    Column("Type", lambda b: b.resource.get_kind_display()),
    Column("Début", lambda b: local_text(b.starts_at)),
    Column("Fin", lambda b: local_text(b.ends_at)),
    Column("Objet", lambda b: b.title),
    Column("Personnes", lambda b: b.attendees),
    Column("Réservée par", lambda b: person(b.booked_by)),
    Column("État", lambda b: b.get_status_display()),
    Column("Remarques", lambda b: b.notes),
]


def export_rows(bookings):
    return with_relations(bookings).iterator(chunk_size=500)


def coming_days(resource: Resource, first: dt.date, days: int = 7) -> list[tuple[dt.date, list[Booking]]]:
    """The resource's confirmed bookings over `days` days from `first`, grouped by local day (one query)."""
    start, end = day_bounds(first, first + dt.timedelta(days=days - 1))
    grouped = {first + dt.timedelta(days=n): [] for n in range(days)}
    for booking in (
        resource.bookings.filter(status=BookingStatus.CONFIRMED, starts_at__lt=end, ends_at__gt=start)
        .select_related("booked_by")
        .order_by("starts_at")
    ):
        day = max(timezone.localtime(booking.starts_at).date(), first)
        end_day = timezone.localtime(booking.ends_at - dt.timedelta(microseconds=1)).date()
        last = min(end_day, first + dt.timedelta(days=days - 1))
        while day <= last:
            grouped[day].append(booking)
            day += dt.timedelta(days=1)
    return list(grouped.items())


# Vehicle log
TRIP_SORTS = {"date": ["day", "id"], "vehicule": [french("resource__name"), "day"], "distance": ["km_end", "km_start"]}
TRIP_DEFAULT_SORT = "-date"


def filter_trips(data: dict):
    trips = VehicleLog.objects.all()
    if data.get("vehicule"):
        trips = trips.filter(resource=data["vehicule"])
    if data.get("du"):
        trips = trips.filter(day__gte=data["du"])
    if data.get("au"):
        trips = trips.filter(day__lte=data["au"])
    return trips.select_related("resource", "driver")


TRIP_COLUMNS = [
    Column("Date", lambda t: t.day),
    Column("Véhicule", lambda t: t.resource.name),
    Column("Conducteur", lambda t: person(t.driver)),
    Column("Départ (km)", lambda t: t.km_start),
    Column("Retour (km)", lambda t: t.km_end),
    Column("Distance (km)", lambda t: t.distance),
    Column("Carburant (l)", lambda t: t.fuel_litres),
    Column("Coût du carburant", lambda t: t.fuel_cost),
    Column("Motif", lambda t: t.purpose),
]


# Waiting lists
WAITING_SORTS = {"debut": ["starts_at", "created_at", "id"], "inscription": ["created_at", "id"],
                 "ressource": [french("resource__name"), "starts_at", "created_at"]}  # fmt: skip
WAITING_DEFAULT_SORT = "debut"


def filter_waiting(data: dict, user):
    """The user's own places on the waiting lists; everyone's for `office.manage` with « toutes »; the current
    ones (waiting or offered) unless « toutes » states are asked."""
    from pilote.office.models import WaitingRequest, WaitingStatus

    rows = WaitingRequest.objects.select_related("resource", "requested_by", "booking")
    if not (data.get("toutes") and user.can("office.manage")):
        rows = rows.filter(requested_by=user)
    if data.get("etat") != "toutes":
        rows = rows.filter(status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED])
    if data.get("ressource"):
        rows = rows.filter(resource=data["ressource"])
    return rows


WAITING_COLUMNS = [
    Column("Ressource", lambda w: w.resource.name),
    Column("Objet", lambda w: w.title),
    Column("Début", lambda w: local_text(w.starts_at)),
    Column("Fin", lambda w: local_text(w.ends_at)),
    Column("Demandée par", lambda w: person(w.requested_by)),
    Column("Inscrite le", lambda w: local_text(w.created_at)),
    Column("État", lambda w: w.get_status_display()),
    Column("À confirmer avant le", lambda w: local_text(w.offer_expires_at) if w.offer_expires_at else ""),
]
