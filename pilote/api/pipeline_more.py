"""A tender's file beyond its header and decision (apia): its go/no-go grid (criteria weighted and scored, the
weighted percentage against the tender's threshold), its tasks and its private documents (sent in base64, checked as
the page's upload is, read back only through the API) — each write through the page's form and
`pipeline.tender_services`."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import Field, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, RequiredId, fetch, guarded, through_form, uploaded_base64
from pilote.pipeline.models import DocumentKind, Tender, TenderCriterion, TenderDocument, TenderTask

router = Router(tags=["Appels d'offres"])


class CriterionOut(Schema):
    id: int
    label: str
    weight: int
    score: int | None
    position: int


class GridOut(Schema):
    tender_id: int
    go_threshold: int
    percent: Decimal | None = Field(description="note pondérée en % ; vide tant qu'aucun critère n'est noté")
    scored: int
    total: int
    recommendation: str = Field(description="go, no_go ou incomplete")
    criteria: list[CriterionOut]


def _grid(tender: Tender) -> dict:
    from pilote.pipeline import queries

    criteria, result = queries.tender_grid(tender)
    return {"tender_id": tender.pk, "go_threshold": tender.go_threshold, "percent": result.percent,
            "scored": result.scored, "total": result.total, "recommendation": result.recommendation,
            "criteria": criteria}  # fmt: skip


@guarded(router, "GET", "/appels-offres/{tender_id}/grille", "pipeline.view", response=GridOut)
def get_grid(request, tender_id: ObjectId):
    """The go/no-go grid as the tender's page shows it, with its recommendation."""
    return _grid(fetch(Tender, tender_id))


class ScoreIn(Schema):
    criterion: RequiredId = Field(..., description="id d'un critère de la grille")
    weight: int = Field(..., ge=1, le=10)
    score: int | None = Field(None, ge=0, le=5, description="note de 0 à 5 ; vide : pas encore notée")


class GridIn(Schema):
    scores: list[ScoreIn] = Field(..., min_length=1, max_length=100)


@guarded(router, "PUT", "/appels-offres/{tender_id}/grille", "pipeline.edit", response=GridOut)
def score_grid(request, tender_id: ObjectId, payload: GridIn):
    """Weights and scores of the grid's criteria (those not sent keep theirs), through the page's grid form."""
    from pilote.pipeline import tender_services
    from pilote.pipeline.forms import GridForm

    tender = fetch(Tender, tender_id)
    criteria = list(tender.criteria.all())
    known = {criterion.pk for criterion in criteria}
    unknown = [str(row.criterion) for row in payload.scores if row.criterion not in known]
    if unknown:
        raise ValidationError({"scores": [f"Critère(s) {', '.join(unknown)} : pas un critère de ce dossier."]})
    data = {}
    for criterion in criteria:
        data |= {f"weight_{criterion.pk}": criterion.weight,
                 f"score_{criterion.pk}": "" if criterion.score is None else str(criterion.score)}  # fmt: skip
    for row in payload.scores:
        data |= {f"weight_{row.criterion}": row.weight, f"score_{row.criterion}": "" if row.score is None else
                 str(row.score)}  # fmt: skip
    form = GridForm(criteria=criteria)
    form.cleaned_data = through_form(GridForm, data, criteria=criteria)
    tender_services.score_grid(actor=request.auth, tender=tender, rows=form.scores())
    return _grid(fetch(Tender, tender_id))


class CriterionIn(Schema):
    label: str = Field(..., max_length=150)
    weight: int = Field(1, ge=1, le=10)


@guarded(router, "POST", "/appels-offres/{tender_id}/criteres", "pipeline.edit", response={201: GridOut})
def add_criterion(request, tender_id: ObjectId, payload: CriterionIn):
    from pilote.pipeline import tender_services
    from pilote.pipeline.forms import CriterionForm

    tender = fetch(Tender, tender_id)
    tender_services.add_criterion(actor=request.auth, tender=tender, **through_form(CriterionForm, payload))
    return Status(201, _grid(tender))


@guarded(router, "DELETE", "/criteres-appel-offres/{criterion_id}", "pipeline.edit", response={204: None})
def delete_criterion(request, criterion_id: ObjectId):
    from pilote.pipeline import tender_services

    tender_services.delete_criterion(actor=request.auth, criterion=fetch(TenderCriterion, criterion_id))
    return Status(204, None)


