"""Members and their dues. A call posts the member's receivable on its own 411 sub-ledger against 7561 (dues
without return) or 7562 (with return); a receipt posts the bank or cash against that 411 and letters both lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from pilote.associations.models import Due, DueStatus, Member, MembershipType, PaymentMethod
from pilote.associations.services import books
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.ledger import lettering
from pilote.ledger import services as ledger
from pilote.lib.money import round_eur

RECEIVABLE = "411"


@transaction.atomic
def create_membership_type(*, actor, name: str, fee: Decimal, with_return: bool = False) -> MembershipType:
    name = name.strip()
    if not name:
        raise DomainError("Donnez un nom au type d'adhésion.")
    if MembershipType.objects.filter(name__iexact=name).exists():
        raise DomainError(f"Le type d'adhésion « {name} » existe déjà.")
    if round_eur(fee) < 0:
        raise DomainError("Une cotisation ne peut pas être négative.")
    kind = MembershipType.objects.create(name=name[:100], fee=round_eur(fee), with_return=with_return)
    audit.record(actor, "associations.membership_type.created", kind, after=audit.snapshot(kind))
    return kind


@transaction.atomic
def enrol_member(*, actor, contact, membership_type: MembershipType, joined_on: dt.date) -> Member:
    existing = Member.objects.select_for_update().filter(contact=contact).first()
    if existing is not None and existing.left_on is None:
        raise DomainError(f"{contact.display_name} est déjà adhérent(e) (n° {existing.number}).")
    if existing is not None:  # a former member comes back: same number, new dates
        existing.membership_type, existing.joined_on, existing.left_on = membership_type, joined_on, None
        existing.save(update_fields=["membership_type", "joined_on", "left_on"])
        audit.record(actor, "associations.member.rejoined", existing, after=audit.snapshot(existing))
        return existing
    number = (Member.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    member = Member.objects.create(contact=contact, number=number, membership_type=membership_type,
                                   joined_on=joined_on)  # fmt: skip
    audit.record(actor, "associations.member.enrolled", member, after=audit.snapshot(member))
    return member


@transaction.atomic
def record_leaving(*, actor, member: Member, left_on: dt.date) -> Member:
    current = Member.objects.select_for_update().get(pk=member.pk)
    if current.left_on is not None:
        raise DomainError(f"{current.contact.display_name} a déjà quitté l'association.")
    if left_on < current.joined_on:
        raise DomainError("La sortie d'un adhérent suit son adhésion.")
    current.left_on = left_on
    current.save(update_fields=["left_on"])
    audit.record(actor, "associations.member.left", current, after={"left_on": left_on.isoformat()})
    return current


def _call(*, actor, member: Member, year: int, called_on: dt.date) -> Due | None:
    kind = member.membership_type
    if kind.fee <= 0:
        return None
    aux = ledger.auxiliary_for_contact(actor=actor, contact=member.contact, control_code=RECEIVABLE)
    label = f"Cotisation {year} {member.contact.display_name}"[:200]
    reference = f"COT{year}-{member.number}"
    entry = books.post(
        actor=actor, journal=books.misc_journal(), date=called_on, label=label, piece_ref=reference,
        lines=[
            books.Line(books.account(RECEIVABLE), debit=kind.fee, auxiliary=aux, label=label, reference=reference),
            books.Line(books.account(kind.account_code), credit=kind.fee, label=label, reference=reference),
        ],
    )  # fmt: skip
    return Due.objects.create(member=member, year=year, membership_type=kind, amount=kind.fee, called_on=called_on,
                              call_entry=entry)  # fmt: skip


@transaction.atomic
def call_dues(*, actor, year: int, called_on: dt.date, members=None) -> list[Due]:
    """The year's dues of every member present on `called_on` (or of `members`) not yet called."""
    if members is None:
        members = Member.objects.filter(joined_on__lte=called_on).exclude(left_on__lt=called_on)
    already = set(Due.objects.filter(year=year).values_list("member_id", flat=True))
    called = []
    for member in members.select_related("contact", "membership_type").order_by("number"):
        if member.pk in already:
            continue
        if due := _call(actor=actor, member=member, year=year, called_on=called_on):
            called.append(due)
    if called:
        audit.record(actor, "associations.dues.called", None, after={"year": year, "count": len(called)})
    return called


@transaction.atomic
def receive_due(*, actor, due: Due, paid_on: dt.date, method: str, bank_account=None) -> Due:
    current = Due.objects.select_for_update().select_related("member__contact").get(pk=due.pk)
    if current.status == DueStatus.PAID:
        raise DomainError(f"La cotisation {current.year} de {current.member.contact.display_name} est déjà payée.")
    if paid_on < current.called_on:
        raise DomainError("Le paiement d'une cotisation ne précède pas son appel.")
    if method == PaymentMethod.CASH:
        journal = books.cash_journal(actor=actor)
        debit = journal.account
    elif method in (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER):
        if bank_account is None:
            raise DomainError("Choisissez le compte bancaire qui encaisse la cotisation.")
        journal, debit = bank_account.journal, bank_account.account
    else:
        raise DomainError("Choisissez le mode de paiement : espèces, chèque ou virement.")
    contact = current.member.contact
    aux = ledger.auxiliary_for_contact(actor=actor, contact=contact, control_code=RECEIVABLE)
    label = f"Règlement cotisation {current.year} {contact.display_name}"[:200]
    reference = f"COT{current.year}-{current.member.number}"
    entry = books.post(
        actor=actor, journal=journal, date=paid_on, label=label, piece_ref=reference,
        lines=[
            books.Line(debit, debit=current.amount, label=label),
            books.Line(books.account(RECEIVABLE), credit=current.amount, auxiliary=aux, label=label,
                       reference=reference),
        ],
    )  # fmt: skip
    current.status, current.paid_on, current.method, current.payment_entry = DueStatus.PAID, paid_on, method, entry
    current.save(update_fields=["status", "paid_on", "method", "payment_entry"])
    receivable_lines = [
        line
        for e in (current.call_entry, entry)
        if e is not None
        for line in e.lines.filter(account__code=RECEIVABLE, auxiliary=aux)
    ]
    if len(receivable_lines) == 2 and all(line.fiscal_year.is_open for line in receivable_lines):
        lettering.letter_lines(actor=actor, lines=receivable_lines)
    audit.record(actor, "associations.due.received", current, after={"paid_on": paid_on.isoformat(),
                                                                      "amount": str(current.amount)})  # fmt: skip
    return current


@transaction.atomic
def join_and_pay(*, actor, contact, membership_type, joined_on: dt.date, method: str, bank_account=None) -> Member:
    """A new member paying at once (the usual case at the door): enrolled, dues called and received."""
    member = enrol_member(actor=actor, contact=contact, membership_type=membership_type, joined_on=joined_on)
    called = call_dues(actor=actor, year=joined_on.year, called_on=joined_on,
                       members=Member.objects.filter(pk=member.pk))  # fmt: skip
    for due in called:
        receive_due(actor=actor, due=due, paid_on=joined_on, method=method, bank_account=bank_account)
    return member


def admit(*, actor, contact, membership_type, joined_on: dt.date, method: str = "", bank_account=None) -> Member:
    """The new member form: enrolled, the year's due paid at once when a payment method is given (else it is called
    later) — the members page and the API."""
    if method:
        return join_and_pay(actor=actor, contact=contact, membership_type=membership_type, joined_on=joined_on,
                            method=method, bank_account=bank_account)  # fmt: skip
    return enrol_member(actor=actor, contact=contact, membership_type=membership_type, joined_on=joined_on)
