"""The FEC import from the browser: the file received and kept aside, its validation report, then the
import run in the background (core.jobs) with its progress.

The uploaded file is kept under PILOTE_PRIVATE_ROOT (fec/), never under MEDIA_ROOT, which is served to
every signed-in user; it is deleted once refused or imported. The validation report is kept on the
job row (`payload`), so the report page shows it again without reading the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import uuid
from pathlib import Path

from django.db import transaction
from django.utils.text import get_valid_filename

from pilote.core import audit, jobs, uploads
from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus, Structure, User
from pilote.core.storage import private_root
from pilote.ledger.fec_import.importing import import_fec
from pilote.ledger.fec_import.report import FecImportError
from pilote.ledger.fec_import.validation import validate_fec
from pilote.lib.dates import add_months
from pilote.lib.formats import format_eur

KIND = "ledger.fec_import"
VALIDATION, IMPORT = "validation", "import"
EXTENSIONS = {".txt", ".csv", ".tsv", ".fec"}
CHUNK = 1 << 20


def max_bytes() -> int:
    return uploads.max_bytes("fec")


def _check_upload(upload) -> None:
    """Size and type: a FEC is a text file (.txt by law) of fields separated by tabs or « | »."""
    name = upload.name or ""
    if not upload.size:
        raise DomainError("Le fichier est vide.")
    if getattr(upload, "oversized", False) or upload.size > max_bytes():
        raise DomainError(uploads.too_large_message("fec"))
    if Path(name).suffix.lower() not in EXTENSIONS:
        raise DomainError(
            f"« {name} » n'est pas un fichier texte FEC : extensions acceptées {', '.join(sorted(EXTENSIONS))} "
            "(le FEC est un fichier texte, nommé SIRENFECAAAAMMJJ.txt)."
        )
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        raise DomainError(
            "Ce fichier est un classeur (XLSX ou ODS) : exportez le FEC en texte, champs séparés par des "
            "tabulations ou « | »."
        )
    if b"\x00" in head:
        raise DomainError("Ce fichier n'est pas un fichier texte (contenu binaire, PDF ou image ?).")


def _store(upload) -> tuple[Path, str]:
    """Copy the upload under PILOTE_PRIVATE_ROOT/fec/<random>/ keeping its name, which may carry the
    closing date of the fiscal year (SIRENFECAAAAMMJJ.txt); (path, SHA-256)."""
    folder = private_root() / "fec" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / (get_valid_filename(Path(upload.name).name)[:120] or "fec.txt")
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def receive_fec(upload, *, actor) -> Job:
    """Check, store and validate an uploaded FEC; nothing is written to the books. The job row keeps the
    report; a refused file is deleted at once."""
    _check_upload(upload)
    path, sha256 = _store(upload)
    try:
        report = validate_fec(path)
    except OSError as exc:
        _discard(path)
        raise DomainError(f"Lecture impossible du fichier : {exc.strerror}.") from exc
    fiscal_year, start, end = (str(report.fiscal_year) if report.fiscal_year else ""), None, None
    if report.new_fiscal_year:  # proposed from the file; confirmed (or corrected) by the user on the job page
        start, end = report.new_fiscal_year
        fiscal_year = f"exercice à ouvrir du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    payload = {
        "name": Path(upload.name).name[:200],
        "file": f"{path.parent.name}/{path.name}",
        "size": upload.size,
        "sha256": sha256,
        "valid": report.is_valid,
        "summary": report.summary(),
        "lines": report.line_count,
        "entries": report.entry_count,
        "accounts": len(report.accounts),
        "journals": len(report.journals),
        "auxiliaries": len(report.auxiliaries),
        "total_debit": format_eur(report.total_debit),
        "total_credit": format_eur(report.total_credit),
        "fiscal_year": fiscal_year,
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
        "first_date": report.first_date.isoformat() if report.first_date else "",
        "last_date": report.last_date.isoformat() if report.last_date else "",
        "problems": report.problems,
        "problem_causes": report.problem_causes,
        "problem_count": report.problem_count,
        "warnings": report.warnings,
    }
    with transaction.atomic():
        job = Job.objects.create(
            kind=KIND,
            step=VALIDATION,
            status=JobStatus.DONE if report.is_valid else JobStatus.FAILED,
            created_by=actor,
            payload=payload,
            total=report.entry_count,
            message="" if report.is_valid else refused_message(report.problem_count),
        )
        audit.record(
            actor,
            "ledger.fec.checked",
            job,
            after={k: payload[k] for k in ("name", "sha256", "valid", "lines", "entries")}
            | {"problems": report.problem_count},
        )
    if not report.is_valid:
        _discard(path)
    return job


def refused_message(count: int) -> str:
    return f"Fichier refusé : {count} anomalie(s) ; rien n'a été importé."


def can_start(job: Job) -> bool:
    return job.kind == KIND and job.step == VALIDATION and job.status == JobStatus.DONE and job.payload.get("valid")


def start_import(job: Job, *, actor, dates: tuple[dt.date, dt.date] | None = None) -> Job:
    """Run the import of a validated file in the background (all or nothing, core.jobs shows its
    progress). One FEC import at a time: two would both find the fiscal year empty. `dates`: the new
    fiscal year's start and end as the user confirmed them (the file is checked again against them)."""
    if dates is not None:
        start, end = dates
        if end <= start:
            raise DomainError("La fin de l'exercice doit suivre son début.")
        if end >= add_months(start, 24):
            raise DomainError("Un exercice dure 24 mois au plus.")
    with transaction.atomic():
        Structure.objects.select_for_update().filter(pk=1).first()  # serialises the check below
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not can_start(job):
            raise DomainError("Ce fichier n'est pas prêt à être importé : déposez-le de nouveau.")
        running = Job.objects.filter(kind=KIND, step=IMPORT, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        if any(not jobs.is_stale(other) for other in running):
            raise DomainError("Un import de FEC est déjà en cours : attendez sa fin.")
        job.step = IMPORT
        job.payload = job.payload | {"actor": actor.pk}  # who confirmed the import, for the worker
        if dates is not None and job.payload.get("start"):
            job.payload = job.payload | {"start": dates[0].isoformat(), "end": dates[1].isoformat()}
        job.save(update_fields=["step", "payload"])
        jobs.start(job, _run_import)
    return job


@jobs.work
def _run_import(job: Job, progress) -> str:
    actor = User.objects.filter(pk=job.payload.get("actor")).first() or job.created_by
    path = private_root() / "fec" / job.payload["file"]
    try:
        if not path.is_file():
            raise FecImportError("Le fichier déposé n'est plus disponible : déposez-le de nouveau.")
        with path.open("rb") as stored:
            digest = hashlib.file_digest(stored, "sha256").hexdigest()
        if digest != job.payload["sha256"]:
            raise FecImportError("Le fichier a changé depuis sa vérification : déposez-le de nouveau.")
        try:
            dates = None
            if job.payload.get("start"):
                dates = (dt.date.fromisoformat(job.payload["start"]), dt.date.fromisoformat(job.payload["end"]))
            result = import_fec(path, actor=actor, progress=progress, fiscal_year=dates)
        except FecImportError as exc:
            problems = exc.problems if exc.problems != [exc.message] else []
            Job.objects.filter(pk=job.pk).update(payload=job.payload | {"problems": problems[:200]})
            raise
        Job.objects.filter(pk=job.pk).update(
            payload=job.payload | {"imported_entries": result.entries, "imported_lines": result.lines}
        )
        return result.summary()
    finally:
        _discard(path)
