"""Non-conformities and CAPA: opened from a complaint (through the complaints app's panel hook) or another origin,
taken through the PDCA loop — analysis (5 whys, 5M, root cause), corrective and preventive actions, effectiveness
check that closes it or sends it back — refusing each step out of order in French; the complaints app never
imports quality."""

import ast
import datetime as dt
import html
from pathlib import Path

import pytest
from django.urls import reverse

from pilote.complaints import services as complaints
from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.quality.models import NonConformity
from pilote.quality.services import nonconformities as ncs

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(personas):
    customer = Contact.objects.create(name="Boulangerie Martin", is_customer=True)
    return complaints.record_complaint(
        actor=personas["commercial"], customer=customer, received_on=local_today() - dt.timedelta(days=10),
        channel="phone", category="quality", severity="critical", subject="Copieur en panne",
        description="Deux pannes en une semaine.", expectation="replacement",
    )  # fmt: skip


def test_a_nonconformity_opened_from_a_complaint_page(client_as, complaint, personas):
    client = client_as("commercial")
    page = html.unescape(client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode())
    assert "Aucune non-conformité ouverte depuis cette réclamation." in page
    url = reverse("quality:nc-from-complaint", args=[complaint.pk])
    assert url in page
    form = client.get(url).content.decode()
    assert "Copieur en panne" in form  # proposed from the complaint
    response = client.post(url, {"title": "", "description": "x", "owner": personas["direction"].pk})
    assert response.status_code == 200 and not NonConformity.objects.exists()
    data = {"title": "Pannes répétées", "description": "Deux pannes", "immediate_action": "Échange"}
    response = client.post(url, {**data, "owner": personas["direction"].pk})
    nc = NonConformity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quality:nc-detail", args=[nc.pk])
    assert (nc.origin, nc.complaint, nc.severity, nc.status) == ("complaint", complaint, "critical", "open")
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert nc.reference in page and reverse("quality:nc-detail", args=[nc.pk]) in page
    assert complaint.reference in client.get(reverse("quality:nc-detail", args=[nc.pk])).content.decode()


def test_the_pdca_loop_and_its_refusals(complaint, personas):
    boss, seller = personas["direction"], personas["commercial"]
    nc = ncs.from_complaint(actor=seller, complaint=complaint, owner=boss)
    with pytest.raises(DomainError, match="cause racine"):
        ncs.start_actions(actor=boss, nc=nc)
    nc = ncs.record_analysis(actor=seller, nc=nc, root_cause="Pas de test avant livraison", ishikawa="method",
                             whys=["Panne", "Carte mère", "", "Pas de test"])  # fmt: skip
    assert nc.whys == ["Panne", "Carte mère", "Pas de test"]
    with pytest.raises(DomainError, match="au moins une action corrective"):
        ncs.start_actions(actor=boss, nc=nc)
    fix = ncs.add_capa(actor=seller, nc=nc, title="Test de 500 pages", owner=seller, due_on=local_today())
    ncs.add_capa(actor=seller, nc=nc, kind="preventive", title="Checklist", owner=seller, due_on=local_today())
    nc = ncs.start_actions(actor=boss, nc=nc)
    with pytest.raises(DomainError, match="encore ouvertes"):
        ncs.request_check(actor=boss, nc=nc)
    with pytest.raises(DomainError, match="en vérification"):
        ncs.check_effectiveness(actor=boss, nc=nc, effective=True, comment="ok")
    ncs.set_capa_status(actor=seller, action=fix, status="done")
    ncs.set_capa_status(actor=seller, action=nc.actions.get(kind="preventive"), status="cancelled")
    nc = ncs.request_check(actor=boss, nc=nc)
    with pytest.raises(DomainError, match="plus d'action"):
        ncs.add_capa(actor=seller, nc=nc, title="Encore", owner=seller, due_on=local_today())
    nc = ncs.check_effectiveness(actor=boss, nc=nc, effective=False, comment="Nouvelle panne")
    assert nc.status == "acting" and nc.closed_on is None  # back to the actions
    ncs.add_capa(actor=seller, nc=nc, title="Changer de modèle", owner=boss, due_on=local_today())
    ncs.set_capa_status(actor=boss, action=nc.actions.get(title="Changer de modèle"), status="done")
    ncs.request_check(actor=boss, nc=nc)
    nc = ncs.check_effectiveness(actor=boss, nc=nc, effective=True, comment="Aucune panne en trois mois")
    assert nc.status == "closed" and nc.closed_on == local_today()
    with pytest.raises(DomainError, match="close"):
        ncs.record_analysis(actor=boss, nc=nc, root_cause="autre")


