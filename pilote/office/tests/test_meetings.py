"""Meetings: agenda, attendees and apologies, minutes with decisions and action items that become tasks in the
owner's to-do list, the minutes' PDF e-mailed, decisions searchable, the next meeting carrying open actions."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.registry import todos_for
from pilote.office.models import Meeting, Task
from pilote.office.services import meetings
from pilote.office.tests.conftest import DAY, at


@pytest.fixture
def staff(personas, rooms):
    for role in ("salarie", "commercial"):
        personas[role].email = f"{role}@example.org"
        personas[role].save()
    return meetings.create_meeting(
        actor=personas["assistant"], title="Réunion d'équipe", series="Réunion d'équipe", starts_at=at(9),
        ends_at=at(10), room=rooms["big"], attendees=[personas["salarie"], personas["commercial"]],
        items=[("Planning de la semaine", personas["direction"], 15), ("Budget", None, 20)],
    )  # fmt: skip


def test_a_meeting_books_its_room_and_is_in_the_agenda(staff, rooms):
    assert staff.place == "Salle du conseil" and staff.event.attendees.count() == 2
    assert rooms["big"].bookings.get().event == staff.event


def test_minutes_with_actions_that_reach_the_owner_to_do_list(client_as, personas, staff):
    client = client_as("assistant")
    items = list(staff.items.all())
    absent = staff.attendees.get(user=personas["commercial"])
    data = {"version": staff.version, "summary": "Bonne semaine", f"notes-{items[0].pk}": "Trois chantiers",
            f"presence-{absent.pk}": "apologies"}  # fmt: skip
    assert client.post(reverse("office:meeting-minutes", args=[staff.pk]), data).status_code == 302
    client.post(reverse("office:meeting-decision-add", args=[staff.pk]),
                {"decision-text": "Acheter un second véhicule", "decision-item": items[1].pk})  # fmt: skip
    response = client.post(reverse("office:meeting-action-add", args=[staff.pk]), {
        "action-title": "Demander trois devis de véhicules", "action-owner": personas["salarie"].pk,
        "action-due_on": "2036-12-01", "action-important": "on"})  # fmt: skip
    assert response.status_code == 302
    task = Task.objects.get(meeting=staff)
    assert task.owner == personas["salarie"] and task.due_on == dt.date(2036, 12, 1)
    todo = [item.label for item in todos_for(personas["salarie"])]
    assert "Demander trois devis de véhicules (action de réunion)" in todo
    page = client.get(reverse("office:meeting-detail", args=[staff.pk])).content.decode()
    assert "Trois chantiers" in page and "Acheter un second véhicule" in page
    staff.refresh_from_db()
    assert staff.status == "held" and staff.attendees.get(pk=absent.pk).presence == "apologies"
    # The minutes' PDF to every attendee with an address.
    assert client.post(reverse("office:meeting-send", args=[staff.pk])).status_code == 302
    message = mail.outbox[-1]
    assert sorted(message.to) == ["commercial@example.org", "salarie@example.org"]
    name, content, mimetype = message.attachments[0]
    assert name.startswith("compte-rendu-2026-11-24") and content.startswith(b"%PDF") and mimetype == "application/pdf"
    pdf = client.get(reverse("office:meeting-pdf", args=[staff.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Decisions are searchable.
    found = client_as("salarie").get(reverse("office:decision-list"), {"q": "véhicule"}).content.decode()
    assert "Acheter un second véhicule" in found and "Réunion d&#x27;équipe" in found


def test_minutes_are_sent_only_once_written(personas, staff):
    with pytest.raises(DomainError, match="Rédigez le compte rendu"):
        meetings.send_minutes(actor=personas["assistant"], meeting=staff)


def test_the_next_meeting_carries_the_open_actions(personas, staff):
    actor = personas["assistant"]
    done = meetings.add_action(actor=actor, meeting=staff, title="Réserver le traiteur", owner=personas["salarie"])
    meetings.add_action(actor=actor, meeting=staff, title="Relancer le client Durand", owner=personas["commercial"],
                        due_on=DAY + dt.timedelta(days=3))  # fmt: skip
    from pilote.office.services import tasks

    tasks.complete_task(actor=personas["salarie"], task=done)
    following = meetings.schedule_next(actor=actor, meeting=staff, starts_at=at(9, day=DAY + dt.timedelta(days=7)))
    assert following.previous == staff and following.series == "Réunion d'équipe"
    first = following.items.order_by("position").first()
    assert first.carried and "Relancer le client Durand" in first.notes and "Réserver le traiteur" not in first.notes
    assert [i.title for i in following.items.order_by("position")][1:] == ["Planning de la semaine", "Budget"]
    assert following.attendees.count() == 2
    with pytest.raises(DomainError, match="déjà prévue"):
        meetings.schedule_next(actor=actor, meeting=staff, starts_at=at(9, day=DAY + dt.timedelta(days=14)))


def test_meeting_created_from_the_page(client_as, personas):
    data = {"title": "Conseil d'administration", "day": DAY.isoformat(), "start": "18:00", "end": "20:00",
            "attendees": [personas["direction"].pk], "guests": "tresorier@example.org",
            "items": "Comptes de l'exercice ; 30\nQuestions diverses"}  # fmt: skip
    response = client_as("assistant").post(reverse("office:meeting-create"), data)
    meeting = Meeting.objects.get(title="Conseil d'administration")
    assert response.status_code == 302 and [i.minutes for i in meeting.items.all()] == [30, 15]
    assert meeting.attendees.count() == 2


def test_documents_attached_to_a_meeting_keep_their_confidentiality(client_as, personas, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.office.services import documents

    actor = personas["assistant"]
    folder = documents.create_folder(actor=actor, name="Réunions", code="3")
    payroll = documents.file_document(actor=personas["rh"], uploaded=SimpleUploadedFile("paie.txt", b"Paie"),
                                      title="Masse salariale", folder=folder, document_date=DAY,
                                      confidentiality="restricted", roles=["rh", "direction"])  # fmt: skip
    with pytest.raises(DomainError, match="pas accessible"):
        meetings.attach_document(actor=actor, meeting=staff, document=payroll)
    meetings.attach_document(actor=personas["direction"], meeting=staff, document=payroll)
    client = client_as("assistant")
    url = reverse("office:meeting-document-attach", args=[staff.pk])
    response = client.post(url, {"document-uploaded": SimpleUploadedFile("budget.txt", b"Budget 2027"),
                                 "document-title": "Budget prévisionnel", "document-folder": folder.pk})  # fmt: skip
    assert response.status_code == 302
    refused = client.post(url, {"document-uploaded": SimpleUploadedFile("x.txt", b"x")})
    assert refused.status_code == 400 and "Choisissez le dossier" in refused.content.decode()
    assert [d.title for d in staff.documents.order_by("title")] == ["Budget prévisionnel", "Masse salariale"]
    page = client.get(reverse("office:meeting-detail", args=[staff.pk])).content.decode()
    assert "Budget prévisionnel" in page and "Masse salariale" not in page and "1 autre document joint" in page
    assert "Masse salariale" in client_as("direction").get(reverse("office:meeting-detail", args=[staff.pk])).text
