"""Backups page (direction): the archives of the backups folder, one started now, the latest downloaded."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core import audit, backup, jobs
from pilote.core.access import require_perm
from pilote.core.models import Job
from pilote.lib.formats import format_number

ARCHIVE_NAME = re.compile(r"pilote-\d{8}-\d{6}\.tar\.gz")
JOB_KIND = "core.backup"


@require_perm("core.backups")
def backup_list(request):
    archives = [
        {"name": name, "size_mb": format_number(size / 1_000_000, 1), "modified": modified}
        for name, size, modified in backup.list_backups()
    ]
    last_job = Job.objects.filter(kind=JOB_KIND).first()
    return render(
        request,
        "core/backups.html",
        {"archives": archives, "last_job": last_job, "stale": last_job is not None and jobs.is_stale(last_job)},
    )


@require_perm("core.backups")
@require_POST
def backup_create(request):
    running = Job.objects.filter(kind=JOB_KIND, status__in=("queued", "running")).first()
    if running is not None and not jobs.is_stale(running):
        messages.warning(request, "Une sauvegarde est déjà en cours : attendez qu'elle se termine.")
        return redirect("core:backups")
    job = Job.objects.create(kind=JOB_KIND, created_by=request.user)
    jobs.start(job, backup.backup_job)
    messages.success(request, "Sauvegarde lancée : elle apparaîtra dans la liste une fois écrite.")
    return redirect("core:backups")


@require_perm("core.backups")
def backup_download(request, name: str):
    if not ARCHIVE_NAME.fullmatch(name) or not (backup.backups_dir() / name).is_file():
        raise Http404("Sauvegarde introuvable.")
    audit.record(request.user, "core.backup.downloaded", after={"archive": name})
    return FileResponse((backup.backups_dir() / name).open("rb"), as_attachment=True, filename=name)
