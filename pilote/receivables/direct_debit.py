"""SEPA direct debit (SDD Core) of customer invoices: the structure's creditor identifier (ICS), customers'
mandates (RUM, signature date, the account debited), collection runs of due invoices written as a pain.008.001.08
file by sepaxml and checked against the official ISO 20022 XSD it ships, then collected: one sales payment
(« Prélèvement ») per invoice through `sales.payments.record_payment`, which posts 512 / 411 and letters the invoice.

Rules (EPC SDD Core rulebook, FRENCH-RULES §12): a mandate's first collection is sent as FRST, the next ones as RCUR;
the RUM is at most 35 characters of the SEPA set; the ICS (« identifiant créancier SEPA », given by the bank) is
two letters of country, two check digits computed by ISO 7064 MOD 97-10 over the national identifier (the three
characters of the creditor's business code after them are left out) — checked here with python-stdnum; the IBAN
and BIC with schwifty (`lib.identifiers`). Each direct debit is its own payment information block (batch booking
false) so the bank books one line per invoice, and the statement reconciles with each payment.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from sepaxml import SepaDD
from stdnum.iso7064 import mod_97_10

from pilote.contacts.models import Contact
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.listing import words_refusal
from pilote.core.models import Structure
from pilote.ledger.models_bank import BankAccount
from pilote.lib import identifiers, sepa
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, to_cents
from pilote.receivables.models import (
    CollectionItem,
    CollectionRun,
    CollectionStatus,
    DirectDebitSettings,
    Mandate,
    MandateStatus,
)
from pilote.sales.models import OPEN_INVOICE, Invoice, InvoiceKind, InvoiceStatus, PaymentMethod

SCHEMA = "pain.008.001.08"
RUM = re.compile(r"^[A-Za-z0-9+?/:().,' -]{1,35}$")  # the SEPA character set, at most 35 characters
ICS = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$")


def clean_creditor_id(value: str) -> str:
    """The ICS compacted and upper-cased; ValidationError in French when its form or its check digits are wrong."""
    ics = identifiers.compact(value or "").upper()
    if not ICS.match(ics):
        raise ValidationError(
            "ICS invalide : deux lettres de pays, deux chiffres de contrôle, trois caractères de code activité puis "
            "l'identifiant national (ex. FR72ZZZ123456)."
        )
    if not mod_97_10.is_valid(ics[7:] + ics[:4]):
        raise ValidationError("ICS invalide : la clé de contrôle ne correspond pas (vérifiez-le auprès de la banque).")
    return ics


def creditor_id() -> str:
    row = DirectDebitSettings.objects.filter(pk=1).first()
    return row.creditor_id if row is not None else ""


@transaction.atomic
def set_creditor_id(*, actor, value: str) -> str:
    try:
        ics = clean_creditor_id(value)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None
    before = creditor_id()
    DirectDebitSettings.objects.update_or_create(pk=1, defaults={"creditor_id": ics})
    audit.record(actor, "receivables.sdd.creditor_id", Structure.objects.get(), before={"ics": before},
                 after={"ics": ics})  # fmt: skip
    return ics


# --- mandates ----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_mandate(
    *, actor, customer: Contact, reference: str, signed_on: dt.date, iban: str, bic: str = "", today=None
) -> Mandate:
    """A signed mandate of `customer`; its IBAN and BIC checked (schwifty), its RUM unique."""
    problems = []
    reference = (reference or "").strip()
    if not RUM.match(reference):
        problems.append("RUM invalide : 1 à 35 caractères (lettres, chiffres, espaces et + ? / - : ( ) . , ').")
    elif Mandate.objects.filter(reference=reference).exists():
        problems.append(f"La RUM {reference} est déjà celle d'un autre mandat : chaque mandat a sa référence unique.")
    if signed_on is None or signed_on > (today or local_today()):
        problems.append("La date de signature du mandat ne peut pas être dans le futur.")
    try:
        iban = identifiers.clean_iban(iban or "")
    except ValidationError as error:
        problems.append(error.messages[0])
    try:
        bic = identifiers.clean_bic(bic) if bic else ""
    except ValidationError as error:
        problems.append(error.messages[0])
    if problems:
        raise DomainError(" ".join(problems))
    mandate = Mandate.objects.create(customer=customer, reference=reference, signed_on=signed_on, iban=iban, bic=bic,
                                     created_by=actor)  # fmt: skip
    summary = {"client": customer.display_name, "RUM": reference, "signé le": signed_on.isoformat()}
    audit.record(actor, "receivables.sdd.mandate_created", mandate, after=summary)
    return mandate


@transaction.atomic
def revoke_mandate(*, actor, mandate: Mandate) -> Mandate:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.status == MandateStatus.REVOKED:
        raise DomainError(f"Le mandat {mandate.reference} est déjà révoqué.")
    if mandate.items.filter(run__status=CollectionStatus.DRAFT).exists():
        raise DomainError(f"Le mandat {mandate.reference} est dans un lot en préparation : retirez-l'en d'abord.")
    mandate.status = MandateStatus.REVOKED
    mandate.save(update_fields=["status"])
    audit.record(actor, "receivables.sdd.mandate_revoked", mandate, after={"RUM": mandate.reference})
    return mandate


def active_mandate(customer_id: int) -> Mandate | None:
    return (
        Mandate.objects.filter(customer_id=customer_id, status=MandateStatus.ACTIVE)
        .order_by("-signed_on", "-pk")
        .first()
    )


# --- collection runs ---------------------------------------------------------------------------------------------


def collectable_invoices(*, due_by: dt.date | None = None):
    """Issued invoices with something left to pay, of customers with an active mandate, in no live run."""
    live = CollectionItem.objects.filter(invoice=OuterRef("pk"), run__status=CollectionStatus.DRAFT)
    mandated = Mandate.objects.filter(customer=OuterRef("customer_id"), status=MandateStatus.ACTIVE)
    invoices = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, kind__in=[InvoiceKind.INVOICE, InvoiceKind.DEPOSIT])
        .filter(Exists(mandated))
        .exclude(Exists(live))
        .filter(OPEN_INVOICE)
        .select_related("customer")
        .order_by("due_date", "pk")
    )
    if due_by is not None:
        invoices = invoices.filter(due_date__lte=due_by)
    return invoices


@transaction.atomic
def create_run(
    *, actor, bank_account: BankAccount, collection_date: dt.date, invoices, today: dt.date | None = None
) -> CollectionRun:
    """A draft collection of each invoice's balance due, under its customer's active mandate, FRST or RCUR."""
    ics = creditor_id()
    if not ics:
        raise DomainError("Renseignez d'abord l'identifiant créancier SEPA (ICS) que votre banque vous a attribué.")
    ids = [invoice.pk for invoice in invoices]
    if not ids:
        raise DomainError("Choisissez au moins une facture à prélever.")
    chosen = list(collectable_invoices().select_for_update(of=("self",)).filter(pk__in=ids))
    if len(chosen) != len(set(ids)):
        raise DomainError("Une facture choisie n'est plus à prélever (réglée, sans mandat actif ou déjà dans un lot).")
    if collection_date <= (today or local_today()):
        raise DomainError("La date d'échéance du prélèvement doit être postérieure à aujourd'hui (J+1 au plus tôt).")
    run = CollectionRun.objects.create(
        bank_account=bank_account, collection_date=collection_date, creditor_id=ics, created_by=actor,
        message_id=f"PILOTE-DD-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}",
    )  # fmt: skip
    items = []
    for invoice in chosen:
        mandate = active_mandate(invoice.customer_id)
        if invoice.balance_due <= 0:
            raise DomainError(f"La facture {invoice.number} est déjà réglée.")
        items.append(CollectionItem(run=run, invoice=invoice, mandate=mandate, amount=invoice.balance_due,
                                    sequence=mandate.sequence, end_to_end_id=f"DD{run.pk}-{invoice.pk}"))  # fmt: skip
    CollectionItem.objects.bulk_create(items)
    run.total = sum((item.amount for item in items), ZERO)
    run.save(update_fields=["total"])
    audit.record(actor, "receivables.sdd.run_created", run, after={"factures": len(items), "total": str(run.total)})
    return run


def _locked(run: CollectionRun, expected_version: int | None) -> CollectionRun:
    current = CollectionRun.objects.select_for_update().get(pk=run.pk)
    check_version(current.version, expected_version, "Le lot de prélèvements")
    return current


@transaction.atomic
def cancel_run(*, actor, run: CollectionRun, expected_version: int | None = None) -> CollectionRun:
    run = _locked(run, expected_version)
    if run.status != CollectionStatus.DRAFT:
        raise DomainError(f"Ce lot est « {run.get_status_display()} » : il ne s'annule plus.")
    run.status, run.version = CollectionStatus.CANCELLED, run.version + 1
    run.save(update_fields=["status", "version"])
    audit.record(actor, "receivables.sdd.run_cancelled", run)
    return run


def check_xsd(xml: bytes) -> list[str]:
    """The XSD errors of a pain.008.001.08 file (official ISO 20022 schema), empty when valid."""
    return sepa.xsd_errors(xml, SCHEMA)


class _Debit(sepa.FixedMessageId, SepaDD):
    """sepaxml's direct debit with the run's own MsgId (stable: the bank refuses a file sent twice)."""


def collection_file(run: CollectionRun) -> bytes:
    """The run's pain.008.001.08 file; DomainError if it would not pass the official XSD."""
    if run.status == CollectionStatus.CANCELLED:
        raise DomainError("Ce lot est annulé : il n'a plus de fichier de prélèvements.")
    structure = Structure.objects.get()
    config = {"name": structure.legal_name, "IBAN": identifiers.compact(run.bank_account.iban).upper(),
              "batch": False, "creditor_id": run.creditor_id, "currency": "EUR"}  # fmt: skip
    if structure.bic:
        config["BIC"] = identifiers.compact(structure.bic).upper()
    debit = _Debit(config, SCHEMA, run.message_id)
    for item in run.items.select_related("invoice__customer", "mandate"):
        payment = {
            "name": item.invoice.customer.display_name, "IBAN": item.mandate.iban, "amount": to_cents(item.amount),
            "type": item.sequence, "collection_date": run.collection_date, "mandate_id": item.mandate.reference,
            "mandate_date": item.mandate.signed_on, "description": f"Facture {item.invoice.number}"[:140],
            "endtoend_id": item.end_to_end_id,
        }  # fmt: skip
        if item.mandate.bic:
            payment["BIC"] = item.mandate.bic
        customer = item.invoice.customer
        address = {"street_name": customer.address_line1[:70], "postcode": customer.postal_code[:16],
                   "town": customer.city[:35], "country": customer.country or "FR"}  # fmt: skip
        if address["town"]:  # structured (EPC, from 15 November 2026): street, postcode, town, country
            payment["address"] = {key: value for key, value in address.items() if value}
        debit.add_payment(payment)
    xml = debit.export(validate=False)
    problems = check_xsd(xml)
    if problems:
        raise DomainError("Le fichier de prélèvements ne respecte pas le schéma officiel : " + " ; ".join(problems[:3]))
    return xml


