"""Every write of the receivables app: dunning levels, dunning letters, holds, credit limits."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.models import Structure
from pilote.ledger.models import EntryLine
from pilote.lib.french import de
from pilote.lib.money import round_eur
from pilote.receivables import documents, dunning, ledger_items, templating
from pilote.receivables.models import (
    Channel,
    CreditLimit,
    DunningHold,
    DunningLetter,
    DunningLetterLine,
    DunningLevel,
)
from pilote.sales.models import Invoice

LEVEL_FIELDS = (
    "rank",
    "title",
    "days_after_due",
    "channel",
    "include_penalties",
    "email_subject",
    "email_body",
    "letter_body",
    "is_active",
)


def _check_level(data: dict, level: DunningLevel | None) -> None:
    problems = []
    for name, label in (("email_subject", "Objet"), ("email_body", "E-mail"), ("letter_body", "Courrier")):
        problems += templating.check_template(data.get(name, ""), label)
    if not str(data.get("title", "")).strip():
        problems.append("L'intitulé est obligatoire.")
    if int(data.get("rank", 0)) < 1:
        problems.append("Le niveau doit être un entier positif.")
    clash = DunningLevel.objects.filter(rank=data.get("rank"))
    if level is not None:
        clash = clash.exclude(pk=level.pk)
    if clash.exists():
        problems.append(f"Le niveau {data.get('rank')} existe déjà.")
    if problems:
        raise DomainError(" ".join(problems))


@transaction.atomic
def create_level(*, actor, **data) -> DunningLevel:
    _check_level(data, None)
    level = DunningLevel.objects.create(**{k: v for k, v in data.items() if k in LEVEL_FIELDS})
    audit.record(actor, "receivables.level.created", level, after=audit.snapshot(level))
    return level


@transaction.atomic
def update_level(*, actor, level: DunningLevel, version: int | None, **data) -> DunningLevel:
    level = DunningLevel.objects.select_for_update().get(pk=level.pk)
    check_version(level.version, version, "Ce niveau de relance")
    _check_level(data, level)
    before = audit.snapshot(level)
    for name in LEVEL_FIELDS:
        if name in data:
            setattr(level, name, data[name])
    level.version += 1
    level.save()
    audit.record(actor, "receivables.level.updated", level, before=before, after=audit.snapshot(level))
    return level


# --- Holds and credit limits --------------------------------------------------------------------


@transaction.atomic
def hold_invoice(*, actor, invoice: Invoice, reason: str) -> DunningHold:
    reason = reason.strip()
    if not reason:
        raise DomainError("Indiquez le motif de l'exclusion (litige, échéancier accordé…).")
    if invoice.is_draft or invoice.is_credit_note:
        raise DomainError("Seule une facture émise peut être exclue des relances.")
    if DunningHold.objects.filter(invoice=invoice).exists():
        raise DomainError(f"{invoice} est déjà exclue des relances.")
    hold = DunningHold.objects.create(invoice=invoice, reason=reason[:200], created_by=actor)
    audit.record(actor, "receivables.hold.created", hold, after=audit.snapshot(hold))
    return hold


@transaction.atomic
def release_invoice(*, actor, invoice: Invoice) -> None:
    hold = DunningHold.objects.filter(invoice=invoice).first()
    if hold is None:
        raise DomainError(f"{invoice} n'est pas exclue des relances.")
    before = audit.snapshot(hold)
    hold.delete()
    audit.record(actor, "receivables.hold.released", invoice, before=before)


@transaction.atomic
def hold_taken_over(*, actor, line_id: int, reason: str) -> DunningHold:
    """Keep an old invoice taken over into the ledger (its open line on 411) out of dunning."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Indiquez le motif de l'exclusion (litige, échéancier accordé…).")
    line = ledger_items.open_lines().filter(pk=line_id).select_for_update(of=("self",)).first()
    if line is None:
        raise DomainError("Cette facture reprise n'est plus ouverte au compte client : rien à exclure.")
    if ledger_items.holds_of(line.auxiliary.contact_id, line.reference).exists():
        raise DomainError(f"La facture reprise {line.reference} est déjà exclue des relances.")
    hold = DunningHold.objects.create(entry_line=line, reason=reason[:200], created_by=actor)
    audit.record(actor, "receivables.hold.created", hold, after=audit.snapshot(hold))
    return hold


@transaction.atomic
def release_taken_over(*, actor, line_id: int) -> None:
    line = EntryLine.objects.filter(pk=line_id).select_related("auxiliary").first()
    aux = line.auxiliary if line is not None else None
    hold = None if aux is None else ledger_items.holds_of(aux.contact_id, line.reference).first()
    if hold is None:
        raise DomainError("Cette facture reprise n'est pas exclue des relances.")
    before = audit.snapshot(hold)
    hold.delete()
    audit.record(actor, "receivables.hold.released", hold.entry_line, before=before)


