"""Contacts over the API: list (filtered, sorted, paged), read, create, update, exchanges."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Moment, ObjectId, PageNumber, PageSize, Words, guarded
from pilote.contacts import queries, services
from pilote.contacts.models import Contact, ContactKind, InteractionKind
from pilote.core.listing import sort_queryset

router = Router(tags=["Contacts"])


class ContactOut(Schema):
    id: int
    kind: str
    name: str
    first_name: str
    legal_form: str
    is_customer: bool
    is_prospect: bool
    is_supplier: bool
    is_funder: bool
    is_partner: bool
    siren: str
    siret: str
    vat_number: str
    naf_code: str
    iban: str
    bic: str
    email: str
    phone: str
    website: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    notes: str
    tags: list[str]
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Contact) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ContactPatch(Schema):
    kind: ContactKind | None = None
    name: str | None = None
    first_name: str | None = None
    legal_form: str | None = None
    is_customer: bool | None = None
    is_prospect: bool | None = None
    is_supplier: bool | None = None
    is_funder: bool | None = None
    is_partner: bool | None = None
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    naf_code: str | None = None
    iban: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    notes: str | None = None
    tags: list[str] | None = None


class ContactIn(ContactPatch):
    name: str


class ContactUpdate(ContactPatch):
    version: int | None = Field(None, description="Version lue ; si le contact a changé depuis, réponse 409.")


class ContactPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ContactOut]


class ContactFilters(Schema):
    q: Words = ""
    role: str = Field("", description="is_customer, is_prospect, is_supplier, is_funder ou is_partner")
    kind: str = ""
    departement: str = ""
    etat: str = Field("actifs", description="actifs, archives ou tous")
    tri: str = Field("nom", description="nom, ville, cp, cree, modifie ; préfixe - pour l'ordre décroissant")
    page: PageNumber = 1
    taille: PageSize = 50


class InteractionOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    subject: str
    body: str
    author: str
    person_id: int | None

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.username


class InteractionIn(Schema):
    kind: InteractionKind
    subject: str
    body: str = ""
    occurred_at: Moment | None = None


@guarded(router, "GET", "/contacts", "contacts.view", response=ContactPage)
def list_contacts(request, filters: Query[ContactFilters]):
    data = filters.dict()
    contacts = sort_queryset(queries.filter_contacts(data), data["tri"], queries.SORTS, "nom")
    count = contacts.count()
    start = (data["page"] - 1) * data["taille"]
    results = list(queries.with_list_relations(contacts)[start : start + data["taille"]])
    return {"count": count, "page": data["page"], "pages": -(-count // data["taille"]), "results": results}


@guarded(router, "GET", "/contacts/{contact_id}", "contacts.view", response=ContactOut)
def get_contact(request, contact_id: ObjectId):
    return get_object_or_404(Contact.objects.prefetch_related("tags"), pk=contact_id)


@guarded(router, "POST", "/contacts", "contacts.edit", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    fields = payload.dict(exclude_unset=True)
    tags = fields.pop("tags", None)
    return Status(201, services.create_contact(actor=request.auth, tags=tags, **fields))


@guarded(router, "PATCH", "/contacts/{contact_id}", "contacts.edit", response=ContactOut)
def update_contact(request, contact_id: ObjectId, payload: ContactUpdate):
    contact = get_object_or_404(Contact, pk=contact_id)
    fields = payload.dict(exclude_unset=True)
    tags = fields.pop("tags", None)
    expected = fields.pop("version", None)
    return services.update_contact(actor=request.auth, contact=contact, tags=tags, expected_version=expected, **fields)


@guarded(router, "GET", "/contacts/{contact_id}/echanges", "contacts.view", response=list[InteractionOut])
def list_interactions(request, contact_id: ObjectId):
    return list(queries.recent_interactions(get_object_or_404(Contact, pk=contact_id), request.auth, limit=500))


@guarded(router, "POST", "/contacts/{contact_id}/echanges", "contacts.log_interaction", response={201: InteractionOut})
def log_interaction(request, contact_id: ObjectId, payload: InteractionIn):
    contact = get_object_or_404(Contact, pk=contact_id)
    fields = payload.dict(exclude_none=True)
    return Status(201, services.log_interaction(actor=request.auth, contact=contact, **fields))
