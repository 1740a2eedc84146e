"""Office's communication over the API (apioffice): the communication plan's actions, the stakeholder map, the
mailings (created, sent in the background job that e-mails each consenting address once, a bounce recorded) and the
contacts' consents, an event's invitations e-mailed — through the pages' forms and `office.services.communication`
/ `office.services.agenda`, with their permissions (office.meetings.view to read, office.meetings.edit to write,
office.book for invitations) and their rules (a mailing goes to the contacts with a consent given, never to an
address that unsubscribed or bounced; a consent is recorded with its date, its source and who recorded it)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, Page, Paging, RequiredId, fetch, guarded, page_of, through_form
from pilote.office.forms import CommActionForm, ConsentForm, MailingForm, StakeholderForm
from pilote.office.models import CommAction, Mailing, MailingRecipient
from pilote.office.models_communication import Channel, MailingStatus, RecipientStatus, StakeholderKind
from pilote.office.queries import communication as queries
from pilote.office.services import communication as services

router = Router(tags=["Bureau"])

Money = Decimal | None

# --- the communication plan ----------------------------------------------------------------------------------------


class CommActionOut(Schema):
    id: int
    title: str
    target: str
    channel: Channel
    starts_on: dt.date
    ends_on: dt.date | None
    budget: Decimal
    actual_cost: Decimal | None
    owner_id: int
    results: str


class CommActionPatch(Schema):
    title: str | None = Field(None, max_length=200)
    target: str | None = Field(None, max_length=200, description="cible")
    channel: Channel | None = None
    starts_on: Day | None = None
    ends_on: Day | None = Field(None, description="fin (vide : sans fin fixée)")
    budget: Money = Field(None, ge=0, max_digits=12, decimal_places=2, description="budget (€)")
    actual_cost: Money = Field(None, ge=0, max_digits=12, decimal_places=2, description="coût réel (€)")
    owner: OptionalId = Field(None, description="id du responsable")
    results: str | None = Field(None, max_length=5000)


class CommActionIn(CommActionPatch):
    title: str = Field(..., max_length=200)
    target: str = Field(..., max_length=200, description="cible")
    channel: Channel
    starts_on: Day
    budget: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2, description="budget (€)")
    owner: OptionalId = Field(None, description="id du responsable ; absent : l'appelant")


class CommActionFilters(Paging):
    canal: Channel | None = None
    tri: str = Field("", description="debut, action ou canal (préfixe - : ordre inverse)")


@guarded(router, "GET", "/actions-communication", "office.meetings.view", response=Page[CommActionOut])
def list_comm_actions(request, filters: Query[CommActionFilters]):
    """The communication plan's actions, of one channel, sorted as on its page."""
    data = filters.dict()
    return page_of(queries.actions(channel=data["canal"] or "", sort=data["tri"]), data)


@guarded(router, "GET", "/actions-communication/{comm_action_id}", "office.meetings.view", response=CommActionOut)
def get_comm_action(request, comm_action_id: ObjectId):
    return fetch(CommAction, comm_action_id)


@guarded(router, "POST", "/actions-communication", "office.meetings.edit", response={201: CommActionOut})
def create_comm_action(request, payload: CommActionIn):
    """An action added to the plan through its page's form (its owner the caller unless named; it ends after it
    starts)."""
    data = through_form(CommActionForm, payload, current={"owner": request.auth.pk})
    return Status(201, services.save_action(actor=request.auth, **data))


@guarded(router, "PATCH", "/actions-communication/{comm_action_id}", "office.meetings.edit", response=CommActionOut)
def update_comm_action(request, comm_action_id: ObjectId, payload: CommActionPatch):
    """The action changed through its page's form (costs, results…); the fields not sent are kept."""
    action = fetch(CommAction, comm_action_id)
    data = through_form(CommActionForm, payload.dict(exclude_unset=True), current=queries.action_initial(action))
    return services.save_action(actor=request.auth, action=action, **data)


# --- the stakeholder map -------------------------------------------------------------------------------------------


class StakeholderOut(Schema):
    id: int
    contact_id: int
    contact_name: str
    kind: StakeholderKind
    power: int
    interest: int
    quadrant: str = Field(..., description="stratégie : gérer étroitement, satisfaire, tenir informé, surveiller")
    owner_id: int | None
    notes: str
    last_exchange: dt.datetime | None = Field(None, description="dernier échange avec le contact")

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return str(obj.contact)


class StakeholderPatch(Schema):
    kind: StakeholderKind | None = None
    power: int | None = Field(None, ge=1, le=5, description="pouvoir (1 à 5)")
    interest: int | None = Field(None, ge=1, le=5, description="intérêt (1 à 5)")
    owner: OptionalId = Field(None, description="id du responsable de la relation")
    notes: str | None = Field(None, max_length=2000, description="enjeux")


class StakeholderIn(StakeholderPatch):
    contact: RequiredId = Field(..., description="id d'un contact actif (déjà sur la carte : il y est déplacé)")
    kind: StakeholderKind
    power: int = Field(..., ge=1, le=5, description="pouvoir (1 à 5)")
    interest: int = Field(..., ge=1, le=5, description="intérêt (1 à 5)")


