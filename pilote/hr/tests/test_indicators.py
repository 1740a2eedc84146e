"""Social indicators: headcount and FTE by month, turnover, absenteeism without paid leave, pyramids, part-time
share, average pay in full-time equivalent, thresholds; the page for rh and direction only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.hr import indicators
from pilote.hr.indicators import Person

d, D = dt.date, Decimal


def staff():
    return [
        Person(1, "F", d(1980, 5, 1), d(2020, 1, 1), None, D(35), False, "cdi", "cadre", D("4000")),
        Person(2, "M", d(1999, 5, 1), d(2025, 6, 1), d(2025, 11, 30), D(35), False, "cdd", "ouvrier_employe", D(2000)),
        Person(3, "F", d(1970, 5, 1), d(2015, 1, 1), None, D(28), True, "cdi", "ouvrier_employe", D("1600")),
        Person(4, "M", d(2006, 5, 1), d(2026, 9, 1), None, D(35), False, "apprentissage", "ouvrier_employe", D(900)),
        Person(5, "F", d(2004, 5, 1), d(2026, 10, 1), None, D(35), False, "stage"),
    ]


def test_months_turnover_pyramids_and_pay():
    rows = indicators.months(staff(), d(2026, 12, 5))
    assert [(r.month, r.physical) for r in rows][:2] == [(12, 2), (1, 2)]  # the CDD left on 30 November 2025
    assert rows[-1].physical == 3 and rows[-1].fte == D("1.80")  # apprentices out of the legal FTE; 28/35 = 0,8
    assert (rows[9].entries, rows[-1].entries) == (1, 0)  # the apprentice in September
    assert indicators.turnover(rows) == D("22.2")  # (1 + 0) / 2 over 2.25 on average
    assert indicators.pyramid(staff(), d(2026, 12, 5)) == [
        ("moins de 25 ans", 0, 1), ("25 à 34 ans", 0, 0), ("35 à 44 ans", 0, 0), ("45 à 54 ans", 1, 0),
        ("55 ans et plus", 1, 0)]  # fmt: skip
    assert indicators.part_time_share(staff(), d(2026, 12, 5)) == D("33.3")
    pay = {row[0]: row[1:] for row in indicators.average_pay(staff(), d(2026, 12, 5))}
    assert pay["ouvrier_employe"] == (D("2000.00"), D("900.00"), 2) and pay["cadre"] == (D("4000.00"), None, 1)


def test_absenteeism_leaves_paid_leave_out():
    absences = [(1, "maladie", d(2026, 3, 2), d(2026, 3, 11)), (3, "conges_payes", d(2026, 8, 3), d(2026, 8, 21))]
    days, rate, presence = indicators.absenteeism(staff()[:1], absences, d(2026, 1, 1), d(2026, 12, 31))
    assert days == {"maladie": 10} and presence == 365 and rate == D("2.7")


def test_thresholds():
    assert [reached for _, _, reached in indicators.thresholds(indicators.Fraction(19))] == [True, False, False]


@pytest.mark.django_db
def test_the_page_is_for_rh_and_direction(hire, client_as):
    hire()
    assert "Indicateurs sociaux" in client_as("rh").get(reverse("hr:indicators")).content.decode()
    for role in ("salarie", "comptable", "commercial", "auditeur"):
        assert client_as(role).get(reverse("hr:indicators")).status_code == 403
