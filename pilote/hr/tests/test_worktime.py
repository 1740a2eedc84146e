"""Working time: hours of shifts (night shifts end the next day), overtime by week across the 43rd hour with paid
leave counted towards the threshold, the legal alerts at their limits, the schedule's services and pages, and the
payroll variables fed by the weeks ending in the month."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr import worktime
from pilote.hr.worktime import Shift

d, t, D = dt.date, dt.time, Decimal
MON = d(2026, 11, 2)


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


def kinds(shifts) -> list[str]:
    return [a.kind for a in worktime.alerts(shifts)]


def test_hours_of_a_shift_and_a_night_shift():
    assert Shift(MON, t(8), t(16, 30), 30).hours == D("8.00")
    assert Shift(MON, t(22), t(6)).hours == D("8.00")  # ends the next day
    assert worktime.check_shift(t(8), t(9), 60) == ["La pause doit être plus courte que la plage de travail."]


def test_overtime_per_week_across_the_43rd_hour_with_paid_leave_counted():
    five = [Shift(day(i), t(8), t(17), 60) for i in range(5)]  # 40 h
    assert worktime.weeks(five)[MON].overtime_25 == 5
    six = [*five, Shift(day(5), t(8), t(12))]  # 44 h: 8 at 25 %, 1 at 50 %
    week = worktime.weeks(six)[MON]
    assert (week.worked, week.overtime_25, week.overtime_50) == (44, 8, 1)
    # four days worked (32 h) and a day of paid leave (7 h): 39 h count, 4 h at 25 % (Cass. soc. 10 Sept 2025)
    leave = worktime.weeks(five[:4], {day(4): D(7)})[MON]
    assert (leave.worked, leave.overtime_25) == (32, 4)


def test_maximum_durations_and_rest_at_their_limits():
    assert kinds([Shift(MON, t(8), t(18))]) == []  # 10 h: allowed
    assert kinds([Shift(MON, t(8), t(18, 1))]) == ["daily"]
    assert kinds([Shift(MON, t(8), t(18)), Shift(day(1), t(5), t(12))]) == []  # exactly 11 h of rest
    assert kinds([Shift(MON, t(8), t(18)), Shift(day(1), t(4, 59), t(12))]) == ["rest"]
    week48 = [Shift(day(i), t(8), t(17, 36)) for i in range(5)]  # 48 h
    assert "weekly" not in kinds(week48)
    assert "weekly" in kinds([*week48, Shift(day(5), t(8), t(9))])
    # 46 h every week for 12 weeks: 44 h on average exceeded from the 12th week on (L3121-22)
    heavy = [Shift(MON + dt.timedelta(weeks=w, days=i), t(8), t(17, 12)) for w in range(12) for i in range(5)]
    average = [a for a in worktime.alerts(heavy) if a.kind == "average"]
    assert [a.day for a in average] == [MON + dt.timedelta(weeks=11)]
    # seven days of work in a row: no 35 h of rest in the week (L3132-2)
    seven = [Shift(day(i), t(8), t(12)) for i in range(7)] + [Shift(day(7), t(8), t(12))]
    assert "weekly_rest" in kinds(seven)
    assert "weekly_rest" not in kinds([Shift(day(i), t(8), t(18)) for i in range(6)] + [Shift(day(7), t(8), t(12))])


@pytest.fixture
def team(hire, personas):
    boss = hire(last_name="Martin", first_names="Claire", nir="", user=personas["commercial"])
    thomas = hire(last_name="Girard", first_names="Thomas", sex="M", nir="", user=personas["salarie"], manager=boss)
    other = hire(last_name="Roux", first_names="Amandine", nir="")
    return boss, thomas, other


@pytest.mark.django_db
def test_the_schedule_planned_copied_and_fed_to_the_payroll(team, personas, client_as):
    from pilote.hr.services import payroll
    from pilote.hr.services import worktime as services

    boss, thomas, other = team
    manager = personas["commercial"]
    for i in range(5):
        services.plan_shift(actor=manager, employee=thomas, day=d(2026, 10, 19) + dt.timedelta(days=i),
                            start=t(8), end=t(17), break_minutes=60)  # fmt: skip
    with pytest.raises(DomainError, match="votre équipe"):
        services.plan_shift(actor=manager, employee=other, day=MON, start=t(8), end=t(12))
    with pytest.raises(DomainError, match="chevauche"):
        services.plan_shift(actor=manager, employee=thomas, day=d(2026, 10, 19), start=t(16), end=t(18))
    assert services.copy_week(actor=manager, employees=[thomas, other], source=d(2026, 10, 19),
                              target=d(2026, 10, 26)) == 5  # fmt: skip
    services.plan_shift(actor=personas["rh"], employee=thomas, day=d(2026, 10, 31), start=t(8), end=t(12))  # 44 h
    # a week belongs to the month of its Sunday: 19–25 October to October, 26 October – 1 November to November
    october = payroll.prepare_month(actor=personas["rh"], month=d(2026, 10, 1)).variables.get(employee=thomas)
    assert (october.hours_worked, october.overtime_25, october.overtime_50) == (D(40), D(5), 0)
    november = payroll.prepare_month(actor=personas["rh"], month=d(2026, 11, 1)).variables.get(employee=thomas)
    assert (november.hours_worked, november.overtime_25, november.overtime_50) == (D(44), D(8), D(1))
    page = client_as("salarie").get(reverse("hr:planning"), {"semaine": "2026-W44"}).content.decode()
    assert "Thomas Girard" in page and "Amandine" not in page and "Planifier une plage" not in page
    page = client_as("commercial").get(reverse("hr:planning"), {"semaine": "2026-W44"}).content.decode()
    assert "Thomas Girard" in page and "Planifier une plage" in page
    shift = thomas.shifts.get(day=d(2026, 10, 31))
    assert client_as("salarie").post(reverse("hr:shift-remove", args=[shift.pk])).status_code == 404
    response = client_as("rh").get(reverse("hr:overtime"), {"annee": 2026})
    assert response.status_code == 200 and "Thomas Girard" in response.content.decode()
    assert client_as("salarie").get(reverse("hr:overtime")).status_code == 403
    bad = client_as("rh").post(reverse("hr:planning"), {"employee": thomas.pk, "day": "2026-11-09", "start": "25:00",
                                                         "end": "12:00", "break_minutes": "0"})  # fmt: skip
    assert bad.status_code == 200 and not thomas.shifts.filter(day=d(2026, 11, 9)).exists()
