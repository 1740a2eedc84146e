"""The communication plan and the mailings. A mailing goes to the contacts of a segment (role, tag, city,
activity) who have an address, a recorded consent (RGPD) and are not on the suppression list; its recipients are
fixed when it is sent (one row per address and mailing: a unique constraint, so a second run never sends twice)
and the e-mails go out in batches in a background job (core.jobs) whose progress the page shows. Each e-mail
carries an unsubscribe link that works without an account (a signed token of the address); unsubscribes and
bounces join the suppression list every later mailing skips."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core import audit, jobs
from pilote.core.exceptions import DomainError
from pilote.core.models import Job
from pilote.office.models import CommAction, Consent, Mailing, MailingRecipient, Suppression
from pilote.office.models_communication import MailingStatus, RecipientStatus

BATCH = 50
KIND = "office.mailing"
SALT = "office.unsubscribe"
ROLES = {"clients": "is_customer", "prospects": "is_prospect", "fournisseurs": "is_supplier",
         "financeurs": "is_funder", "partenaires": "is_partner"}  # fmt: skip
ROLE_CHOICES = [
    ("", "Tous les contacts"), ("clients", "Clients"), ("prospects", "Prospects"), ("fournisseurs", "Fournisseurs"),
    ("financeurs", "Financeurs"), ("partenaires", "Partenaires"),
]  # fmt: skip


@transaction.atomic
def save_action(*, actor, action: CommAction | None = None, **fields) -> CommAction:
    if fields.get("ends_on") and fields.get("starts_on") and fields["ends_on"] < fields["starts_on"]:
        raise DomainError("La fin d'une action suit son début.")
    before = audit.snapshot(action) if action else None
    action = action or CommAction()
    for key, value in fields.items():
        setattr(action, key, value)
    action.save()
    audit.record(actor, "office.comm_action.saved", action, before=before, after=audit.snapshot(action))
    return action


@transaction.atomic
def record_consent(*, actor, contact: Contact, given: bool, source: str) -> Consent:
    source = (source or "").strip()
    if not source:
        raise DomainError("Indiquez comment le consentement a été recueilli (ou retiré).")
    consent, _ = Consent.objects.update_or_create(
        contact=contact, defaults={"given": bool(given), "source": source[:200], "recorded_at": timezone.now(),
                                   "recorded_by": actor},
    )  # fmt: skip
    audit.record(actor, "office.consent.recorded", contact, after={"consentement": consent.given, "source": source})
    return consent


def segment(*, role: str = "", tag=None, city: str = "", activity: str = ""):
    """The contacts of a segment who may receive a mailing: active, with an address, consent given, not on
    the suppression list."""
    contacts = Contact.objects.filter(is_active=True, mailing_consent__given=True).exclude(email="")
    if role in ROLES:
        contacts = contacts.filter(**{ROLES[role]: True})
    if tag is not None:
        contacts = contacts.filter(tags=tag)
    if city := (city or "").strip():
        contacts = contacts.filter(city__iexact=city)
    if activity := (activity or "").strip().upper():
        contacts = contacts.filter(naf_code__istartswith=activity)
    suppressed = Suppression.objects.values("email")
    return contacts.exclude(Q(email__in=suppressed)).order_by("email")


def mailing_segment(mailing: Mailing):
    return segment(role=mailing.segment_role, tag=mailing.segment_tag, city=mailing.segment_city,
                   activity=mailing.segment_activity)  # fmt: skip


def audience(mailing: Mailing) -> int:
    """How many addresses the mailing would go to now (an address shared by two contacts counts once)."""
    return len({email.strip().lower() for email in mailing_segment(mailing).values_list("email", flat=True)})


@transaction.atomic
def create_mailing(*, actor, title: str, subject: str, body: str, action=None, role: str = "", tag=None,
                   city: str = "", activity: str = "") -> Mailing:  # fmt: skip
    if not (title or "").strip() or not (subject or "").strip() or not (body or "").strip():
        raise DomainError("Un envoi a un intitulé, un objet et un texte.")
    if role and role not in ROLES:
        raise DomainError("Ce rôle de contact n'existe pas.")
    mailing = Mailing.objects.create(title=title.strip(), subject=subject.strip(), body=body, action=action,
                                     segment_role=role, segment_tag=tag, segment_city=(city or "").strip(),
                                     segment_activity=(activity or "").strip().upper(), created_by=actor)  # fmt: skip
    audit.record(actor, "office.mailing.created", mailing, after=audit.snapshot(mailing))
    return mailing


def unsubscribe_token(email: str) -> str:
    return signing.dumps(email.lower(), salt=SALT, compress=True)


def email_of_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None


def start_sending(*, actor, mailing: Mailing, base_url: str) -> Job:
    """Fix the recipients (the segment today, each address once) and start the background job."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if mailing.status != MailingStatus.DRAFT:
            raise DomainError("Cet envoi est déjà parti.")
        seen = set()
        rows = []
        for contact in mailing_segment(mailing):
            email = contact.email.strip().lower()
            if email not in seen:
                seen.add(email)
                rows.append(MailingRecipient(mailing=mailing, contact=contact, email=email,
                                             name=contact.display_name[:200]))  # fmt: skip
        if not rows:
            raise DomainError("Aucun contact de ce segment n'a d'adresse, de consentement et d'inscription valides.")
        MailingRecipient.objects.bulk_create(rows)
        job = Job.objects.create(kind=KIND, created_by=actor, payload={"mailing": mailing.pk, "base_url": base_url})
        mailing.status, mailing.job = MailingStatus.SENDING, job
        mailing.save(update_fields=["status", "job"])
        audit.record(actor, "office.mailing.started", mailing, after={"destinataires": len(rows)})
        jobs.start(job, send_batches)
    return job


