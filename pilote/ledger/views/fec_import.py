"""FEC import from the browser: upload, validation report, import in the background with its progress."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import jobs
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.models import Job, JobStatus
from pilote.core.uploads import LimitedFileField
from pilote.ledger.fec_import import upload
from pilote.ledger.fec_import.report import group_problems

PROBLEMS_PER_PAGE = 50


class FecUploadForm(forms.Form):
    fichier = LimitedFileField(
        kind="fec",
        label="Fichier FEC",
        help_text="Fichier texte (SIRENFECAAAAMMJJ.txt), champs séparés par des tabulations ou « | ».",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,.tsv,.fec,text/plain"}),
    )


@require_perm("ledger.import")
def fec_import(request):
    form = FecUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = upload.receive_fec(form.cleaned_data["fichier"], actor=request.user)
        except DomainError as exc:
            form.add_error("fichier", exc.message)
        else:
            return redirect("ledger:fec-import-job", pk=job.pk)
    recent = Job.objects.filter(kind=upload.KIND).select_related("created_by")[:10]
    context = {"form": form, "recent": recent, "max_mb": upload.max_bytes() // 1_048_576}
    return render(request, "ledger/fec_import.html", context)


def _job(pk: int) -> Job:
    return get_object_or_404(Job.objects.select_related("created_by"), pk=pk, kind=upload.KIND)


def _progress_context(job: Job) -> dict:
    done, total = jobs.progress_of(job)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and job.step == upload.IMPORT
    stale = running and jobs.is_stale(job)
    return {"job": job, "done": done, "total": total, "running": running and not stale, "stale": stale}


@require_perm("ledger.import")
def fec_import_job(request, pk: int):
    job = _job(pk)
    span = ""
    if job.payload.get("first_date"):
        first, last = (dt.date.fromisoformat(job.payload[key]) for key in ("first_date", "last_date"))
        span = f"Les écritures vont du {first:%d/%m/%Y} au {last:%d/%m/%Y}."
    groups, problems = group_problems(job.payload.get("problems", []), job.payload.get("problem_causes"))
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = _progress_context(job) | {
        "report": job.payload,
        "groups": groups,
        "page": page,
        "can_start": upload.can_start(job),
        "span": span,
        "dates_form": FiscalYearDatesForm(initial={"debut": job.payload.get("start"), "fin": job.payload.get("end")})
        if job.payload.get("start")
        else None,
    }
    return render(request, "ledger/fec_import_job.html", context)


class FiscalYearDatesForm(forms.Form):
    """The new fiscal year's dates, proposed from the file (closing date of its name, date of its
    à-nouveaux), confirmed or corrected by the user before the import."""

    debut = forms.DateField(label="Début de l'exercice", widget=DATE_WIDGET)
    fin = forms.DateField(label="Fin de l'exercice (date de clôture)", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] <= data["debut"]:
            raise forms.ValidationError("La fin de l'exercice doit suivre son début.")
        return data


@require_POST
@require_perm("ledger.import")
def fec_import_start(request, pk: int):
    job = _job(pk)
    dates = None
    if job.payload.get("start") and ("debut" in request.POST or "fin" in request.POST):  # else: as proposed
        form = FiscalYearDatesForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("ledger:fec-import-job", pk=job.pk)
        dates = (form.cleaned_data["debut"], form.cleaned_data["fin"])
    try:
        upload.start_import(job, actor=request.user, dates=dates)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ledger:fec-import-job", pk=job.pk)


@require_perm("ledger.import")
def fec_import_progress(request, pk: int):
    """The progress block, polled by the job page while the import runs (htmx)."""
    return render(request, "ledger/_fec_import_progress.html", _progress_context(_job(pk)))
