"""Supplier payment runs: approved invoices chosen, the run approved, its SEPA credit transfer file
(ISO 20022 pain.001.001.09, or .03 for banks that still ask for it) written with sepaxml and checked against
the official XSD it ships, then the run executed: the bank entry posted and each invoice lettered.

A run also pays the old supplier invoices taken over into the ledger (`takeover`: one line per invoice on the
supplier's 401 with its number and due date, read through `ledger.documents_open`): a run item then points at that
line instead of a `SupplierInvoice`, is paid to the IBAN of the supplier's record like any other, and its payment is
lettered with that line.

FRENCH-RULES §12: EPC rulebooks use pain.001.001.09; structured postal addresses since 15 November 2026
(street, postcode, town, country); the SEPA Latin character set (sepaxml transliterates names and texts);
MsgId and EndToEndId of at most 35 characters.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from sepaxml import SepaTransfer

from pilote.contacts.models import Contact
from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.core.models import Structure
from pilote.ledger import documents_open, lettering
from pilote.ledger import services as ledger
from pilote.ledger.models import EntryLine, JournalKind, StatementLine
from pilote.ledger.models_bank import BankAccount
from pilote.lib import sepa
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.lib.identifiers import compact
from pilote.lib.money import ZERO, to_cents
from pilote.purchases.models import (
    PaymentRun,
    PaymentRunItem,
    PaymentRunStatus,
    SupplierInvoice,
    SupplierInvoiceKind,
    SupplierInvoiceStatus,
)
from pilote.purchases.services import SUPPLIER_ACCOUNT

VERSIONS = {"09": "pain.001.001.09", "03": "pain.001.001.03"}


class _Transfer(sepa.FixedMessageId, SepaTransfer):
    """sepaxml's transfer with the run's own MsgId (stable, so the bank refuses a file sent twice)."""


def payable_invoices(*, due_by: dt.date | None = None, supplier: Contact | None = None):
    """Approved supplier invoices not yet in a live run: what a run may pay."""
    invoices = SupplierInvoice.objects.filter(
        status=SupplierInvoiceStatus.APPROVED, kind=SupplierInvoiceKind.INVOICE
    ).exclude(payment_items__run__status__in=[PaymentRunStatus.DRAFT, PaymentRunStatus.APPROVED])
    if due_by:
        invoices = invoices.filter(due_date__lte=due_by)
    if supplier:
        invoices = invoices.filter(supplier=supplier)
    return invoices.select_related("supplier").order_by("due_date", "id")


def scheduled_payments(today: dt.date) -> list[tuple[dt.date, dt.date, Decimal]]:
    """The invoices of the approved runs not executed yet, for finance's cash plan (`core.registry`): (the date
    the ledger expects the invoice on — its due date, else its date —, the run's execution date — today when it
    has passed —, amount). One query."""
    rows = PaymentRunItem.objects.filter(run__status=PaymentRunStatus.APPROVED).values_list(
        "invoice__due_date", "invoice__date", "entry_line__due_date", "run__execution_date", "amount"
    )  # an old invoice taken over: its 401 line's due date
    return [(due or day or old, max(execution, today), amount) for due, day, old, execution, amount in rows]


def payable_taken_over(*, due_by: dt.date | None = None, supplier: Contact | None = None):
    """The old supplier invoices taken over into the ledger, left to pay and not in a live run, by due date — each a
    `documents_open.LedgerDocument` with its `supplier`. A 401 line whose reference is the number of one of the
    supplier's invoices in Pilote stands for that invoice, paid through it."""
    lines = documents_open.open_lines(SUPPLIER_ACCOUNT, debit=False, contact_ids=[supplier.pk] if supplier else None)
    own = SupplierInvoice.objects.filter(supplier_id=OuterRef("auxiliary__contact_id"), number=OuterRef("reference"))
    live = PaymentRunItem.objects.filter(
        entry_line=OuterRef("pk"), run__status__in=[PaymentRunStatus.DRAFT, PaymentRunStatus.APPROVED]
    )
    lines = lines.exclude(Exists(own)).exclude(Exists(live))
    if due_by:
        lines = lines.filter(due_date__lte=due_by)
    found = documents_open.documents(lines, debit=False)
    suppliers = Contact.objects.in_bulk({document.contact_id for document in found})
    for document in found:
        document.supplier = suppliers[document.contact_id]
    return found


def _iban(invoice) -> str:
    """Only the IBAN on the supplier's record is paid: an IBAN read on an invoice is never used on its own (the
    « fraude au changement de RIB » sends a genuine-looking invoice with the fraudster's account)."""
    return compact(invoice.supplier.iban).upper()