# --- tasks ----------------------------------------------------------------------------------------------------------


class TenderTaskOut(Schema):
    id: int
    tender_id: int
    title: str
    assignee_id: int | None
    due_date: dt.date | None
    done: bool
    done_at: dt.datetime | None


@guarded(router, "GET", "/appels-offres/{tender_id}/taches", "pipeline.view", response=list[TenderTaskOut])
def list_tasks(request, tender_id: ObjectId):
    from pilote.pipeline import queries

    return list(queries.tender_tasks(fetch(Tender, tender_id)))


class TenderTaskIn(Schema):
    title: str = Field(..., max_length=200)
    assignee: OptionalId = Field(None, description="id d'un utilisateur du commercial")
    due_date: Day | None = None


@guarded(router, "POST", "/appels-offres/{tender_id}/taches", "pipeline.edit", response={201: TenderTaskOut})
def add_task(request, tender_id: ObjectId, payload: TenderTaskIn):
    from pilote.pipeline import tender_services
    from pilote.pipeline.forms import TaskForm

    data = through_form(TaskForm, payload)
    return Status(201, tender_services.add_task(actor=request.auth, tender=fetch(Tender, tender_id), **data))


class TenderTaskDoneIn(Schema):
    done: bool = True


@guarded(router, "POST", "/taches-appel-offres/{tender_task_id}/fait", "pipeline.edit", response=TenderTaskOut)
def set_task_done(request, tender_task_id: ObjectId, payload: TenderTaskDoneIn):
    from pilote.pipeline import tender_services

    return tender_services.set_task_done(actor=request.auth, task=fetch(TenderTask, tender_task_id), done=payload.done)


@guarded(router, "DELETE", "/taches-appel-offres/{tender_task_id}", "pipeline.edit", response={204: None})
def delete_task(request, tender_task_id: ObjectId):
    from pilote.pipeline import tender_services

    tender_services.delete_task(actor=request.auth, task=fetch(TenderTask, tender_task_id))
    return Status(204, None)


# --- documents ------------------------------------------------------------------------------------------------------


class TenderDocumentOut(Schema):
    id: int
    tender_id: int
    kind: str
    original_name: str
    size: int
    uploaded_by_id: int | None
    uploaded_at: dt.datetime


@guarded(router, "GET", "/appels-offres/{tender_id}/pieces", "pipeline.view", response=list[TenderDocumentOut])
def list_documents(request, tender_id: ObjectId):
    return list(fetch(Tender, tender_id).documents.order_by("uploaded_at", "pk"))


# 20 Mo of file (a tender document's upload limit) in base64, and a little more: the form says the limit in French.
MAX_BASE64 = 28 * 1024 * 1024


class TenderDocumentIn(Schema):
    kind: DocumentKind = DocumentKind.DCE
    file_name: str = Field(..., max_length=200, description="nom du fichier, avec son extension")
    content_base64: str = Field(..., max_length=MAX_BASE64, description="le contenu du fichier en base64")


@guarded(router, "POST", "/appels-offres/{tender_id}/pieces", "pipeline.edit", response={201: TenderDocumentOut})
def attach_document(request, tender_id: ObjectId, payload: TenderDocumentIn):
    """A document of the tender's file, checked as the page's upload (size, type, no program), kept privately."""
    from pilote.pipeline import tender_services
    from pilote.pipeline.forms import DocumentForm

    uploaded = uploaded_base64(payload.file_name, payload.content_base64)
    data = through_form(DocumentForm, {"kind": payload.kind}, files={"file": uploaded})
    data["file"].seek(0)
    document = tender_services.attach_document(actor=request.auth, tender=fetch(Tender, tender_id), kind=data["kind"],
                                               uploaded=data["file"])  # fmt: skip
    return Status(201, document)


@guarded(router, "GET", "/pieces-appel-offres/{tender_document_id}", "pipeline.view")
def download_document(request, tender_document_id: ObjectId):
    """The document's file, as an attachment (never shown inline)."""
    document = fetch(TenderDocument, tender_document_id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@guarded(router, "DELETE", "/pieces-appel-offres/{tender_document_id}", "pipeline.edit", response={204: None})
def delete_document(request, tender_document_id: ObjectId):
    from pilote.pipeline import tender_services

    tender_services.delete_document(actor=request.auth, document=fetch(TenderDocument, tender_document_id))
    return Status(204, None)
