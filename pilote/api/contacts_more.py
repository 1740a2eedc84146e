"""Contacts over the API beyond their card (apiqual): a contact's persons and extra (delivery) addresses listed, added,
changed and deleted through the page's forms and `contacts.services.save_person` / `save_address` (one primary
person, one default delivery address), a contact archived or reactivated, an exchange deleted by its author or
direction — with the pages' permissions."""

from ninja import Field, Router, Schema, Status

from pilote.api.base import ObjectId, fetch, guarded, through_form
from pilote.api.contacts import ContactOut
from pilote.contacts import queries, services
from pilote.contacts.forms import AddressForm, PersonForm
from pilote.contacts.models import Address, Contact, ContactPerson

router = Router(tags=["Contacts"])


class PersonOut(Schema):
    id: int
    contact_id: int
    civility: str
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    is_primary: bool


class PersonPatch(Schema):
    civility: str | None = Field(None, description="M., Mme ou vide")
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary: bool | None = Field(None, description="vrai : l'interlocuteur principal (l'ancien ne l'est plus)")


class PersonIn(PersonPatch):
    last_name: str


class AddressOut(Schema):
    id: int
    contact_id: int
    label: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str
    is_default_delivery: bool


class AddressPatch(Schema):
    label: str | None = None
    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = Field(None, description="code ISO à deux lettres (FR)")
    is_default_delivery: bool | None = Field(None, description="vrai : l'adresse de livraison par défaut (une seule)")


class AddressIn(AddressPatch):
    line1: str
    postal_code: str
    city: str


class ArchiveIn(Schema):
    archive: bool = Field(..., description="vrai : archiver le contact ; faux : le réactiver")


# As the page's `related.KINDS`: persons and addresses share one set of operations.
KINDS = {
    "person": (ContactPerson, PersonForm, services.save_person, services.delete_person),
    "address": (Address, AddressForm, services.save_address, services.delete_address),
}


def _add(request, kind: str, contact_id: int, payload: Schema):
    _, form_class, save, _ = KINDS[kind]
    contact = fetch(Contact, contact_id)
    return Status(201, save(actor=request.auth, contact=contact, **through_form(form_class, payload)))


def _change(request, kind: str, pk: int, payload: Schema):
    """The page's form over the row's current values (a copy: the form fills its instance), then its service."""
    model, form_class, save, _ = KINDS[kind]
    row = fetch(model.objects.select_related("contact"), pk)
    fields = through_form(form_class, payload, instance=fetch(model, pk))
    return save(actor=request.auth, contact=row.contact, **{kind: row}, **fields)


def _remove(request, kind: str, pk: int):
    model, _, _, delete = KINDS[kind]
    delete(actor=request.auth, **{kind: fetch(model, pk)})
    return Status(204, None)


@guarded(router, "GET", "/contacts/{contact_id}/interlocuteurs", "contacts.view", response=list[PersonOut])
def list_persons(request, contact_id: ObjectId):
    return list(fetch(Contact, contact_id).persons.all())


@guarded(router, "POST", "/contacts/{contact_id}/interlocuteurs", "contacts.edit", response={201: PersonOut})
def add_person(request, contact_id: ObjectId, payload: PersonIn):
    """A person to talk to; made the primary one, the former primary person no longer is."""
    return _add(request, "person", contact_id, payload)


@guarded(router, "PATCH", "/contacts/interlocuteurs/{person_id}", "contacts.edit", response=PersonOut)
def change_person(request, person_id: ObjectId, payload: PersonPatch):
    return _change(request, "person", person_id, payload)


@guarded(router, "DELETE", "/contacts/interlocuteurs/{person_id}", "contacts.edit", response={204: None})
def delete_person(request, person_id: ObjectId):
    return _remove(request, "person", person_id)


@guarded(router, "GET", "/contacts/{contact_id}/adresses", "contacts.view", response=list[AddressOut])
def list_addresses(request, contact_id: ObjectId):
    return list(fetch(Contact, contact_id).addresses.all())


@guarded(router, "POST", "/contacts/{contact_id}/adresses", "contacts.edit", response={201: AddressOut})
def add_address(request, contact_id: ObjectId, payload: AddressIn):
    """An address; made the default delivery one, the former default no longer is."""
    return _add(request, "address", contact_id, payload)


@guarded(router, "PATCH", "/contacts/adresses/{address_id}", "contacts.edit", response=AddressOut)
def change_address(request, address_id: ObjectId, payload: AddressPatch):
    return _change(request, "address", address_id, payload)


@guarded(router, "DELETE", "/contacts/adresses/{address_id}", "contacts.edit", response={204: None})
def delete_address(request, address_id: ObjectId):
    return _remove(request, "address", address_id)


@guarded(router, "POST", "/contacts/{contact_id}/archivage", "contacts.edit", response=ContactOut)
def archive_contact(request, contact_id: ObjectId, payload: ArchiveIn):
    """Archived (out of the lists and pickers, its history kept) or reactivated, as the contact page's button."""
    contact = fetch(Contact.objects.prefetch_related("tags"), contact_id)
    return services.set_contact_active(actor=request.auth, contact=contact, active=not payload.archive)


@guarded(router, "DELETE", "/contacts/echanges/{interaction_id}", "contacts.log_interaction", response={204: None})
def delete_interaction(request, interaction_id: ObjectId):
    """An exchange of the history the caller may read, deleted by its author or direction (others: 409)."""
    interaction = fetch(queries.readable_interactions(request.auth), interaction_id)
    services.delete_interaction(actor=request.auth, interaction=interaction)
    return Status(204, None)