def _iban_problems(invoices: list) -> list[str]:
    problems = []
    for supplier in sorted({i.supplier for i in invoices if not _iban(i)}, key=lambda c: c.display_name):
        problems.append(f"IBAN inconnu pour : {supplier.display_name}. Renseignez-le sur la fiche du fournisseur.")
    for invoice in invoices:
        written = compact(getattr(invoice, "supplier_iban", "")).upper()  # none on an old invoice taken over
        if written and _iban(invoice) and written != _iban(invoice):
            problems.append(
                f"La facture n° {invoice.number} de {invoice.supplier.display_name} indique l'IBAN {written}, "
                "différent de celui de la fiche du fournisseur : vérifiez-le auprès du fournisseur par un autre "
                "moyen que la facture (risque de fraude au changement de RIB) avant de la payer."
            )
    return problems


@transaction.atomic
def create_run(
    *,
    actor,
    bank_account: BankAccount,
    execution_date: dt.date,
    invoices,
    taken_over=(),
    today: dt.date | None = None,
) -> PaymentRun:
    """A draft run paying `invoices` (each for its net amount to pay) and the old invoices taken over whose 401 lines
    are `taken_over` (ids; each for what is left of it) from `bank_account`, executed on or after `today` (the
    business date; the demo's calendar passes its own day)."""
    ids = [invoice.pk for invoice in invoices]
    line_ids = {int(pk) for pk in taken_over}
    chosen = list(payable_invoices().select_for_update(of=("self",)).filter(pk__in=ids))
    if not ids and not line_ids:
        raise DomainError("Choisissez au moins une facture à payer.")
    if len(chosen) != len(set(ids)):
        raise DomainError("Une facture choisie n'est plus à payer (déjà dans un lot, payée ou non approuvée).")
    old = []
    if line_ids:
        list(EntryLine.objects.select_for_update().filter(pk__in=line_ids))  # two runs never take the same line
        old = [document for document in payable_taken_over() if document.line_id in line_ids]
        if len(old) != len(line_ids):
            raise DomainError("Une facture reprise choisie n'est plus à payer (déjà dans un lot ou réglée).")
    problems = _iban_problems([*chosen, *old])
    if problems:
        raise DomainError(" ".join(problems))
    if execution_date < (today or local_today()):
        raise DomainError("La date d'exécution ne peut pas être passée.")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    run = PaymentRun.objects.create(
        bank_account=bank_account,
        execution_date=execution_date,
        message_id=f"PILOTE-{stamp}-{secrets.token_hex(4)}",  # unique without counting rows (two runs at once)
        created_by=actor,
    )
    PaymentRunItem.objects.bulk_create(
        PaymentRunItem(
            run=run,
            invoice=invoice,
            amount=invoice.payable,
            iban=_iban(invoice),
            bic=compact(invoice.supplier.bic or "").upper(),
            end_to_end_id=f"{run.pk}-{invoice.pk}"[:35],
        )
        for invoice in chosen
    )
    PaymentRunItem.objects.bulk_create(
        PaymentRunItem(
            run=run,
            entry_line_id=document.line_id,
            amount=document.balance_due,
            iban=_iban(document),
            bic=compact(document.supplier.bic or "").upper(),
            end_to_end_id=f"{run.pk}-R{document.line_id}"[:35],
        )
        for document in old
    )
    run.total = sum((invoice.payable for invoice in chosen), ZERO) + sum((d.balance_due for d in old), ZERO)
    run.save(update_fields=["total"])
    after = {"factures": len(chosen) + len(old), "total": str(run.total)}
    audit.record(actor, "purchases.run.created", run, after=after)
    return run


def _locked(run: PaymentRun, expected_version: int | None) -> PaymentRun:
    current = PaymentRun.objects.select_for_update().get(pk=run.pk)
    check_version(current.version, expected_version, "Le lot de virements")
    return current


@transaction.atomic
def approve_run(*, actor, run: PaymentRun, expected_version: int | None = None) -> PaymentRun:
    run = _locked(run, expected_version)
    if run.status != PaymentRunStatus.DRAFT:
        raise DomainError(f"Ce lot est « {run.get_status_display()} » : il ne s'approuve plus.")
    run.status, run.approved_by, run.approved_at = PaymentRunStatus.APPROVED, actor, timezone.now()
    run.version += 1
    run.save(update_fields=["status", "approved_by", "approved_at", "version"])
    audit.record(actor, "purchases.run.approved", run)
    return run


@transaction.atomic
def cancel_run(*, actor, run: PaymentRun, expected_version: int | None = None) -> PaymentRun:
    run = _locked(run, expected_version)
    if run.status == PaymentRunStatus.EXECUTED:
        raise DomainError("Ce lot est exécuté : il ne s'annule plus.")
    run.status = PaymentRunStatus.CANCELLED
    run.version += 1
    run.save(update_fields=["status", "version"])
    audit.record(actor, "purchases.run.cancelled", run)
    return run