def _message(mailing: Mailing, recipient: MailingRecipient, base_url: str, connection) -> EmailMessage:
    link = base_url.rstrip("/") + reverse("office:unsubscribe", args=[unsubscribe_token(recipient.email)])
    body = mailing.body.replace("{nom}", recipient.name or "")
    body += f"\n\n—\nPour ne plus recevoir nos envois : {link}\n"
    message = EmailMessage(mailing.subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email],
                           connection=connection, headers={"List-Unsubscribe": f"<{link}>"})  # fmt: skip
    return message


@jobs.work
def send_batches(job: Job, progress) -> str:
    """Send the pending recipients by batches of BATCH; an address suppressed meanwhile is skipped; each row
    is marked sent as its batch goes, so an interrupted job restarted sends only what is left."""
    mailing = Mailing.objects.get(pk=job.payload["mailing"])
    base_url = job.payload.get("base_url", "")
    total = mailing.recipients.count()
    done = mailing.recipients.exclude(status=RecipientStatus.PENDING).count()
    progress(done, total)
    connection = get_connection()
    while True:
        batch = list(mailing.recipients.filter(status=RecipientStatus.PENDING).order_by("pk")[:BATCH])
        if not batch:
            break
        addresses = [r.email for r in batch]
        suppressed = set(Suppression.objects.filter(email__in=addresses).values_list("email", flat=True))
        for recipient in batch:
            if recipient.email in suppressed:
                recipient.status = RecipientStatus.FAILED
            else:
                try:
                    _message(mailing, recipient, base_url, connection).send()
                    recipient.status, recipient.sent_at = RecipientStatus.SENT, timezone.now()
                except OSError:
                    recipient.status = RecipientStatus.FAILED
            recipient.save(update_fields=["status", "sent_at"])
        done += len(batch)
        progress(done, total)
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENT, sent_at=timezone.now())
    sent = mailing.recipients.filter(status=RecipientStatus.SENT).count()
    return f"{sent} courriel(s) envoyé(s) sur {total}."


@transaction.atomic
def unsubscribe(*, token: str) -> str:
    """The address of a valid token joins the suppression list (idempotent); its consent is withdrawn."""
    email = email_of_token(token)
    if not email:
        raise DomainError("Ce lien de désinscription n'est pas valide.")
    try:
        with transaction.atomic():
            Suppression.objects.get_or_create(email=email, defaults={"reason": "unsubscribed"})
    except IntegrityError:
        pass
    Consent.objects.filter(contact__email__iexact=email).update(given=False, source="désinscription par lien",
                                                                recorded_at=timezone.now())  # fmt: skip
    audit.record(None, "office.mailing.unsubscribed", None, after={"adresse": email})
    return email


@transaction.atomic
def record_bounce(*, actor, recipient: MailingRecipient) -> None:
    MailingRecipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.BOUNCED)
    Suppression.objects.get_or_create(email=recipient.email, defaults={"reason": "bounced",
                                                                       "mailing": recipient.mailing})  # fmt: skip
    audit.record(actor, "office.mailing.bounced", recipient.mailing, after={"adresse": recipient.email})


@transaction.atomic
def place_stakeholder(*, actor, contact, kind: str, power: int, interest: int, owner=None, notes: str = ""):
    """Place a contact on the stakeholder map (or move it)."""
    from pilote.office.models import Stakeholder
    from pilote.office.models_communication import StakeholderKind

    if kind not in StakeholderKind.values:
        raise DomainError("Cette catégorie de partie prenante n'existe pas.")
    if not (1 <= int(power) <= 5 and 1 <= int(interest) <= 5):
        raise DomainError("Pouvoir et intérêt se notent de 1 à 5.")
    stakeholder, _ = Stakeholder.objects.update_or_create(
        contact=contact, defaults={"kind": kind, "power": int(power), "interest": int(interest), "owner": owner,
                                   "notes": notes or ""},
    )  # fmt: skip
    audit.record(actor, "office.stakeholder.placed", stakeholder, after=audit.snapshot(stakeholder))
    return stakeholder
