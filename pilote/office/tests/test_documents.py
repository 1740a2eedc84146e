"""The document store: confidentiality enforced by one rule in the list, the search, the download and the API;
retention per type; the purge confirmed and logged; versions; full-text search in PDFs and office files; checks
on what is uploaded; other apps' documents found from the same search."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core import services as core_services
from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.office import retention
from pilote.office.demo_documents import pdf
from pilote.office.models import Document
from pilote.office.queries import documents as queries
from pilote.office.services import documents as services
from pilote.office.textract import extract_text

TODAY = dt.date(2026, 11, 24)


def pdf_file(name="note.pdf", *lines):
    return SimpleUploadedFile(name, pdf(list(lines) or ["Note de service"]), content_type="application/pdf")


def zipped(name, member, xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, xml)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def folder(personas):
    root = services.create_folder(actor=personas["assistant"], name="Ressources humaines", code="3")
    return services.create_folder(actor=personas["assistant"], name="Contrats", code="3.1", parent=root)


@pytest.fixture
def secret(personas, folder):
    """A contract readable by HR and direction only, filed by HR."""
    return services.file_document(
        actor=personas["rh"], uploaded=pdf_file("contrat.pdf", "Contrat de travail", "Salaire confidentiel zébulon"),
        title="Contrat Dupont", folder=folder, document_date=dt.date(2025, 9, 1), doc_type="employment",
        confidentiality="restricted", roles=["rh", "direction"],
    )  # fmt: skip


# Retention


@pytest.mark.parametrize(
    ("doc_type", "day", "end_on", "expected"),
    [
        ("invoice", dt.date(2020, 3, 5), None, dt.date(2030, 12, 31)),  # C. com. L123-22, from the year's close
        ("accounting", dt.date(2020, 12, 31), None, dt.date(2030, 12, 31)),
        ("tax", dt.date(2020, 5, 3), None, dt.date(2026, 12, 31)),  # LPF L102 B: 6 years
        ("payslip", dt.date(2020, 2, 29), None, dt.date(2025, 2, 28)),  # C. trav. L3243-4: 5 years
        ("register", dt.date(2010, 1, 1), dt.date(2021, 6, 30), dt.date(2026, 6, 30)),  # R1221-26: after departure
        ("employment", dt.date(2015, 9, 1), None, None),  # still employed: the period has not started
        ("employment", dt.date(2015, 9, 1), dt.date(2024, 6, 30), dt.date(2029, 6, 30)),
        ("duerp", dt.date(2026, 3, 1), None, dt.date(2066, 3, 1)),  # R4121-4: 40 years
        ("assembly", dt.date(2020, 6, 20), None, None),  # permanent
        ("other", dt.date(2020, 6, 20), None, None),
    ],
)
def test_retention_dates_per_type(doc_type, day, end_on, expected):
    assert retention.retention_until(doc_type, day, end_on) == expected


def test_every_rule_cites_its_basis():
    for rule in retention.RULES.values():
        assert rule.basis and (rule.years is not None or rule.permanent or "Pas de durée légale" in rule.basis)
    assert "permanente" in retention.describe("assembly", dt.date(2020, 1, 1)).lower()


@pytest.mark.django_db
def test_filing_sets_the_retention_date(secret, personas, folder):
    assert secret.retention_until is None  # still employed
    services.update_document(actor=personas["rh"], document=secret, end_on=dt.date(2026, 1, 31))
    secret.refresh_from_db()
    assert secret.retention_until == dt.date(2031, 1, 31)


# Confidentiality: one rule for the list, the search, the download and the API


@pytest.mark.django_db
def test_a_restricted_document_is_invisible_to_other_roles_everywhere(client_as, personas, secret):
    version = secret.versions.get()
    detail, download = (
        reverse("office:document-detail", args=[secret.pk]),
        reverse("office:version-download", args=[version.pk]),
    )
    for role in ("rh", "direction"):
        client = client_as(role)
        assert "Contrat Dupont" in client.get(reverse("office:document-list")).text
        assert "Contrat Dupont" in client.get(reverse("office:document-list"), {"q": "zébulon"}).text
        assert client.get(detail).status_code == 200
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        token = core_services.create_api_token(actor=personas[role], name="t")[1]
        api = client.get("/api/v1/documents", {"q": "zébulon"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert [d["id"] for d in api.json()] == [secret.pk]
    for role in ("assistant", "comptable", "commercial", "salarie", "auditeur"):
        client = client_as(role)
        assert "Contrat Dupont" not in client.get(reverse("office:document-list")).text
        assert "Contrat Dupont" not in client.get(reverse("office:document-list"), {"q": "zébulon"}).text
        assert "Contrat Dupont" not in client.get(reverse("office:document-export", args=["csv"])).getvalue().decode()
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        token = core_services.create_api_token(actor=personas[role], name="t")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        assert client.get("/api/v1/documents", {"q": "zébulon"}, **auth).json() == []
        assert client.get(f"/api/v1/documents/{secret.pk}", **auth).status_code == 404
        assert client.get(f"/api/v1/documents/versions/{version.pk}/fichier", **auth).status_code == 404
        assert not queries.search_documents(personas[role], "zébulon").exists()


@pytest.mark.django_db
def test_a_personal_document_is_its_owner_s_only(personas, folder):
    note = services.file_document(actor=personas["direction"], uploaded=pdf_file(), title="Mes notes",
                                  folder=folder, document_date=TODAY, confidentiality="personal")  # fmt: skip
    assert list(queries.visible_documents(personas["direction"])) == [note]
    for role in ("assistant", "rh", "comptable", "auditeur"):
        assert not queries.visible_documents(personas[role]).exists()
    with pytest.raises(DomainError):
        services.add_version(actor=personas["rh"], document=note, uploaded=pdf_file())


@pytest.mark.django_db
def test_a_restricted_document_names_at_least_one_role(personas, folder):
    with pytest.raises(DomainError, match="au moins un rôle"):
        services.file_document(actor=personas["rh"], uploaded=pdf_file(), title="X", folder=folder,
                               document_date=TODAY, confidentiality="restricted", roles=[])  # fmt: skip
    assert not Document.objects.exists()


# Versions and full-text search


@pytest.mark.django_db
def test_a_new_version_keeps_the_older_and_is_searched(personas, secret):
    services.add_version(actor=personas["rh"], document=secret, note="Avenant",
                         uploaded=pdf_file("avenant.pdf", "Avenant au contrat", "Télétravail deux jours"))  # fmt: skip
    assert list(secret.versions.values_list("number", flat=True)) == [2, 1]
    assert all(v.file.storage.exists(v.file.name) for v in secret.versions.all())
    assert list(queries.search_documents(personas["rh"], "télétravail")) == [secret]
    assert list(queries.search_documents(personas["rh"], "teletrav")) == [secret]  # prefix, accents folded


@pytest.mark.django_db
def test_office_files_text_is_searched(personas, folder):
    docx = zipped(
        "note.docx", "word/document.xml", "<w:document><w:p><w:t>Procédure photocopieuse</w:t></w:p></w:document>"
    )
    odt = zipped("memo.odt", "content.xml", "<office:text><text:p>Inventaire des extincteurs</text:p></office:text>")
    from openpyxl import Workbook

    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["Budget", "Cartouches d'encre"])
    book.save(buffer)
    xlsx = SimpleUploadedFile("budget.xlsx", buffer.getvalue())
    for upload, title in ((docx, "Note"), (odt, "Mémo"), (xlsx, "Budget")):
        services.file_document(actor=personas["assistant"], uploaded=upload, title=title, folder=folder,
                               document_date=TODAY)  # fmt: skip
    titles = lambda text: [d.title for d in queries.search_documents(personas["assistant"], text)]  # noqa: E731
    assert titles("photocopieuse") == ["Note"]
    assert titles("extincteurs") == ["Mémo"]
    assert titles("cartouches") == ["Budget"]
    assert titles("inexistant") == []


def test_text_extraction_survives_a_damaged_file():
    assert extract_text(b"%PDF-1.4 broken", "pdf") == ""
    assert extract_text(b"PK broken", "docx") == ""
    assert "Bonjour" in extract_text(pdf(["Bonjour"]), "pdf")


# Upload checks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("outil.exe", b"MZ\x90\x00", "Type de fichier refusé"),
        ("faux.pdf", b"MZ\x90\x00binaire", "programme exécutable"),
        ("faux.pdf", b"<html>", "n'est pas un PDF"),
        ("faux.docx", b"texte", "n'est pas un document"),
        ("vide.txt", b"", "vide"),
    ],
)
def test_bad_files_are_refused(personas, folder, name, content, message):
    with pytest.raises(ValidationError, match=message):
        services.file_document(actor=personas["assistant"], uploaded=SimpleUploadedFile(name, content), title="X",
                               folder=folder, document_date=TODAY)  # fmt: skip
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_quota_is_enforced_and_shown(client_as, personas, folder, settings):
    settings.PILOTE_DOCUMENTS_QUOTA_BYTES = 1200
    services.file_document(actor=personas["assistant"], uploaded=pdf_file(), title="Un", folder=folder,
                           document_date=TODAY)  # fmt: skip
    with pytest.raises(ValidationError, match="quota"):
        services.file_document(actor=personas["assistant"], uploaded=pdf_file(), title="Deux", folder=folder,
                               document_date=TODAY)  # fmt: skip
    assert "Espace occupé" in client_as("assistant").get(reverse("office:document-list")).text


@pytest.mark.django_db
def test_the_upload_page_files_a_document(client_as, folder):
    client = client_as("assistant")
    response = client.post(reverse("office:document-create"), {
        "file": pdf_file("cr.pdf", "Compte rendu du comité"), "title": "Compte rendu", "folder": folder.pk,
        "doc_type": "minutes", "document_date": "24/11/2026", "confidentiality": "public", "tags": "comité, 2026",
    })  # fmt: skip
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == reverse("office:document-detail", args=[document.pk])
    assert sorted(document.tags.values_list("name", flat=True)) == ["2026", "comité"]
    response = client.post(reverse("office:document-create"), {
        "file": SimpleUploadedFile("x.exe", b"MZ"), "title": "X", "folder": folder.pk, "doc_type": "other",
        "document_date": "24/11/2026", "confidentiality": "public",
    })  # fmt: skip
    assert response.status_code == 200 and "Type de fichier refusé" in response.text
    assert Document.objects.count() == 1


# Legal hold and purge


@pytest.fixture
def old_invoices(personas, folder):
    return [
        services.file_document(
            actor=personas["assistant"],
            uploaded=pdf_file(f"f{i}.pdf"),
            title=f"Facture {i}",
            folder=folder,
            document_date=dt.date(2014, 3, 1),
            doc_type="invoice",
        )  # fmt: skip
        for i in range(3)
    ]


@pytest.mark.django_db
def test_the_purge_needs_the_typed_confirmation_and_is_logged(
    personas, old_invoices, django_capture_on_commit_callbacks
):
    direction = personas["direction"]
    kept, held, gone = old_invoices
    services.set_hold(actor=direction, document=held, hold=True, reason="Litige fournisseur")
    assert [d.pk for d in queries.purge_candidates(direction, TODAY)] == [kept.pk, gone.pk]
    with pytest.raises(DomainError, match="Tapez PURGER"):
        services.purge(actor=direction, document_ids=[gone.pk], confirmation="oui", today=TODAY)
    assert Document.objects.count() == 3
    paths = [v.file.name for v in gone.versions.all()]
    storage = gone.versions.get().file.storage
    with pytest.raises(DomainError):  # a document under hold is never purged
        services.purge(actor=direction, document_ids=[held.pk], confirmation="PURGER", today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion is committed
        assert services.purge(actor=direction, document_ids=[gone.pk, held.pk], confirmation="purger", today=TODAY) == 1
    assert set(Document.objects.values_list("pk", flat=True)) == {kept.pk, held.pk}
    assert not storage.exists(paths[0])
    event = AuditEvent.objects.get(action="office.document.purged")
    assert event.before["title"] == "Facture 2" and event.before["versions"][0]["sha256"]
    assert not queries.search_documents(direction, "Facture 2").exists()


@pytest.mark.django_db
def test_the_purge_page_refuses_without_confirmation_and_roles_outside(client_as, old_invoices):
    client = client_as("direction")
    url = reverse("office:document-purge")
    assert "Facture 0" in client.get(url).text
    response = client.post(url, {"documents": [d.pk for d in old_invoices], "confirmation": ""}, follow=True)
    assert "Tapez PURGER" in response.text and Document.objects.count() == 3
    client.post(url, {"documents": [old_invoices[0].pk], "confirmation": "PURGER"})
    assert Document.objects.count() == 2
    assert client_as("comptable").get(url).status_code == 403


@pytest.mark.django_db
def test_a_hold_needs_its_reason(personas, old_invoices):
    with pytest.raises(DomainError, match="motif"):
        services.set_hold(actor=personas["direction"], document=old_invoices[0], hold=True, reason=" ")


# Other apps' documents, found from the same search (through core.registry)


@pytest.mark.django_db
def test_other_apps_documents_are_found(client_as, personas):
    from pilote.office.services import meetings

    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    meetings.create_meeting(actor=personas["assistant"], title="Comité de pilotage", starts_at=start,
                            ends_at=start + dt.timedelta(hours=1))  # fmt: skip
    response = client_as("salarie").get(reverse("office:document-list"), {"q": "pilotage"})
    assert "Ailleurs dans Pilote" in response.text and "Compte rendu : Comité de pilotage" in response.text