class StakeholderFilters(Paging):
    categorie: StakeholderKind | None = None
    tri: str = Field("", description="nom, pouvoir, interet ou echange (préfixe - : ordre inverse)")


def _stakeholder(pk: int):
    return fetch(queries.stakeholders(), pk)


@guarded(router, "GET", "/parties-prenantes", "office.meetings.view", response=Page[StakeholderOut])
def list_stakeholders(request, filters: Query[StakeholderFilters]):
    """The stakeholder map's contacts with their quadrant and last exchange, as its page lists them."""
    data = filters.dict()
    return page_of(queries.stakeholders(kind=data["categorie"] or "", sort=data["tri"]), data)


@guarded(router, "GET", "/parties-prenantes/{stakeholder_id}", "office.meetings.view", response=StakeholderOut)
def get_stakeholder(request, stakeholder_id: ObjectId):
    return _stakeholder(stakeholder_id)


@guarded(router, "POST", "/parties-prenantes", "office.meetings.edit", response={201: StakeholderOut})
def place_stakeholder(request, payload: StakeholderIn):
    """A contact placed on the map through its page's form (one already there is moved)."""
    placed = services.place_stakeholder(actor=request.auth, **through_form(StakeholderForm, payload))
    return Status(201, _stakeholder(placed.pk))


@guarded(router, "PATCH", "/parties-prenantes/{stakeholder_id}", "office.meetings.edit", response=StakeholderOut)
def update_stakeholder(request, stakeholder_id: ObjectId, payload: StakeholderPatch):
    """A stakeholder moved on the map or its relationship changed; the fields not sent are kept."""
    stakeholder = _stakeholder(stakeholder_id)
    sent = payload.dict(exclude_unset=True)
    data = through_form(StakeholderForm, sent, current=queries.stakeholder_initial(stakeholder))
    services.place_stakeholder(actor=request.auth, **data)
    return _stakeholder(stakeholder_id)


# --- mailings ------------------------------------------------------------------------------------------------------


class MailingOut(Schema):
    id: int
    title: str
    subject: str
    body: str
    action_id: int | None
    segment_role: str
    segment_tag_id: int | None
    segment_city: str
    segment_activity: str
    status: MailingStatus
    created_by_id: int
    created_at: dt.datetime
    sent_at: dt.datetime | None


class MailingDetailOut(MailingOut):
    audience: int | None = Field(None, description="adresses qu'il toucherait maintenant (brouillon seulement)")
    recipients: dict[str, int] = Field(default_factory=dict, description="destinataires par état")

    @staticmethod
    def resolve_recipients(obj) -> dict[str, int]:
        return getattr(obj, "recipients_by_status", {})


SegmentRole = Literal[tuple(["", *services.ROLES])]  # type: ignore[valid-type]


class MailingIn(Schema):
    title: str = Field(..., max_length=200)
    template: OptionalId = Field(None, description="id d'un modèle de courriel (objet et texte repris s'ils manquent)")
    subject: str = Field("", max_length=200)
    body: str = Field("", max_length=50000, description="{nom} est remplacé par le nom du destinataire")
    action: OptionalId = Field(None, description="id de l'action du plan")
    role: SegmentRole = Field("", description="segment : rôle des contacts")
    tag: OptionalId = Field(None, description="segment : id d'une étiquette de contacts")
    city: str = Field("", max_length=100, description="segment : ville")
    activity: str = Field("", max_length=6, description="segment : début du code NAF")


class MailingFilters(Paging):
    etat: MailingStatus | None = None


class RecipientOut(Schema):
    id: int
    contact_id: int | None
    email: str
    name: str
    status: RecipientStatus
    sent_at: dt.datetime | None


def _detail(mailing_id: int) -> Mailing:
    from django.db.models import Count

    mailing = fetch(Mailing, mailing_id)
    mailing.audience = services.audience(mailing) if mailing.status == MailingStatus.DRAFT else None
    counts = mailing.recipients.values("status").annotate(n=Count("id")).order_by("status")
    mailing.recipients_by_status = {row["status"]: row["n"] for row in counts}
    return mailing


@guarded(router, "GET", "/envois", "office.meetings.view", response=Page[MailingOut])
def list_mailings(request, filters: Query[MailingFilters]):
    """The mailings, the latest first, as their page lists them."""
    data = filters.dict()
    mailings = Mailing.objects.all()
    if data["etat"]:
        mailings = mailings.filter(status=data["etat"])
    return page_of(mailings, data)


@guarded(router, "GET", "/envois/{mailing_id}", "office.meetings.view", response=MailingDetailOut)
def get_mailing(request, mailing_id: ObjectId):
    """A mailing with, while a draft, how many addresses it would reach now, and its recipients by state."""
    return _detail(mailing_id)


@guarded(router, "GET", "/envois/{mailing_id}/destinataires", "office.meetings.view", response=Page[RecipientOut])
def list_mailing_recipients(request, mailing_id: ObjectId, paging: Query[Paging]):
    mailing = fetch(Mailing, mailing_id)
    return page_of(mailing.recipients.order_by("email", "id"), paging)