@transaction.atomic
def set_credit_limit(
    *, actor, customer: Contact, amount: Decimal | None, version: int | None = None
) -> CreditLimit | None:
    """Set the customer's authorised outstanding; None removes it."""
    current = CreditLimit.objects.select_for_update().filter(customer=customer).first()
    if current is not None:
        check_version(current.version, version, "L'encours autorisé")
    before = audit.snapshot(current) if current else None
    if amount is None:
        if current is not None:
            current.delete()
            audit.record(actor, "receivables.credit_limit.removed", customer, before=before)
        return None
    amount = round_eur(amount)
    if amount < 0:
        raise DomainError("L'encours autorisé ne peut pas être négatif.")
    if current is None:
        current = CreditLimit(customer=customer, amount=amount)
    else:
        current.amount = amount
        current.version += 1
    current.save()
    audit.record(actor, "receivables.credit_limit.set", current, before=before, after=audit.snapshot(current))
    return current


# --- Dunning letters ----------------------------------------------------------------------------


def _send_email(letter: DunningLetter, pdf: bytes, body: str, reply_to: str) -> None:
    message = EmailMessage(
        subject=letter.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.email_to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach(documents.letter_filename(letter), pdf, "application/pdf")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DomainError(
            f"La relance {de(letter.customer.display_name)} n'a pas pu être envoyée par e-mail "
            f"({exc.__class__.__name__}) : vérifiez le serveur SMTP. Rien n'a été enregistré."
        ) from exc


def _letter_snapshot(letter: DunningLetter) -> dict:
    data = audit.snapshot(letter)
    data.pop("pdf", None)  # bytes: the PDF itself stays on the letter
    data["invoices"] = [line.invoice_number for line in letter.lines.all()]
    return data


@transaction.atomic
def send_dunning(
    *, actor, customer: Contact, on: dt.date, render_pdf: bool = True, deliver: bool = True
) -> DunningLetter:
    """Record, render and send the dunning letter due to `customer` on `on` (one letter per customer).

    The customer row is locked so two runs cannot chase the same customer twice. An e-mail that fails
    rolls everything back: a letter is recorded only once sent (or, for paper, once produced).
    `deliver=False` records a letter sent outside Pilote on `on` (history taken over, demo): no PDF is
    stored (it is rendered again from the snapshot when downloaded) and no e-mail goes out.
    """
    customer = Contact.objects.select_for_update().get(pk=customer.pk)
    found = dunning.proposals(on, [customer.pk])
    if not found:
        raise DomainError(f"Aucune relance n'est due pour {customer.display_name} au {on:%d/%m/%Y}.")
    proposal = found[0]
    structure = Structure.objects.get()
    letter, lines = dunning.draft_letter(proposal, on, structure.display_name)
    letter.created_by = actor
    letter.save()
    for line in lines:
        line.letter = letter
    DunningLetterLine.objects.bulk_create(lines)
    level = letter.level
    channel = letter.channel
    if not deliver:
        letter.sent_at = timezone.make_aware(dt.datetime.combine(on, dt.time(9)))
    elif render_pdf or channel == Channel.EMAIL:
        letter.pdf = documents.letter_pdf(letter)
    if deliver and channel == Channel.EMAIL:
        body = templating.render(level.email_body, proposal.placeholder_values(on, structure.display_name))
        _send_email(letter, bytes(letter.pdf), body, structure.email)
        letter.sent_at = timezone.now()
    letter.save(update_fields=["pdf", "sent_at"])
    audit.record(actor, "receivables.letter.sent", letter, after=_letter_snapshot(letter))
    return letter


@dataclass
class RunResult:
    customer: Contact
    letter: DunningLetter | None = None
    error: str = ""


def run_dunning(*, actor, customers: list[Contact], on: dt.date) -> list[RunResult]:
    """Send each selected customer's letter; one customer's failure (SMTP, nothing due any more)
    does not stop the others. Each letter is its own transaction."""
    results = []
    for customer in customers:
        try:
            results.append(RunResult(customer, letter=send_dunning(actor=actor, customer=customer, on=on)))
        except DomainError as exc:
            results.append(RunResult(customer, error=exc.message))
    return results


@transaction.atomic
def mark_letter_sent(*, actor, letter: DunningLetter) -> DunningLetter:
    """A paper letter was posted: record when."""
    if letter.sent_at is not None:
        raise DomainError("Cette relance est déjà marquée comme envoyée.")
    letter.sent_at = timezone.now()
    letter.save(update_fields=["sent_at"])
    audit.record(actor, "receivables.letter.posted", letter, after={"sent_at": letter.sent_at.isoformat()})
    return letter
