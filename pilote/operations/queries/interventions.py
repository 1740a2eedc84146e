"""Reads of the intervention planning: the filtered list (sorts, exports), the week board (one row per
technician, one column per day, unassigned visits apart) and a technician's day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from pilote.core.listing import Column
from pilote.operations import planning
from pilote.operations.models import Intervention, InterventionStatus, Technician
from pilote.operations.services.interventions import Travel

SORTS = {"debut": ["start", "id"], "client": ["customer__name", "start"], "etat": ["status", "start"]}
COLUMNS = [
    Column("Début", lambda v: timezone.localtime(v.start).strftime("%d/%m/%Y %H:%M")),
    Column("Fin", lambda v: timezone.localtime(v.end).strftime("%H:%M")),
    Column("Nature", lambda v: v.get_kind_display()),
    Column("Client", lambda v: str(v.customer)),
    Column("Adresse", lambda v: v.address),
    Column("Objet", lambda v: v.subject),
    Column("Intervenant", lambda v: v.technician.get_full_name() if v.technician else "Non affectée"),
    Column("Compétence", lambda v: v.required_skill),
    Column("État", lambda v: v.get_status_display()),
    Column("Signé par", lambda v: v.signed_by),
]


def filter_visits(data: dict):
    visits = Intervention.objects.select_related("customer", "technician")
    if data.get("q"):
        visits = visits.filter(Q(customer__name__icontains=data["q"]) | Q(subject__icontains=data["q"])
                               | Q(address__icontains=data["q"]))  # fmt: skip
    if data.get("technician"):
        visits = visits.filter(technician=data["technician"])
    if data.get("unassigned"):
        visits = visits.filter(technician__isnull=True)
    if data.get("status"):
        visits = visits.filter(status=data["status"])
    if data.get("start"):
        visits = visits.filter(start__gte=timezone.make_aware(dt.datetime.combine(data["start"], dt.time())))
    if data.get("end"):
        visits = visits.filter(start__lt=timezone.make_aware(dt.datetime.combine(data["end"], dt.time()))
                               + dt.timedelta(days=1))  # fmt: skip
    return visits


def route(visits: list[Intervention], travel=None) -> list[Intervention]:
    """A technician's visits of one day in order, each (but the first) told the travel from the previous one:
    `travel_text` (« 35 minutes de trajet (Centre → Est) »), `gap_minutes` between the two, and `too_short`
    when the gap is shorter than the travel (the sectors' times: services.interventions.Travel)."""
    travel = travel or Travel()
    previous = None
    for visit in visits:
        visit.travel_text, visit.gap_minutes, visit.too_short = "", None, False
        if previous is not None:
            visit.travel_text = travel.describe(previous.address, visit.address)
            visit.gap_minutes = int((visit.start - previous.end).total_seconds() // 60)
            visit.too_short = visit.gap_minutes < travel.minutes(previous.address, visit.address)
        previous = visit
    return visits


def _bounds(days: list[dt.date]):
    first = timezone.make_aware(dt.datetime.combine(days[0], dt.time()))
    return first, first + dt.timedelta(days=len(days))


def week_board(day: dt.date, technician=None) -> dict:
    """The week of `day`: rows of (person, [visits of each day]) for every technician (and anyone with a visit
    that week), and the unassigned visits; two queries."""
    days = planning.week_of(day)
    first, after = _bounds(days)
    visits = list(
        Intervention.objects.filter(start__gte=first, start__lt=after)
        .exclude(status=InterventionStatus.CANCELLED)
        .select_related("customer", "technician")
        .order_by("start")
    )
    people = {t.user_id: t.user for t in Technician.objects.select_related("user")}
    people |= {v.technician_id: v.technician for v in visits if v.technician_id}
    if technician is not None:
        people = {technician.pk: technician}
    rows = []
    travel = Travel()
    for person in sorted(people.values(), key=lambda u: (u.last_name, u.first_name)):
        cells = [route([v for v in visits if v.technician_id == person.pk and timezone.localtime(v.start).date() == d],
                       travel) for d in days]  # fmt: skip
        minutes = sum(v.duration_minutes for cell in cells for v in cell)
        rows.append({"person": person, "cells": cells, "hours": f"{minutes // 60} h {minutes % 60:02d}"})
    unassigned = [v for v in visits if v.technician_id is None]
    return {"days": days, "rows": rows, "unassigned": unassigned,
            "previous": days[0] - dt.timedelta(days=7), "next": days[0] + dt.timedelta(days=7)}  # fmt: skip


def my_day(user, day: dt.date) -> list[Intervention]:
    """The technician's day route: the visits in order with the travel between them (`route`)."""
    first, after = _bounds([day])
    return route(list(
        Intervention.objects.filter(technician=user, start__gte=first, start__lt=after)
        .exclude(status=InterventionStatus.CANCELLED)
        .select_related("customer")
        .order_by("start")
    ))  # fmt: skip


def worked_time(user_ids, first: dt.date, last: dt.date) -> list:
    """The done visits of `user_ids` between two days, from arrival to departure (the planned times when they were
    not recorded), in local time: the hours the people's domain counts as worked (core.registry.worked_time)."""
    from pilote.core.registry import WorkedTime

    zone = timezone.get_current_timezone()
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
    until = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), zone)
    visits = Intervention.objects.filter(
        technician_id__in=list(user_ids), status=InterventionStatus.DONE, start__gte=since, start__lt=until
    ).select_related("customer")
    rows = []
    for visit in visits:
        begins = timezone.localtime(visit.arrived_at or visit.start, zone)
        ends = timezone.localtime(visit.left_at or visit.end, zone)
        if ends <= begins:
            continue
        if ends.date() != begins.date():
            ends = begins.replace(hour=23, minute=59)
        rows.append(WorkedTime(visit.technician_id, begins.date(), begins.time().replace(second=0, microsecond=0),
                               ends.time().replace(second=0, microsecond=0),
                               f"{visit.get_kind_display()} — {visit.customer}"))  # fmt: skip
    return rows
