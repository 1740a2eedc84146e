"""The document store's writes: the classification plan, filing a document (its first version), new versions,
metadata, legal holds, and the purge of what is past its retention — proposed, never automatic: a person types
the confirmation and each deletion is logged in the audit trail.

Every file is checked before it is kept (size per `core.uploads` kind « document », an allowed extension, content
that matches it, no program, the structure's quota), stored outside the public media folder (`office/storage.py`)
and its text extracted for the full-text search (`textract.py`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from pilote.core import audit, uploads
from pilote.core.exceptions import DomainError, check_version
from pilote.core.roles import Role
from pilote.office.models import Confidentiality, Document, DocumentVersion, Folder, Tag
from pilote.office.queries import documents as queries
from pilote.office.retention import RULES, retention_until
from pilote.office.textract import extract_text

ALLOWED_EXTENSIONS = {
    "pdf", "doc", "docx", "odt", "ods", "odp", "rtf", "txt", "csv", "md", "xls", "xlsx", "ppt", "pptx", "png",
    "jpg", "jpeg", "xml", "zip",
}  # fmt: skip
ZIPPED = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"}
# Leading bytes of programs (Windows PE, ELF, Mach-O, scripts): refused whatever the file is called.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
CONFIRMATION = "PURGER"
DOCUMENT_FIELDS = ("title", "folder", "doc_type", "description", "author", "document_date", "end_on",
                   "confidentiality")  # fmt: skip


# Classification plan


@transaction.atomic
def create_folder(*, actor, name: str, parent=None, code: str = "", description: str = "") -> Folder:
    name = (name or "").strip()
    if not name:
        raise DomainError("Nommez le dossier.")
    if Folder.objects.filter(parent=parent, name__iexact=name).exists():
        raise DomainError("Ce dossier existe déjà à cet endroit du plan.")
    folder = Folder.objects.create(name=name, parent=parent, code=(code or "").strip(), description=description or "")
    audit.record(actor, "office.folder.created", folder, after=audit.snapshot(folder))
    return folder


# Files


def _read(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def check_file(uploaded) -> tuple[bytes, str]:
    """(content, extension) of an acceptable file; else a French ValidationError."""
    if uploaded is None:
        raise ValidationError("Choisissez un fichier.")
    uploads.check_size(uploaded, "document")
    if not uploaded.size:
        raise ValidationError("Ce fichier est vide.")
    extension = Path(uploaded.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        raise ValidationError(f"Type de fichier refusé ({extension or 'sans extension'}). Acceptés : {allowed}.")
    data = _read(uploaded)
    if data.startswith(EXECUTABLE_SIGNATURES):
        raise ValidationError("Ce fichier est un programme exécutable : il est refusé.")
    if extension == "pdf" and not data.startswith(b"%PDF"):
        raise ValidationError("Ce fichier n'est pas un PDF, bien qu'il en porte l'extension.")
    if extension in ZIPPED and not data.startswith(b"PK"):
        raise ValidationError(f"Ce fichier n'est pas un document .{extension} lisible.")
    used, limit = queries.quota()
    if used + len(data) > limit:
        raise ValidationError(
            f"Le quota de documents de la structure ({uploads.human_size(limit)}) serait dépassé : "
            f"{uploads.human_size(used)} déjà occupés. Purgez ce qui a passé sa durée de conservation."
        )
    return data, extension


def _index(document: Document) -> None:
    """SQLite: the FTS5 row of the document (PostgreSQL indexes the columns themselves)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM office_document_fts WHERE rowid = %s", [document.pk])
        cursor.execute(
            "INSERT INTO office_document_fts (rowid, title, body) VALUES (%s, %s, %s)",
            [document.pk, document.title, document.search_text],
        )


def _unindex(document_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM office_document_fts WHERE rowid = %s", [document_id])


def rebuild_index() -> int:
    """Re-index every document (after a restore): the number indexed."""
    count = 0
    for document in Document.objects.only("pk", "title", "search_text").iterator():
        _index(document)
        count += 1
    return count


def _search_text(document: Document, body: str) -> str:
    tags = " ".join(document.tags.values_list("name", flat=True)) if document.pk else ""
    kind = RULES.get(document.doc_type, RULES["other"]).label  # « Document unique (DUERP) », « Facture »…
    return "\n".join(part for part in (kind, document.description, document.author, tags, body) if part)


def _store_version(*, actor, document: Document, uploaded, data: bytes, extension: str, note: str = ""):
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=Path(uploaded.name).name[:200], extension=extension,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), note=(note or "")[:200], uploaded_by=actor,
    )  # fmt: skip
    version.file.save(uploaded.name, uploaded, save=False)
    try:
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    return version


def _roles_text(confidentiality: str, roles) -> str:
    if confidentiality != Confidentiality.RESTRICTED:
        return ""
    chosen = [role for role in Role.values if role in set(roles or [])]
    if not chosen:
        raise DomainError("Choisissez au moins un rôle qui lira ce document réservé.")
    return "," + ",".join(chosen) + ","


def _check(document: Document) -> None:
    if not (document.title or "").strip():
        raise DomainError("Donnez un titre au document.")
    if document.doc_type not in RULES:
        raise DomainError("Ce type de document n'existe pas.")
    if document.confidentiality not in Confidentiality.values:
        raise DomainError("Ce niveau de confidentialité n'existe pas.")
    if document.end_on and document.document_date and document.end_on < document.document_date:
        raise DomainError("La date de fin ou de départ suit la date du document.")
    document.retention_until = retention_until(document.doc_type, document.document_date, document.end_on)


