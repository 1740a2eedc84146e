"""The office's documents over the API (read): the same confidentiality as the pages — every operation starts
from `office.queries.documents.visible_documents`, so a document a role may not see is a 404 here too."""

import datetime as dt

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from pilote.api.base import ObjectId, guarded
from pilote.office.models import DocumentVersion
from pilote.office.queries import documents as queries

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
