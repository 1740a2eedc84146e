"""The office's documents over the API: the same confidentiality as the pages — every read starts from
`office.queries.documents.visible_documents`, so a document a role may not see is a 404 here too; a document is
filed through the page's form (its file checked by size, extension and magic bytes) and `office.services.documents`."""

import base64
import binascii
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from pilote.api.base import Day, ObjectId, RequiredId, guarded, through_form
from pilote.core.roles import Role
from pilote.office.forms import DocumentForm
from pilote.office.models import Confidentiality, DocumentVersion
from pilote.office.queries import documents as queries
from pilote.office.retention import TYPE_CHOICES
from pilote.office.services import documents as services

router = Router(tags=["Documents"])


class VersionOut(Schema):
    id: int
    number: int
    original_name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class DocumentOut(Schema):
    id: int
    title: str
    folder: str
    doc_type: str
    document_date: dt.date
    author: str
    confidentiality: str
    retention_until: dt.date | None
    legal_hold: bool

    @staticmethod
    def resolve_folder(obj) -> str:
        return str(obj.folder)


class DocumentDetailOut(DocumentOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj) -> list:
        return list(obj.versions.all())


@guarded(router, "GET", "/documents", "office.documents.view", response=list[DocumentOut])
def list_documents(request, q: str = ""):
    """The documents the caller may see, `q` searched in their titles and text (at most 200)."""
    documents = queries.search_documents(request.auth, q[:200]).select_related("folder")
    return list(documents.order_by("-document_date", "-id")[:200])


@guarded(router, "GET", "/documents/{document_id}", "office.documents.view", response=DocumentDetailOut)
def get_document(request, document_id: ObjectId):
    return get_object_or_404(queries.visible_documents(request.auth).select_related("folder"), pk=document_id)


@guarded(router, "GET", "/documents/versions/{version_id}/fichier", "office.documents.view")
def download_version(request, version_id: ObjectId):
    version = get_object_or_404(DocumentVersion, pk=version_id, document__in=queries.visible_documents(request.auth))
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name)


DocType = Literal[tuple(code for code, _ in TYPE_CHOICES)]  # type: ignore[valid-type]
# 20 Mo of file (the documents' upload limit) in base64, and a little more: the form says the limit in French.
MAX_BASE64 = 28 * 1024 * 1024


class DocumentIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier, avec son extension (.pdf, .docx…)")
    content_base64: str = Field(..., max_length=MAX_BASE64, description="le contenu du fichier en base64")
    title: str
    folder: RequiredId = Field(..., description="id du dossier")
    doc_type: DocType = "other"
    document_date: Day
    end_on: Day | None = None
    author: str = ""
    description: str = ""
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    roles: list[Role] = Field(default_factory=list, description="rôles qui lisent un document réservé")
    tags: str = Field("", description="étiquettes séparées par des virgules")


@guarded(router, "POST", "/documents", "office.documents.edit", response={201: DocumentDetailOut})
def file_document(request, payload: DocumentIn):
    """A document filed as on the page: the file refused when too large, of a refused type, not what its extension
    says (magic bytes) or executable; a reserved document needs the roles that read it."""
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": ["Contenu illisible : du base64 est attendu."]}) from None
    uploaded = SimpleUploadedFile(payload.file_name or "document", content)
    fields = payload.dict(exclude={"file_name", "content_base64"})
    data = services.form_fields(through_form(DocumentForm, fields, files={"file": uploaded}))
    document = services.file_document(actor=request.auth, uploaded=uploaded, **data)
    return Status(201, get_object_or_404(queries.visible_documents(request.auth), pk=document.pk))
