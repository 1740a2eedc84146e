"""Office fixtures: rooms and a vehicle, and aware local datetimes."""

import datetime as dt

import pytest
from django.utils import timezone

from pilote.office.services import bookings

DAY = dt.date(2026, 11, 24)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def rooms(personas):
    actor = personas["assistant"]
    big = bookings.create_resource(actor=actor, name="Salle du conseil", kind="room", capacity=12,
                                   opens_at=dt.time(8), closes_at=dt.time(19))  # fmt: skip
    small = bookings.create_resource(actor=actor, name="Bulle", kind="room", capacity=4,
                                     opens_at=dt.time(8), closes_at=dt.time(19))  # fmt: skip
    car = bookings.create_resource(actor=actor, name="Clio", kind="vehicle", capacity=5, registration="GH-123-AB",
                                   max_hours=10)  # fmt: skip
    return {"big": big, "small": small, "car": car}
