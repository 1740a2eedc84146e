from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, paginate, sort_queryset
from pilote.core.params import safe_next, to_int
from pilote.lib.dates import local_today
from pilote.office.forms import (
    BookingFilterForm,
    BookingForm,
    ResourceFilterForm,
    ResourceForm,
    TripFilterForm,
    TripForm,
)
from pilote.office.models import Booking, Resource, ResourceKind
from pilote.office.queries import bookings as queries
from pilote.office.services import bookings as services


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
    data = form.cleaned_data if form.is_valid() else {}
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
    data = form.cleaned_data if form.is_valid() else {}
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


@require_perm("office.book")
def booking_create(request):
    initial = {"day": parse_day(request.GET.get("jour")) or local_today(), "start": dt.time(9), "end": dt.time(10)}
    if (resource_pk := to_int(request.GET.get("ressource"))) is not None:
        initial["resource"] = Resource.objects.filter(pk=resource_pk, is_active=True).first()
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.book_resource(
                actor=request.user, resource=data["resource"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                title=data["title"], attendees=data["attendees"], notes=data["notes"],
            )  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Réservation confirmée : {booking}.")
            return redirect("office:resource-detail", pk=booking.resource_id)
    return render(request, "office/booking_form.html", {"form": form})


@require_POST
@require_perm("office.book")
def booking_cancel(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk)
    try:
        services.cancel_booking(actor=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Réservation annulée : {booking}.")
    return redirect(safe_next(request, "office:booking-list"))


# Vehicle log
def _trips(request):
    form = TripFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
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
