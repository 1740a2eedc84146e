"""Reads on the training plan: a year's actions with their attendees and totals, filters and export."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from pilote.core.listing import Column
from pilote.hr.models import TrainingAction, TrainingStatus


def plan(data: dict, year: int):
    actions = TrainingAction.objects.filter(start__year=year).annotate(
        enrolled=Count("attendees"), present=Count("attendees", filter=Q(attendees__attended=True))
    )
    if status := data.get("statut"):
        actions = actions.filter(status=status)
    if kind := data.get("nature"):
        actions = actions.filter(kind=kind)
    return actions.order_by("start", "pk")


def totals(year: int) -> dict:
    live = TrainingAction.objects.filter(start__year=year).exclude(status=TrainingStatus.CANCELLED)
    return live.aggregate(cost=Sum("cost"), count=Count("pk"))


EXPORT_COLUMNS = [
    Column("Intitulé", lambda a: a.title),
    Column("Organisme", lambda a: a.provider),
    Column("Nature", lambda a: a.get_kind_display()),
    Column("Financement", lambda a: a.get_funding_display()),
    Column("Du", lambda a: a.start),
    Column("Au", lambda a: a.end),
    Column("Heures", lambda a: a.hours),
    Column("Coût pédagogique", lambda a: a.cost),
    Column("Inscrits", lambda a: a.enrolled),
    Column("Présents", lambda a: a.present),
    Column("État", lambda a: a.get_status_display()),
]
