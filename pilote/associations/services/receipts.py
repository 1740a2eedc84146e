"""Tax receipts (reçus fiscaux, Cerfa 11580 for individuals, 16216 for companies).

One unbroken sequence of numbers: the number is taken under a row lock (ReceiptSequence) in the issuing
transaction, as sales number invoices, so concurrent issues get consecutive numbers and a rolled-back issue gives
its number back. What a receipt says is copied at issue and frozen (service and triggers.py); a correction cancels
it and issues a replacement naming it — both kept.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.associations import rules
from pilote.associations.models import (
    AssociationSettings,
    Donation,
    DonorKind,
    ReceiptSequence,
    ReceiptStatus,
    TaxReceipt,
)
from pilote.contacts.models import ContactKind
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.lib.money import ZERO


def settings_row() -> AssociationSettings:
    return AssociationSettings.objects.get_or_create(pk=1)[0]


def next_number() -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    sequence = ReceiptSequence.objects.select_for_update().filter(pk=1).first()
    if sequence is None:
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(pk=1, last_number=0)
        except IntegrityError:  # created by a concurrent transaction in between
            pass
        sequence = ReceiptSequence.objects.select_for_update().get(pk=1)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _issuer() -> dict:
    structure = Structure.objects.get(pk=1)
    own = settings_row()
    return {
        "name": structure.legal_name,
        "address": "\n".join(structure.address_lines),
        "siren": structure.siren,
        "rna": structure.rna_number,
        "purpose": own.purpose,
        "category": own.category,
        "category_label": own.get_category_display(),
        "help_in_need": own.help_in_need,
        "signatory": own.signatory_name,
        "signatory_title": own.signatory_title,
    }


def _line(donation: Donation) -> dict:
    return {
        "date": donation.date.isoformat(),
        "kind": donation.kind,
        "kind_label": donation.get_kind_display(),
        "method": donation.method,
        "method_label": donation.get_method_display() if donation.method else "",
        "amount": str(donation.amount),
        "description": donation.description,
    }


def _issue(*, actor, donor, donations: list[Donation], issued_on: dt.date, replaces=None) -> TaxReceipt:
    if not donations:
        raise DomainError(f"{donor.display_name} n'a aucun don sans reçu à cette période.")
    if any(d.donor_id != donor.pk for d in donations):
        raise DomainError("Un reçu fiscal ne couvre que les dons d'un même donateur.")
    taken = [d for d in donations if d.receipt_id and d.receipt_id != getattr(replaces, "pk", None)]
    if taken:
        raise DomainError(f"Le don du {taken[0].date:%d/%m/%Y} figure déjà sur un reçu fiscal.")
    years = {d.date.year for d in donations}
    if len(years) > 1:
        raise DomainError("Un reçu fiscal couvre les dons d'une seule année civile.")
    if max(d.date for d in donations) > issued_on:
        raise DomainError("Un reçu fiscal ne peut pas couvrir un don postérieur à sa date d'émission.")
    issuer = _issuer()
    company = donor.kind == ContactKind.ORGANISATION
    receipt = TaxReceipt.objects.create(
        number=next_number(),
        donor=donor,
        donor_kind=DonorKind.COMPANY if company else DonorKind.INDIVIDUAL,
        donor_name=donor.display_name[:250],
        donor_address="\n".join(donor.address_lines),
        donor_siren=donor.siren or "",
        issuer=issuer,
        year=years.pop(),
        first_gift_on=min(d.date for d in donations),
        last_gift_on=max(d.date for d in donations),
        total=sum((d.amount for d in donations), ZERO),
        lines=[_line(d) for d in sorted(donations, key=lambda d: (d.date, d.pk))],
        rate=rules.receipt_rate(company=company, help_in_need=issuer["help_in_need"]),
        issued_on=issued_on,
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "pk", None) else None,
        replaces=replaces,
    )
    Donation.objects.filter(pk__in=[d.pk for d in donations]).update(receipt=receipt)
    audit.record(actor, "associations.receipt.issued", receipt, after={"number": receipt.number,
                                                                        "total": str(receipt.total)})  # fmt: skip
    return receipt


def _locked(donations) -> list[Donation]:
    return list(Donation.objects.select_for_update().filter(pk__in=[d.pk for d in donations]).order_by("date", "pk"))


@transaction.atomic
def issue_receipt(*, actor, donor, donations=None, year: int | None = None, issued_on: dt.date | None = None):
    """One receipt for `donations` (by default, every donation of `donor` in `year` without a receipt)."""
    issued_on = issued_on or timezone.localdate()
    if donations is None:
        pending = Donation.objects.filter(donor=donor, receipt__isnull=True)
        if year is not None:
            pending = pending.filter(date__year=year)
        donations = pending
    return _issue(actor=actor, donor=donor, donations=_locked(donations), issued_on=issued_on)


@transaction.atomic
def issue_yearly_receipts(*, actor, year: int, issued_on: dt.date | None = None) -> list[TaxReceipt]:
    """The year's batch: one receipt per donor for all their gifts of the year still without a receipt, donors
    in name order — numbers follow each other in the batch."""
    from pilote.core.collation import french

    issued_on = issued_on or timezone.localdate()
    pending = Donation.objects.filter(date__year=year, receipt__isnull=True)
    by_donor: dict[int, list[Donation]] = {}
    for donation in _locked(pending.select_related("donor")):
        by_donor.setdefault(donation.donor_id, []).append(donation)
    from pilote.contacts.models import Contact

    donors = Contact.objects.filter(pk__in=by_donor).order_by(french("name"), french("first_name"), "pk")
    return [_issue(actor=actor, donor=d, donations=by_donor[d.pk], issued_on=issued_on) for d in donors]


@transaction.atomic
def cancel_receipt(*, actor, receipt: TaxReceipt, reason: str, replace: bool = True, on: dt.date | None = None):
    """Cancel an issued receipt (kept, marked cancelled with its reason); with `replace`, issue at once its
    replacement covering the same gifts with today's details of the donor and the association."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez le motif de l'annulation : il reste sur le reçu annulé.")
    current = TaxReceipt.objects.select_for_update().get(pk=receipt.pk)
    if current.status != ReceiptStatus.ISSUED:
        raise DomainError(f"Le reçu n° {current.reference} est déjà annulé.")
    on = on or timezone.localdate()
    current.status, current.cancelled_on, current.cancel_reason = ReceiptStatus.CANCELLED, on, reason[:200]
    current.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    audit.record(actor, "associations.receipt.cancelled", current, after={"reason": current.cancel_reason})
    donations = _locked(current.donations.all())
    if not replace:
        Donation.objects.filter(pk__in=[d.pk for d in donations]).update(receipt=None)
        return current
    return _issue(actor=actor, donor=current.donor, donations=donations, issued_on=on, replaces=current)


