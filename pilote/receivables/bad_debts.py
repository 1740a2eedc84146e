"""Doubtful and irrecoverable customer debts (créances douteuses et irrécouvrables), invoice by invoice.

Each step posts its entry through `ledger.services` (a closed or locked period refuses it with a French
message, nothing written), records an audit event and a step of the debt's timeline (DoubtfulDebtEvent),
shown on the customer's account page.

1. **Classed doubtful** (`classify`): the open share of the invoice, VAT included, leaves the customer's 411
   account for its 416 account (« Clients douteux ou litigieux », same third party: auxiliary D + contact
   id): D 416 / C 411, OD journal. The invoice's 411 lines (invoice, payments, credit notes) are lettered with
   the transfer line: the 411 item is settled, the debt lives on 416. Dunning skips the invoice from then
   on (dunning.overdue_invoices), and neither a sales payment nor a credit note can settle it any more
   (sales.hooks.payment_blocks; its payments are recorded here, `record_recovery`).
   Sources: PCG 2025 account 416 « Clients douteux ou litigieux » (ledger/data/pcg_2025.csv); the TTC amount
   transferred 411 → 416 before any write-down (ressources.aunege.fr, « Les dépréciations des créances »).
2. **Written down** (`provision`): the dépréciation is a chosen rate of the debt **excluding VAT**: the VAT
   is no loss, it is recovered if the debt is lost (CGI art. 272-1), so only the net amount is at risk.
   Sources: BOI-BIC-PROV-40-20 § 10 (a provision equal to the debt or to the share whose recovery is
   compromised; CGI art. 39-1-5°); « la TVA étant intégralement récupérable en cas d'impayé, la provision doit
   être limitée au montant hors taxes de la créance » (abak.ec, « Provisions pour créances douteuses »; same
   rule in compta-online.com, « Comptabiliser la dépréciation des créances clients, le compte 491 »).
   D 68174 « Dotations pour dépréciations des créances » / C 491. Set again at the year end with another rate,
   the difference is posted: a complement (D 68174 / C 491) or a reversal (D 491 / C 78174 « Reprises sur
   dépréciations des créances »).
3. **Written off** (`write_off`), once the loss is definitive and proved (liquidation judiciaire judgment,
   closing for insufficient assets, debtor vanished…; a write-down or an unpaid due date is no proof):
   D 654 (6541 for an invoice of the same fiscal year, 6544 of an earlier one, PCG 2025 — the former 6714,
   ledger/data/pcg_legacy_mapping.csv) for the net amount, the VAT of the unpaid share recovered, C 416 for the
   whole debt; then the write-down is reversed (D 491 / C 78174). The 416 lines are lettered together.
   - VAT « sur les débits » (goods, and services under the débits option) was declared when invoiced: it is
     recovered (CGI art. 272-1; BOI-TVA-DED-40-10-20 § 1 and § 20: the VAT « est imputée ou remboursée » once
     the debt is « définitivement irrécouvrable », from the date of the liquidation judgment at the earliest):
     D 44585 (ledger.vat.BAD_DEBT_VAT_ACCOUNT), which the CA3 reports on line 21 « Autre TVA à déduire » (see
     ledger/vat.py). The recovery requires the original invoice to be corrected (CGI art. 272-1, 2nd
     paragraph): a duplicate sent to the customer bearing « Facture demeurée impayée pour la somme de … €
     (prix net) et pour la somme de … € (TVA correspondante) qui ne peut faire l'objet d'une déduction
     (article 272 du CGI) » (the wording the administration requires, as quoted by secob.fr, 05/07/2016, and
     segora.fr); the write-off records that mention on the timeline, to be sent.
   - VAT « sur les encaissements » (services, CGI art. 269-2-c): the VAT of what was never paid never became
     due; it still waits on 44588 (sales.issuing) and is simply cancelled there (D 44588): nothing reaches the
     CA3 (« le problème de la récupération de la TVA sur les impayés ne se pose en pratique que pour les
     redevables qui acquittent la taxe sur les livraisons ou sur les débits », cep-recouvrement.com).
4. **Received later** (`record_recovery`, recorded as a sales Payment allocated to the invoice, its entry being
   the one below): on a doubtful debt, D 512 / C 416 (under encaissements the paid VAT moves 44588 → 44571 as
   for any payment); after the write-off,
   D 512 / C 7583 « Rentrées sur créances amorties » (PCG 2025; the former 7714, pcg_legacy_mapping.csv), and
   the VAT recovered on the share received is due again (C 44571 at the invoice's rate, on the CA3 of the
   month): the counterpart of the recovery, the price being paid after all.

Amounts of the open share: VAT per VAT line of the invoice's entry in proportion to what is left to pay
(TTC left / TTC), or, on 44588, exactly what still waits there; the net amount is the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.ledger import lettering
from pilote.ledger import services as ledger
from pilote.ledger.models import EntryLine, EntryStatus, Journal, JournalKind, MatchedLine
from pilote.ledger.vat import BAD_DEBT_VAT_ACCOUNT
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, round_eur
from pilote.receivables.models import DoubtfulDebt, DoubtfulDebtEvent, DoubtfulEventKind, DoubtfulStatus
from pilote.sales import payments
from pilote.sales.issuing import COLLECTED_VAT_ACCOUNT, PENDING_VAT_ACCOUNT, account
from pilote.sales.models import Invoice, InvoiceStatus, Payment, PaymentAllocation, PaymentMethod

CUSTOMERS = "411"
DOUBTFUL = ("416", "Clients douteux ou litigieux")
WRITE_DOWN = ("491", "Dépréciations des comptes de clients")
CHARGE = ("68174", "Dotations pour dépréciations des créances")
REVERSAL = ("78174", "Reprises sur dépréciations des créances")
LOSS_SAME_YEAR = ("6541", "Pertes sur créances irrécouvrables de l'exercice")
LOSS_EARLIER_YEAR = ("6544", "Pertes sur créances irrécouvrables des exercices antérieurs")
RECOVERED = ("7583", "Rentrées sur créances amorties")


@dataclass
class VatShare:
    account: str  # 44571 (due, recovered on the CA3) or 44588 (waiting, cancelled)
    rate: Decimal | None
    tax: Decimal
    base: Decimal


def _misc_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.MISC, is_active=True).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'opérations diverses actif : créez le journal OD dans la comptabilité.")
    return journal


def unpaid_vat(invoice: Invoice, open_gross: Decimal) -> list[VatShare]:
    """The VAT of the invoice's unpaid share, per VAT line of its entry (see the module's docstring)."""
    if invoice.entry_id is None or not invoice.total_gross:
        return []
    shares = []
    vat_lines = EntryLine.objects.filter(
        entry_id=invoice.entry_id, account__code__in=[COLLECTED_VAT_ACCOUNT, PENDING_VAT_ACCOUNT[0]]
    ).select_related("account")
    for line in vat_lines.order_by("position"):
        tax, base = line.credit - line.debit, line.vat_base or ZERO
        if line.account.code == PENDING_VAT_ACCOUNT[0]:
            moved = EntryLine.objects.filter(
                entry__status=EntryStatus.POSTED,
                account=line.account,
                reference=invoice.number,
                vat_rate=line.vat_rate,
                debit__gt=0,
            ).exclude(entry_id=invoice.entry_id)
            totals = moved.aggregate(tax=Sum("debit"), base=Sum("vat_base"))
            tax, base = tax - (totals["tax"] or ZERO), base + (totals["base"] or ZERO)  # moved bases are negative
            share = VatShare(line.account.code, line.vat_rate, tax, base)
        else:
            ratio = open_gross / invoice.total_gross
            share = VatShare(line.account.code, line.vat_rate, round_eur(tax * ratio), round_eur(base * ratio))
        if share.tax > 0:
            shares.append(share)
    return shares


def _event(debt: DoubtfulDebt, *, actor, day: dt.date, kind: str, label: str, amount: Decimal, entries) -> None:
    event = DoubtfulDebtEvent.objects.create(
        debt=debt, date=day, kind=kind, label=label[:200], amount=amount, created_by=actor
    )
    event.entries.set([entry for entry in entries if entry is not None])


def _check_day(day: dt.date, after: dt.date, what: str) -> None:
    if day < after:
        raise DomainError(f"La date doit être le {after:%d/%m/%Y} ou après ({what}).")


def _letter(lines: list[EntryLine], actor) -> None:
    """Letter the lines in full; a partial lettering they were in (the invoice's part payments) is completed by
    `letter_lines` itself, so a locked period's partial lettering needs no undoing."""
    lines = list({line.pk: line for line in lines}.values())
    if MatchedLine.objects.filter(line__in=lines, matching__is_partial=False).exists():
        return
    lettering.letter_lines(actor=actor, lines=lines)


@transaction.atomic
def classify(*, actor, invoice: Invoice, day: dt.date, reason: str = "") -> DoubtfulDebt:
    """Class the open share of an issued invoice as doubtful: 411 → 416 (see the module's docstring)."""
    invoice = Invoice.objects.select_for_update().select_related("customer").get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.ISSUED or invoice.is_credit_note:
        raise DomainError("Seule une facture émise peut être classée douteuse.")
    if DoubtfulDebt.objects.filter(invoice=invoice).exists():
        raise DomainError(f"{invoice} est déjà classée douteuse.")
    open_gross = invoice.balance_due
    if open_gross <= 0:
        raise DomainError(f"{invoice} est soldée : rien à classer douteux.")
    _check_day(day, invoice.date, "date de la facture")
    vat = unpaid_vat(invoice, open_gross)
    vat_total = sum((share.tax for share in vat), ZERO)
    customer = invoice.customer
    aux_411 = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code=CUSTOMERS)
    account(*DOUBTFUL)
    aux_416 = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code=DOUBTFUL[0])
    label = f"Créance douteuse {invoice.number} {customer.display_name}"[:200]
    entry = ledger.create_entry(
        actor=actor,
        journal=_misc_journal(),
        date=day,
        label=label,
        piece_ref=invoice.number,
        piece_date=day,
        lines=[
            ledger.LineInput(
                account(DOUBTFUL[0]),
                debit=open_gross,
                auxiliary=aux_416,
                label=label,
                due_date=invoice.due_date,
                reference=invoice.number,
            ),  # fmt: skip
            ledger.LineInput(
                account(CUSTOMERS), credit=open_gross, auxiliary=aux_411, label=label, reference=invoice.number
            ),  # fmt: skip
        ],
        post=True,
    )
    transfer = entry.lines.get(account__code=CUSTOMERS)
    _letter([*payments.customer_lines(invoice), transfer], actor)
    debt = DoubtfulDebt.objects.create(
        invoice=invoice,
        customer=customer,
        classified_on=day,
        amount_gross=open_gross,
        amount_vat=vat_total,
        amount_net=open_gross - vat_total,
        created_by=actor,
    )
    why = f" — {reason.strip()}" if reason.strip() else ""
    _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.CLASSIFIED, amount=open_gross, entries=[entry],
           label=f"Classée douteuse : {format_eur(open_gross)} TTC transférés au 416{why}")  # fmt: skip
    audit.record(actor, "receivables.doubtful.classified", debt, after=audit.snapshot(debt))
    return debt


