"""Indicators on a small dataset with exact figures (the period is March 2026, today 1 April 2026)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pilote.complaints import queries, services
from pilote.complaints.queries import Period

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
TODAY = dt.date(2026, 4, 1)


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))


def _answer(actor, complaint, day):
    services.answer_complaint(actor=actor, complaint=complaint, text="Réponse", at=_at(day))


def dataset(record, actor):
    d = dt.date
    a = record("bakery", d(2026, 3, 2), "major", "quality")  # due 9/3
    _answer(actor, a, d(2026, 3, 4))  # 2 days, in time
    services.close_complaint(actor=actor, complaint=a, resolution="corrective", closed_on=d(2026, 3, 6))  # 4 days
    b = record("bakery", d(2026, 3, 3), "critical", "late_delivery")  # due 5/3
    _answer(actor, b, d(2026, 3, 9))  # 6 days, late
    services.close_complaint(actor=actor, complaint=b, resolution="goodwill", closed_on=d(2026, 3, 13))  # 10 days
    record("garage", d(2026, 3, 10), "minor", "quality")  # due 24/3, never answered: late and overdue
    record("durand", d(2026, 3, 30), "minor", "billing")  # due 13/4: not due yet
    e = record("garage", d(2026, 2, 16), "minor", "billing")  # before the period
    _answer(actor, e, d(2026, 2, 17))
    services.close_complaint(actor=actor, complaint=e, resolution="unfounded", closed_on=d(2026, 2, 20))
    record("bakery", d(2026, 1, 20), "major", "service")  # before the period, overdue (backlog)


def test_indicators_with_exact_figures(record, personas):
    dataset(record, personas["commercial"])
    figures = queries.indicators(MARCH, today=TODAY)
    assert figures.received == 4
    assert figures.open == 3  # the two March ones unanswered and the January one
    assert figures.overdue == 2  # 10/3 and 20/1: no answer, deadline passed
    assert (figures.due, figures.answered_in_time) == (3, 1)
    assert figures.answered_in_time_rate == Decimal("33.3")
    assert figures.avg_days_to_answer == Decimal("4.0")  # (2 + 6) / 2
    assert figures.avg_days_to_close == Decimal("7.0")  # (4 + 10) / 2
    assert [(bar.label, bar.count, bar.width) for bar in figures.by_category] == [
        ("Qualité produit", 2, 100),
        ("Retard de livraison", 1, 50),
        ("Erreur de facturation", 1, 50),
        ("Service / comportement", 0, 0),
        ("Produit endommagé", 0, 0),
        ("Autre", 0, 0),
    ]
    assert [(bar.label, bar.count) for bar in figures.by_severity] == [("Critique", 1), ("Majeure", 1), ("Mineure", 2)]
    assert [(bar.label, bar.count) for bar in figures.top_customers] == [
        ("Boulangerie Martin", 2),
        ("Léa Durand", 1),
        ("Garage du Rhône", 1),
    ]


def test_default_period_is_the_last_twelve_months(record, personas):
    dataset(record, personas["commercial"])
    figures = queries.indicators(today=dt.date(2027, 2, 16))
    assert figures.period == Period(dt.date(2026, 2, 17), dt.date(2027, 2, 16))
    assert figures.received == 4  # 16/02/2026 and 20/01/2026 fall outside
    assert figures.overdue == 3  # the one of 30/03 is now late too


def test_no_complaint_gives_zeros_and_no_rate(db):
    figures = queries.indicators(MARCH, today=TODAY)
    assert (figures.received, figures.open, figures.overdue) == (0, 0, 0)
    assert figures.answered_in_time_rate is None
    assert figures.avg_days_to_answer is None and figures.avg_days_to_close is None
    assert all(bar.width == 0 for bar in figures.by_category)
    assert figures.top_customers == []
