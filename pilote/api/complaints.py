"""Customer complaints over the API: list (the list page's filters), read with their history, record, change, and
their follow-up — a note or an answer, an assignment, the closure, a reopening — through the pages' forms and
`complaints.services`."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    Moment,
    ObjectId,
    OptionalId,
    PageNumber,
    PageSize,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    through_form,
)
from pilote.complaints import queries, services
from pilote.complaints.models import Complaint
from pilote.core.listing import sort_queryset

router = Router(tags=["Réclamations"])
VERSION = "Version lue ; si la réclamation a changé depuis, réponse 409."


class ComplaintEntryOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    author_id: int | None
    text: str
    medium: str


class ComplaintOut(Schema):
    id: int
    reference: str
    customer_id: int
    received_on: dt.date
    channel: str
    category: str
    severity: str
    expectation: str
    subject: str
    description: str
    order_id: int | None
    invoice_id: int | None
    assignee_id: int | None
    answer_due: dt.date
    status: str
    first_answer_on: dt.date | None
    closed_on: dt.date | None
    resolution: str
    root_cause: str
    version: int


class ComplaintDetailOut(ComplaintOut):
    entries: list[ComplaintEntryOut]

    @staticmethod
    def resolve_entries(obj: Complaint):
        return list(obj.entries.order_by("at", "pk"))


class ComplaintPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ComplaintOut]


class ComplaintFilters(Schema):
    q: Words = ""
    statut: str = Field("", description="ouvertes, en_retard, ou un statut (new, in_progress, answered, closed…)")
    categorie: str = Field("", description="quality, late_delivery, billing, service, damaged, other")
    gravite: str = Field("", description="minor, major ou critical")
    responsable: str = Field("", pattern=r"^(|aucun|[0-9]{1,15})$", description="id d'un utilisateur, ou aucun")
    client: OptionalId = None
    du: Day | None = None
    au: Day | None = None
    tri: str = Field("-recue", description="recue, client, gravite, statut, echeance, objet ; préfixe - décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


class ComplaintPatch(Schema):
    customer: OptionalId = None
    received_on: Day | None = None
    channel: str | None = Field(None, description="phone, email, letter, visit ou web")
    category: str | None = Field(None, description="quality, late_delivery, billing, service, damaged ou other")
    severity: str | None = Field(None, description="minor, major ou critical")
    expectation: str | None = None
    subject: str | None = None
    description: str | None = None
    assignee: OptionalId = None
    answer_due: Day | None = Field(None, description="vide : selon la gravité (2, 5 ou 10 jours ouvrés)")
    order_number: str | None = Field(None, description="n° d'une commande du client")
    invoice_number: str | None = Field(None, description="n° d'une facture émise du client")


class ComplaintIn(ComplaintPatch):
    customer: RequiredId
    received_on: Day
    category: str
    subject: str


class ComplaintUpdate(ComplaintPatch):
    version: int | None = Field(None, description=VERSION)


class ComplaintEntryIn(Schema):
    kind: str = Field("answer", description="answer (réponse au client) ou note (note interne)")
    medium: str = Field("email", description="moyen de la réponse : email, phone, letter ou meeting")
    at: Moment | None = Field(None, description="date (pas dans le futur ; sinon maintenant)")
    text: str


class AssignIn(Schema):
    assignee: RequiredId


class ComplaintCloseIn(Schema):
    resolution: str = Field(..., description="corrective, goodwill, unfounded ou dropped")
    root_cause: str = ""
    closed_on: Day | None = None


class ReopenIn(Schema):
    reason: str


@guarded(router, "GET", "/reclamations", "complaints.view", response=ComplaintPage)
def list_complaints(request, filters: Query[ComplaintFilters]):
    data = filters.dict()
    rows = sort_queryset(queries.filter_complaints(data), data["tri"], queries.SORTS, queries.DEFAULT_SORT)
    return page_of(rows, data)


@guarded(router, "GET", "/reclamations/{complaint_id}", "complaints.view", response=ComplaintDetailOut)
def get_complaint(request, complaint_id: ObjectId):
    return fetch(Complaint, complaint_id)


def _service_fields(payload: dict, instance=None) -> dict:
    """The page's form checks the payload (the order and invoice by number) and gives the service's fields."""
    from pilote.complaints.forms import ComplaintForm

    form = ComplaintForm(instance=instance)
    if instance is not None:  # the documents the complaint is about stay unless sent again (as the page shows them)
        for name in ("order_number", "invoice_number"):
            payload.setdefault(name, form.fields[name].initial)
    form.cleaned_data = through_form(ComplaintForm, payload, instance=instance)
    return form.service_fields()


@guarded(router, "POST", "/reclamations", "complaints.edit", response={201: ComplaintDetailOut})
def record_complaint(request, payload: ComplaintIn):
    complaint = services.record_complaint(actor=request.auth, **_service_fields(payload.dict(exclude_none=True)))
    return Status(201, fetch(Complaint, complaint.pk))


@guarded(router, "PATCH", "/reclamations/{complaint_id}", "complaints.edit", response=ComplaintDetailOut)
def update_complaint(request, complaint_id: ObjectId, payload: ComplaintUpdate):
    complaint = fetch(Complaint, complaint_id)
    fields = _service_fields(payload.dict(exclude={"version"}, exclude_unset=True), instance=complaint)
    services.update_complaint(actor=request.auth, complaint=fetch(Complaint, complaint_id),
                              expected_version=payload.version, **fields)  # fmt: skip
    return fetch(Complaint, complaint_id)


@guarded(router, "POST", "/reclamations/{complaint_id}/suivi", "complaints.edit", response=ComplaintDetailOut)
def add_entry(request, complaint_id: ObjectId, payload: ComplaintEntryIn):
    """An answer to the customer (the first one moves the complaint to « Répondue ») or an internal note."""
    from pilote.complaints.forms import EntryForm
    from pilote.complaints.models import EntryKind

    data = through_form(EntryForm, payload)
    complaint = fetch(Complaint, complaint_id)
    if data["kind"] == EntryKind.NOTE:
        services.add_note(actor=request.auth, complaint=complaint, text=data["text"], at=data.get("at"))
    else:
        services.answer_complaint(actor=request.auth, complaint=complaint, text=data["text"],
                                  medium=data.get("medium") or "email", at=data.get("at"))  # fmt: skip
    return fetch(Complaint, complaint_id)


@guarded(router, "POST", "/reclamations/{complaint_id}/attribution", "complaints.edit", response=ComplaintDetailOut)
def assign_complaint(request, complaint_id: ObjectId, payload: AssignIn):
    from pilote.complaints.forms import AssignForm

    data = through_form(AssignForm, payload)
    services.assign_complaint(actor=request.auth, complaint=fetch(Complaint, complaint_id), assignee=data["assignee"])
    return fetch(Complaint, complaint_id)


@guarded(router, "POST", "/reclamations/{complaint_id}/cloture", "complaints.edit", response=ComplaintDetailOut)
def close_complaint(request, complaint_id: ObjectId, payload: ComplaintCloseIn):
    from pilote.complaints.forms import CloseForm

    data = through_form(CloseForm, payload)
    services.close_complaint(actor=request.auth, complaint=fetch(Complaint, complaint_id),
                             resolution=data["resolution"], root_cause=data["root_cause"],
                             closed_on=data.get("closed_on"))  # fmt: skip
    return fetch(Complaint, complaint_id)


@guarded(router, "POST", "/reclamations/{complaint_id}/reouverture", "complaints.edit", response=ComplaintDetailOut)
def reopen_complaint(request, complaint_id: ObjectId, payload: ReopenIn):
    from pilote.complaints.forms import ReopenForm

    data = through_form(ReopenForm, payload)
    services.reopen_complaint(actor=request.auth, complaint=fetch(Complaint, complaint_id), reason=data["reason"])
    return fetch(Complaint, complaint_id)