def _rate(value) -> Decimal:
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise DomainError("Le taux de dépréciation est un pourcentage entre 0 et 100.") from None
    if not ZERO <= rate <= 100:
        raise DomainError("Le taux de dépréciation est un pourcentage entre 0 et 100.")
    return rate


def _provision_entry(*, actor, debt: DoubtfulDebt, day: dt.date, delta: Decimal, label: str):
    """D 68174 / C 491 for a complement (delta > 0), D 491 / C 78174 for a reversal (delta < 0)."""
    if not delta:
        return None
    write_down = account(*WRITE_DOWN)
    lines = (
        [ledger.LineInput(account(*CHARGE), debit=delta, label=label, reference=debt.invoice.number),
         ledger.LineInput(write_down, credit=delta, label=label, reference=debt.invoice.number)]
        if delta > 0
        else [ledger.LineInput(write_down, debit=-delta, label=label, reference=debt.invoice.number),
              ledger.LineInput(account(*REVERSAL), credit=-delta, label=label, reference=debt.invoice.number)]
    )  # fmt: skip
    return ledger.create_entry(
        actor=actor, journal=_misc_journal(), date=day, label=label, piece_ref=debt.invoice.number,
        piece_date=day, lines=lines, post=True,
    )  # fmt: skip


def _locked(debt: DoubtfulDebt, version: int | None) -> DoubtfulDebt:
    current = DoubtfulDebt.objects.select_for_update().select_related("invoice", "customer").get(pk=debt.pk)
    check_version(current.version, version, "Cette créance douteuse")
    return current


