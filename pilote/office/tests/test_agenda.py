"""Agenda: recurrence expanded in local time, the views, read-only layers from other apps, the private feed
(its .ics parses with icalendar and round-trips through the import), invitations with the .ics attached."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.office import recurrence
from pilote.office.models import Event
from pilote.office.services import agenda
from pilote.office.tests.conftest import DAY, at


@pytest.fixture
def staff_meeting(personas):
    actor = personas["assistant"]
    calendar = agenda.personal_calendar(actor)
    return agenda.create_event(
        actor=actor, calendar=calendar, title="Réunion d'équipe", starts_at=at(9, day=dt.date(2026, 3, 2)),
        ends_at=at(10, day=dt.date(2026, 3, 2)), place="Salle du conseil", reminder_minutes=30,
        rrule=recurrence.build_rule("WEEKLY", dt.date(2026, 4, 27)), attendees=[personas["salarie"]],
        guests=["expert@example.org"],
    )  # fmt: skip


def test_weekly_rule_keeps_local_time_across_summer_time(staff_meeting):
    first, last = at(0, day=dt.date(2026, 3, 20)), at(0, day=dt.date(2026, 4, 10))
    found = agenda.occurrences_between(staff_meeting, first, last)
    assert [f"{s:%d/%m %H:%M %z}" for s, _ in found] == ["23/03 09:00 +0100", "30/03 09:00 +0200", "06/04 09:00 +0200"]
    assert recurrence.describe(staff_meeting.rrule) == "Toutes les semaines jusqu'au 27/04/2026"


def test_a_rule_that_is_not_rfc_5545_is_refused(personas):
    calendar = agenda.personal_calendar(personas["salarie"])
    with pytest.raises(DomainError, match="RFC 5545"):
        agenda.create_event(actor=personas["salarie"], calendar=calendar, title="X", starts_at=at(9), ends_at=at(10),
                            rrule="FREQ=SOMETIMES")  # fmt: skip


def test_the_feed_parses_and_round_trips(client, personas, staff_meeting):
    calendar = staff_meeting.calendar
    token = agenda.new_feed_token(actor=personas["assistant"], calendar=calendar)
    response = client.get(reverse("office:feed", args=[token]))  # no session: the token is the key
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Réunion d'équipe" and str(event["uid"]) == staff_meeting.uid
    assert event.decoded("dtstart") == at(9, day=dt.date(2026, 3, 2))
    assert event["rrule"].to_ical().decode() == staff_meeting.rrule
    assert str(event["location"]) == "Salle du conseil"
    assert event.walk("VALARM")[0].decoded("trigger") == dt.timedelta(minutes=-30)
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:expert@example.org"]
    assert parsed.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    # Round trip: imported into another calendar, the same event comes back field for field.
    other = agenda.personal_calendar(personas["direction"])
    created, updated = agenda.import_ics(actor=personas["direction"], calendar=other, data=response.content)
    assert (created, updated) == (1, 0)
    copy = Event.objects.get(calendar=other)
    assert (copy.title, copy.starts_at, copy.ends_at, copy.rrule, copy.place) == (
        staff_meeting.title,
        staff_meeting.starts_at,
        staff_meeting.ends_at,
        staff_meeting.rrule,
        staff_meeting.place,
    )
    # The same file into the first calendar updates instead of duplicating.
    assert agenda.import_ics(actor=personas["assistant"], calendar=calendar, data=response.content) == (0, 1)


def test_a_revoked_or_wrong_token_gives_nothing(client, personas, staff_meeting):
    token = agenda.new_feed_token(actor=personas["assistant"], calendar=staff_meeting.calendar)
    assert client.get(reverse("office:feed", args=["nimporte"])).status_code == 404
    agenda.revoke_feed(actor=personas["assistant"], calendar=staff_meeting.calendar)
    assert client.get(reverse("office:feed", args=[token])).status_code == 404


def test_invitations_carry_the_ics(personas, staff_meeting):
    personas["salarie"].email = "thomas@example.org"
    personas["salarie"].save()
    assert agenda.send_invitations(actor=personas["assistant"], event=staff_meeting) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Invitation : Réunion d'équipe — 02/03/2026 09:00")
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    assert icalendar.Calendar.from_ical(content)["method"] == "REQUEST"


def test_import_page_refuses_what_is_not_ics(client_as, personas):
    client = client_as("salarie")
    calendar = agenda.personal_calendar(personas["salarie"])
    response = client.post(reverse("office:calendar-import", args=[calendar.pk]),
                           {"file": SimpleUploadedFile("a.ics", b"pas un agenda")})  # fmt: skip
    assert "pas un agenda au format iCalendar" in response.content.decode()


def test_week_and_month_views_with_the_tender_layer(client_as, personas, staff_meeting):
    from pilote.contacts.models import Contact
    from pilote.pipeline import tender_services

    buyer = Contact.objects.create(name="Ville de Lyon", is_customer=True)
    tender = tender_services.create_tender(actor=personas["commercial"], buyer=buyer, title="Nettoyage des écoles")
    tender.submission_deadline = at(12, day=dt.date(2026, 3, 25))
    tender.save()
    client = client_as("assistant")
    week = client.get(reverse("office:agenda"), {"vue": "semaine", "date": "2026-03-23"}).content.decode()
    assert "Lundi 23/03/2026" in week and "09:00 – 10:00" in week and "Réunion d&#x27;équipe" in week
    assert "Remise des offres — Nettoyage des écoles" in week
    month = client.get(reverse("office:agenda"), {"vue": "mois", "date": "2026-03-10"}).content.decode()
    assert "Mars 2026" in month and month.count("Réunion d&#x27;équipe") == 5
    salarie = client_as("salarie").get(reverse("office:agenda"), {"vue": "jour", "date": "2026-03-25"})
    assert "Nettoyage" not in salarie.content.decode()  # the pipeline's layer is for those who read the pipeline


def test_event_with_a_room_books_it(client_as, personas, rooms):
    client = client_as("assistant")
    calendar = agenda.personal_calendar(personas["assistant"])
    data = {"calendar": calendar.pk, "title": "Entretien", "day": DAY.isoformat(), "start": "10:00", "end": "11:00",
            "room": rooms["small"].pk, "attendees": [personas["salarie"].pk]}  # fmt: skip
    assert client.post(reverse("office:event-create"), data).status_code == 302
    event = Event.objects.get(title="Entretien")
    assert event.bookings.get().resource == rooms["small"] and event.place == "Bulle"
    again = client.post(reverse("office:event-create"), data | {"title": "Autre"})
    assert "est déjà réservé(e)" in again.content.decode() and not Event.objects.filter(title="Autre").exists()


def test_an_event_reminder_reaches_the_to_do_list_when_due(personas):
    from django.utils import timezone

    from pilote.core.registry import todos_for

    actor = personas["assistant"]
    calendar = agenda.personal_calendar(actor)
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=20)
    later = soon + dt.timedelta(hours=2)
    events = [("Appel notaire", soon, 30), ("Point banque", soon, 10), ("Visite", later, 60), ("Sans", soon, None)]
    for title, start, reminder in events:
        agenda.create_event(actor=actor, calendar=calendar, title=title, starts_at=start,
                            ends_at=start + dt.timedelta(hours=1), reminder_minutes=reminder, place="Bureau",
                            attendees=[personas["salarie"]])  # fmt: skip
    labels = [i.label for i in todos_for(actor, limit=50) if i.kind == "Agenda"]
    local = timezone.localtime(soon)
    assert labels == [f"Rappel : Appel notaire le {local:%d/%m/%Y} à {local:%H:%M} (Bureau)"]
    assert [i.label for i in todos_for(personas["salarie"], limit=50) if i.kind == "Agenda"] == labels  # attendee
    assert not [i for i in todos_for(personas["commercial"], limit=50) if i.kind == "Agenda"]
