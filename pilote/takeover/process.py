"""A take-over from the browser: the file received, checked and kept aside, its report on a `Job` row; then,
once the user confirms, the write run in the background (core.jobs) with its progress.

The file waits under PILOTE_PRIVATE_ROOT/reprise/ (never MEDIA_ROOT), with its SHA-256; it is deleted once
refused or written. The report (counts, the first rows as they will be written, every error up to
MAX_ERRORS_KEPT) is kept in the job's payload, so the preview page shows it without reading the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from pathlib import Path

from django.db import transaction
from django.utils.text import get_valid_filename

from pilote.core import audit, jobs, uploads
from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus, User
from pilote.core.storage import private_root
from pilote.takeover import framework
from pilote.takeover.datasets import registry

UPLOAD_KIND = "takeover"
VALIDATION, IMPORT = "validation", "import"
EXTENSIONS = {".csv", ".txt", ".xlsx"}
CHUNK = 1 << 20


def kind_of(dataset) -> str:
    return f"takeover.{dataset.key}"


def _folder() -> Path:
    return private_root() / "reprise"


def _store(upload) -> tuple[Path, str]:
    folder = _folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / (get_valid_filename(Path(upload.name).name)[:120] or "reprise.csv")
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


def max_mb() -> int:
    return uploads.max_bytes(UPLOAD_KIND) // 1_048_576


def _check_upload(upload) -> None:
    if not upload.size:
        raise DomainError("Le fichier est vide.")
    if getattr(upload, "oversized", False) or upload.size > uploads.max_bytes(UPLOAD_KIND):
        raise DomainError(uploads.too_large_message(UPLOAD_KIND))
    if Path(upload.name or "").suffix.lower() not in EXTENSIONS:
        raise DomainError("Déposez un fichier CSV ou un classeur XLSX (le modèle téléchargé, rempli).")


def receive(dataset, upload, *, actor, options: dict) -> Job:
    """Check and store an uploaded file; nothing is written but the job row with its report."""
    _check_upload(upload)
    path, sha256 = _store(upload)
    try:
        report = framework.check(dataset, path, options)
    except OSError as exc:
        _discard(path)
        raise DomainError(f"Lecture impossible du fichier : {exc.strerror}.") from exc
    rows = [row for row in report.rows if row is not None]
    payload = {
        "name": Path(upload.name).name[:200],
        "file": f"{path.parent.name}/{path.name}",
        "sha256": sha256,
        "options": options,
        "valid": report.is_valid,
        "rows": len(report.rows),
        "file_error": report.file_error,
        "errors": report.errors,
        "error_count": report.error_count,
        "preview": [dataset.preview(row) for row in rows[: framework.PREVIEW_ROWS]] if report.is_valid else [],
    }
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind_of(dataset),
            step=VALIDATION,
            status=JobStatus.DONE if report.is_valid else JobStatus.FAILED,
            created_by=actor,
            payload=payload,
            total=len(report.rows),
            message="" if report.is_valid else "Fichier refusé : rien n'a été importé.",
        )
        audit.record(
            actor,
            "takeover.file.checked",
            job,
            after={"dataset": dataset.key, "name": payload["name"], "rows": payload["rows"]}
            | {"errors": report.error_count, "valid": report.is_valid},
        )
    if not report.is_valid:
        _discard(path)
    return job


def can_start(job: Job) -> bool:
    return job.step == VALIDATION and job.status == JobStatus.DONE and bool(job.payload.get("valid"))


def start(job: Job, *, actor) -> Job:
    """Write the checked file in the background: one transaction, all or nothing."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not can_start(job):
            raise DomainError("Ce fichier n'est pas prêt à être importé : déposez-le de nouveau.")
        job.step = IMPORT
        job.payload = job.payload | {"actor": actor.pk}
        job.save(update_fields=["step", "payload"])
        jobs.start(job, run)
    return job


@jobs.work
def run(job: Job, progress) -> str:
    dataset = registry.get(job.kind.removeprefix("takeover."))
    actor = User.objects.filter(pk=job.payload.get("actor")).first() or job.created_by
    path = _folder() / job.payload["file"]
    try:
        if not path.is_file():
            raise DomainError("Le fichier déposé n'est plus disponible : déposez-le de nouveau.")
        with path.open("rb") as stored:
            if hashlib.file_digest(stored, "sha256").hexdigest() != job.payload["sha256"]:
                raise DomainError("Le fichier a changé depuis sa vérification : déposez-le de nouveau.")
        summary, links, total = framework.write(
            dataset, path, job.payload.get("options", {}), actor=actor, progress=progress
        )
        audit.record(actor, "takeover.file.imported", job, after={"dataset": dataset.key, "rows": total})
        Job.objects.filter(pk=job.pk).update(
            payload=job.payload | {"links": [[link.label, link.url] for link in links], "written": total}
        )
        return summary
    finally:
        _discard(path)