@transaction.atomic
def provision(*, actor, debt: DoubtfulDebt, day: dt.date, rate, version: int | None = None) -> DoubtfulDebt:
    """Set the write-down to `rate` % of the debt excluding VAT: the difference with the current one is posted
    (a complement, or a reversal at the year end when the risk fell)."""
    debt = _locked(debt, version)
    if debt.is_written_off:
        raise DomainError("Cette créance est passée en perte : sa dépréciation a été reprise.")
    _check_day(day, debt.classified_on, "date du classement en créance douteuse")
    rate = _rate(rate)
    base = provision_base(debt)
    target = round_eur(base * rate / 100)
    delta = target - debt.provision
    if not delta and rate == debt.provision_rate:
        raise DomainError(f"La créance est déjà dépréciée à {_percent(rate)}.")
    before = audit.snapshot(debt)
    label = f"Dépréciation {debt.invoice.number} {debt.customer.display_name} à {_percent(rate)}"[:200]
    entry = _provision_entry(actor=actor, debt=debt, day=day, delta=delta, label=label)
    if delta >= 0:
        text = f"Dépréciée à {_percent(rate)} de {format_eur(base)} HT : {format_eur(target)}"
        if debt.provision:
            text += f" (complément de {format_eur(delta)})"
    else:
        text = (f"Dépréciation ramenée à {_percent(rate)} : {format_eur(target)} "
                f"(reprise de {format_eur(-delta)})")  # fmt: skip
    debt.provision, debt.provision_rate = target, rate
    debt.version += 1
    debt.save(update_fields=["provision", "provision_rate", "version"])
    _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.PROVISIONED, amount=target, entries=[entry], label=text)
    audit.record(actor, "receivables.doubtful.provisioned", debt, before=before, after=audit.snapshot(debt))
    return debt


