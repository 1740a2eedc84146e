from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import safe_next, to_int
from pilote.lib.dates import local_today
from pilote.office.forms import (
    BookingFilterForm,
    BookingForm,
    ResourceFilterForm,
    ResourceForm,
    ShortenForm,
    TripFilterForm,
    TripForm,
    WaitingFilterForm,
)
from pilote.office.models import Booking, Resource, ResourceKind, WaitingRequest
from pilote.office.queries import bookings as queries
from pilote.office.services import bookings as services
from pilote.office.services import waiting


def message_of(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


# Resources
def _resources(request):
    form = ResourceFilterForm(request.GET or None)
    data = filter_data(form)
    resources = sort_queryset(queries.filter_resources(data), request.GET.get("tri", ""), queries.RESOURCE_SORTS,
                              queries.RESOURCE_DEFAULT_SORT)  # fmt: skip
    return form, resources


@require_perm("office.view")
def resource_list(request):
    form, resources = _resources(request)
    return render(request, "office/resource_list.html", {"form": form, "page": paginate(request, resources)})


@require_perm("office.view")
def resource_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, resources = _resources(request)
    return export_response(resources.iterator(chunk_size=500), queries.RESOURCE_COLUMNS, "ressources", fmt,
                           title="Salles, véhicules et matériel")  # fmt: skip


@require_perm("office.resources")
def resource_create(request):
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            resource = services.create_resource(actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"« {resource} » est enregistré(e).")
            return redirect("office:resource-detail", pk=resource.pk)
    return render(request, "office/resource_form.html", {"form": form})


@require_perm("office.resources")
def resource_edit(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.update_resource(actor=request.user, resource=resource, expected_version=version, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"« {resource.name} » est modifié(e).")
            return redirect("office:resource-detail", pk=resource.pk)
    return render(request, "office/resource_form.html", {"form": form, "resource": resource})


@require_perm("office.view")
def resource_detail(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    first = parse_day(request.GET.get("jour")) or local_today()
    context = {
        "resource": resource,
        "days": queries.coming_days(resource, first),
        "first": first,
        "previous": first - dt.timedelta(days=7),
        "following": first + dt.timedelta(days=7),
        "trips": resource.trips.select_related("driver")[:10] if resource.kind == ResourceKind.VEHICLE else [],
    }
    return render(request, "office/resource_detail.html", context)


# Bookings
def _bookings(request):
    form = BookingFilterForm(request.GET or None)
    data = filter_data(form)
    if not request.GET:
        data = {"du": local_today()}
    bookings = sort_queryset(queries.filter_bookings(data, request.user), request.GET.get("tri", ""), queries.SORTS,
                             queries.DEFAULT_SORT)  # fmt: skip
    return form, bookings


@require_perm("office.view")
def booking_list(request):
    form, bookings = _bookings(request)
    page = paginate(request, queries.with_relations(bookings))
    for booking in page:
        booking.changeable = request.user.can("office.book") and services.can_change(request.user, booking)
    return render(request, "office/booking_list.html", {"form": form, "page": page})


@require_perm("office.view")
def booking_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, bookings = _bookings(request)
    return export_response(queries.export_rows(bookings), queries.EXPORT_COLUMNS, "reservations", fmt,
                           title="Réservations")  # fmt: skip


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@require_perm("office.book")
def booking_create(request):
    """Book; when the slot is taken, the refusal proposes alternatives and the waiting list (« attente »)."""
    waiting.expire_offers(base_url=_base_url(request))
    initial = {"day": parse_day(request.GET.get("jour")) or local_today(), "start": dt.time(9), "end": dt.time(10)}
    if (resource_pk := to_int(request.GET.get("ressource"))) is not None:
        initial["resource"] = Resource.objects.filter(pk=resource_pk, is_active=True).first()
    form = BookingForm(request.POST or None, initial=initial)
    can_wait = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slot = {"actor": request.user, "resource": data["resource"], "starts_at": data["starts_at"],
                "ends_at": data["ends_at"], "title": data["title"], "attendees": data["attendees"],
                "notes": data["notes"]}  # fmt: skip
        try:
            if "attente" in request.POST:
                entry = waiting.join_waiting_list(**slot)
            else:
                booking = services.book_resource(**slot)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
            can_wait = "attente" not in request.POST and (
                services.slot_taken(data["resource"], data["starts_at"], data["ends_at"])
                or waiting.held_offer(data["resource"], data["starts_at"], data["ends_at"]) is not None
            )
        else:
            if "attente" in request.POST:
                rank = waiting.position(entry)
                place = f"{rank}{'re' if rank == 1 else 'e'}"
                messages.success(request, f"Vous êtes en liste d'attente ({place}) : si le créneau se libère, il vous "
                                          "sera proposé par e-mail et dans votre liste de choses à faire.")  # fmt: skip
                return redirect("office:waiting-list")
            messages.success(request, f"Réservation confirmée : {booking}.")
            return redirect("office:resource-detail", pk=booking.resource_id)
    return render(request, "office/booking_form.html", {"form": form, "can_wait": can_wait})


@require_POST
@require_perm("office.book")
def booking_cancel(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk)
    try:
        services.cancel_booking(actor=request.user, booking=booking, base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Réservation annulée : {booking}.")
    return redirect(safe_next(request, "office:booking-list"))


@require_perm("office.book")
def booking_shorten(request, pk: int):
    booking = get_object_or_404(Booking.objects.select_related("resource"), pk=pk)
    if not services.can_change(request.user, booking) or booking.is_cancelled:
        raise Http404
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    form = ShortenForm(request.POST or None, initial={"day": start.date(), "start": start.time(), "end": end.time()})
    if request.method == "POST" and form.is_valid():
        try:
            services.shorten_booking(actor=request.user, booking=booking, starts_at=form.cleaned_data["starts_at"],
                                     ends_at=form.cleaned_data["ends_at"], base_url=_base_url(request))  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Réservation raccourcie : {booking}.")
            return redirect("office:booking-list")
    return render(request, "office/booking_shorten.html", {"form": form, "booking": booking})


# Waiting lists
def _waiting(request):
    form = WaitingFilterForm(request.GET or None)
    data = filter_data(form)
    rows = queries.filter_waiting(data, request.user)
    return form, sort_queryset(rows, request.GET.get("tri", ""), queries.WAITING_SORTS, queries.WAITING_DEFAULT_SORT)


@require_perm("office.book")
def waiting_list(request):
    waiting.expire_offers(base_url=_base_url(request))
    form, rows = _waiting(request)
    page = paginate(request, rows)
    for row in page:
        row.mine = row.requested_by_id == request.user.pk
        row.rank = waiting.position(row) if row.status == "waiting" else None
    return render(request, "office/waiting_list.html", {"form": form, "page": page})


@require_perm("office.book")
def waiting_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, rows = _waiting(request)
    return export_response(rows, queries.WAITING_COLUMNS, "liste-d-attente", fmt, title="Liste d'attente")


@require_POST
@require_perm("office.book")
def waiting_confirm(request, pk: int):
    entry = get_object_or_404(WaitingRequest, pk=pk)
    try:
        booking = waiting.confirm_offer(actor=request.user, request=entry)
    except (DomainError, ValidationError) as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, f"Réservation confirmée : {booking}.")
    return redirect("office:waiting-list")


@require_POST
@require_perm("office.book")
def waiting_withdraw(request, pk: int):
    entry = get_object_or_404(WaitingRequest, pk=pk)
    try:
        waiting.withdraw(actor=request.user, request=entry, base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Inscription retirée de la liste d'attente.")
    return redirect("office:waiting-list")


# Vehicle log
def _trips(request):
    form = TripFilterForm(request.GET or None)
    data = filter_data(form)
    trips = sort_queryset(queries.filter_trips(data), request.GET.get("tri", ""), queries.TRIP_SORTS,
                          queries.TRIP_DEFAULT_SORT)  # fmt: skip
    return form, trips


@require_perm("office.view")
def trip_list(request):
    form, trips = _trips(request)
    return render(request, "office/trip_list.html", {"form": form, "page": paginate(request, trips)})


@require_perm("office.view")
def trip_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, trips = _trips(request)
    return export_response(trips.iterator(chunk_size=500), queries.TRIP_COLUMNS, "carnet-de-bord", fmt,
                           title="Carnet de bord des véhicules")  # fmt: skip


@require_perm("office.book")
def trip_create(request):
    initial = {"day": local_today()}
    if (resource_pk := to_int(request.GET.get("vehicule"))) is not None:
        initial["resource"] = Resource.objects.filter(pk=resource_pk).first()
    form = TripForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            trip = services.log_trip(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Trajet enregistré : {trip.distance} km.")
            return redirect("office:trip-list")
    return render(request, "office/trip_form.html", {"form": form})
