"""The office in a real browser: a room booked on a phone (the overlap refused with an alternative), and minutes
written with an action item that then appears in its owner's to-do list. Run by `make test-browser`."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from pilote.lib.dates import local_today
from pilote.office.models import Booking, Task
from pilote.office.services import bookings, meetings
from pilote.office.tests.conftest import at

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def room(personas):
    return bookings.create_resource(actor=personas["assistant"], name="Salle Lumière", kind="room", capacity=10)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_book_a_room_on_a_phone(page, sign_in, personas, room):
    bookings.create_resource(actor=personas["assistant"], name="Bulle", kind="room", capacity=4)
    day = local_today() + dt.timedelta(days=1)
    sign_in(page, "salarie")
    page.goto("/bureau/ressources/")
    page.get_by_role("link", name="Salle Lumière").tap()
    page.get_by_role("link", name="Réserver", exact=True).tap()
    page.locator("#id_title").fill("Point client")
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_start").fill("14:30")
    page.locator("#id_end").fill("15:30")
    page.locator("#id_attendees").fill("3")
    page.get_by_role("button", name="Réserver").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Salle Lumière")
    expect(page.locator(".planning")).to_contain_text("14:30 – 15:30 Point client")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Booking.objects.get().starts_at == at(14, 30, day=day)
    # The same slot again: refused, with the free room proposed.
    page.get_by_role("link", name="Réserver", exact=True).tap()
    page.locator("#id_title").fill("Autre réunion")
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_start").fill("15:00")
    page.locator("#id_end").fill("16:00")
    page.get_by_role("button", name="Réserver").tap()
    expect(page.locator("form.form-grid")).to_contain_text("« Bulle » est libre sur ce créneau")
    assert Booking.objects.count() == 1


def test_minutes_with_an_action_item_in_the_owner_to_do_list(page, sign_in, personas, room):
    meeting = meetings.create_meeting(actor=personas["assistant"], title="Réunion d'équipe", starts_at=at(9),
                                      ends_at=at(10), attendees=[personas["salarie"]],
                                      items=[("Planning de la semaine", None, 15)])  # fmt: skip
    sign_in(page, "assistant")
    page.goto(f"/bureau/reunions/{meeting.pk}/")
    page.get_by_label("Notes").fill("Deux interventions urgentes.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_role("status")).to_contain_text("Compte rendu enregistré")
    page.locator("#id_action-title").fill("Appeler la Clinique du Parc")
    page.locator("#id_action-owner").select_option(label="Salarié(e) Test")
    page.locator("#id_action-due_on").fill((local_today() + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.locator("table").last).to_contain_text("Appeler la Clinique du Parc")
    assert Task.objects.get().owner == personas["salarie"]
    page.context.clear_cookies()
    sign_in(page, "salarie")
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Appeler la Clinique du Parc (action de réunion)")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_waiting_list_on_a_phone(page, sign_in, personas, room):
    """The slot is taken: join the waiting list; once it is cancelled, the to-do list offers it; confirm it."""
    from pilote.office.models import WaitingRequest

    day = local_today() + dt.timedelta(days=2)
    taken = bookings.book_resource(actor=personas["direction"], resource=room, starts_at=at(9, day=day),
                                   ends_at=at(11, day=day), title="Conseil")  # fmt: skip
    sign_in(page, "salarie")
    page.goto(f"/bureau/reservations/nouvelle/?ressource={room.pk}")
    page.locator("#id_title").fill("Formation")
    page.locator("#id_day").fill(day.isoformat())
    page.locator("#id_start").fill("10:00")
    page.locator("#id_end").fill("11:00")
    page.get_by_role("button", name="Réserver", exact=True).tap()
    expect(page.locator("form.form-grid")).to_contain_text("est déjà réservé(e)")
    page.get_by_role("button", name="M'inscrire en liste d'attente pour ce créneau").tap()
    expect(page.locator("main")).to_contain_text("Vous êtes en liste d'attente (1re)")
    assert WaitingRequest.objects.get().status == "waiting"
    bookings.cancel_booking(actor=personas["direction"], booking=taken)
    page.goto("/")
    page.get_by_role("link", name="Créneau libéré").first.tap()
    page.get_by_role("button", name="Confirmer la réservation").tap()
    expect(page.locator("main")).to_contain_text("Réservation confirmée")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Booking.objects.get(status="confirmed").title == "Formation"
