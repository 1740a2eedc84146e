"""What Pilote holds about a person: exported on request, anonymised once no law requires keeping it (GDPR).

A person is a contact (a private customer, a donor, a member…) or, through the apps that hold them, an employee.
Each app that keeps personal data registers a `PersonalDataSource` for the kinds of subject it knows: `collect`
gives its sections (rows of French column → value), `retention` the reasons it must still keep the data (a legal
period running: invoices 10 years, C. com. L123-22; tax receipts 6 years, LPF L102 B…), `anonymise` replaces
what identifies the person. The core never imports a domain app.

- `export_archive` (GDPR art. 15 and 20): a ZIP with the whole as JSON (`donnees.json`, machine-readable) and
  one CSV per section (cells made inert like every export), logged in the audit trail without the data itself.
- `anonymise` (art. 17, within the limits of art. 17-3-b: legal obligations): refused in French with every
  reason while one source must still keep the data; otherwise every source anonymises in one transaction, the
  audit trail's earlier snapshots of the subject lose their personal values, and the anonymisation is logged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError

ANONYMISED = "anonymisé"


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[dict[str, object]]


@dataclass(frozen=True)
class PersonalDataSource:
    key: str
    subject_kind: str  # "contact", "employee"
    collect: Callable[[object], list[Section]]
    retention: Callable[[object, dt.date], list[str]] = field(default=lambda subject, today: [])
    anonymise: Callable[[object, object], None] | None = None
    # Audit trail: (object_type, object_id) of the rows about the subject whose snapshots hold its data.
    audited: Callable[[object], list[tuple[str, str]]] = field(default=lambda subject: [])
    personal_fields: tuple[str, ...] = ()  # snapshot keys blanked in those audit events


_sources: list[PersonalDataSource] = []


def register_personal_data(source: PersonalDataSource) -> None:
    if all(existing.key != source.key for existing in _sources):
        _sources.append(source)


def sources_for(subject_kind: str) -> list[PersonalDataSource]:
    return [source for source in _sources if source.subject_kind == subject_kind]


def collect(subject_kind: str, subject) -> list[Section]:
    return [section for source in sources_for(subject_kind) for section in source.collect(subject)]


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_archive(*, actor, subject_kind: str, subject, label: str) -> bytes:
    """The ZIP of everything the sources hold about `subject`; the export is logged (not its content)."""
    from pilote.core.listing import csv_text

    sections = collect(subject_kind, subject)
    document = {
        "personne": label,
        "exporte_le": timezone.localtime().isoformat(timespec="seconds"),
        "sections": [
            {"titre": s.title, "lignes": [{k: _plain(v) for k, v in row.items()} for row in s.rows]} for s in sections
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(document, ensure_ascii=False, indent=2))
        for number, section in enumerate(sections, start=1):
            if not section.rows:
                continue
            text = io.StringIO()
            columns = list(dict.fromkeys(key for row in section.rows for key in row))
            writer = csv.writer(text, delimiter=";")
            writer.writerow(columns)
            for row in section.rows:
                writer.writerow([csv_text(row.get(column, "")) for column in columns])
            archive.writestr(f"{number:02d}-{_slug(section.title)}.csv", "\ufeff" + text.getvalue())
    audit.record(actor, "core.personal_data.exported", subject, after={"sections": len(sections)})
    return buffer.getvalue()


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title) or "section"


def retention_reasons(subject_kind: str, subject, today: dt.date) -> list[str]:
    return [reason for source in sources_for(subject_kind) for reason in source.retention(subject, today)]


@transaction.atomic
def anonymise(*, actor, subject_kind: str, subject, today: dt.date) -> None:
    reasons = retention_reasons(subject_kind, subject, today)
    if reasons:
        raise DomainError("Anonymisation impossible pour l'instant : " + " ; ".join(reasons) + ".")
    from pilote.core.models import AuditEvent

    for source in sources_for(subject_kind):
        for object_type, object_id in source.audited(subject):
            for event in AuditEvent.objects.filter(object_type=object_type, object_id=object_id):
                event.before = _blank(event.before, source.personal_fields)
                event.after = _blank(event.after, source.personal_fields)
                event.object_repr = ANONYMISED
                event.save(update_fields=["before", "after", "object_repr"])
        if source.anonymise is not None:
            source.anonymise(subject, actor)
    audit.record(actor, "core.personal_data.anonymised", subject)


def _blank(snapshot, keys: tuple[str, ...]):
    if not isinstance(snapshot, dict):
        return snapshot
    return {key: (ANONYMISED if key in keys and value not in ("", None) else value) for key, value in snapshot.items()}


CONFIRMATION = "ANONYMISER"  # typed by the person who anonymises: the act cannot be undone
UNCONFIRMED = f"Tapez {CONFIRMATION} pour confirmer l'anonymisation : elle est définitive."


def confirmed(typed: str) -> bool:
    """Whether the person typed CONFIRMATION (any case, spaces around): the page's field and the API's body."""
    return (typed or "").strip().upper() == CONFIRMATION


def archive_response(request, *, subject_kind: str, subject, label: str, fallback: str, actor=None):
    """The page action « Exporter ses données (ZIP) » of any subject (a contact, an employee), and the API's: the
    archive as a download named after the person (`fallback` when the name slugifies to nothing), exported by
    `actor` (the API's caller; the page's user by default)."""
    from django.http import HttpResponse
    from django.utils.text import slugify

    archive = export_archive(actor=actor or request.user, subject_kind=subject_kind, subject=subject, label=label)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{slugify(label) or fallback}.zip"'
    return response


def anonymise_from_request(request, *, subject_kind: str, subject, done: str) -> None:
    """The page action « Anonymiser » of any subject: refused unless CONFIRMATION was typed, or (in French) while a
    keeping period runs; the outcome as a message for the page the caller redirects to."""
    from django.contrib import messages

    from pilote.lib.dates import local_today

    if not confirmed(request.POST.get("confirmation", "")):
        messages.error(request, UNCONFIRMED)
        return
    try:
        anonymise(actor=request.user, subject_kind=subject_kind, subject=subject, today=local_today())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