def provision_base(debt: DoubtfulDebt) -> Decimal:
    """The debt excluding VAT still at risk: the net amount, less the net share of what was received since."""
    if not debt.recovered:
        return debt.amount_net
    return round_eur(debt.amount_net * (debt.amount_gross - debt.recovered) / debt.amount_gross)


def _percent(rate: Decimal) -> str:
    text = f"{rate.normalize():f}" if rate == rate.to_integral() else f"{rate:.2f}".replace(".", ",")
    return f"{text} %".replace(".", ",")


def _open_doubtful_lines(debt: DoubtfulDebt) -> list[EntryLine]:
    """The debt's 416 lines not yet fully lettered (the transfer, or its à-nouveau in a later year)."""
    aux = ledger.auxiliary_for_contact(actor=None, contact=debt.customer, control_code=DOUBTFUL[0])
    return list(lettering.open_lines(account(*DOUBTFUL), aux.pk).filter(reference=debt.invoice.number))


def correction_mention(debt: DoubtfulDebt, vat: Decimal) -> str:
    """The mention of the duplicate that corrects the invoice (CGI art. 272-1; BOI-TVA-DED-40-10-20 § 120)."""
    return (
        f"Facture demeurée impayée pour la somme de {format_eur(debt.amount_net)} (prix net) et pour la somme "
        f"de {format_eur(vat)} (TVA correspondante) qui ne peut faire l'objet d'une déduction (article 272 du CGI)."
    )