@transaction.atomic
def execute_run(
    *, actor, run: CollectionRun, on: dt.date | None = None, expected_version: int | None = None
) -> CollectionRun:
    """The bank collected the debits: one sales payment « Prélèvement » per invoice (512 / 411, lettered), each
    mandate's first collection remembered (its next ones go as RCUR)."""
    from pilote.sales import payments

    run = _locked(run, expected_version)
    if run.status != CollectionStatus.DRAFT:
        raise DomainError(f"Ce lot est « {run.get_status_display()} » : il ne s'encaisse plus.")
    day = on or run.collection_date
    for item in run.items.select_related("invoice__customer", "mandate"):
        payments.record_payment(
            actor=actor, customer=item.invoice.customer, date=day, amount=item.amount,
            method=PaymentMethod.DIRECT_DEBIT, bank_account=run.bank_account, reference=item.end_to_end_id,
            allocations=[(item.invoice, item.amount)],
        )  # fmt: skip
        Mandate.objects.filter(pk=item.mandate_id, first_collected_on__isnull=True).update(first_collected_on=day)
    run.status, run.version = CollectionStatus.EXECUTED, run.version + 1
    run.save(update_fields=["status", "version"])
    audit.record(actor, "receivables.sdd.run_executed", run, after={"total": format_eur(run.total)})
    return run


# The actions a collection run's page (and the API) offer, by the name each sends.
RUN_ACTIONS = {"execute": execute_run, "cancel": cancel_run}


def filter_mandates(q: str = ""):
    """The mandates list: the most recently signed first, searched by customer or RUM."""
    from django.db.models import Q

    rows = Mandate.objects.select_related("customer").order_by("-signed_on", "-id")
    if (q := (q or "").strip()[:100]) and not words_refusal(q):  # shorter words: refused on the page and the API
        rows = rows.filter(Q(customer__name__icontains=q) | Q(reference__icontains=q))
    return rows
