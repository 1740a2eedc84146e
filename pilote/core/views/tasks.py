"""Traitements (direction): the periodic schedules with their last and next runs, the recent background jobs,
and a failed or interrupted job started again."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import health, jobs, schedule
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.models import Job

RECENT = 30


@require_perm("core.jobs")
def job_list(request):
    recent = list(Job.objects.select_related("created_by")[:RECENT])
    rows = [
        {"job": job, "kind": jobs.kind_label(job.kind), "stale": jobs.is_stale(job), "can_retry": jobs.can_retry(job)}
        for job in recent
    ]
    context = {"schedules": schedule.overview(), "rows": rows, "release": health.release()}
    return render(request, "core/jobs.html", context)


@require_perm("core.jobs")
@require_POST
def job_retry(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    try:
        jobs.retry(job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Traitement relancé : il attend un worker libre.")
    return redirect("core:jobs")
