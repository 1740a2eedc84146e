"""The waiting list of a booking: joined only when the slot is taken; a cancellation or a shortening offers the
freed slot to the first person waiting (e-mail and to-do item), held for them until the delay runs out, then passed
to the next; confirming books it through the service, so the overlap constraint keeps the last word — also when
someone books the slot at the same instant (PostgreSQL)."""

import datetime as dt
import html
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.core.registry import todos_for
from pilote.office.models import Booking, BookingStatus, WaitingRequest, WaitingStatus
from pilote.office.services import bookings, waiting
from pilote.office.tests.conftest import at

pytestmark = pytest.mark.django_db
DAY = timezone.localdate() + dt.timedelta(days=14)  # ahead of today: a waiting list is for slots to come


@pytest.fixture(autouse=True)
def addresses(personas):
    for role, user in personas.items():
        user.email = f"{role}@example.org"
        user.save(update_fields=["email"])


def _at(hour, minute=0):
    return at(hour, minute, DAY)


def _wait(user, room, start=10, end=11, title="Point d'équipe"):
    return waiting.join_waiting_list(actor=user, resource=room, starts_at=_at(start), ends_at=_at(end), title=title)


def test_a_cancellation_offers_the_slot_to_the_first_waiting(personas, rooms, django_capture_on_commit_callbacks):
    big = rooms["big"]
    with pytest.raises(DomainError, match="est libre sur ce créneau : réservez-le directement"):
        _wait(personas["commercial"], big)
    taken = bookings.book_resource(actor=personas["salarie"], resource=big, starts_at=_at(9), ends_at=_at(12),
                                   title="Formation")  # fmt: skip
    first = _wait(personas["commercial"], big)
    second = _wait(personas["rh"], big, 10, 12, "Entretiens")
    with pytest.raises(DomainError, match="déjà en liste d'attente"):
        _wait(personas["commercial"], big, 10, 11)
    assert waiting.position(first) == 1 and waiting.position(second) == 2
    with django_capture_on_commit_callbacks(execute=True):
        bookings.cancel_booking(actor=personas["salarie"], booking=taken, base_url="https://pilote.example/")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == WaitingStatus.OFFERED and second.status == WaitingStatus.WAITING  # overlaps the offer
    assert first.offer_expires_at == first.offered_at + dt.timedelta(hours=24)
    assert [m.to for m in mail.outbox] == [[personas["commercial"].email]]
    assert "https://pilote.example/bureau/reservations/attente/" in mail.outbox[0].body
    items = [i for i in todos_for(personas["commercial"], limit=50) if i.kind == "Réservation"]
    assert len(items) == 1 and items[0].urgent and f"« Salle du conseil » le {DAY:%d/%m/%Y} à 10:00" in items[0].label
    # Held for them: nobody else books it meanwhile.
    with pytest.raises(DomainError, match="proposé\\(e\\) à .* \\(liste d'attente\\)"):
        bookings.book_resource(actor=personas["direction"], resource=big, starts_at=_at(10), ends_at=_at(10, 30),
                               title="Appel")  # fmt: skip
    with pytest.raises(DomainError, match="Seule la personne à qui"):
        waiting.confirm_offer(actor=personas["rh"], request=first)
    booking = waiting.confirm_offer(actor=personas["commercial"], request=first)
    first.refresh_from_db()
    assert first.status == WaitingStatus.CONFIRMED and first.booking == booking
    assert (booking.starts_at, booking.ends_at, booking.booked_by) == (_at(10), _at(11), personas["commercial"])
    assert AuditEvent.objects.filter(action="office.waiting.offered").count() == 1
    assert not [i for i in todos_for(personas["commercial"], limit=50) if i.kind == "Réservation"]


def test_a_shortened_booking_gives_back_its_end(personas, rooms, django_capture_on_commit_callbacks):
    big = rooms["big"]
    taken = bookings.book_resource(actor=personas["salarie"], resource=big, starts_at=_at(9), ends_at=_at(12),
                                   title="Séminaire")  # fmt: skip
    entry = _wait(personas["commercial"], big, 11, 12)
    with pytest.raises(DomainError, match="restez dans le créneau réservé"):
        bookings.shorten_booking(actor=personas["salarie"], booking=taken, starts_at=_at(9), ends_at=_at(13))
    with pytest.raises(DomainError, match="Seule la personne"):
        bookings.shorten_booking(actor=personas["commercial"], booking=taken, starts_at=_at(9), ends_at=_at(11))
    with django_capture_on_commit_callbacks(execute=True):
        bookings.shorten_booking(actor=personas["salarie"], booking=taken, starts_at=_at(9), ends_at=_at(11))
    taken.refresh_from_db(), entry.refresh_from_db()
    assert taken.ends_at == _at(11) and entry.status == WaitingStatus.OFFERED and len(mail.outbox) == 1


