"""Issuing an invoice or a credit note: the legal checks, the unbroken number, the frozen copy of both
parties, the sales entry, the Factur-X PDF — in one transaction, or nothing.

Posting (journal VT): 411 (customer sub-ledger) at the amount incl. VAT; each sales account (70x, or 4191
for deposits) at its net; collected VAT per rate on 44571 with its rate and base (the CA3 reads them).
Under the « encaissements » regime, the VAT on services waits on 44588 and moves to 44571 when the
customer pays (CGI 269-2-c; see payments.py). A credit note posts the mirror entry.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pilote.contacts.models import ContactKind
from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure, VatRegime
from pilote.core.vat_policy import policy_for_regime
from pilote.ledger import analytics as ledger_analytics
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, Journal, JournalKind
from pilote.lib import identifiers
from pilote.lib.formats import format_eur, format_quantity
from pilote.lib.french import de
from pilote.lib.money import ZERO, split_amount
from pilote.sales import documents, hooks, numbering, sealing, terms, totals
from pilote.sales.models import (
    Invoice,
    InvoiceFile,
    InvoiceStatus,
    NumberReservation,
    OperationNature,
    OrderLine,
    Series,
)

PENDING_VAT_ACCOUNT = ("44588", "TVA collectée en attente d'encaissement (prestations)")
COLLECTED_VAT_ACCOUNT = "44571"


def account(code: str, label: str = "") -> Account:
    found = Account.objects.filter(code=code).first()
    if found is None:
        try:
            with transaction.atomic():  # a savepoint: two issues may open the same account at once
                found = ledger.create_account(actor=None, code=code, label=label or code)
        except IntegrityError:
            found = Account.objects.get(code=code)  # opened by the concurrent transaction, now committed
    return found


def sales_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.SALES).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal de ventes : créez le journal VT dans la comptabilité.")
    return journal


def customer_snapshot(contact) -> dict:
    return {
        "name": contact.display_name,
        "kind": contact.kind,
        "address_line1": contact.address_line1,
        "address_line2": contact.address_line2,
        "postal_code": contact.postal_code,
        "city": contact.city,
        "country": contact.country,
        "siren": contact.siren,
        "siret": contact.siret,
        "vat_number": contact.vat_number,
        "email": contact.email,
    }


def seller_snapshot(structure: Structure) -> dict:
    return {
        "name": structure.legal_name,
        "trade_name": structure.trade_name,
        "legal_form": structure.get_legal_form_display() if structure.legal_form else "",
        "legal_form_code": structure.legal_form,
        "share_capital": str(structure.share_capital) if structure.share_capital is not None else "",
        "rcs_city": structure.rcs_city,
        "siren": structure.siren,
        "siret": structure.siret,
        "vat_number": structure.vat_number,
        # No VAT number when no VAT is charged: the SIREN identifies the seller to the tax office (BT-32).
        "tax_registration": "" if structure.vat_number else structure.siren,
        "address_line1": structure.address_line1,
        "address_line2": structure.address_line2,
        "postal_code": structure.postal_code,
        "city": structure.city,
        "country": structure.country,
        "email": structure.email,
        "phone": structure.phone,
        "iban": structure.iban,
        "bic": structure.bic,
        "vat_regime": structure.vat_regime,
    }


def _legal_problems(invoice: Invoice, structure: Structure, lines) -> list[str]:
    customer = invoice.customer
    problems = []
    if not lines:
        problems.append("La facture n'a aucune ligne.")
    if invoice.total_gross <= 0:
        problems.append("Le total TTC doit être positif (pour rendre de l'argent, établissez un avoir).")
    if not (structure.siren and structure.address_line1 and structure.city):
        problems.append("Complétez le SIREN et l'adresse de la structure (Paramètres) : ils figurent sur la facture.")
    if not (customer.address_line1 and customer.postal_code and customer.city):
        problems.append(f"L'adresse de facturation {de(customer.display_name)} est incomplète.")
    # Décret 2022-1299: the customer's SIREN (or, for an EU customer, its VAT number) on B2B invoices.
    if customer.kind == ContactKind.ORGANISATION:
        if customer.country == "FR" and not (customer.siren or customer.siret):
            problems.append(
                f"Le SIREN {de(customer.display_name)} est obligatoire sur une facture entre professionnels."
            )
        # An EU business is identified by its intra-EU VAT number (CGI ann. II art. 242 nonies A, I-2°); a
        # business established outside the EU has none and may be invoiced without it (issue 9, point 1).
        if customer.country != "FR" and identifiers.is_eu(customer.country) and not customer.vat_number:
            problems.append(f"Le n° de TVA intracommunautaire {de(customer.display_name)} est obligatoire.")
    if not invoice.is_credit_note:  # a credit note cancels what was invoiced, VAT included
        from pilote.sales.services import vat_regime_problem

        policy = policy_for_regime(structure.vat_regime)
        problems += [p for i, line in enumerate(lines, start=1) if (p := vat_regime_problem(i, line, policy))]
    categories = {totals.vat_category(line.rate, line.exemption_mention) for line in lines}
    if "O" in categories:
        # CGI art. 259-1: a service to a taxable person established outside the EU is taxed in its country.
        # EN 16931 (BR-O-11…14): a category O invoice carries no other category.
        if customer.kind != ContactKind.ORGANISATION or identifiers.is_eu(customer.country):
            problems.append(
                f"« {totals.OUTSIDE_SCOPE_MENTION} » vaut pour une prestation à un professionnel établi hors de "
                f"l'Union européenne, ce que {customer.display_name} n'est pas (vérifiez son pays et son type)."
            )
        if categories != {"O"}:
            problems.append(
                f"Les prestations hors du champ de la TVA française (« {totals.OUTSIDE_SCOPE_MENTION} ») se "
                "facturent seules : établissez une autre facture pour les autres lignes."
            )
    # Reverse charge and intra-EU supplies name the buyer's VAT number (CGI ann. II art. 242 nonies A;
    # EN 16931 BR-AE-02, BR-IC-02): a VAT identifier, not another tax number such as a US EIN.
    has_vat_id = bool(customer.vat_number) and identifiers.is_vat_identifier(customer.vat_number)
    if "AE" in categories and not has_vat_id:
        hint = "."
        if customer.country and not identifiers.is_eu(customer.country):
            hint = (
                f" ; pour une prestation à un professionnel établi hors de l'UE : « {totals.OUTSIDE_SCOPE_MENTION} »."
            )
        problems.append("L'autoliquidation exige le n° de TVA intracommunautaire du client" + hint)
    if "K" in categories and (customer.country == "FR" or not identifiers.is_eu(customer.country) or not has_vat_id):
        # CGI art. 262 ter I: a supply of goods to a business identified for VAT in another member state.
        problems.append(
            "Une livraison intracommunautaire (262 ter I du CGI) suppose un client établi dans un autre État de "
            "l'UE, identifié par son n° de TVA intracommunautaire ; hors de l'UE, c'est une exportation (262 I du CGI)."
        )
    return problems


def _chronology_problem(invoice: Invoice, series: str) -> str:
    """The series' numbers follow the dates: a new number is never dated before one already issued or reserved
    (a reserved number is issued later at its reservation's date)."""
    issued = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, number__startswith=f"{series}-")
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    reserved = (
        NumberReservation.objects.filter(number__startswith=f"{series}-")
        .exclude(invoice=invoice)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    last = max((day for day in (issued, reserved) if day), default=None)
    if last and invoice.date < last:
        return (
            f"La date {invoice.date:%d/%m/%Y} précède celle de la dernière facture émise ({last:%d/%m/%Y}) : "
            "la numérotation doit rester chronologique."
        )
    return ""


def operation_nature(lines) -> str:
    kinds = {line.kind for line in lines if line.quantity > 0} or {line.kind for line in lines}
    if kinds == {"service"}:
        return OperationNature.SERVICES
    if kinds == {"goods"}:
        return OperationNature.GOODS
    return OperationNature.MIXED


def _over_invoicing_problems(lines) -> list[str]:
    """A draft copied from an order may have been edited upward: never invoice more than was ordered
    (the order line's invoiced quantity would break sales_orderline_not_overinvoiced)."""
    wanted: dict[int, Decimal] = {}
    for line in lines:
        if line.order_line_id:
            wanted[line.order_line_id] = wanted.get(line.order_line_id, ZERO) + line.quantity
    if not wanted:
        return []
    problems = []
    for order_line in OrderLine.objects.select_for_update().filter(pk__in=wanted).order_by("pk"):
        left = order_line.quantity - order_line.invoiced_quantity
        if wanted[order_line.pk] > left:
            problems.append(
                f"« {order_line.description} » : {format_quantity(wanted[order_line.pk])} facturé(s), mais il n'en "
                f"reste que {format_quantity(left)} à facturer sur la commande."
            )
    return problems


def issue_invoice(*, actor, invoice: Invoice, render_pdf: bool = True) -> Invoice:
    """Issue a draft in three steps, so that no lock is held while its PDF — the slow part — is rendered:

    1. `_reserve`, a short transaction: the legal checks, then the series' next number taken under the series'
       lock and committed as the draft's `NumberReservation` (a draft that already holds one takes it again);
    2. the Factur-X PDF rendered from the frozen copy of the invoice, with no lock held;
    3. `_complete`, a short transaction: the draft locked and found unchanged, the PDF archived, the order's and the
       credited invoice's amounts, the entry posted (the ledger's chain lock), the invoice issued under its number,
       the reservation deleted, the seal (the chain of issued documents).

    The issue is all-or-nothing from step 3's point of view: nothing is issued, posted, archived or sealed unless
    all of it is. A failure after step 1 leaves the draft a draft, holding its number for the next attempt (shown
    on its page and in the to-do list); the numbering verification counts a reserved number as held, so the series
    stays unbroken. Called inside an outer transaction (the demo, tests), the three steps share it."""
    prepared, lines = _reserve(actor=actor, invoice=invoice)
    pdf = None
    if render_pdf:
        with render_slot():
            pdf = documents.render_invoice(prepared)
    return _complete(actor=actor, invoice=prepared, lines=lines, pdf=pdf)


RENDER_LOCK_KEY = 7_170_011  # the advisory locks' first key: the render slots of invoice PDFs


@contextmanager
def render_slot():
    """Hold one of `PILOTE_PDF_RENDER_SLOTS` render slots while a PDF renders — PostgreSQL session advisory locks,
    shared by every process and server: a PDF is CPU work, and more of them at once than the cores left free would
    slow every posting and page of the structure. Takes a free slot, else waits for one. SQLite: one process, no
    slots."""
    if connection.vendor != "postgresql":
        yield
        return
    slots = max(1, settings.PILOTE_PDF_RENDER_SLOTS)
    with connection.cursor() as cursor:
        for slot in range(slots):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RENDER_LOCK_KEY, slot])
            if cursor.fetchone()[0]:
                break
        else:
            slot = os.getpid() % slots
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RENDER_LOCK_KEY, slot])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RENDER_LOCK_KEY, slot])


