"""Tender documents: stored outside the public media folder, served only to roles reading tenders,
20 Mo at most, no programs; French messages, never a traceback."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.roles import Role
from pilote.pipeline import rules, tender_services
from pilote.pipeline.models import TenderDocument
from pilote.pipeline.storage import private_storage

PDF = b"%PDF-1.4\n% DCE\n"


@pytest.fixture
def tender(customer, personas):
    return tender_services.create_tender(actor=personas["commercial"], buyer=customer, title="Marché de copieurs")


def _upload(client, tender, name="RC.pdf", content=PDF, kind="dce"):
    return client.post(
        reverse("pipeline:document-upload", args=[tender.pk]), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_upload_lands_in_the_private_folder_and_downloads_for_readers_only(client_as, tender, settings, personas):
    response = _upload(client_as("commercial"), tender)
    assert response.status_code == 302
    document = TenderDocument.objects.get()
    path = Path(private_storage.path(document.file.name))
    assert path.read_bytes() == PDF
    assert path.is_relative_to(settings.PILOTE_PRIVATE_ROOT) and not path.is_relative_to(settings.MEDIA_ROOT)
    assert document.file.name.startswith(f"tenders/{tender.pk}/") and document.file.name.endswith("-RC.pdf")
    assert (document.original_name, document.size, document.uploaded_by) == ("RC.pdf", len(PDF), personas["commercial"])
    url = reverse("pipeline:document-download", args=[document.pk])
    for role in Role:
        client = client_as(role.value)
        answer = client.get(url)
        if role.value in ("direction", "commercial", "assistant", "auditeur"):
            assert answer.status_code == 200, role
            assert answer["Content-Disposition"] == 'attachment; filename="RC.pdf"'
            assert b"".join(answer.streaming_content) == PDF
        else:
            assert answer.status_code == 403, role
        # The generic /media/ route (open to every signed-in user) has nothing to give.
        assert client.get(f"/media/{document.file.name}").status_code == 404


def test_the_file_has_no_public_url(tender, client_as):
    _upload(client_as("commercial"), tender)
    with pytest.raises(ValueError, match="pas d'adresse publique"):
        TenderDocument.objects.get().file.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "Type de fichier refusé (.exe)"),
        ("facture.pdf", b"MZ\x90\x00rest", "programme exécutable"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /", "programme exécutable"),
        ("outil.pdf", b"\x7fELF\x02\x01", "programme exécutable"),
        ("LISEZMOI", b"texte", "sans extension"),
        ("vide.pdf", b"", "Le fichier soumis est vide."),
    ],
)
def test_programs_and_odd_files_are_refused(client_as, tender, name, content, message):
    response = _upload(client_as("commercial"), tender, name=name, content=content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TenderDocument.objects.exists()


def test_too_large_a_file_is_refused_naming_the_limit(client_as, tender, settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = {**settings.PILOTE_UPLOAD_MAX_BYTES, "tender": 1024}
    response = _upload(client_as("commercial"), tender, content=b"%PDF" + b"0" * 2048)
    assert "Le fichier dépasse la taille maximale de 1 Ko pour une pièce d&#x27;appel d&#x27;offres." in (
        response.content.decode()
    )
    assert not TenderDocument.objects.exists()


def test_the_real_limit_is_twenty_megabytes():
    class Fake:
        name = "dce.zip"
        size = 21 * 1024 * 1024

    with pytest.raises(Exception, match="taille maximale de 20 Mo pour une pièce d'appel d'offres"):
        rules.check_upload(Fake())


def test_deleting_removes_the_row_then_the_file(client_as, tender, django_capture_on_commit_callbacks):
    client = client_as("assistant")
    _upload(client, tender)
    document = TenderDocument.objects.get()
    path = Path(private_storage.path(document.file.name))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pipeline:document-delete", args=[document.pk]))
    assert not TenderDocument.objects.exists() and not path.exists()


def test_a_missing_file_is_a_404_not_an_error(client_as, tender):
    document = TenderDocument.objects.create(tender=tender, file="tenders/none.pdf", original_name="none.pdf")
    assert client_as("direction").get(reverse("pipeline:document-download", args=[document.pk])).status_code == 404
