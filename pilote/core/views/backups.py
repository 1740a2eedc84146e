"""Backups page (direction): the archives of the backups folder, one started now, the latest downloaded."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core import audit, backup, jobs
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.models import Job
from pilote.lib.formats import format_number


@require_perm("core.backups")
def backup_list(request):
    archives = [
        {"name": name, "size_mb": format_number(size / 1_000_000, 1), "modified": modified}
        for name, size, modified in backup.list_backups()
    ]
    last_job = Job.objects.filter(kind=backup.JOB_KIND).first()
    return render(
        request,
        "core/backups.html",
        {"archives": archives, "last_job": last_job, "stale": last_job is not None and jobs.is_stale(last_job)},
    )


@require_perm("core.backups")
@require_POST
def backup_create(request):
    try:
        backup.start_backup(actor=request.user)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, "Sauvegarde lancée : elle apparaîtra dans la liste une fois écrite.")
    return redirect("core:backups")


@require_perm("core.backups")
def backup_download(request, name: str):
    path = backup.archive_path(name)
    if path is None:
        raise Http404("Sauvegarde introuvable.")
    audit.record(request.user, "core.backup.downloaded", after={"archive": name})
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