def refuse_change(receipt: TaxReceipt) -> None:
    """Services never change an issued receipt: said here for callers that would."""
    raise DomainError(f"Le reçu n° {receipt.reference} est émis : il ne se modifie pas. Annulez-le pour le remplacer.")


@transaction.atomic
def mark_sent(*, actor, receipt: TaxReceipt) -> None:
    TaxReceipt.objects.filter(pk=receipt.pk).update(sent_at=timezone.now())
    audit.record(actor, "associations.receipt.sent", receipt)


def send_receipt(*, actor, receipt: TaxReceipt) -> None:
    """E-mail the receipt's PDF to the donor (the sales e-mail helper)."""
    from pilote.associations import documents
    from pilote.sales.mail import send_document

    if receipt.is_cancelled:
        raise DomainError("Un reçu annulé ne s'envoie pas : envoyez son remplaçant.")
    if not receipt.donor.email:
        raise DomainError(f"{receipt.donor.display_name} n'a pas d'adresse e-mail : ajoutez-la sur sa fiche.")
    name = receipt.issuer.get("name", "")
    send_document(
        to=receipt.donor.email,
        subject=f"Votre reçu fiscal n° {receipt.reference} — {name}",
        body=(
            f"Bonjour,\n\nNous vous remercions de votre soutien. Veuillez trouver ci-joint le reçu fiscal "
            f"n° {receipt.reference} de vos dons de {receipt.year}, à conserver pour votre déclaration.\n\n{name}"
        ),
        filename=receipt.filename,
        pdf=documents.receipt_pdf(receipt),
    )
    mark_sent(actor=actor, receipt=receipt)