def _set_tags(document: Document, names) -> None:
    clean = sorted({(name or "").strip()[:60] for name in names or [] if (name or "").strip()}, key=str.lower)
    tags = [Tag.objects.get_or_create(name=name)[0] for name in clean]
    document.tags.set(tags)


def parse_tags(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()][:20]


def form_fields(cleaned: dict) -> dict:
    """The document form's cleaned data as `file_document` / `update_document` take it (the page and the API)."""
    data = dict(cleaned)
    data.pop("file", None)
    data.pop("version", None)
    data["tags"] = parse_tags(data.get("tags", ""))
    return data


@transaction.atomic
def file_document(*, actor, uploaded, title: str, folder: Folder, document_date, doc_type: str = "other",
                  confidentiality: str = Confidentiality.PUBLIC, roles=(), tags=(), author: str = "",
                  description: str = "", end_on=None, owner=None) -> Document:  # fmt: skip
    """File a new document with its first version."""
    data, extension = check_file(uploaded)
    document = Document(
        title=(title or "").strip(), folder=folder, doc_type=doc_type, confidentiality=confidentiality,
        roles=_roles_text(confidentiality, roles), author=(author or "").strip(), description=description or "",
        document_date=document_date, end_on=end_on, owner=owner or actor, size=len(data),
    )  # fmt: skip
    _check(document)
    document.save()
    _set_tags(document, tags)
    _store_version(actor=actor, document=document, uploaded=uploaded, data=data, extension=extension)
    document.search_text = _search_text(document, extract_text(data, extension))
    document.save(update_fields=["search_text"])
    _index(document)
    audit.record(actor, "office.document.filed", document, after=audit.snapshot(document))
    return document


def _locked(document: Document, actor) -> Document:
    if not queries.visible_documents(actor).filter(pk=document.pk).exists():
        raise DomainError("Ce document ne vous est pas accessible.")
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def add_version(*, actor, document: Document, uploaded, note: str = "") -> DocumentVersion:
    """A new version becomes the current one; the older ones are kept."""
    document = _locked(document, actor)
    data, extension = check_file(uploaded)
    version = _store_version(actor=actor, document=document, uploaded=uploaded, data=data, extension=extension,
                             note=note)  # fmt: skip
    document.search_text = _search_text(document, extract_text(data, extension))
    document.size += len(data)
    document.updated_at = timezone.now()
    document.version += 1
    document.save(update_fields=["search_text", "size", "updated_at", "version"])
    _index(document)
    audit.record(actor, "office.document.versioned", document, after={"version": version.number,
                                                                       "fichier": version.original_name})  # fmt: skip
    return version


def _current_text(document: Document) -> str:
    current = document.versions.order_by("-number").first()
    if current is None:
        return ""
    try:
        with current.file.open("rb") as handle:
            return extract_text(handle.read(), current.extension)
    except (FileNotFoundError, ValueError):
        return ""


@transaction.atomic
def update_document(*, actor, document: Document, expected_version=None, roles=None, tags=None, **fields) -> Document:
    document = _locked(document, actor)
    check_version(document.version, expected_version, "Le document")
    before = audit.snapshot(document)
    for key in DOCUMENT_FIELDS:
        if key in fields:
            setattr(document, key, fields[key])
    document.title = (document.title or "").strip()
    document.roles = _roles_text(document.confidentiality, roles if roles is not None else document.role_list)
    _check(document)
    if tags is not None:
        _set_tags(document, tags)
    document.search_text = _search_text(document, _current_text(document))
    document.updated_at = timezone.now()
    document.version += 1
    document.save()
    _index(document)
    audit.record(actor, "office.document.updated", document, before=before, after=audit.snapshot(document))
    return document


@transaction.atomic
def set_hold(*, actor, document: Document, hold: bool, reason: str = "") -> Document:
    """A legal hold (a dispute, an audit, a tax inspection) keeps the document whatever its retention date."""
    document = _locked(document, actor)
    reason = (reason or "").strip()
    if hold and not reason:
        raise DomainError("Indiquez le motif du gel juridique (litige, contrôle…).")
    document.legal_hold, document.hold_reason = bool(hold), reason[:200] if hold else ""
    document.version += 1
    document.save(update_fields=["legal_hold", "hold_reason", "version"])
    audit.record(actor, "office.document.hold_set" if hold else "office.document.hold_lifted", document,
                 after={"motif": document.hold_reason})  # fmt: skip
    return document


@transaction.atomic
def purge(*, actor, document_ids, confirmation: str, today) -> int:
    """Delete the chosen documents past their retention (none under a legal hold) once the person typed
    CONFIRMATION; each deletion is logged with what the document was. Files go once the transaction commits."""
    if (confirmation or "").strip().upper() != CONFIRMATION:
        raise DomainError(f"Tapez {CONFIRMATION} pour confirmer la suppression définitive.")
    chosen = list(queries.purge_candidates(actor, today).filter(pk__in=list(document_ids or [])).select_for_update())
    if not chosen:
        raise DomainError("Cochez au moins un document dont la durée de conservation est passée.")
    paths = []
    for document in chosen:
        versions = list(document.versions.all())
        audit.record(actor, "office.document.purged", document, before={
            **audit.snapshot(document),
            "versions": [{"numero": v.number, "fichier": v.original_name, "sha256": v.sha256} for v in versions],
        })  # fmt: skip
        paths += [v.file.name for v in versions]
        pk = document.pk
        document.delete()
        _unindex(pk)

    def remove_files():
        from pilote.office.storage import document_storage

        for name in paths:
            document_storage.delete(name)

    transaction.on_commit(remove_files)
    return len(chosen)