@guarded(router, "POST", "/envois", "office.meetings.edit", response={201: MailingDetailOut})
def create_mailing(request, payload: MailingIn):
    """A draft mailing through its page's form: a template or a subject and a text, a segment of the contacts."""
    data = through_form(MailingForm, payload)
    data.pop("template", None)
    return Status(201, _detail(services.create_mailing(actor=request.auth, **data).pk))


@guarded(router, "POST", "/envois/{mailing_id}/envoi", "office.meetings.edit", response={202: MailingDetailOut})
def send_mailing(request, mailing_id: ObjectId):
    """The draft sent as from its page: its recipients fixed (the segment's contacts with a consent given and an
    address not unsubscribed nor bounced, each address once), the e-mails sent by batches in a background job (202);
    sent already or nobody to send to: 409."""
    services.start_sending(actor=request.auth, mailing=fetch(Mailing, mailing_id),
                           base_url=request.build_absolute_uri("/"))  # fmt: skip
    return Status(202, _detail(mailing_id))


@guarded(router, "POST", "/envois/destinataires/{recipient_id}/erreur", "office.meetings.edit",
         response=RecipientOut)  # fmt: skip
def bounce_recipient(request, recipient_id: ObjectId):
    """A recipient's address in error: no later mailing goes to it (the suppression list)."""
    recipient = fetch(MailingRecipient, recipient_id)
    services.record_bounce(actor=request.auth, recipient=recipient)
    recipient.refresh_from_db()
    return recipient


# --- consents ------------------------------------------------------------------------------------------------------


class ConsentOut(Schema):
    contact_id: int
    contact_name: str
    email: str
    given: bool = Field(..., description="consentement donné (sans consentement enregistré : false)")
    source: str = Field(..., description="comment il a été recueilli ou retiré")
    recorded_at: dt.datetime | None
    recorded_by_id: int | None
    suppressed: bool = Field(..., description="adresse désinscrite ou en erreur : aucun envoi ne lui part")


class ConsentIn(Schema):
    given: bool = Field(..., description="true : donné ; false : retiré")
    source: str = Field(..., max_length=200, description="formulaire, salon, contrat, courriel…")


class ConsentFilters(Paging):
    donne: bool | None = Field(None, description="true : consentements donnés ; false : retirés")


def _consent_row(contact, consent, suppressed: bool) -> dict:
    return {
        "contact_id": contact.pk, "contact_name": str(contact), "email": contact.email,
        "given": bool(consent and consent.given), "source": consent.source if consent else "",
        "recorded_at": consent.recorded_at if consent else None,
        "recorded_by_id": consent.recorded_by_id if consent else None, "suppressed": suppressed,
    }  # fmt: skip


def _consent_of(contact) -> dict:
    from pilote.office.models import Consent

    consent = Consent.objects.filter(contact=contact).first()
    return _consent_row(contact, consent, queries.suppressed(contact.email))


@guarded(router, "GET", "/consentements", "office.meetings.view", response=Page[ConsentOut])
def list_consents(request, filters: Query[ConsentFilters]):
    """The recorded consents by contact name, as their page lists them."""
    data = filters.dict()
    consents = queries.consents()
    if data["donne"] is not None:
        consents = consents.filter(given=data["donne"])
    page = page_of(consents, data)
    excluded = queries.suppressed_among([consent.contact.email for consent in page["results"]])
    page["results"] = [_consent_row(consent.contact, consent, consent.contact.email.strip().lower() in excluded)
                       for consent in page["results"]]  # fmt: skip
    return page


@guarded(router, "GET", "/contacts/{contact_id}/consentement", "office.meetings.view", response=ConsentOut)
def get_consent(request, contact_id: ObjectId):
    from pilote.contacts.models import Contact

    return _consent_of(fetch(Contact, contact_id))


@guarded(router, "PUT", "/contacts/{contact_id}/consentement", "office.meetings.edit", response=ConsentOut)
def record_consent(request, contact_id: ObjectId, payload: ConsentIn):
    """The contact's consent given or withdrawn through the consents page's form (an active contact with an address;
    how it was obtained required), dated now and signed by the caller; an unsubscribed address stays excluded."""
    from pilote.contacts.models import Contact

    contact = fetch(Contact, contact_id)
    data = through_form(ConsentForm, {"contact": contact.pk, "given": "1" if payload.given else "0",
                                      "source": payload.source})  # fmt: skip
    services.record_consent(actor=request.auth, **data)
    return _consent_of(contact)


# --- an event's invitations ----------------------------------------------------------------------------------------


class InvitationsSentOut(Schema):
    envoyees: int = Field(..., description="invitations envoyées (participants qui ont une adresse)")


@guarded(router, "POST", "/evenements/{event_id}/invitations", "office.book", response=InvitationsSentOut)
def invite_event(request, event_id: ObjectId):
    """Each attendee with an address e-mailed the invitation and its .ics, as from the event's page, by someone who
    writes in its calendar (otherwise 409)."""
    from pilote.api.office import _event
    from pilote.office.services import agenda

    return {"envoyees": agenda.send_invitations(actor=request.auth, event=_event(request, event_id))}