def _issue_problems(invoice: Invoice, structure: Structure, lines, due) -> list[str]:
    """Everything that forbids issuing the draft now (the order lines and the credited invoice locked)."""
    problems = _legal_problems(invoice, structure, lines)
    try:
        terms.check_due_date(invoice.date, due)
    except DomainError as exc:
        problems.append(exc.message)
    if invoice.is_credit_note:
        origin = Invoice.objects.select_for_update().get(pk=invoice.credited_invoice_id)
        left = origin.total_gross - origin.credited_amount
        if invoice.total_gross > left:
            problems.append(f"L'avoir dépasse ce qui reste à annuler sur {origin} ({format_eur(left)}).")
        if hooks.blocked_payments([origin.pk]):  # its debt left 411 (doubtful) or was written off, VAT recovered
            problems.append(
                f"{origin} est suivie en créance douteuse (compte 416) ou passée en perte : un avoir ne peut plus "
                "la corriger depuis les ventes (sa TVA serait régularisée deux fois)."
            )
    else:
        problems.extend(_over_invoicing_problems(lines))
    return problems


@transaction.atomic
def _reserve(*, actor, invoice: Invoice) -> tuple[Invoice, list]:
    """Step 1: the checks, the number (taken under the series' lock, committed with its reservation), and the
    invoice as it will be issued — in memory only: the draft in the database is unchanged."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
    if not invoice.is_draft:
        raise DomainError(f"{invoice} est déjà {invoice.agreed('émis')}.")
    structure = Structure.objects.get()
    lines = list(invoice.lines.all())
    series = Series.CREDIT_NOTE if invoice.is_credit_note else Series.INVOICE
    due = invoice.due_date or terms.due_date_for(invoice.date, invoice.payment_term)  # an agreed date wins
    if problems := _issue_problems(invoice, structure, lines, due):
        raise DomainError(" ".join(problems))

    reservation = NumberReservation.objects.filter(invoice=invoice).first()
    if reservation is None:
        number = numbering.next_number(series, invoice.date.year)
        # Checked once the series is locked, so two users issuing at once cannot break the chronological order.
        if chronology := _chronology_problem(invoice, series):
            raise DomainError(chronology)
        reservation = NumberReservation.objects.create(invoice=invoice, number=number, date=invoice.date)
    elif reservation.date != invoice.date:
        raise DomainError(
            f"Le n° {reservation.number} est réservé pour cette facture au {reservation.date:%d/%m/%Y} : "
            f"remettez cette date pour l'émettre."
        )
    invoice.number = reservation.number
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = timezone.now()
    invoice.due_date = due
    invoice.customer_snapshot = customer_snapshot(invoice.customer)
    if invoice.delivery_address_id:
        address = invoice.delivery_address
        invoice.customer_snapshot["delivery"] = {
            "label": address.label,
            "line1": address.line1,
            "line2": address.line2,
            "postal_code": address.postal_code,
            "city": address.city,
            "country": address.country,
        }
    invoice.seller_snapshot = seller_snapshot(structure)
    invoice.operation_nature = operation_nature(lines)
    # The VAT on services falls due on payment unless the seller opted for debits (CGI 269-2-c): both only
    # concern services that carry French VAT, not exports or services outside its scope (259-1).
    has_services = any(line.kind == "service" and Decimal(line.vat_rate) > 0 for line in lines)
    invoice.vat_on_debits = structure.vat_regime == VatRegime.DEBITS and has_services
    invoice.vat_on_receipts = structure.vat_regime == VatRegime.RECEIPTS and has_services
    invoice.penalty_rate = terms.rate_for(invoice.date).penalty_rate
    return invoice, lines


@transaction.atomic
def _complete(*, actor, invoice: Invoice, lines, pdf: bytes | None) -> Invoice:
    """Step 3: the draft found as it was reserved, then everything that issues it, in one transaction."""
    current = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    if not current.is_draft:  # a concurrent attempt issued it meanwhile
        raise DomainError(f"{current} est déjà {current.agreed('émis')}.")
    if current.version != invoice.version or current.date != invoice.date:
        raise DomainError(
            "La facture a été modifiée pendant son émission : vérifiez-la et émettez-la de nouveau "
            f"(elle garde le n° {invoice.number})."
        )
    reservation = NumberReservation.objects.select_for_update().filter(invoice=invoice).first()
    if reservation is None or reservation.number != invoice.number:
        raise DomainError("La réservation du numéro de cette facture a disparu : émettez-la de nouveau.")
    structure = Structure.objects.get()
    if problems := _issue_problems(invoice, structure, lines, invoice.due_date):  # order lines re-locked
        raise DomainError(" ".join(problems))
    if pdf is not None:  # its ~100 kB written before the ledger's lock
        archive_pdf(invoice, pdf)

    if invoice.order_id and not invoice.is_credit_note:  # quantities invoiced on the order, then its status
        from pilote.sales.services import refresh_order_status

        for line in lines:
            if line.order_line_id:
                OrderLine.objects.filter(pk=line.order_line_id).update(
                    invoiced_quantity=F("invoiced_quantity") + line.quantity
                )
        refresh_order_status(invoice.order)
    origin = None
    if invoice.is_credit_note:
        origin = Invoice.objects.select_for_update().get(pk=invoice.credited_invoice_id)
        origin.credited_amount += invoice.total_gross
        origin.save(update_fields=["credited_amount", "updated_at"])

    # From here to the commit the ledger's chain is locked: only the entry, the invoice row and its seal.
    invoice.entry = post_invoice(actor=actor, invoice=invoice, lines=lines)
    invoice.version += 1
    reservation.delete()
    invoice.save()
    if origin is not None:
        from pilote.sales.payments import letter_invoice

        letter_invoice(actor=actor, invoice=origin)
    sealing.seal_issued(invoice, pdf)  # the chain of issued documents: its lock is the last one taken
    audit.record(actor, "sales.invoice.issued", invoice, after=audit.snapshot(invoice))
    return invoice


def archive_pdf(invoice: Invoice, pdf: bytes) -> InvoiceFile:
    return InvoiceFile.objects.create(invoice=invoice, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())


def store_pdf(invoice: Invoice) -> InvoiceFile:
    """Render and archive the PDF of an invoice issued without it (bulk loads such as the demo), then seal its
    digest in the chain of issued documents; rendered before any lock is taken."""
    return sealing.archive_later(invoice, documents.render_invoice(invoice))


def _vat_split(lines, group: totals.VatGroup, on_receipts: bool) -> list[tuple[str, Decimal, Decimal]]:
    """(account, tax, base) parts of one VAT group: all on 44571, or the services' share on 44588."""
    if not on_receipts:
        return [(COLLECTED_VAT_ACCOUNT, group.amount, group.base)]
    same = [
        line
        for line in lines
        if Decimal(line.vat_rate) == group.rate and line.exemption_mention == group.exemption_mention
    ]
    services = sum((line.net_amount for line in same if line.kind == "service"), ZERO)
    goods = group.base - services
    if services == 0:
        return [(COLLECTED_VAT_ACCOUNT, group.amount, group.base)]
    if goods == 0:
        return [(PENDING_VAT_ACCOUNT[0], group.amount, group.base)]
    tax_goods, tax_services = split_amount(group.amount, [goods, services])
    return [(COLLECTED_VAT_ACCOUNT, tax_goods, goods), (PENDING_VAT_ACCOUNT[0], tax_services, services)]


