"""Files as a user would fill them: CSV in UTF-8 or Windows-1252, XLSX from openpyxl."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from pilote.core.models import Job


def csv_file(rows: list[list[str]], *, name="reprise.csv", encoding="utf-8-sig", delimiter=";") -> SimpleUploadedFile:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], *, name="reprise.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, key: str, upload_file, **extra):
    """Post the file to the dataset's page; the job row it created (None if the form refused it)."""
    before = Job.objects.filter(kind=f"takeover.{key}").count()
    response = client.post(reverse(f"takeover:{key}"), {"fichier": upload_file, **extra})
    jobs = Job.objects.filter(kind=f"takeover.{key}")
    if jobs.count() == before:
        return None, response
    return jobs.first(), response


def confirm(client, key: str, job: Job) -> Job:
    client.post(reverse(f"takeover:{key}-start", args=[job.pk]))
    job.refresh_from_db()
    return job
