"""Uploads (core.uploads, core.pending): a limit per kind of file refused by name with nothing written, no file
content in the session, and memory that does not follow the size of the file."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.contacts import importer
from pilote.contacts.models import Contact
from pilote.core import pending, uploads
from pilote.core.forms import StructureSettingsForm
from pilote.core.models import Job, Structure
from pilote.ledger import bank, bank_statements
from pilote.ledger.models import StatementImport, StatementLine
from pilote.pipeline.models import TenderDocument

IBAN = "FR7630004000010001234567830"
SMALL = 1000  # bytes: every limit in these tests


@pytest.fixture
def small_limits(settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = dict.fromkeys(uploads.KINDS, SMALL)
    settings.PILOTE_FEC_MAX_BYTES = SMALL


@pytest.fixture
def account(books):
    return bank.create_bank_account(actor=books["actor"], name="Banque", iban=IBAN, journal_code="BQ")


def _bank_csv(lines: int) -> bytes:
    rows = "".join(
        f"{1 + i % 28:02d}/03/2026;VIR CLIENT {i:07d} FACTURE F-{i};{i % 977},{i % 100:02d}\n" for i in range(lines)
    )
    return ("Date;Libellé;Montant\n" + rows).encode()


def _private_files() -> list:
    root = pending.private_root()
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_the_message_names_the_limit_and_the_kind(settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = {**settings.PILOTE_UPLOAD_MAX_BYTES, "bank": 20 * uploads.MB}
    assert uploads.too_large_message("bank") == (
        "Le fichier dépasse la taille maximale de 20 Mo pour un relevé bancaire."
    )
    assert uploads.human_size(1536 * 1024) == "1,5 Mo"


@pytest.mark.parametrize("oversize", [SMALL + 1, 50 * SMALL])  # just over; over every limit (chunks dropped)
def test_an_oversized_bank_statement_is_refused_and_nothing_is_kept(client_as, account, small_limits, oversize):
    response = client_as("comptable").post(
        reverse("ledger:bank-import", args=[account.pk]),
        {"file": SimpleUploadedFile("releve.csv", _bank_csv(200)[:oversize])},
        follow=True,
    )
    assert "Le fichier dépasse la taille maximale de 1000 octets pour un relevé bancaire." in _text(response)
    assert not StatementImport.objects.exists() and not StatementLine.objects.exists()
    assert not _private_files()


def test_an_oversized_contacts_file_is_refused(client_as, small_limits):
    text = "Nom;Rôles\n" + "".join(f"Société {i};client\n" for i in range(200))
    response = client_as("assistant").post(
        reverse("contacts:import"), {"file": SimpleUploadedFile("contacts.csv", text.encode())}
    )
    assert "Le fichier dépasse la taille maximale de 1000 octets pour un fichier de contacts." in _text(response)
    assert not Contact.objects.exists() and not _private_files()


def test_an_oversized_fec_is_refused(client_as, small_limits):
    response = client_as("comptable").post(
        reverse("ledger:fec-import"), {"fichier": SimpleUploadedFile("912345675FEC20261231.txt", b"x|" * SMALL)}
    )
    assert "taille maximale de 1000 octets pour un fichier des écritures comptables (FEC)." in _text(response)
    assert not Job.objects.exists() and not _private_files()


def test_an_oversized_tender_document_is_refused(client_as, personas, small_limits):
    from pilote.pipeline import tender_services

    buyer = Contact.objects.create(name="Mairie", is_customer=True)
    tender = tender_services.create_tender(actor=personas["commercial"], buyer=buyer, title="Marché")
    response = client_as("commercial").post(
        reverse("pipeline:document-upload", args=[tender.pk]),
        {"kind": "dce", "file": SimpleUploadedFile("rc.pdf", b"%PDF" + b"0" * 5000)},
    )
    assert "Le fichier dépasse la taille maximale de 1000 octets pour une pièce d'appel d'offres." in _text(response)
    assert not TenderDocument.objects.exists() and not _private_files()


def test_an_oversized_logo_is_refused(personas, small_limits):
    structure = Structure.objects.get()
    form = StructureSettingsForm(
        {}, {"logo": SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 5000)}, instance=structure
    )
    assert not form.is_valid()
    assert form.errors["logo"] == ["Le fichier dépasse la taille maximale de 1000 octets pour un logo."]


def test_the_handler_drops_a_file_past_every_limit(small_limits):
    class Request:
        upload_handlers = []

    handler = uploads.BoundedUploadHandler(Request())
    Request.upload_handlers.append(handler)
    handler.new_file("file", "big.csv", "text/csv", None, "utf-8")
    limit = uploads.largest_limit()
    assert handler.receive_data_chunk(b"x" * limit, 0) == b"x" * limit
    assert handler.receive_data_chunk(b"y", limit) is None  # past the largest limit: nothing more is kept
    upload = handler.file_complete(limit + 1)
    assert upload.size == limit + 1 and upload.read() == b""
    with pytest.raises(Exception, match="taille maximale"):
        uploads.check_size(upload, "fec")


def test_a_bank_csv_waiting_for_its_columns_stays_out_of_the_session(client_as, account):
    """The file waits on disk under PILOTE_PRIVATE_ROOT; the session holds its token and name only, and the
    file is deleted once imported."""
    client = client_as("comptable")
    data = _bank_csv(5_000) + b"".join(b"; " * 5000 + b"\n" for _ in range(100))  # 1 MB, trailing blank rows
    assert len(data) > 1_000_000
    response = client.post(
        reverse("ledger:bank-import", args=[account.pk]), {"file": SimpleUploadedFile("mars.csv", data)}
    )
    token = response["Location"].split("fichier=")[1]
    session = Session.objects.get(session_key=client.session.session_key)
    assert len(session.session_data) < 2000, len(session.session_data)
    waiting = client.session[pending.SESSION_KEY]
    assert json.dumps(waiting).count(token) == 1 and "data" not in json.dumps(waiting)
    files = _private_files()
    assert len(files) == 1 and files[0].read_bytes() == data
    form = {
        "fichier": token, "skip_rows": 0, "date_column": "Date", "label_column": "Libellé",
        "amount_column": "Montant", "date_format": "%d/%m/%Y", "decimal_comma": "on",
    }  # fmt: skip
    response = client.post(reverse("ledger:bank-mapping", args=[account.pk]), form)
    assert response.status_code == 302 and StatementLine.objects.count() == 5_000
    assert not _private_files()


def test_the_payload_kept_in_the_session_stays_small(rf):
    request = rf.get("/")
    request.session = {}
    with pytest.raises(ValueError, match="upload="):
        pending.keep(request, "x", {"data": "A" * 10_000})


def _peak(read) -> int:
    """The peak of memory allocated by Python while `read()` runs (tracemalloc), in bytes."""
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_large_contacts_file_keeps_memory_flat(db, tmp_path, monkeypatch):
    """Read as a stream, line by line, and no further than MAX_ROWS: the file is never held whole, as bytes
    or decoded, so the peak stays far below the file's size."""
    monkeypatch.setattr(importer, "MAX_ROWS", 200)
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="cp1252") as out:
        out.write("Nom;Rôles;Notes\n")
        for i in range(40_000):
            out.write(f"Société {i:06d} é;client;note {'x' * 60}\n")
    size = path.stat().st_size
    with path.open("rb") as stream:
        peak = _peak(lambda: importer.parse_contacts_csv(stream))
    assert size > 3_500_000 and peak < size / 4, (peak, size)


def test_reading_a_large_bank_csv_keeps_memory_bounded(tmp_path):
    """The CSV is decoded and split as a stream: the peak is what the parsed lines weigh, a small multiple
    of the file's size, never the file's text held two or three times over."""
    path = tmp_path / "releve.csv"
    path.write_bytes(_bank_csv(20_000))
    size = path.stat().st_size
    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    with path.open("rb") as stream:
        result = []
        peak = _peak(lambda: result.extend(bank_statements.parse_any(stream, "releve.csv", mapping)))
    assert len(result[0].lines) == 20_000
    assert peak < 7 * size, (peak, size)