# --- the SEPA file ------------------------------------------------------------------------------------------


def _address(line1: str, postal_code: str, city: str, country: str) -> dict:
    """A structured postal address (EPC rule from 15 November 2026): street, postcode, town, country."""
    address = {"street_name": line1[:70], "postcode": postal_code[:16], "town": city[:35], "country": country or "FR"}
    return {key: value for key, value in address.items() if value}


def check_xsd(xml: bytes, version: str = "09") -> list[str]:
    """The XSD errors of a pain.001 file (official ISO 20022 schema), empty when valid."""
    return sepa.xsd_errors(xml, VERSIONS[version])


def _transfers(run: PaymentRun, grouped: bool) -> list[dict]:
    """One transfer per invoice, or with `grouped` one per supplier account whose remittance information lists the
    invoice numbers (140 characters at most: « Factures A, B… » cut with an ellipsis beyond)."""
    transfers: dict = {}
    for item in run.items.select_related(*ITEM_RELATED).order_by("pk"):
        supplier = item.supplier
        key = (supplier.pk, item.iban, item.bic) if grouped else item.pk
        current = transfers.setdefault(key, {
            "name": supplier.display_name, "IBAN": item.iban, "amount": 0, "execution_date": run.execution_date,
            "numbers": [], "endtoend_id": f"{run.pk}-F{supplier.pk}"[:35] if grouped else item.end_to_end_id,
            "address": _address(supplier.address_line1, supplier.postal_code, supplier.city, supplier.country),
            **({"BIC": item.bic} if item.bic else {}),
        })  # fmt: skip
        current["amount"] += to_cents(item.amount)
        current["numbers"].append(item.number)
    for transfer in transfers.values():
        numbers = transfer.pop("numbers")
        text = f"Facture {numbers[0]}" if len(numbers) == 1 else "Factures " + ", ".join(numbers)
        transfer["description"] = text if len(text) <= 140 else text[:139] + "…"
    return list(transfers.values())


def sepa_file(run: PaymentRun, version: str = "09", *, grouped: bool = False) -> bytes:
    """The run's pain.001 credit transfer file, one transfer per invoice or `grouped` per supplier; DomainError if
    it would not pass the official XSD."""
    if version not in VERSIONS:
        raise DomainError("Version de fichier inconnue : 09 (pain.001.001.09) ou 03 (pain.001.001.03).")
    if run.status not in (PaymentRunStatus.APPROVED, PaymentRunStatus.EXECUTED):
        raise DomainError("Le fichier de virements n'est produit qu'une fois le lot approuvé.")
    structure = Structure.objects.get()
    config = {
        "name": structure.legal_name,
        "IBAN": compact(run.bank_account.iban).upper(),
        "batch": True,
        "currency": "EUR",
        "address": _address(structure.address_line1, structure.postal_code, structure.city, "FR"),
    }
    if structure.bic:
        config["BIC"] = compact(structure.bic).upper()
    transfer = _Transfer(config, VERSIONS[version], run.message_id)
    for payment in _transfers(run, grouped):
        transfer.add_payment(payment)
    xml = transfer.export(validate=False)
    problems = check_xsd(xml, version)
    if problems:
        raise DomainError("Le fichier de virements ne respecte pas le schéma officiel : " + " ; ".join(problems[:3]))
    return xml


# --- execution ----------------------------------------------------------------------------------------------


ITEM_RELATED = ("invoice__supplier", "invoice__entry", "entry_line__auxiliary__contact", "entry_line__fiscal_year")


def _open_item(item: PaymentRunItem) -> EntryLine | None:
    """The invoice's 401 line to letter with its payment: the AC entry's (an old invoice taken over: its own line),
    or — the invoice's year being closed since — the à-nouveaux line that carried it into the open year (same
    supplier account and reference)."""
    if item.entry_line_id:
        line = item.entry_line
    else:
        line = (
            EntryLine.objects.filter(entry=item.invoice.entry, account__code=SUPPLIER_ACCOUNT, auxiliary__isnull=False)
            .select_related("fiscal_year")
            .first()
        )
    if line is None or line.fiscal_year.is_open:
        return line
    return (
        EntryLine.objects.filter(
            entry__journal__kind=JournalKind.OPENING, auxiliary_id=line.auxiliary_id, account_id=line.account_id,
            reference=line.reference, credit=line.credit, fiscal_year__status="open", match__isnull=True,
        )
        .order_by("date", "pk")
        .first()
    )  # fmt: skip


