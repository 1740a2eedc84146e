"""Bookings: the resource's rules, an overlap refused by the service with an alternative, and by the database
(a trigger on SQLite, an exclusion constraint on PostgreSQL) — also for two bookings made at the same instant."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from pilote.core import integrity
from pilote.core.exceptions import DomainError
from pilote.office import triggers
from pilote.office.models import Booking, BookingStatus
from pilote.office.services import bookings
from pilote.office.tests.conftest import DAY, at


def test_an_overlapping_booking_is_refused_with_alternatives(personas, rooms):
    actor = personas["salarie"]
    bookings.book_resource(actor=actor, resource=rooms["big"], starts_at=at(14), ends_at=at(16), title="Comité")
    with pytest.raises(DomainError) as refused:
        bookings.book_resource(actor=actor, resource=rooms["big"], starts_at=at(15), ends_at=at(16, 30),
                               title="Point client", attendees=3)  # fmt: skip
    text = refused.value.message
    assert "« Salle du conseil » est déjà réservé(e) le 24/11/2026 de 14:00 à 16:00 (« Comité »)" in text
    assert "« Bulle » est libre sur ce créneau" in text
    assert "« Salle du conseil » est libre le 24/11/2026 de 16:00 à 17:30" in text
    assert Booking.objects.count() == 1


def test_back_to_back_and_cancelled_bookings_do_not_overlap(personas, rooms):
    actor = personas["assistant"]
    first = bookings.book_resource(actor=actor, resource=rooms["big"], starts_at=at(9), ends_at=at(10), title="A")
    bookings.book_resource(actor=actor, resource=rooms["big"], starts_at=at(10), ends_at=at(11), title="B")
    bookings.cancel_booking(actor=actor, booking=first)
    bookings.book_resource(actor=actor, resource=rooms["big"], starts_at=at(9), ends_at=at(10), title="C")
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2


def test_the_resource_rules_are_checked(personas, rooms):
    actor = personas["salarie"]
    with pytest.raises(DomainError, match="4 personne"):
        bookings.book_resource(actor=actor, resource=rooms["small"], starts_at=at(9), ends_at=at(10), title="X",
                               attendees=6)  # fmt: skip
    with pytest.raises(DomainError, match="de 08:00 à 19:00"):
        bookings.book_resource(actor=actor, resource=rooms["small"], starts_at=at(18), ends_at=at(20), title="X")
    with pytest.raises(DomainError, match="10 h au plus"):
        bookings.book_resource(actor=actor, resource=rooms["car"], starts_at=at(6), ends_at=at(18), title="X")


def test_only_the_booker_or_the_office_cancels(personas, rooms):
    booking = bookings.book_resource(actor=personas["salarie"], resource=rooms["car"], starts_at=at(9),
                                     ends_at=at(12), title="Client")  # fmt: skip
    with pytest.raises(DomainError, match="Seule la personne"):
        bookings.cancel_booking(actor=personas["commercial"], booking=booking)
    bookings.cancel_booking(actor=personas["assistant"], booking=booking)


def test_the_database_refuses_an_overlap_in_french(personas, rooms):
    bookings.book_resource(actor=personas["salarie"], resource=rooms["big"], starts_at=at(9), ends_at=at(11), title="A")
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Booking.objects.create(resource=rooms["big"], title="B", starts_at=at(10), ends_at=at(12),
                               booked_by=personas["direction"])  # fmt: skip
    assert integrity.message_for(refused.value) == triggers.MESSAGE
    other = Booking.objects.create(resource=rooms["big"], title="C", starts_at=at(11), ends_at=at(12),
                                   booked_by=personas["direction"])  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=other.pk).update(starts_at=at(10))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_bookings_at_the_same_instant_one_is_refused(personas, rooms, monkeypatch):
    """Both pass the service's check before either writes: the exclusion constraint refuses the second, which
    gets the French message and its alternatives."""
    barrier, results = threading.Barrier(2, timeout=20), []
    real = bookings.slot_taken

    def checked_together(*args):
        taken = real(*args)
        barrier.wait()
        return taken

    monkeypatch.setattr(bookings, "slot_taken", checked_together)

    def book(user, title):
        try:
            results.append(bookings.book_resource(actor=user, resource=rooms["big"], starts_at=at(14),
                                                  ends_at=at(15), title=title))  # fmt: skip
        except DomainError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(personas[r], r)) for r in ("salarie", "commercial")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(results) == 2 and len(refusals) == 1, results
    assert "est déjà réservé(e)" in refusals[0].message and "« Bulle » est libre" in refusals[0].message
    assert Booking.objects.filter(resource=rooms["big"]).count() == 1


def test_booking_from_the_page_and_the_refusal_shown(client_as, personas, rooms):
    client = client_as("salarie")
    data = {"resource": rooms["big"].pk, "title": "Réunion", "day": DAY.isoformat(), "start": "14:30", "end": "15:30",
            "attendees": 3}  # fmt: skip
    response = client.post(reverse("office:booking-create"), data)
    assert response.status_code == 302
    again = client.post(reverse("office:booking-create"), data)
    assert again.status_code == 200 and "est déjà réservé(e) le 24/11/2026 de 14:30 à 15:30" in again.content.decode()
    page = client.get(reverse("office:resource-detail", args=[rooms["big"].pk]), {"jour": DAY.isoformat()})
    assert "14:30 – 15:30" in page.content.decode()
    listing = client.get(reverse("office:booking-list"), {"du": DAY.isoformat(), "tri": "-debut"})
    assert "Réunion" in listing.content.decode() and "24/11/2026 14:30" in listing.content.decode()
    export = client.get(reverse("office:booking-export", args=["csv"]), {"du": DAY.isoformat()})
    assert "24/11/2026 14:30" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_vehicle_log(personas, rooms):
    actor = personas["commercial"]
    bookings.log_trip(actor=actor, resource=rooms["car"], day=DAY, km_start=1000, km_end=1120,
                      fuel_litres=Decimal("30.5"), fuel_cost=Decimal("55.20"), purpose="Client")  # fmt: skip
    with pytest.raises(DomainError, match="1120 km"):
        bookings.log_trip(actor=actor, resource=rooms["car"], day=DAY + dt.timedelta(days=1), km_start=1100,
                          km_end=1200)  # fmt: skip
    with pytest.raises(DomainError, match="véhicules"):
        bookings.log_trip(actor=actor, resource=rooms["big"], day=DAY, km_start=0, km_end=1)
