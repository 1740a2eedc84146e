"""The office's documents over the API: the same confidentiality as the pages — every read starts from
`office.queries.documents.visible_documents`, so a document a role may not see is a 404 here too; a document is
filed, versioned, frozen by a legal hold and purged past its retention through the pages' forms (a file checked by
size, extension and magic bytes) and `office.services.documents`."""

import datetime as dt
from typing import Literal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    guarded,
    page_of,
    through_form,
    uploaded_base64,
)
from pilote.core.roles import Role
from pilote.lib.dates import local_today
from pilote.office.forms import DocumentForm, DocumentMetaForm, HoldForm, VersionForm
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
    version: int = Field(..., description="version de la fiche (à renvoyer pour la modifier)")

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


def _uploaded(payload):
    return uploaded_base64(payload.file_name, payload.content_base64)


@guarded(router, "POST", "/documents", "office.documents.edit", response={201: DocumentDetailOut})
def file_document(request, payload: DocumentIn):
    """A document filed as on the page: the file refused when too large, of a refused type, not what its extension
    says (magic bytes) or executable; a reserved document needs the roles that read it."""
    uploaded = _uploaded(payload)
    fields = payload.dict(exclude={"file_name", "content_base64"})
    data = services.form_fields(through_form(DocumentForm, fields, files={"file": uploaded}))
    document = services.file_document(actor=request.auth, uploaded=uploaded, **data)
    return Status(201, get_object_or_404(queries.visible_documents(request.auth), pk=document.pk))


class DocumentPatch(Schema):
    """The card's fields as its page's edit form holds them; those not sent are kept."""

    title: str | None = Field(None, max_length=200)
    folder: OptionalId = Field(None, description="id du dossier")
    doc_type: DocType | None = None
    document_date: Day | None = None
    end_on: Day | None = None
    author: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    confidentiality: Confidentiality | None = None
    roles: list[Role] | None = Field(None, description="rôles qui lisent un document réservé")
    tags: str | None = Field(None, max_length=500, description="étiquettes séparées par des virgules (toutes)")
    version: int | None = Field(None, description="Version lue ; si la fiche a changé depuis, réponse 409.")


@guarded(router, "PATCH", "/documents/{document_id}", "office.documents.edit", response=DocumentDetailOut)
def update_document(request, document_id: ObjectId, payload: DocumentPatch):
    """The document's card changed through its page's form (title, folder, type and date that fix its retention,
    confidentiality and the roles of a reserved document, tags); a card changed since
    `version` is a 409, a document the caller does not see a 404."""
    document = _visible(request, document_id)
    data = through_form(DocumentMetaForm, payload.dict(exclude={"version"}, exclude_unset=True),
                        current=queries.document_initial(document))  # fmt: skip
    services.update_document(actor=request.auth, document=document, expected_version=payload.version,
                             **services.form_fields(data))  # fmt: skip
    return _visible(request, document_id)


class VersionIn(Schema):
    file_name: str = Field(..., max_length=200, description="nom du fichier, avec son extension")
    content_base64: str = Field(..., max_length=MAX_BASE64, description="le contenu du fichier en base64")
    note: str = Field("", description="ce qui change")


class HoldIn(Schema):
    hold: bool = Field(True, description="true : geler (motif requis) ; false : lever le gel")
    reason: str = Field("", description="motif du gel (litige, contrôle…)")


class PurgeIn(Schema):
    documents: list[RequiredId] = Field(..., max_length=500, description="ids des documents à supprimer")
    confirmation: str = Field(..., description=f"« {services.CONFIRMATION} » pour confirmer la suppression définitive")


class PurgeOut(Schema):
    supprimes: int


def _visible(request, document_id: int):
    return get_object_or_404(queries.visible_documents(request.auth), pk=document_id)


@guarded(router, "POST", "/documents/{document_id}/versions", "office.documents.edit", response={201: VersionOut})
def add_version(request, document_id: ObjectId, payload: VersionIn):
    """A new version, the current one from then on (the older ones kept), its file checked as the page's upload."""
    document = _visible(request, document_id)
    uploaded = _uploaded(payload)
    data = through_form(VersionForm, {"note": payload.note}, files={"file": uploaded})
    return Status(201, services.add_version(actor=request.auth, document=document, uploaded=uploaded,
                                            note=data["note"]))  # fmt: skip


@guarded(router, "POST", "/documents/{document_id}/gel", "office.documents.edit", response=DocumentDetailOut)
def set_hold(request, document_id: ObjectId, payload: HoldIn):
    """A legal hold keeps the document whatever its retention date (its reason required), or is lifted."""
    reason = through_form(HoldForm, {"reason": payload.reason})["reason"]
    services.set_hold(actor=request.auth, document=_visible(request, document_id), hold=payload.hold, reason=reason)
    return _visible(request, document_id)


@guarded(router, "GET", "/documents-a-purger", "office.documents.purge", response=Page[DocumentOut])
def list_purge_candidates(request, paging: Query[Paging]):
    """The documents past their retention and under no legal hold, oldest first, as the purge page proposes them."""
    return page_of(queries.purge_candidates(request.auth, local_today()), paging)


@guarded(router, "POST", "/documents-a-purger/suppression", "office.documents.purge", response=PurgeOut)
def purge(request, payload: PurgeIn):
    """The chosen documents past their retention deleted for good once the confirmation is typed, each deletion
    logged with what the document was; a document not proposed for purging is left alone."""
    count = services.purge(actor=request.auth, document_ids=payload.documents, confirmation=payload.confirmation,
                           today=local_today())  # fmt: skip
    return {"supprimes": count}
