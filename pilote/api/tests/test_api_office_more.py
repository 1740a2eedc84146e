"""Office over the API beyond records: a meeting's minutes sent (written first, to the attendees with an address)
and its next meeting scheduled (once, after it, the open actions carried) — the pages' refusals and the roles."""

import datetime as dt

import pytest
from django.utils import timezone

from pilote.api.tests.days import iso

pytestmark = pytest.mark.django_db


def test_minutes_sent_then_the_next_meeting_scheduled(call, personas):
    from django.core import mail

    from pilote.office.models import Meeting
    from pilote.office.services import meetings

    boss = personas["direction"]
    start = timezone.make_aware(dt.datetime.fromisoformat(f"{iso(2, 1, years=1)}T09:00"))
    end = start + dt.timedelta(hours=1)
    meeting = meetings.create_meeting(actor=boss, title="Bureau", starts_at=start, ends_at=end,
                                      guests=["bureau@example.fr"], items=[("Budget", None, 20)])  # fmt: skip
    url = f"/api/v1/reunions/{meeting.pk}"
    assert call("salarie", "post", f"{url}/envoi").status_code == 403
    unwritten = call("assistant", "post", f"{url}/envoi")
    assert unwritten.status_code == 409 and "Rédigez le compte rendu" in unwritten.json()["detail"]
    assert not mail.outbox
    meetings.add_action(actor=boss, meeting=meeting, title="Envoyer le budget", owner=personas["comptable"])
    meetings.record_minutes(actor=boss, meeting=meeting, summary="Budget adopté.", notes={}, presence={})
    sent = call("assistant", "post", f"{url}/envoi")
    assert sent.status_code == 200 and sent.json() == {"destinataires": 1}, sent.content
    assert mail.outbox[0].to == ["bureau@example.fr"] and mail.outbox[0].attachments[0][2] == "application/pdf"
    assert call("auditeur", "get", url).json()["status"] == "sent"
    before = call("assistant", "post", f"{url}/suivante", {"day": iso(1, 31, years=1), "start": "09:00"})
    assert before.status_code == 409 and "après celle-ci" in before.json()["detail"]
    no_time = call("assistant", "post", f"{url}/suivante", {"day": iso(3, 1, years=1), "start": "25:00"})
    assert no_time.status_code == 422 and Meeting.objects.count() == 1
    following = call("assistant", "post", f"{url}/suivante", {"day": iso(3, 1, years=1), "start": "09:00"})
    assert following.status_code == 201, following.content
    items = [item["title"] for item in following.json()["items"]]
    assert items == ["Suivi des actions en cours", "Budget"]
    twice = call("assistant", "post", f"{url}/suivante", {"day": iso(3, 8, years=1), "start": "09:00"})
    assert twice.status_code == 409 and "déjà prévue" in twice.json()["detail"]


def test_a_document_versioned_frozen_and_purged_through_the_pages_rules(call, personas):
    import base64

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.api.tests.days import day
    from pilote.core.models import AuditEvent
    from pilote.office.models import Document
    from pilote.office.services import documents

    folder = documents.create_folder(actor=personas["assistant"], name="Contrats")
    note = documents.file_document(actor=personas["assistant"], uploaded=SimpleUploadedFile("n.txt", b"Note"),
                                   title="Note", folder=folder, document_date=day(1, 2))  # fmt: skip
    url = f"/api/v1/documents/{note.pk}"
    version = {"file_name": "n.pdf", "content_base64": base64.b64encode(b"MZ not a pdf").decode(), "note": "v2"}
    assert call("salarie", "post", f"{url}/versions", version).status_code == 403
    fake = call("assistant", "post", f"{url}/versions", version)
    assert fake.status_code == 422 and note.versions.count() == 1
    added = call("assistant", "post", f"{url}/versions",
                 {**version, "content_base64": base64.b64encode(b"%PDF-1.4 v2").decode()})  # fmt: skip
    assert added.status_code == 201 and added.json()["number"] == 2, added.content
    no_reason = call("assistant", "post", f"{url}/gel", {"hold": True})
    assert no_reason.status_code == 409 and "motif du gel" in no_reason.json()["detail"]
    frozen = call("assistant", "post", f"{url}/gel", {"hold": True, "reason": "Litige"})
    assert frozen.status_code == 200 and frozen.json()["legal_hold"] is True
    Document.objects.filter(pk=note.pk).update(retention_until=day(1, 1, years=-1))
    assert call("comptable", "get", "/api/v1/documents-a-purger").status_code == 403
    assert call("assistant", "get", "/api/v1/documents-a-purger").json()["count"] == 0  # frozen: kept
    purge = {"documents": [note.pk], "confirmation": "PURGER"}
    kept = call("assistant", "post", "/api/v1/documents-a-purger/suppression", purge)
    assert kept.status_code == 409 and Document.objects.filter(pk=note.pk).exists()
    assert call("assistant", "post", f"{url}/gel", {"hold": False}).json()["legal_hold"] is False
    assert call("assistant", "get", "/api/v1/documents-a-purger").json()["results"][0]["id"] == note.pk
    unconfirmed = call("assistant", "post", "/api/v1/documents-a-purger/suppression",
                       {**purge, "confirmation": "oui"})  # fmt: skip
    assert unconfirmed.status_code == 409 and "PURGER" in unconfirmed.json()["detail"]
    assert call("comptable", "post", "/api/v1/documents-a-purger/suppression", purge).status_code == 403
    purged = call("direction", "post", "/api/v1/documents-a-purger/suppression", purge)
    assert purged.status_code == 200 and purged.json() == {"supprimes": 1}
    assert not Document.objects.filter(pk=note.pk).exists()
    assert AuditEvent.objects.filter(action="office.document.purged").count() == 1