@transaction.atomic
def execute_run(*, actor, run: PaymentRun, on: dt.date | None = None, expected_version: int | None = None):
    """The bank executed the transfers: one bank entry (401 of each supplier debited, 512 credited), each
    invoice's 401 line lettered with its payment, the invoices « Payée » (lifecycle 211, Paiement transmis)."""
    run = _locked(run, expected_version)
    if run.status != PaymentRunStatus.APPROVED:
        raise DomainError(f"Ce lot est « {run.get_status_display()} » : seul un lot approuvé s'exécute.")
    day = on or run.execution_date
    items = list(run.items.select_related(*ITEM_RELATED))
    bank = run.bank_account
    lines = []
    for item in items:
        aux = ledger.auxiliary_for_contact(actor=actor, contact=item.supplier, control_code=SUPPLIER_ACCOUNT)
        lines.append(
            ledger.LineInput(
                account=aux.control_account, auxiliary=aux, debit=item.amount, reference=item.number[:40],
                label=f"Virement {item.supplier.display_name} {item.number}"[:200],
            )
        )  # fmt: skip
    lines.append(ledger.LineInput(account=bank.account, credit=run.total, label=f"Virements {run.message_id}"))
    entry = ledger.create_entry(
        actor=actor, journal=bank.journal, date=day, label=f"Lot de virements fournisseurs {run.message_id}",
        lines=lines, piece_ref=run.message_id[:40], piece_date=day, post=True,
    )  # fmt: skip
    posted = {
        (line.auxiliary.contact_id, line.reference): line
        for line in EntryLine.objects.filter(entry=entry, auxiliary__isnull=False).select_related("auxiliary")
    }
    for item in items:
        invoice_line = _open_item(item)
        payment_line = posted.get((item.supplier.pk, item.number[:40]))
        if invoice_line is not None and payment_line is not None:
            lettering.letter_lines(
                actor=actor, lines=[invoice_line, payment_line], partial=item.amount != invoice_line.credit
            )
    paid = [item.invoice_id for item in items if item.invoice_id]
    SupplierInvoice.objects.filter(pk__in=paid).update(status=SupplierInvoiceStatus.PAID)
    run.status, run.entry = PaymentRunStatus.EXECUTED, entry
    run.version += 1
    run.save(update_fields=["status", "entry", "version"])
    audit.record(actor, "purchases.run.executed", run, after={"écriture": entry.pk, "total": format_eur(run.total)})
    return run


# --- the bank statement ---------------------------------------------------------------------------------------


def statement_line_of(run: PaymentRun) -> StatementLine | None:
    """The bank statement line the run's bank entry is reconciled with, if any."""
    if run.entry_id is None:
        return None
    return StatementLine.objects.filter(entry_line__entry_id=run.entry_id).first()


def statement_candidates(run: PaymentRun, limit: int = 10) -> list[StatementLine]:
    """Imported statement lines of the run's account, not reconciled, debiting exactly the run's total: the bank's
    execution of the run, to reconcile from the run's page."""
    if run.status not in (PaymentRunStatus.APPROVED, PaymentRunStatus.EXECUTED) or statement_line_of(run):
        return []
    return list(
        StatementLine.objects.filter(
            bank_account=run.bank_account, entry_line__isnull=True, amount=-run.total
        ).order_by("booking_date", "pk")[:limit]
    )


@transaction.atomic
def reconcile_with_statement(
    *, actor, run: PaymentRun, statement_line: StatementLine, expected_version: int | None = None
) -> PaymentRun:
    """The bank statement shows the run's transfers debited: an approved run is executed on the statement line's
    booking date (its bank entry posted, each invoice lettered with its payment), then its bank line is reconciled
    with the statement line through the ledger's reconciliation (`ledger.bank.reconcile`)."""
    from pilote.ledger import bank

    line = StatementLine.objects.select_for_update().get(pk=statement_line.pk)
    if line.bank_account_id != run.bank_account_id:
        raise DomainError("Cette ligne de relevé est celle d'un autre compte que le compte débité par le lot.")
    if line.entry_line_id:
        raise DomainError("Cette ligne de relevé est déjà rapprochée.")
    if line.amount != -run.total:
        raise DomainError(
            f"Montants différents : relevé {format_eur(line.amount)}, lot de virements {format_eur(-run.total)}."
        )
    if run.status == PaymentRunStatus.APPROVED:
        run = execute_run(actor=actor, run=run, on=line.booking_date, expected_version=expected_version)
    elif run.status != PaymentRunStatus.EXECUTED:
        raise DomainError(f"Ce lot est « {run.get_status_display()} » : il ne se rapproche pas d'un relevé.")
    entry_line = EntryLine.objects.get(entry_id=run.entry_id, account_id=run.bank_account.account_id)
    bank.reconcile(actor=actor, statement_line=line, entry_line=entry_line)
    audit.record(actor, "purchases.run.reconciled", run, after={"ligne de relevé": line.pk})
    return run


# The actions a run's page (and the API) offer, by the name each sends.
RUN_ACTIONS = {"approve": approve_run, "execute": execute_run, "cancel": cancel_run}