def test_origins_and_dates_are_checked(complaint, personas):
    boss = personas["direction"]
    with pytest.raises(DomainError, match="reliée à cette réclamation"):
        ncs.open_nonconformity(actor=boss, title="x", origin="complaint", description="x", owner=boss)
    with pytest.raises(DomainError, match="date future"):
        ncs.open_nonconformity(actor=boss, title="x", origin="internal", description="x", owner=boss,
                               detected_on=local_today() + dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(DomainError, match="précéder la réclamation"):
        ncs.from_complaint(actor=boss, complaint=complaint, owner=boss, detected_on=dt.date(2000, 1, 1))
    supplier = ncs.open_nonconformity(actor=boss, title="Ramettes humides", origin="supplier", description="6 cartons",
                                      owner=boss, severity="major")  # fmt: skip
    assert supplier.complaint is None and supplier.reference.startswith("NC-")
    assert not NonConformity.objects.filter(origin="complaint").exists()


def test_pages_walk_the_loop(client_as, complaint, personas):
    boss = personas["direction"]
    nc = ncs.from_complaint(actor=boss, complaint=complaint, owner=boss)
    client = client_as("assistant")
    step = reverse("quality:nc-step", args=[nc.pk])
    response = client.post(step, {"etape": "actions"})
    assert response.status_code == 409 and "cause racine" in html.unescape(response.content.decode())
    analysis = {"root_cause": "Pas de test", "why1": "Panne", "ishikawa": "method", "version": nc.version}
    client.post(reverse("quality:nc-analysis", args=[nc.pk]), analysis)
    capa = {"kind": "corrective", "title": "Test avant livraison", "owner": boss.pk, "due_on": "2026-12-31"}
    client.post(reverse("quality:capa-add", args=[nc.pk]), capa)
    assert client.post(step, {"etape": "actions"}).status_code == 302
    action = nc.actions.get()
    client.post(reverse("quality:capa-status", args=[action.pk]), {"status": "done"})
    assert client.post(step, {"etape": "verification"}).status_code == 302
    check = reverse("quality:nc-check", args=[nc.pk])
    assert client.post(check, {"effective": "oui", "comment": "ok"}).status_code == 403  # direction judges
    client_as("direction").post(check, {"effective": "oui", "comment": "Plus de panne"})
    nc.refresh_from_db()
    assert nc.status == "closed"
    listing = client_as("auditeur").get(reverse("quality:nc-list"), {"etape": "closed"}).content.decode()
    assert nc.reference in listing
    export = client_as("auditeur").get(reverse("quality:nc-export", args=["csv"]))
    assert "Plus de panne" in b"".join(export.streaming_content).decode()


def test_overdue_capa_and_checks_in_the_todo_list(client_as, complaint, personas):
    boss, seller = personas["direction"], personas["commercial"]
    nc = ncs.from_complaint(actor=seller, complaint=complaint, owner=boss)
    ncs.add_capa(actor=seller, nc=nc, title="Former le technicien", owner=seller,
                 due_on=local_today() - dt.timedelta(days=2))  # fmt: skip
    page = html.unescape(client_as("commercial").get(reverse("core:home")).content.decode())
    assert f"En retard — Action « Former le technicien » ({nc.reference})" in page
    assert "Former le technicien" not in client_as("assistant").get(reverse("core:home")).content.decode()


def test_complaints_never_import_quality():
    root = Path(__file__).resolve().parents[2] / "complaints"
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    assert not [name for name in found if name.startswith("pilote.quality")]
