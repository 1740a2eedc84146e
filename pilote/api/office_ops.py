"""Office over the API beyond events, meetings and to-do tasks read, created and changed (apiops): a to-do task
delegated or commented, the filing plan's folders listed and created (an event deleted: on `api.office`'s router,
where its path is) — through the pages' forms and `office.services`, with their permissions and their objects' own
rules (a task one does not see: 404)."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import ObjectId, OptionalId, Page, Paging, RequiredId, guarded, page_of, through_form
from pilote.api.documents import DocumentOut
from pilote.api.office import TodoOut, _todo
from pilote.office.forms import CommentForm, DelegateForm
from pilote.office.services import tasks

router = Router(tags=["Bureau"])


class DelegateIn(Schema):
    owner: RequiredId = Field(..., description="id de la personne à qui la tâche est déléguée")
    note: str = Field("", max_length=500, description="message joint (repris dans les commentaires)")


class CommentIn(Schema):
    text: str = Field(..., max_length=5000)


class CommentOut(Schema):
    id: int
    task_id: int
    author_id: int
    text: str
    created_at: dt.datetime


@guarded(router, "POST", "/taches-a-faire/{todo_id}/delegation", "office.tasks", response=TodoOut)
def delegate_todo(request, todo_id: ObjectId, payload: DelegateIn):
    """The task handed to someone else (noted in its comments), as on its page."""
    task = _todo(request, todo_id)
    data = through_form(DelegateForm, payload)
    return tasks.delegate_task(actor=request.auth, task=task, **data)


@guarded(router, "POST", "/taches-a-faire/{todo_id}/commentaires", "office.tasks", response={201: CommentOut})
def comment_todo(request, todo_id: ObjectId, payload: CommentIn):
    task = _todo(request, todo_id)
    text = through_form(CommentForm, payload)["text"]
    return Status(201, tasks.comment_task(actor=request.auth, task=task, text=text))


# --- the filing plan's folders -------------------------------------------------------------------------------------


class FolderOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    description: str
    document_count: int = Field(0, description="documents que l'appelant voit dans ce dossier")


class FolderIn(Schema):
    code: str = Field("", max_length=20, description="cote du plan de classement (« 2.1 »)")
    name: str = Field(..., max_length=120)
    parent: OptionalId = Field(None, description="id du dossier parent ; vide : un domaine (premier niveau)")
    description: str = Field("", max_length=300)


@guarded(router, "GET", "/dossiers", "office.documents.view", response=Page[FolderOut])
def list_folders(request, filters: Query[Paging]):
    """The filing plan, with the number of documents the caller sees in each folder, as its page."""
    from pilote.office.models import Folder
    from pilote.office.queries import documents as document_queries

    counts = {row["folder"]: row["n"] for row in document_queries.folder_counts(request.auth)}
    page = page_of(Folder.objects.order_by("code", "name"), filters)
    for folder in page["results"]:
        folder.document_count = counts.get(folder.pk, 0)
    return page


@guarded(router, "POST", "/dossiers", "office.documents.edit", response={201: FolderOut})
def create_folder(request, payload: FolderIn):
    """A folder added to the plan (a name twice at the same place: 409), as on its page."""
    from pilote.office.forms import FolderForm
    from pilote.office.services import documents

    return Status(201, documents.create_folder(actor=request.auth, **through_form(FolderForm, payload)))


# --- a document attached to a meeting ------------------------------------------------------------------------------


class MeetingDocumentIn(Schema):
    document: OptionalId = Field(None, description="id d'un document du classement que l'appelant voit")
    file_name: str = Field("", max_length=200, description="ou un fichier à classer puis joindre : son nom")
    content_base64: str = Field("", max_length=28 * 1024 * 1024, description="le contenu du fichier en base64")
    title: str = Field("", max_length=200, description="titre du fichier ; vide : son nom")
    folder: OptionalId = Field(None, description="id du dossier où ranger le fichier")


@guarded(router, "POST", "/reunions/{meeting_id}/documents", "office.meetings.edit", response={201: DocumentOut})
def attach_meeting_document(request, meeting_id: ObjectId, payload: MeetingDocumentIn):
    """A document of the store attached to the meeting, or a file filed in the store (the folder chosen, dated the
    meeting's day) and attached, as on the meeting's page (twice: 409)."""
    from pilote.api.base import fetch, uploaded_base64
    from pilote.office.forms import MeetingDocumentForm
    from pilote.office.models import Meeting
    from pilote.office.services import meetings

    meeting = fetch(Meeting, meeting_id)
    files = {"uploaded": uploaded_base64(payload.file_name, payload.content_base64)} if payload.content_base64 else {}
    fields = payload.dict(include={"document", "title", "folder"})
    data = through_form(MeetingDocumentForm, fields, current={}, files=files, user=request.auth)
    return Status(201, meetings.attach_document(actor=request.auth, meeting=meeting, **data))