def post_invoice(*, actor, invoice: Invoice, lines) -> object:
    sign = -1 if invoice.is_credit_note else 1
    customer_aux = ledger.auxiliary_for_contact(actor=actor, contact=invoice.customer, control_code="411")
    label = f"{invoice.get_kind_display()} {invoice.number} {invoice.customer.display_name}"[:200]

    def side(amount: Decimal, **kwargs) -> ledger.LineInput:
        amount = amount * sign
        return ledger.LineInput(
            debit=amount if amount > 0 else ZERO, credit=-amount if amount < 0 else ZERO, label=label, **kwargs
        )

    entry_lines = [
        side(
            invoice.total_gross,
            account=account("411"),
            auxiliary=customer_aux,
            due_date=invoice.due_date,
            reference=invoice.number,
        )
    ]
    by_account: dict[str, Decimal] = {}
    articles: dict[str, list] = {}
    for line in lines:
        by_account[line.account] = by_account.get(line.account, ZERO) + line.net_amount
        articles.setdefault(line.account, []).append((line.product_id, line.net_amount))
    for code, net in sorted(by_account.items()):
        # Each article's analytic defaults, weighted by its net amount (ledger.analytics).
        shares = ledger_analytics.product_shares(articles[code]) or None
        entry_lines.append(side(-net, account=account(code), reference=invoice.number, analytic=shares))
    result = totals.compute_totals(
        totals.PricedLine(line.net_amount, line.rate, line.exemption_mention) for line in lines
    )
    for group in result.groups:
        if group.amount == 0:
            continue
        for code, tax, base in _vat_split(lines, group, invoice.vat_on_receipts):
            vat_account = account(code, PENDING_VAT_ACCOUNT[1] if code == PENDING_VAT_ACCOUNT[0] else "")
            entry_lines.append(
                side(-tax, account=vat_account, vat_rate=group.rate, vat_base=base * sign, reference=invoice.number)
            )
    return ledger.create_entry(
        actor=actor,
        journal=sales_journal(),
        date=invoice.date,
        label=label,
        lines=entry_lines,
        piece_ref=invoice.number,
        piece_date=invoice.date,
        post=True,
    )