@transaction.atomic
def write_off(*, actor, debt: DoubtfulDebt, day: dt.date, proof: str, version: int | None = None) -> DoubtfulDebt:
    """Write the debt off as definitively irrecoverable (see the module's docstring)."""
    debt = _locked(debt, version)
    if debt.is_written_off:
        raise DomainError("Cette créance est déjà passée en perte.")
    proof = proof.strip()
    if not proof:
        raise DomainError(
            "Indiquez la preuve de l'irrécouvrabilité (jugement de liquidation judiciaire, clôture pour "
            "insuffisance d'actif, débiteur disparu…) : sans elle, ni la perte ni la TVA ne sont admises."
        )
    _check_day(day, debt.classified_on, "date du classement en créance douteuse")
    invoice = debt.invoice
    lost = debt.amount_gross - debt.recovered
    vat = unpaid_vat(invoice, lost)
    year = ledger.fiscal_year_for(day)
    loss = LOSS_SAME_YEAR if year.contains(invoice.date) else LOSS_EARLIER_YEAR
    aux_416 = ledger.auxiliary_for_contact(actor=actor, contact=debt.customer, control_code=DOUBTFUL[0])
    label = f"Créance irrécouvrable {invoice.number} {debt.customer.display_name}"[:200]
    ref = invoice.number
    net = lost - sum((share.tax for share in vat), ZERO)
    lines = [ledger.LineInput(account(*loss), debit=net, label=label, reference=ref)]
    recovered = ZERO
    for share in vat:
        if share.account == COLLECTED_VAT_ACCOUNT:  # declared when invoiced: deducted on CA3 line 21
            recovered += share.tax
            target = account(*BAD_DEBT_VAT_ACCOUNT)
        else:  # 44588: never due (encaissements), cancelled
            target = account(*PENDING_VAT_ACCOUNT)
        lines.append(ledger.LineInput(target, debit=share.tax, label=label, reference=ref,
                                      vat_rate=share.rate, vat_base=-share.base))  # fmt: skip
    lines.append(ledger.LineInput(account(DOUBTFUL[0]), credit=lost, auxiliary=aux_416, label=label,
                                  reference=ref))  # fmt: skip
    journal = _misc_journal()
    entry = ledger.create_entry(actor=actor, journal=journal, date=day, label=label, piece_ref=ref, piece_date=day,
                                lines=lines, post=True)  # fmt: skip
    _letter([*_open_doubtful_lines(debt), entry.lines.get(account__code=DOUBTFUL[0])], actor)
    reversal = _provision_entry(
        actor=actor, debt=debt, day=day, delta=-debt.provision,
        label=f"Reprise de la dépréciation {invoice.number} {debt.customer.display_name}"[:200],
    )  # fmt: skip
    before = audit.snapshot(debt)
    released = debt.provision
    debt.status, debt.written_off_on, debt.loss_proof = DoubtfulStatus.WRITTEN_OFF, day, proof[:200]
    debt.amount_net, debt.provision, debt.version, debt.write_off_entry = net, ZERO, debt.version + 1, entry
    debt.save(update_fields=["status", "written_off_on", "loss_proof", "amount_net", "provision", "version",
                             "write_off_entry"])  # fmt: skip
    text = f"Passée en perte : {format_eur(net)} HT en charge ({proof})"
    if recovered:
        text += f", TVA récupérée {format_eur(recovered)} (ligne 21 de la CA3)"
    if released:
        text += f", dépréciation de {format_eur(released)} reprise"
    _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.WRITTEN_OFF, amount=net, entries=[entry, reversal],
           label=text)  # fmt: skip
    if recovered:
        _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.WRITTEN_OFF, amount=recovered, entries=[],
               label=f"Duplicata rectificatif à adresser au client (TVA de {format_eur(recovered)} non déductible "
                     "chez lui, article 272 du CGI)")  # fmt: skip
    audit.record(actor, "receivables.doubtful.written_off", debt, before=before, after=audit.snapshot(debt))
    return debt


