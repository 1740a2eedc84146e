"""The office demo: rooms and vehicles booked, a month of events, weekly staff meetings with minutes and actions
carried from one to the next, tasks in every quadrant of the matrix — and the assistant runs it from the pages."""

import html

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from pilote.core.registry import todos_for
from pilote.lib.dates import local_today
from pilote.office.models import Booking, Event, Meeting, Resource, Task, VehicleLog

pytestmark = pytest.mark.django_db


def test_the_office_demo(demo_loaded, client):
    assert Resource.objects.count() == 5 and Booking.objects.filter(resource__kind="vehicle").count() >= 4
    assert VehicleLog.objects.count() >= 2 and Event.objects.count() >= 15
    staff = list(Meeting.objects.filter(series="Réunion d'équipe").order_by("starts_at"))
    assert len(staff) == 5 and [m.status for m in staff[-2:]] == ["held", "planned"]
    assert all(later.previous == earlier for earlier, later in zip(staff, staff[1:], strict=False))
    assert staff[-1].items.filter(carried=True).exists() and staff[0].decisions.exists()
    cells = {"do": (True, True), "plan": (True, False), "delegate": (False, True), "drop": (False, False)}
    quadrants = Task.objects.filter(status="open").aggregate(
        **{key: Count("pk", filter=Q(important=i, urgent=u)) for key, (i, u) in cells.items()}
    )
    assert all(quadrants.values()), quadrants
    assistant = demo_loaded["assistant"]
    assert any("Renouveler l'assurance" in item.label for item in todos_for(assistant, limit=100))
    client.force_login(assistant)
    pages = ("agenda", "booking-list", "meeting-list", "task-matrix", "decision-list", "trip-list", "resource-list",
             "calendar-list")  # fmt: skip
    for name in pages:
        assert client.get(reverse(f"office:{name}")).status_code == 200, name
    month = client.get(reverse("office:agenda"), {"vue": "mois"}).content.decode()
    assert "Réunion d&#x27;équipe" in month
    detail = client.get(reverse("office:meeting-detail", args=[staff[-1].pk])).content.decode()
    assert "Suivi des actions en cours" in detail


def test_the_document_store_demo(demo_loaded, client):
    from pilote.office.models import Document, DocumentVersion, Folder
    from pilote.office.queries import documents as queries

    assert 90 <= Document.objects.count() <= 120 and Folder.objects.filter(parent=None).count() == 6
    assert Document.objects.filter(versions__number=2).count() >= 3 and DocumentVersion.objects.count() > 100
    levels = set(Document.objects.values_list("confidentiality", flat=True))
    assert levels == {"public", "restricted", "personal"}
    direction, assistant = demo_loaded["direction"], demo_loaded["assistant"]
    today = local_today()
    past = queries.purge_candidates(direction, today)
    assert past.exists() and Document.objects.filter(legal_hold=True, retention_until__lt=today).exists()
    assert Document.objects.filter(doc_type="assembly", retention_until=None).count() >= 5
    assert queries.search_documents(assistant, "Montant").count() >= 30  # the text of the invoices' PDFs
    assert not queries.visible_documents(assistant).filter(roles=",rh,direction,").exists()
    client.force_login(assistant)
    for name in ("document-list", "folder-list", "document-purge"):
        assert client.get(reverse(f"office:{name}")).status_code == 200, name


def test_the_general_assembly_demo(demo_loaded, client):
    from pilote.office.models import Assembly
    from pilote.office.services.assemblies import quorum

    held = Assembly.objects.get(status="held")
    assert quorum(held).reached and held.members.filter(presence="represented").count() == 1
    assert held.resolutions.filter(adopted=True).count() == 3
    client.force_login(demo_loaded["assistant"])
    assert client.get(reverse("office:assembly-pdf", args=[held.pk])).content.startswith(b"%PDF")


def test_the_communication_demo(demo_loaded, client):
    from pilote.office.models import CommAction, Mailing

    assert CommAction.objects.count() >= 5
    sent = Mailing.objects.get(status="sent")
    assert sent.recipients.filter(status="sent").count() >= 5 and sent.job.status == "done"
    client.force_login(demo_loaded["assistant"])
    for name in ("comm-action-list", "mailing-list", "consent-list"):
        assert client.get(reverse(f"office:{name}")).status_code == 200, name
    assert "Envoyé" in client.get(reverse("office:mailing-detail", args=[sent.pk])).text


def test_the_stakeholder_map_demo(demo_loaded, client):
    from pilote.office.models import Stakeholder

    kinds = set(Stakeholder.objects.values_list("kind", flat=True))
    assert {"authority", "user"} <= kinds and Stakeholder.objects.count() >= 6
    client.force_login(demo_loaded["assistant"])
    assert "Gérer étroitement" in client.get(reverse("office:stakeholder-map")).text


def test_the_last_staff_meeting_has_documents_attached(demo_loaded, client):
    held = Meeting.objects.filter(status="held").order_by("-starts_at").first()
    assert held.documents.count() == 2
    client.force_login(demo_loaded["assistant"])
    page = html.unescape(client.get(reverse("office:meeting-detail", args=[held.pk])).text)
    assert "Documents joints" in page and held.documents.first().title in page
