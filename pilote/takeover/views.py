"""The take-over assistant: the datasets a role may import, each with its blank files, the upload, the preview
(counts, rows as they will be written, every error with its line), then the write in the background."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import jobs
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus
from pilote.core.permissions import user_can
from pilote.takeover import process, samples, status
from pilote.takeover.datasets import registry
from pilote.takeover.forms import UploadForm

ERRORS_SHOWN = 500


@require_perm("takeover.view")
def index(request):
    datasets = [d for d in registry.all_datasets() if user_can(request.user, d.perm)]
    last = {}
    for job in Job.objects.filter(kind__startswith="takeover.").select_related("created_by")[:200]:
        last.setdefault(job.kind, job)
    rows = []
    for dataset in datasets:
        job = last.get(process.kind_of(dataset))
        rows.append((dataset, job, dataset.url("job", pk=job.pk) if job else ""))
    context = {
        "rows": rows,
        "transitory": status.transitory_balance() if user_can(request.user, "takeover.accounting") else None,
        "fec": user_can(request.user, "ledger.import"),
    }
    return render(request, "takeover/index.html", context)


def dataset_page(request, key: str):
    dataset = registry.get(key)
    form = UploadForm(request.POST or None, request.FILES or None, accounting=dataset.accounting)
    if request.method == "POST" and form.is_valid():
        try:
            job = process.receive(dataset, form.cleaned_data["fichier"], actor=request.user, options=form.options())
        except DomainError as exc:
            form.add_error("fichier", exc.message)
        else:
            return redirect(f"takeover:{dataset.key}-job", pk=job.pk)
    recent = list(Job.objects.filter(kind=process.kind_of(dataset)).select_related("created_by")[:10])
    for job in recent:
        job.url = dataset.url("job", pk=job.pk)
    context = {"dataset": dataset, "form": form, "recent": recent, "max_mb": process.max_mb()}
    return render(request, "takeover/dataset.html", context)


def template_file(request, key: str, fmt: str):
    dataset = registry.get(key)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu.")
    if fmt == "xlsx":
        body = samples.xlsx_bytes(dataset)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = samples.csv_bytes(dataset), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-reprise-{dataset.key}.{fmt}"'
    return response


def _job(dataset, pk: int) -> Job:
    return get_object_or_404(Job.objects.select_related("created_by"), pk=pk, kind=process.kind_of(dataset))


def _progress_context(dataset, job: Job) -> dict:
    done, total = jobs.progress_of(job)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and job.step == process.IMPORT
    stale = running and jobs.is_stale(job)
    return {"dataset": dataset, "job": job, "done": done, "total": total, "running": running and not stale,
            "stale": stale, "links": job.payload.get("links", []), "start_url": dataset.url("start", pk=job.pk),
            "progress_url": dataset.url("progress", pk=job.pk)}  # fmt: skip


def job_page(request, key: str, pk: int):
    dataset = registry.get(key)
    job = _job(dataset, pk)
    context = _progress_context(dataset, job) | {
        "report": job.payload,
        "errors": job.payload.get("errors", [])[:ERRORS_SHOWN],
        "can_start": process.can_start(job),
        "preview": [list(zip(dataset.preview_headers, row, strict=False)) for row in job.payload.get("preview", [])],
        "takeover_date": dt.date.fromisoformat(day) if (day := job.payload.get("options", {}).get("date")) else None,
    }
    return render(request, "takeover/job.html", context)


@require_POST
def start(request, key: str, pk: int):
    dataset = registry.get(key)
    job = _job(dataset, pk)
    try:
        process.start(job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"takeover:{dataset.key}-job", pk=job.pk)


def progress(request, key: str, pk: int):
    """The progress block, polled by the job page while the write runs (htmx)."""
    dataset = registry.get(key)
    return render(request, "takeover/_progress.html", _progress_context(dataset, _job(dataset, pk)))
