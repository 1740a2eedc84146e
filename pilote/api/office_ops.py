"""Office over the API beyond events, meetings and to-do tasks read, created and changed (apiops): a to-do task
delegated or commented (an event deleted: on `api.office`'s router, where its path is) — through the pages' forms
and `office.services`, with their permissions and their objects' own rules (a task one does not see: 404)."""

import datetime as dt

from ninja import Field, Router, Schema, Status

from pilote.api.base import ObjectId, RequiredId, guarded, through_form
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
