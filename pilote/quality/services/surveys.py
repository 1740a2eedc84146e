"""Satisfaction surveys: a questionnaire built while in preparation (scales 1–5 and 1–10, single and multiple
choice, free text, NPS 0–10), opened to answers through one link per respondent — a random token of which only
the SHA-256 is kept (core.tokens.digest), sent by e-mail to chosen contacts or handed over as is —, answered once
per link without an account, then closed. Every verb refuses in French and is audited (the answers themselves
are the respondents', not audited)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.tokens import digest
from pilote.lib.dates import local_today
from pilote.quality.models import (
    SCALES,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
MAX_LINKS = 500  # links made at once
MAX_TEXT = 5000


@transaction.atomic
def create_survey(*, actor, title: str, intro: str = "", audience: str = SurveyAudience.CUSTOMERS) -> Survey:
    title = (title or "").strip()
    if not title:
        raise DomainError("Donnez un intitulé à l'enquête.")
    if audience not in SurveyAudience.values:
        raise DomainError("Ce public n'existe pas.")
    survey = Survey.objects.create(title=title[:200], intro=(intro or "").strip(), audience=audience, created_by=actor)
    audit.record(actor, "quality.survey.created", survey, after={"title": survey.title})
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def add_question(*, actor, survey: Survey, text: str, kind: str, choices=(), required: bool = True):
    current = _locked(survey)
    if current.status != SurveyStatus.DRAFT:
        raise DomainError("Le questionnaire d'une enquête ouverte ou close n'est plus modifiable.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Rédigez la question.")
    if kind not in QuestionKind.values:
        raise DomainError("Ce type de question n'existe pas.")
    choices = list(dict.fromkeys(c.strip()[:200] for c in choices or [] if c and c.strip()))
    if kind in CHOICE_KINDS and len(choices) < 2:
        raise DomainError("Une question à choix propose au moins deux choix (un par ligne).")
    if len(choices) > 20:
        raise DomainError("Vingt choix au plus par question.")
    position = (current.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    choices = choices if kind in CHOICE_KINDS else []
    question = SurveyQuestion.objects.create(survey=current, position=position, text=text[:300], kind=kind,
                                             choices=choices, required=required)  # fmt: skip
    audit.record(actor, "quality.survey.question_added", question, after={"text": question.text, "kind": kind})
    return question


@transaction.atomic
def open_survey(*, actor, survey: Survey) -> Survey:
    current = _locked(survey)
    if current.status != SurveyStatus.DRAFT:
        raise DomainError("Seule une enquête en préparation peut être ouverte.")
    if not current.questions.exists():
        raise DomainError("Ajoutez au moins une question avant d'ouvrir l'enquête.")
    current.status, current.opened_on = SurveyStatus.OPEN, local_today()
    current.save(update_fields=["status", "opened_on"])
    audit.record(actor, "quality.survey.opened", current, after={"status": current.status})
    return current


@transaction.atomic
def close_survey(*, actor, survey: Survey) -> Survey:
    current = _locked(survey)
    if current.status != SurveyStatus.OPEN:
        raise DomainError("Seule une enquête ouverte peut être close.")
    current.status, current.closed_on = SurveyStatus.CLOSED, local_today()
    current.save(update_fields=["status", "closed_on"])
    audit.record(actor, "quality.survey.closed", current, after={"status": current.status})
    return current


@dataclass(frozen=True)
class Link:
    invitation: SurveyInvitation
    url: str


def _new_invitation(survey, label: str, email: str = "", contact=None) -> tuple[SurveyInvitation, str]:
    token = secrets.token_urlsafe(24)
    invitation = SurveyInvitation.objects.create(survey=survey, contact=contact, label=label[:200], email=email,
                                                 token_digest=digest(token))  # fmt: skip
    return invitation, token


def answer_path(token: str) -> str:
    return reverse("quality:survey-answer", args=[token])


@transaction.atomic
def invite(
    *, actor, survey: Survey, contacts=(), links: int = 0, base_url: str, message: str = "", send: bool = True
) -> list[Link]:
    """One link per chosen contact, sent to its e-mail address (unless `send` is False: handed over by hand), and
    `links` more handed over as they are (shown once: only their digest is kept). Contacts without an e-mail
    address are refused, naming them."""
    current = _locked(survey)
    if current.status != SurveyStatus.OPEN:
        raise DomainError("Ouvrez l'enquête avant d'envoyer ses liens.")
    contacts = list(dict.fromkeys(contacts))
    if not contacts and links <= 0:
        raise DomainError("Choisissez des contacts ou un nombre de liens à créer.")
    if len(contacts) + links > MAX_LINKS:
        raise DomainError(f"{MAX_LINKS} liens au plus à la fois.")
    missing = [c.display_name for c in contacts if send and not c.email]
    if missing:
        raise DomainError(f"Sans adresse e-mail : {', '.join(missing[:10])}. Complétez leur fiche ou retirez-les.")
    base = base_url.rstrip("/")
    made = []
    for contact in contacts:
        invitation, token = _new_invitation(current, contact.display_name, contact.email, contact)
        url = base + answer_path(token)
        if not send:
            made.append(Link(invitation, url))
            continue
        body = (f"Bonjour,\n\n{(message or '').strip() or 'Votre avis nous aide à nous améliorer.'}\n\n"
                f"Répondez à l'enquête « {current.title} » (quelques minutes, sans compte) :\n{url}\n\n"
                "Ce lien est personnel et ne sert qu'une fois.\n")  # fmt: skip
        EmailMessage(f"Enquête de satisfaction : {current.title}", body, to=[contact.email]).send()
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
        made.append(Link(invitation, url))
    start = current.invitations.filter(contact__isnull=True).count()
    for n in range(links):
        invitation, token = _new_invitation(current, f"Lien n° {start + n + 1}")
        made.append(Link(invitation, base + answer_path(token)))
    audit.record(actor, "quality.survey.invited", current, after={"e-mails": len(contacts), "liens": links})
    return made


def invitation_for_token(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 100:
        return None
    value = digest(token)
    invitation = SurveyInvitation.objects.select_related("survey").filter(token_digest=value).first()
    if invitation is None or not hmac.compare_digest(invitation.token_digest, value):
        return None
    return invitation


def _clean_answer(question: SurveyQuestion, value):
    """(number, selected, text) of one answer, or None when left empty; refuses what the question cannot take."""
    kind = question.kind
    if kind in SCALES:
        if value in (None, ""):
            return None
        low, high = SCALES[kind]
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise DomainError(f"« {question.text} » : une note de {low} à {high}.")
        return number, [], ""
    if kind == QuestionKind.SINGLE:
        if not value:
            return None
        if value not in question.choices:
            raise DomainError(f"« {question.text} » : ce choix n'est pas proposé.")
        return None, [value], ""
    if kind == QuestionKind.MULTIPLE:
        values = [v for v in (value or []) if v]
        if not values:
            return None
        if any(v not in question.choices for v in values):
            raise DomainError(f"« {question.text} » : un des choix n'est pas proposé.")
        return None, list(dict.fromkeys(values)), ""
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(f"« {question.text} » : {MAX_TEXT} caractères au plus.")
    return (None, [], text) if text else None


@transaction.atomic
def submit(*, invitation: SurveyInvitation, values: dict) -> SurveyResponse:
    """The respondent's answers (question id → value); the link then serves no more."""
    current = SurveyInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if current.answered_at is not None:
        raise DomainError("Vous avez déjà répondu à cette enquête avec ce lien : merci !")
    if current.survey.status != SurveyStatus.OPEN:
        raise DomainError("Cette enquête est close : elle ne reçoit plus de réponses.")
    rows = []
    for question in current.survey.questions.order_by("position", "pk"):
        answer = _clean_answer(question, values.get(question.pk))
        if answer is None:
            if question.required:
                raise DomainError(f"« {question.text} » : réponse obligatoire.")
            continue
        rows.append((question, answer))
    now = timezone.now()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=current.survey, invitation=current, submitted_at=now)
    except IntegrityError as exc:
        raise DomainError("Vous avez déjà répondu à cette enquête avec ce lien : merci !") from exc
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=q, number=n, selected=s, text=t) for q, (n, s, t) in rows
    )
    current.answered_at = now
    current.save(update_fields=["answered_at"])
    return response