@transaction.atomic
def record_recovery(*, actor, debt: DoubtfulDebt, day: dt.date, amount, bank_account) -> DoubtfulDebt:
    """A payment received on a doubtful debt (D 512 / C 416, the invoice's paid amount follows) or on a debt
    already written off (D 512 / C 7583, the VAT recovered on that share due again on 44571)."""
    debt = _locked(debt, None)
    invoice = Invoice.objects.select_for_update().get(pk=debt.invoice_id)
    amount = round_eur(Decimal(amount))
    left = debt.amount_gross - debt.recovered
    if amount <= 0:
        raise DomainError("Le montant encaissé doit être positif.")
    if amount > left:
        raise DomainError(f"{format_eur(amount)} dépasse ce qui reste de la créance ({format_eur(left)}).")
    _check_day(day, debt.written_off_on or debt.classified_on, "dernière étape de la créance")
    ref = invoice.number
    label = f"Encaissement {ref} {debt.customer.display_name}"[:200]
    lines = [ledger.LineInput(bank_account.account, debit=amount, label=label, reference=ref)]
    if debt.is_written_off:
        vat_lines = debt.write_off_entry.lines.filter(
            account__code__in=[BAD_DEBT_VAT_ACCOUNT[0], PENDING_VAT_ACCOUNT[0]]
        ).order_by("position")
        lost = debt.write_off_entry.lines.get(account__code=DOUBTFUL[0]).credit
        taxes = []
        for line in vat_lines:  # the VAT on what is received is due: 44571, on the CA3 of the month
            tax = round_eur(line.debit * amount / lost)
            base = round_eur(-(line.vat_base or ZERO) * amount / lost)
            if tax:
                taxes.append(tax)
                lines.append(ledger.LineInput(account(COLLECTED_VAT_ACCOUNT), credit=tax, label=label, reference=ref,
                                              vat_rate=line.vat_rate, vat_base=base))  # fmt: skip
        lines.append(ledger.LineInput(account(*RECOVERED), credit=amount - sum(taxes, ZERO), label=label,
                                      reference=ref))  # fmt: skip
        text = f"Encaissé {format_eur(amount)} après le passage en perte (7583)"
    else:
        aux_416 = ledger.auxiliary_for_contact(actor=actor, contact=debt.customer, control_code=DOUBTFUL[0])
        lines.append(ledger.LineInput(account(DOUBTFUL[0]), credit=amount, auxiliary=aux_416, label=label,
                                      reference=ref))  # fmt: skip
        lines += payments.vat_transfer_lines(invoice, amount, label)  # encaissements: the paid VAT becomes due
        text = f"Encaissé {format_eur(amount)} sur la créance douteuse (416)"
    text_extra, reversal = "", None
    entry = ledger.create_entry(actor=actor, journal=bank_account.journal, date=day, label=label, piece_ref=ref,
                                piece_date=day, lines=lines, post=True)  # fmt: skip
    before = audit.snapshot(debt)
    # A sales payment like any other (the invoice's paid amount, its allocation, the e-reporting of the VAT
    # collected on receipt), its entry being this one.
    payment = Payment.objects.create(
        customer=debt.customer, date=day, amount=amount, method=PaymentMethod.TRANSFER, reference=ref,
        bank_account=bank_account, entry=entry, created_by=actor,
    )  # fmt: skip
    PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=amount)
    invoice.amount_paid += amount
    if invoice.balance_due <= 0:
        invoice.paid_on = day
    invoice.save(update_fields=["amount_paid", "paid_on", "updated_at"])
    if not debt.is_written_off and amount == left:  # paid after all: 416 settled, the write-down has no object
        _letter([*_open_doubtful_lines(debt), entry.lines.get(account__code=DOUBTFUL[0])], actor)
        reversal = _provision_entry(actor=actor, debt=debt, day=day, delta=-debt.provision,
                                    label=f"Reprise de la dépréciation {ref} (créance réglée)")  # fmt: skip
        if reversal is not None:
            text_extra = f", dépréciation de {format_eur(debt.provision)} reprise"
            debt.provision, debt.provision_rate = ZERO, ZERO
    debt.recovered += amount
    debt.version += 1
    debt.save(update_fields=["recovered", "version", "provision", "provision_rate"])
    _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.RECOVERED, amount=amount, entries=[entry, reversal],
           label=text + text_extra)  # fmt: skip
    audit.record(actor, "receivables.doubtful.recovered", debt, before=before, after=audit.snapshot(debt))
    return debt


# --- Reads ------------------------------------------------------------------------------------------


def blocked_invoices(invoice_ids) -> dict[int, str]:
    """Registered on sales.hooks.payment_blocks: a doubtful invoice is no longer settled by a sales payment."""
    found = DoubtfulDebt.objects.filter(invoice_id__in=list(invoice_ids)).values_list("invoice_id", "status")
    return {
        invoice_id: (
            "Cette facture est passée en perte : enregistrez l'encaissement depuis le compte client (recouvrement)."
            if status == DoubtfulStatus.WRITTEN_OFF
            else "Cette facture est classée douteuse (compte 416) : enregistrez son règlement depuis le compte "
            "client (recouvrement)."
        )
        for invoice_id, status in found
    }


def customer_timeline(customer) -> list[DoubtfulDebtEvent]:
    return list(
        DoubtfulDebtEvent.objects.filter(debt__customer=customer)
        .select_related("debt__invoice")
        .prefetch_related("entries")
        .order_by("date", "id")
    )
