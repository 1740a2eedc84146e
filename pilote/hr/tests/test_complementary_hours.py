"""Part time: complementary hours (heures complémentaires) per week at each boundary — +10 % up to a tenth of the
contract's hours (L3123-8), +25 % beyond (L3123-21), a third at most by agreement (L3123-20) or a tenth without
(L3123-28), never 35 hours (L3123-9) — the planning's refusals and alerts, and the payroll variables' columns."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr import worktime
from pilote.hr.payroll import overtime
from pilote.hr.worktime import LIMIT_TENTH, Shift, complementary, complementary_limit, part_time_alerts

d, t, D = dt.date, dt.time, Decimal
MON = d(2026, 11, 2)


def test_rates_at_each_boundary_of_a_24_hour_contract():
    assert complementary(D(24), D(24)) == (0, 0)
    assert complementary(D(26), D(24)) == (D(2), 0)
    assert complementary(D("26.4"), D(24)) == (D("2.4"), 0)  # a tenth of 24 h at +10 %
    assert complementary(D("26.5"), D(24)) == (D("2.4"), D("0.1"))  # then +25 %
    assert complementary(D(32), D(24)) == (D("2.4"), D("5.6"))  # 8 h: the third
    assert complementary(D(35), D(24)) == (D("2.4"), D("8.6"))
    assert complementary(D(38), D(24)) == (D("2.4"), D("8.6")) and overtime(D(38)) == (D(3), 0)  # beyond 35: overtime
    assert complementary(D(38), D(35)) == (0, 0)  # a full-timer has none
    assert complementary_limit(D(24)) == D(8) and complementary_limit(D(24), LIMIT_TENTH) == D("2.4")


def test_limit_and_35_hours_flagged():
    assert part_time_alerts(MON, D(32), D(24)) == []  # 8 h: the limit itself
    beyond = part_time_alerts(MON, D("32.5"), D(24))
    assert [a.kind for a in beyond] == ["complementary"]
    assert "8 h 30 complémentaires" in beyond[0].message and "8 h au plus" in beyond[0].message
    assert "L3123-20" in beyond[0].message
    assert [a.kind for a in part_time_alerts(MON, D("26.5"), D(24), LIMIT_TENTH)] == ["complementary"]
    assert part_time_alerts(MON, D("26.4"), D(24), LIMIT_TENTH) == []
    thirty = part_time_alerts(MON, D(35), D(30))  # 5 h within the third (10 h), but 35 h reached
    assert [a.kind for a in thirty] == ["full_time"] and "L3123-9" in thirty[0].message
    assert part_time_alerts(MON, D("34.5"), D(30)) == []


def test_weeks_count_complementary_hours_apart_from_overtime():
    # a 24 h contract: three days of 8 h and a Thursday of 6 h = 30 h: 2,4 h at 10 %, 3,6 h at 25 %
    shifts = [Shift(MON + dt.timedelta(days=i), t(8), t(16, 30), 30) for i in range(3)]
    shifts.append(Shift(MON + dt.timedelta(days=3), t(8), t(14)))
    week = worktime.weeks(shifts, contract_hours=D(24))[MON]
    assert (week.worked, week.complementary_10, week.complementary_25, week.overtime_25) == (30, D("2.4"), D("3.6"), 0)
    assert worktime.weeks(shifts)[MON].complementary == 0  # no contract given: a full-timer
    kinds = [a.kind for a in worktime.alerts(shifts, contract_hours=D(24))]
    assert "complementary" not in kinds and "full_time" not in kinds


@pytest.fixture
def part_timer(hire):
    return hire(last_name="Bonnet", first_names="Sarah", nir="", part_time=True, weekly_hours=D(24))


@pytest.mark.django_db
def test_planning_refuses_beyond_the_limit_and_35_hours_and_payroll_gets_the_columns(part_timer, personas, client_as):
    from pilote.hr.services import payroll
    from pilote.hr.services import worktime as services

    rh = personas["rh"]
    for i in range(4):  # 4 × 8 h = 32 h: 8 complementary hours, the limit
        services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 19) + dt.timedelta(days=i), start=t(8),
                            end=t(16, 30), break_minutes=30)  # fmt: skip
    with pytest.raises(DomainError, match="Temps partiel de Sarah Bonnet : 9 h complémentaires .* 8 h au plus"):
        services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 23), start=t(8), end=t(9))
    for i in range(3):  # the next week: 24 h, then 3 h more: beyond a tenth (2 h 24), within a third
        services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 26) + dt.timedelta(days=i), start=t(8),
                            end=t(16, 30), break_minutes=30)  # fmt: skip
    with override_settings(PILOTE_HR_COMPLEMENTARY_LIMIT="1/10"), pytest.raises(DomainError, match="2 h 24 au plus"):
        services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 29), start=t(8), end=t(11))
    services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 29), start=t(8), end=t(11))
    part_timer.weekly_hours = D(30)
    part_timer.save(update_fields=["weekly_hours"])
    with pytest.raises(DomainError, match="35 heures \\(L3123-9\\)"):  # 32 + 3 = 35 h, within a third of 30 h
        services.plan_shift(actor=rh, employee=part_timer, day=d(2026, 10, 23), start=t(8), end=t(11))
    part_timer.weekly_hours = D(24)
    part_timer.save(update_fields=["weekly_hours"])
    october = payroll.prepare_month(actor=rh, month=d(2026, 10, 1)).variables.get(employee=part_timer)
    assert (october.hours_worked, october.complementary_10, october.complementary_25) == (32, D("2.4"), D("5.6"))
    assert (october.overtime_25, october.overtime_50) == (0, 0)
    client = client_as("rh")
    page = client.get(reverse("hr:planning"), {"semaine": "2026-W43"}).content.decode()
    assert "2,40 / 5,60" in page
    export = client.get(reverse("hr:payroll-export", args=[october.payroll_id, "csv"]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    header = rows[0]
    assert header.index("Heures complémentaires 10 %") == header.index("Heures supplémentaires 50 %") + 1
    line = next(r for r in rows if "Bonnet" in r)
    assert (line[header.index("Heures complémentaires 10 %")], line[header.index("Heures complémentaires 25 %")]) == (
        "2,40", "5,60")  # fmt: skip
