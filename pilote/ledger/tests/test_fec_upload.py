"""FEC import from the browser: upload, validation report (nothing written), import with progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.jobs import Progress
from pilote.core.models import AuditEvent, Job, JobStatus
from pilote.core.storage import private_root
from pilote.ledger.fec_import.report import group_problems
from pilote.ledger.models import Account, Entry, FiscalYear

GOLDEN = Path(__file__).parent / "golden" / "fec_small.txt"
NAME = "912345675FEC20261231.txt"


def _upload(client, data: bytes, name: str = NAME):
    return client.post(reverse("ledger:fec-import"), {"fichier": SimpleUploadedFile(name, data, "text/plain")})


def _unbalanced() -> bytes:
    """The golden file with two entries unbalanced (lines 6 and 9) and an impossible date on line 14."""
    records = GOLDEN.read_bytes().decode("iso-8859-15").split("\r\n")
    for index in (5, 8):  # records[0] is the header, on line 1
        records[index] = records[index].replace("|120,00|0,00|", "|9,99|0,00|")
    records[13] = records[13].replace("|20260402|", "|2026AB02|", 1)
    return "\r\n".join(records).encode("iso-8859-15")


def test_comptable_imports_a_valid_fec_after_reading_the_report(client_as):
    client = client_as("comptable")
    assert client.get(reverse("ledger:fec-import")).status_code == 200
    response = _upload(client, GOLDEN.read_bytes())
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:fec-import-job", args=[job.pk])
    # Validated, stored privately, nothing written to the books yet.
    stored = private_root() / "fec" / job.payload["file"]
    assert stored.is_file() and job.payload["valid"] and job.status == JobStatus.DONE
    assert not Entry.objects.exists() and not FiscalYear.objects.exists()
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert "Le fichier est conforme" in page and f"Importer {job.payload['entries']} écritures" in page
    assert "Total débit" in page and "€" in page

    response = client.post(reverse("ledger:fec-import-start", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.step == "import" and job.status == JobStatus.DONE, job.message
    assert Entry.objects.count() == job.payload["entries"] == job.payload["imported_entries"]
    assert job.message.startswith(f"{job.payload['entries']} écriture(s)")
    assert not stored.exists() and not stored.parent.exists()  # the file is not kept once imported
    # The file's legal name gave the fiscal year's closing date (SIRENFECAAAAMMJJ.txt).
    assert FiscalYear.objects.get().end_date == dt.date(2026, 12, 31)
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert job.message.replace("'", "&#x27;") in page
    assert reverse("ledger:fec-import-progress", args=[job.pk]) not in page  # no more polling
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"ledger.fec.checked", "ledger.fec.imported"} <= actions
    # A second click imports nothing more.
    client.post(reverse("ledger:fec-import-start", args=[job.pk]))
    assert Entry.objects.count() == job.payload["entries"]


def test_an_invalid_fec_shows_every_problem_and_writes_nothing(client_as):
    client = client_as("comptable")
    response = _upload(client, _unbalanced())
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.FAILED and not job.payload["valid"]
    assert not Entry.objects.exists() and not Account.objects.exists() and not FiscalYear.objects.exists()
    assert not (private_root() / "fec" / job.payload["file"]).exists()  # a refused file is not kept
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert "Fichier refusé" in page and '<button class="btn primary">Importer' not in page
    assert "écriture déséquilibrée, Debit … ≠ Credit … (écart …)." in page  # the group, then each problem
    assert "Ligne 6 (écriture JournalCode VT, EcritureNum VT2026-000001) : écriture déséquilibrée" in page
    assert "Ligne 9 (écriture JournalCode BQ, EcritureNum BQ2026-000001) : écriture déséquilibrée" in page
    assert "Ligne 14 : date EcritureDate « 2026AB02 » invalide" in page
    response = client.post(reverse("ledger:fec-import-start", args=[job.pk]))
    assert not Entry.objects.exists()
    assert "pas prêt à être importé" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fec.pdf", b"%PDF-1.4", "extensions acceptées"),
        ("fec.txt", b"PK\x03\x04 rest of a workbook", "classeur"),
        ("fec.txt", b"abc\x00def", "pas un fichier texte"),
        ("fec.txt", b"", "vide"),
    ],
)
def test_files_that_are_not_a_fec_are_refused_before_reading(client_as, name, data, message):
    response = _upload(client_as("comptable"), data, name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Job.objects.exists()


def test_size_limit(client_as, settings):
    settings.PILOTE_FEC_MAX_BYTES = 100
    response = _upload(client_as("comptable"), GOLDEN.read_bytes())
    message = "Le fichier dépasse la taille maximale de 100 octets pour un fichier des écritures comptables (FEC)."
    assert message in response.content.decode() and not Job.objects.exists()


@pytest.mark.parametrize("role", ["direction", "commercial", "rh", "assistant", "salarie", "auditeur"])
def test_other_roles_may_not_import(client_as, role):
    client = client_as(role)
    assert client.get(reverse("ledger:fec-import")).status_code == 403
    assert _upload(client, GOLDEN.read_bytes()).status_code == 403
    assert not Job.objects.exists()


def test_progress_endpoint_reads_the_running_jobs_progress(client_as, personas):
    job = Job.objects.create(
        kind="ledger.fec_import", step="import", status=JobStatus.RUNNING, created_by=personas["comptable"],
        payload={"name": NAME, "valid": True, "problems": []},
    )  # fmt: skip
    Progress(job.pk)(1000, 2500)  # what the worker's process writes (dated by its clock: not taken for stale)
    client = client_as("comptable")
    page = client.get(reverse("ledger:fec-import-progress", args=[job.pk])).content.decode()
    assert '<progress max="2500" value="1000">' in page and "1\u202f000 écritures validées sur 2\u202f500" in page
    assert 'hx-trigger="every 1s"' in page  # polled again while it runs
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="Import annulé, rien n'a été enregistré.")
    page = client.get(reverse("ledger:fec-import-progress", args=[job.pk])).content.decode()
    assert "Import annulé" in page and "hx-trigger" not in page
    assert client_as("auditeur").get(reverse("ledger:fec-import-progress", args=[job.pk])).status_code == 403


def test_problems_are_grouped_by_kind_with_their_lines():
    groups, problems = group_problems(
        [
            "Ligne 7 : date EcritureDate « 2026AB01 » invalide (format AAAAMMJJ attendu).",
            "Ligne 3 (écriture JournalCode VT, EcritureNum 2) : écriture déséquilibrée, Debit 9,99 ≠ Credit 12,00 "
            "(écart -2,01).",
            "Ligne 2 : date EcritureDate « 20261301 » invalide (format AAAAMMJJ attendu).",
            "L'exercice 2026 est clôturé : rien ne peut y être importé.",
        ]
    )  # fmt: skip
    assert [(g.label, g.lines) for g in groups][0] == (
        "date EcritureDate « … » invalide (format AAAAMMJJ attendu).",
        [2, 7],
    )
    assert groups[1].label == "L'exercice … est clôturé : rien ne peut y être importé."  # no line: first
    assert groups[2].label == "écriture déséquilibrée, Debit … ≠ Credit … (écart …)."
    assert [p.line for p in problems] == [2, 7, None, 3]


def test_the_new_years_dates_are_shown_and_confirmed_before_the_import(client_as):
    """Issue 9 point 3: the year's dates come from the file and the user confirms (or corrects) them."""
    client = client_as("comptable")
    _upload(client, GOLDEN.read_bytes())
    job = Job.objects.get()
    assert (job.payload["start"], job.payload["end"]) == ("2026-01-01", "2026-12-31")
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert 'name="debut" value="2026-01-01"' in page and 'name="fin" value="2026-12-31"' in page
    assert "Les écritures vont du 01/01/2026 au 05/04/2026." in page
    response = client.post(
        reverse("ledger:fec-import-start", args=[job.pk]), {"debut": "2026-01-01", "fin": "2025-12-31"}
    )
    assert response.status_code == 302 and not Entry.objects.exists()
    job.refresh_from_db()
    assert job.step == "validation"  # refused: nothing started
    client.post(reverse("ledger:fec-import-start", args=[job.pk]), {"debut": "2026-01-01", "fin": "2027-03-31"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    year = FiscalYear.objects.get()
    assert (year.start_date, year.end_date) == (dt.date(2026, 1, 1), dt.date(2027, 3, 31))


def test_one_cause_on_many_lines_is_reported_once_with_its_count(client_as):
    """Issue 9 point 4: one cause repeated 200 times under a summary saying « 0 ligne(s) »."""
    records = GOLDEN.read_bytes().decode("iso-8859-15").split("\r\n")
    body = [r.replace("|20260", "|2026X", 1) for r in records[1:-1]] * 20
    data = "\r\n".join([records[0], *body, ""]).encode("iso-8859-15")
    client = client_as("comptable")
    _upload(client, data)
    job = Job.objects.get()
    assert job.payload["lines"] == 360 and job.payload["summary"].startswith("360 ligne(s)")
    assert job.message == "Fichier refusé : 360 anomalie(s) ; rien n'a été importé."
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert "Anomalies (360)" in page and '<td data-label="Nombre" class="num">360</td>' in page
