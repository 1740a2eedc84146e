"""Answer deadlines in working days (Monday to Friday), by severity."""

import datetime as dt

import pytest

from pilote.complaints.deadlines import add_working_days, answer_deadline

MON, FRI, SAT, SUN = dt.date(2026, 3, 2), dt.date(2026, 3, 6), dt.date(2026, 3, 7), dt.date(2026, 3, 8)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MON, 0, MON),
        (MON, 1, dt.date(2026, 3, 3)),
        (MON, 4, FRI),
        (MON, 5, dt.date(2026, 3, 9)),  # over the weekend
        (FRI, 1, dt.date(2026, 3, 9)),
        (FRI, 2, dt.date(2026, 3, 10)),
        (SAT, 2, dt.date(2026, 3, 10)),  # received on a Saturday: Monday is the first working day
        (SUN, 1, dt.date(2026, 3, 9)),
        (MON, 10, dt.date(2026, 3, 16)),
        (dt.date(2026, 12, 30), 3, dt.date(2027, 1, 4)),  # across the year end
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="négatif"):
        add_working_days(MON, -1)


@pytest.mark.parametrize(
    ("severity", "expected"),
    [("critical", dt.date(2026, 3, 10)), ("major", dt.date(2026, 3, 13)), ("minor", dt.date(2026, 3, 20))],
)
def test_deadline_follows_the_severity(severity, expected):
    # Received on Friday 6 March: critique 2 jours ouvrés, majeure 5, mineure 10.
    assert answer_deadline(severity, FRI) == expected
