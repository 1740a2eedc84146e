"""Done visits feed the hours worked of the payroll variables (hr reads them through core.registry.worked_time:
neither app imports the other): from arrival to departure, on the days the schedule plans nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from pilote.hr.models import WorkShift
from pilote.hr.services import employees
from pilote.hr.services.worktime import month_hours
from pilote.hr.tests.conftest import employee_fields
from pilote.operations.models import Intervention, InterventionStatus
from pilote.operations.queries.interventions import worked_time
from pilote.operations.services import interventions as services

MONDAY = dt.date(2026, 5, 4)


def _visit(setup, day, at, minutes, arrived=None, left=None, done=True):
    [visit], _ = services.plan(actor=setup["planner"], customer=setup["customer"], kind="maintenance",
                               address="1 rue A", subject="Entretien", technician=setup["tech"], day=day, at=at,
                               minutes=minutes)  # fmt: skip
    if done:
        zone = timezone.get_current_timezone()
        Intervention.objects.filter(pk=visit.pk).update(
            status=InterventionStatus.DONE,
            arrived_at=arrived and timezone.make_aware(dt.datetime.combine(day, arrived), zone),
            left_at=left and timezone.make_aware(dt.datetime.combine(day, left), zone),
        )
    return visit


def test_done_visits_become_hours_worked(setup, personas):
    tech = setup["tech"]
    person = employees.hire_employee(actor=personas["rh"], recorded_on=dt.date(2024, 3, 1),
                                     **employee_fields(last_name="Girard", nir="", user=tech))  # fmt: skip
    _visit(setup, MONDAY, dt.time(9), 60, arrived=dt.time(9, 5), left=dt.time(10, 35))  # 1,5 h on site
    _visit(setup, MONDAY, dt.time(14), 45)  # nothing recorded: its planned 0,75 h
    _visit(setup, MONDAY + dt.timedelta(days=1), dt.time(9), 60)  # Tuesday: the schedule says 8–12
    _visit(setup, MONDAY + dt.timedelta(days=2), dt.time(9), 60, done=False)  # planned, not done: nothing
    WorkShift.objects.create(employee=person, day=MONDAY + dt.timedelta(days=1), start=dt.time(8), end=dt.time(12))
    rows = worked_time([tech.pk], MONDAY, MONDAY + dt.timedelta(days=6))
    assert sorted((r.day, r.start, r.end) for r in rows) == [
        (MONDAY, dt.time(9, 5), dt.time(10, 35)), (MONDAY, dt.time(14), dt.time(14, 45)),
        (MONDAY + dt.timedelta(days=1), dt.time(9), dt.time(10)),
    ]  # fmt: skip
    hours = month_hours([person], dt.date(2026, 5, 1), dt.date(2026, 5, 31))[person.pk]
    assert hours["hours_worked"] == D("6.25")  # 1,5 + 0,75 on Monday + the schedule's 4 on Tuesday
    assert worked_time([personas["commercial"].pk], MONDAY, MONDAY) == []


def test_a_visit_is_checked_against_the_staff_schedule_when_there_is_one(setup, personas):
    """Working hours from HR when present: the shifts planned that day bound the visit; without any, the
    technician's usual hours (8:00–17:30) do."""
    tech = setup["tech"]
    person = employees.hire_employee(actor=personas["rh"], recorded_on=dt.date(2024, 3, 1),
                                     **employee_fields(last_name="Girard", nir="", user=tech))  # fmt: skip
    WorkShift.objects.create(employee=person, day=MONDAY, start=dt.time(13), end=dt.time(20))
    _, fits = services.plan(actor=setup["planner"], customer=setup["customer"], kind="maintenance", address="1 rue A",
                            subject="Soirée", technician=tech, day=MONDAY, at=dt.time(18), minutes=60)  # fmt: skip
    assert fits == []  # after 17:30, but within the schedule's 13:00–20:00
    _, late = services.plan(actor=setup["planner"], customer=setup["customer"], kind="maintenance", address="1 rue A",
                            subject="Matin", technician=tech, day=MONDAY, at=dt.time(9), minutes=60)  # fmt: skip
    assert any("au planning du personnel ce jour-là de 13:00–20:00" in text for text in late)
    _, usual = services.plan(actor=setup["planner"], customer=setup["customer"], kind="maintenance",
                             address="1 rue A", subject="Mardi", technician=tech, day=MONDAY + dt.timedelta(days=1),
                             at=dt.time(18), minutes=60)  # fmt: skip
    assert any("travaille de 08:00 à 17:30" in text for text in usual)  # no shift that day: the usual hours