def test_an_expired_or_declined_offer_goes_to_the_next(personas, rooms, settings):
    settings.PILOTE_OFFICE_OFFER_HOURS = 2
    big = rooms["big"]
    taken = bookings.book_resource(actor=personas["salarie"], resource=big, starts_at=_at(9), ends_at=_at(12),
                                   title="Formation")  # fmt: skip
    first, second, third = (_wait(personas[r], big) for r in ("commercial", "rh", "direction"))
    bookings.cancel_booking(actor=personas["assistant"], booking=taken)
    first.refresh_from_db()
    assert first.offer_expires_at - first.offered_at == dt.timedelta(hours=2)
    later = first.offer_expires_at + dt.timedelta(minutes=1)
    assert waiting.expire_offers(now=later) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == WaitingStatus.EXPIRED and second.status == WaitingStatus.OFFERED
    with pytest.raises(DomainError, match="ne vous est pas"):
        waiting.confirm_offer(actor=personas["commercial"], request=first)
    second.offer_expires_at = timezone.now() + dt.timedelta(hours=1)  # its delay counted from now
    second.save(update_fields=["offer_expires_at"])
    waiting.withdraw(actor=personas["rh"], request=second)
    third.refresh_from_db()
    assert third.status == WaitingStatus.OFFERED


def test_the_pages_join_confirm_and_shorten(client_as, personas, rooms):
    big = rooms["big"]
    bookings.book_resource(actor=personas["direction"], resource=big, starts_at=_at(14), ends_at=_at(16),
                           title="Conseil")  # fmt: skip
    client = client_as("salarie")
    data = {"resource": big.pk, "title": "Réunion", "day": DAY.isoformat(), "start": "15:00", "end": "16:00",
            "attendees": 3}  # fmt: skip
    refused = client.post(reverse("office:booking-create"), data)
    assert refused.status_code == 200 and "liste d'attente pour ce créneau" in refused.content.decode()
    joined = client.post(reverse("office:booking-create"), {**data, "attente": "1"}, follow=True)
    assert "Vous êtes en liste d'attente (1re)" in html.unescape(joined.content.decode())
    entry = WaitingRequest.objects.get()
    page = html.unescape(client.get(reverse("office:waiting-list")).content.decode())
    assert "Réunion" in page and "1re en attente" in page
    booking = Booking.objects.get(title="Conseil")
    shorten = reverse("office:booking-shorten", args=[booking.pk])
    assert client.get(shorten).status_code == 404  # not theirs
    response = client_as("direction").post(shorten, {"day": DAY.isoformat(), "start": "14:00", "end": "15:00"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.OFFERED
    client = client_as("salarie")
    assert "Confirmer la réservation" in client.get(reverse("office:waiting-list")).content.decode()
    client.post(reverse("office:waiting-confirm", args=[entry.pk]))
    assert Booking.objects.filter(title="Réunion", status=BookingStatus.CONFIRMED, starts_at=_at(15)).exists()
    export = client.get(reverse("office:waiting-export", args=["csv"]), {"etat": "toutes"})
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert "Réservé" in body.decode("utf-8-sig")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_a_booking_at_the_same_instant(personas, rooms, monkeypatch):
    """The holder confirms while someone else's booking passed every check at the same instant (the offer not yet
    seen): the exclusion constraint lets exactly one through, the other gets the French refusal."""
    big = rooms["big"]
    taken = bookings.book_resource(actor=personas["salarie"], resource=big, starts_at=_at(9), ends_at=_at(12),
                                   title="Formation")  # fmt: skip
    entry = _wait(personas["commercial"], big)
    bookings.cancel_booking(actor=personas["salarie"], booking=taken)
    barrier, results = threading.Barrier(2, timeout=20), []
    real = bookings.slot_taken

    def checked_together(*args):
        taken = real(*args)
        barrier.wait()
        return taken

    monkeypatch.setattr(bookings, "slot_taken", checked_together)
    monkeypatch.setattr(waiting, "held_offer", lambda *args, **kwargs: None)

    def run(work):
        try:
            results.append(work())
        except DomainError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    def confirm():
        return waiting.confirm_offer(actor=personas["commercial"], request=entry)

    def book():
        return bookings.book_resource(actor=personas["direction"], resource=big, starts_at=_at(10), ends_at=_at(11),
                                      title="Appel")  # fmt: skip

    threads = [threading.Thread(target=run, args=(work,)) for work in (confirm, book)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(results) == 2 and len(refusals) == 1, results
    assert "est déjà réservé(e)" in refusals[0].message
    assert Booking.objects.filter(resource=big, status=BookingStatus.CONFIRMED).count() == 1
