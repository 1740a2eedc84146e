"""Audits: the programme, an audit's checklist run to its findings — a minor or major non-conformity opens a
non-conformity linked back to the finding (origin « audit ») —, closed with its conclusion, and its report as a
portrait PDF."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.quality.models import AuditStatus, NcOrigin, NonConformity
from pilote.quality.services import audits

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(personas):
    return audits.plan_audit(
        actor=personas["direction"], title="Audit du processus client", scope="Réclamations et réceptions",
        planned_on=local_today(), lead=personas["assistant"], auditees="Accueil",
        questions=[("Réclamations enregistrées le jour même ?", "Registre"),
                   ("Réceptions contrôlées ?", "Bons de livraison"),
                   ("Procédures lues ?", "Accusés de lecture")],
    )  # fmt: skip


def test_a_non_conformity_finding_opens_a_linked_non_conformity(audit, personas):
    first, second, third = audit.items.order_by("position")
    with pytest.raises(DomainError, match="pendant l'audit"):
        audits.record_finding(actor=personas["assistant"], item=first, result="conform")
    audits.start_audit(actor=personas["assistant"], audit=audit)
    audits.record_finding(actor=personas["assistant"], item=first, result="conform")
    with pytest.raises(DomainError, match="Décrivez ce qui a été constaté"):
        audits.record_finding(actor=personas["assistant"], item=second, result="major")
    audits.record_finding(actor=personas["assistant"], item=second, result="major",
                          comment="3 bons sur 12 sans réserve")  # fmt: skip
    [nc] = NonConformity.objects.all()
    assert (nc.origin, nc.audit_item, nc.severity, nc.owner) == (NcOrigin.AUDIT, second, "major", personas["assistant"])
    assert nc.title == f"{audit.reference} — Réceptions contrôlées ?" and nc.description == "3 bons sur 12 sans réserve"
    with pytest.raises(DomainError, match="déjà ouvert une non-conformité"):
        audits.record_finding(actor=personas["assistant"], item=second, result="conform")
    with pytest.raises(DomainError, match="n'ont pas de constat"):
        audits.close_audit(actor=personas["assistant"], audit=audit, conclusion="Bien")
    audits.record_finding(actor=personas["assistant"], item=third, result="observation", comment="Un oubli")
    assert NonConformity.objects.count() == 1  # an observation opens none
    audit = audits.close_audit(actor=personas["assistant"], audit=audit, conclusion="Processus maîtrisé.")
    assert audit.status == AuditStatus.DONE
    with pytest.raises(DomainError, match="réalisé ou annulé"):
        audits.add_question(actor=personas["assistant"], audit=audit, question="Encore ?")


def test_the_finding_page_links_the_nc_both_ways_and_the_report_is_a_pdf(audit, client_as):
    audits.start_audit(actor=audit.lead, audit=audit)
    item = audit.items.order_by("position")[1]
    client = client_as("assistant")
    response = client.post(reverse("quality:audit-finding", args=[item.pk]),
                           {"result": "minor", "comment": "Réserve absente"}, follow=True)  # fmt: skip
    nc = NonConformity.objects.get()
    assert f"la non-conformité {nc.reference} est ouverte" in response.content.decode()
    assert reverse("quality:nc-detail", args=[nc.pk]) in response.content.decode()
    page = client.get(reverse("quality:nc-detail", args=[nc.pk])).content.decode()
    assert reverse("quality:audit-detail", args=[audit.pk]) in page and "question 2" in page
    response = client.post(reverse("quality:audit-finding", args=[item.pk]), {"result": "bidon"}, follow=True)
    assert "Choisissez un constat" in response.content.decode()
    pdf = client.get(reverse("quality:audit-pdf", args=[audit.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content))
    box = reader.pages[0].mediabox
    assert box.height > box.width  # portrait
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Rapport d'audit" in text and "Réserve absente" in text and nc.reference in text


def test_the_programme_filters_by_year_and_exports(audit, personas, client_as):
    audits.plan_audit(actor=personas["direction"], title="Audit fournisseur Papeterie", kind="supplier",
                      scope="Qualité papier", planned_on=dt.date(2025, 5, 2), lead=personas["rh"])  # fmt: skip
    client = client_as("auditeur")
    page = client.get(reverse("quality:audit-list"), {"annee": "2025"}).content.decode()
    assert "Papeterie" in page and "processus client" not in page
    response = client.get(reverse("quality:audit-export", args=["csv"]), {"type": "supplier"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Papeterie" in text and "processus client" not in text
    # the auditor reads but cannot run the audit
    assert client.post(reverse("quality:audit-step", args=[audit.pk]), {"etape": "commencer"}).status_code == 403


def test_starting_needs_a_checklist_and_a_closed_audit_needs_a_conclusion(personas, client_as):
    empty = audits.plan_audit(actor=personas["direction"], title="Vide", scope="Rien", planned_on=local_today(),
                              lead=personas["direction"])  # fmt: skip
    client = client_as("direction")
    response = client.post(reverse("quality:audit-step", args=[empty.pk]), {"etape": "commencer"})
    assert response.status_code == 409 and "Préparez d&#x27;abord la grille" in response.content.decode()
    audits.add_question(actor=personas["direction"], audit=empty, question="Q ?")
    audits.start_audit(actor=personas["direction"], audit=empty)
    audits.record_finding(actor=personas["direction"], item=empty.items.get(), result="conform")
    response = client.post(reverse("quality:audit-step", args=[empty.pk]), {"etape": "clore", "conclusion": ""})
    assert response.status_code == 400
    empty.refresh_from_db()
    assert empty.status == AuditStatus.IN_PROGRESS
