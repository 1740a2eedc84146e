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

**An old invoice of the previous tool** (`classify_taken_over`), taken over into the ledger as an open line of the
customer's 411 (`ledger_items.py`), follows the same four steps and entries. No VAT line of Pilote stands for it, so
the user types what the old tool knew: the invoice's amount excluding VAT, its VAT rate (the CA3 line of a VAT due
again) and, when the old tool rounded otherwise, its VAT amount, and its VAT regime — « sur les débits » (declared
when invoiced: recovered on 44585 when lost) or « sur les encaissements » (waiting on 44588, brought there by the
opening balance: cancelled when lost, moved to 44571 on what is received). The VAT of the open share is that VAT in
proportion (TTC left / the invoice's TTC), as for a Pilote invoice; its open 411 line — with the payments of its
partial lettering — is lettered with the transfer. What is received is recorded by its entry only (no sales
payment: no Pilote invoice to allocate it to). No corrective duplicate is printed: Pilote never archived the old
invoice; the page gives the article 272 mention to put on the duplicate made with the previous tool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.ledger import documents_open, lettering
from pilote.ledger import services as ledger
from pilote.ledger.models import EntryLine, EntryStatus, Journal, JournalKind, MatchedLine
from pilote.ledger.vat import BAD_DEBT_VAT_ACCOUNT
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO, round_eur
from pilote.receivables.models import DoubtfulDebt, DoubtfulDebtEvent, DoubtfulEventKind, DoubtfulStatus, VatRegime
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
    entry = _transfer(actor=actor, customer=customer, number=invoice.number, due_date=invoice.due_date, day=day,
                      open_gross=open_gross)  # fmt: skip
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
    _classified(debt, actor=actor, day=day, reason=reason, entry=entry)
    return debt


OLD_VAT_RATES = (Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10"), Decimal("0.00"))


@dataclass
class OldInvoiceVat:
    """What the previous tool knew of an old invoice's VAT, as the user types it."""

    net: Decimal  # the invoice's amount excluding VAT
    rate: Decimal  # 20, 10, 5.5, 2.1 or 0
    vat: Decimal | None = None  # its VAT amount; None: net × rate
    regime: str = ""  # VatRegime: debits or receipts; may stay empty without VAT


def _old_vat(typed: OldInvoiceVat, open_gross: Decimal) -> tuple[Decimal, Decimal, Decimal, str]:
    """(net, VAT, rate, regime) of an old invoice as typed, checked against what is left of it (its TTC holds it)."""
    net = round_eur(typed.net) if typed.net is not None else None
    if net is None or net <= 0:
        raise DomainError("Indiquez le montant hors taxes de la facture reprise, tel que l'ancien outil l'a facturé.")
    rate = typed.rate.quantize(Decimal("0.01")) if typed.rate is not None else None
    if rate not in OLD_VAT_RATES:
        raise DomainError("Le taux de TVA de la facture reprise est 20, 10, 5,5, 2,1 ou 0 % (sans TVA).")
    vat = round_eur(net * rate / 100) if typed.vat is None else round_eur(typed.vat)
    if vat < 0 or (rate == 0 and vat) or (rate and not vat) or vat > net:
        raise DomainError(
            f"La TVA saisie ({format_eur(vat)}) ne va pas avec {format_eur(net)} HT à {_percent(rate)} : "
            "vérifiez le montant de TVA de la facture reprise (ou laissez-le vide : il est calculé)."
        )
    regime = typed.regime or ""
    if vat and regime not in VatRegime.values:
        raise DomainError(
            "Indiquez le régime de TVA de la facture reprise : sur les débits (la TVA a été déclarée à la "
            "facturation) ou sur les encaissements (elle attend au compte 44588 jusqu'au paiement)."
        )
    if not vat:
        regime = ""
    if open_gross > net + vat:
        raise DomainError(
            f"Le reste dû ({format_eur(open_gross)}) dépasse le montant TTC saisi ({format_eur(net)} HT + "
            f"{format_eur(vat)} de TVA = {format_eur(net + vat)}) : vérifiez les montants de la facture reprise."
        )
    return net, vat, rate, regime


def _pending_vat_balance() -> Decimal:
    totals = EntryLine.objects.filter(entry__status=EntryStatus.POSTED, account__code=PENDING_VAT_ACCOUNT[0]).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (totals["c"] or ZERO) - (totals["d"] or ZERO)


def _share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    return round_eur(amount * part / whole)


def _old_moved(debt: DoubtfulDebt) -> tuple[Decimal, Decimal]:
    """The VAT (and its base) of an old invoice under encaissements already moved 44588 → 44571 by what was received
    while it was doubtful: the 44588 debits of its recovery entries."""
    moved = EntryLine.objects.filter(
        account__code=PENDING_VAT_ACCOUNT[0], debit__gt=0,
        entry__in=DoubtfulDebtEvent.entries.through.objects.filter(
            doubtfuldebtevent__debt=debt, doubtfuldebtevent__kind=DoubtfulEventKind.RECOVERED
        ).values("entry_id"),
    ).aggregate(tax=Sum("debit"), base=Sum("vat_base"))  # fmt: skip
    return moved["tax"] or ZERO, -(moved["base"] or ZERO)


def old_unpaid_vat(debt: DoubtfulDebt, open_gross: Decimal) -> list[VatShare]:
    """The VAT of an old invoice's unpaid share (`unpaid_vat` for a Pilote invoice): in proportion to the TTC left
    when declared on debits (44571, recovered on 44585), or exactly what still waits on 44588 (encaissements)."""
    if not debt.invoice_vat:
        return []
    ttc = debt.invoice_net + debt.invoice_vat
    if debt.vat_regime == VatRegime.RECEIPTS:
        moved_tax, moved_base = _old_moved(debt)
        tax = debt.amount_vat - moved_tax
        base = _share(debt.invoice_net, debt.amount_gross, ttc) - moved_base
        target = PENDING_VAT_ACCOUNT[0]
    else:
        tax, base = _share(debt.invoice_vat, open_gross, ttc), _share(debt.invoice_net, open_gross, ttc)
        target = COLLECTED_VAT_ACCOUNT
    return [VatShare(target, debt.vat_rate, tax, base)] if tax > 0 else []


def _unpaid_vat(debt: DoubtfulDebt, open_gross: Decimal) -> list[VatShare]:
    return old_unpaid_vat(debt, open_gross) if debt.taken_over else unpaid_vat(debt.invoice, open_gross)


def _old_vat_transfer_lines(debt: DoubtfulDebt, amount: Decimal, label: str) -> list[ledger.LineInput]:
    """Under encaissements, the VAT of what is received on an old doubtful invoice moves 44588 → 44571 (the last
    receipt moves what is left, so nothing stays behind for rounding) — `payments.vat_transfer_lines`' rule."""
    if debt.vat_regime != VatRegime.RECEIPTS or not debt.invoice_vat:
        return []
    ttc = debt.invoice_net + debt.invoice_vat
    if amount == debt.amount_gross - debt.recovered:
        moved_tax, moved_base = _old_moved(debt)
        tax = debt.amount_vat - moved_tax
        base = _share(debt.invoice_net, debt.amount_gross, ttc) - moved_base
    else:
        tax, base = _share(debt.invoice_vat, amount, ttc), _share(debt.invoice_net, amount, ttc)
    if tax <= 0:
        return []
    return [
        ledger.LineInput(account(*PENDING_VAT_ACCOUNT), debit=tax, label=label, vat_rate=debt.vat_rate,
                         vat_base=-base, reference=debt.number),
        ledger.LineInput(account(COLLECTED_VAT_ACCOUNT), credit=tax, label=label, vat_rate=debt.vat_rate,
                         vat_base=base, reference=debt.number),
    ]  # fmt: skip


def _transfer(*, actor, customer, number: str, due_date, day: dt.date, open_gross: Decimal):
    """D 416 / C 411 of the open share (the customer's two sub-accounts); returns the entry."""
    aux_411 = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code=CUSTOMERS)
    account(*DOUBTFUL)
    aux_416 = ledger.auxiliary_for_contact(actor=actor, contact=customer, control_code=DOUBTFUL[0])
    label = f"Créance douteuse {number} {customer.display_name}"[:200]
    return ledger.create_entry(
        actor=actor, journal=_misc_journal(), date=day, label=label, piece_ref=number, piece_date=day,
        lines=[
            ledger.LineInput(account(DOUBTFUL[0]), debit=open_gross, auxiliary=aux_416, label=label,
                             due_date=due_date, reference=number),
            ledger.LineInput(account(CUSTOMERS), credit=open_gross, auxiliary=aux_411, label=label, reference=number),
        ],
        post=True,
    )  # fmt: skip


def _classified(debt: DoubtfulDebt, *, actor, day: dt.date, reason: str, entry) -> None:
    why = f" — {reason.strip()}" if reason.strip() else ""
    _event(debt, actor=actor, day=day, kind=DoubtfulEventKind.CLASSIFIED, amount=debt.amount_gross, entries=[entry],
           label=f"Classée douteuse : {format_eur(debt.amount_gross)} TTC transférés au 416{why}")  # fmt: skip
    audit.record(actor, "receivables.doubtful.classified", debt, after=audit.snapshot(debt))


@transaction.atomic
def classify_taken_over(*, actor, line_id: int, day: dt.date, vat: OldInvoiceVat, reason: str = "") -> DoubtfulDebt:
    """Class the open share of an old invoice taken over into the ledger (`line_id`: its open line on the customer's
    411) as doubtful: 411 → 416, as `classify` (see the module's docstring)."""
    from pilote.receivables import ledger_items

    line = ledger_items.open_lines().filter(pk=line_id).select_for_update(of=("self",)).select_related("auxiliary")
    line = line.first()
    if line is None:
        raise DomainError("Cette facture reprise n'est plus ouverte au compte client : rien à classer douteux.")
    customer = line.auxiliary.contact
    number = line.reference
    if DoubtfulDebt.objects.filter(customer=customer, reference=number).exists():
        raise DomainError(f"La facture reprise {number} est déjà classée douteuse.")
    [item] = [found for found in ledger_items.items([customer.pk]) if found.line_id == line.pk]
    open_gross = item.balance_due
    _check_day(day, item.date or line.date, "date de la facture reprise")
    net, vat_amount, rate, regime = _old_vat(vat, open_gross)
    ttc = net + vat_amount
    share = _share(vat_amount, open_gross, ttc)
    if regime == VatRegime.RECEIPTS and _pending_vat_balance() < share:
        raise DomainError(
            f"Le compte 44588 (TVA en attente des encaissements) ne porte que {format_eur(_pending_vat_balance())} : "
            f"la TVA de {format_eur(share)} de cette facture n'y attend pas. Reprenez-la dans la balance "
            "d'ouverture, ou choisissez la TVA sur les débits si l'ancien outil l'a déclarée à la facturation."
        )
    entry = _transfer(actor=actor, customer=customer, number=number, due_date=line.due_date, day=day,
                      open_gross=open_gross)  # fmt: skip
    group = MatchedLine.objects.filter(matching__items__line=line).values_list("line_id", flat=True)
    settled = list(EntryLine.objects.filter(pk__in=list(group))) or [line]
    _letter([*settled, entry.lines.get(account__code=CUSTOMERS)], actor)
    debt = DoubtfulDebt.objects.create(
        entry_line=line, reference=number, customer=customer, classified_on=day, amount_gross=open_gross,
        amount_vat=share, amount_net=open_gross - share, invoice_net=net, invoice_vat=vat_amount, vat_rate=rate,
        vat_regime=regime, created_by=actor,
    )  # fmt: skip
    _classified(debt, actor=actor, day=day, reason=reason, entry=entry)
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
        [ledger.LineInput(account(*CHARGE), debit=delta, label=label, reference=debt.number),
         ledger.LineInput(write_down, credit=delta, label=label, reference=debt.number)]
        if delta > 0
        else [ledger.LineInput(write_down, debit=-delta, label=label, reference=debt.number),
              ledger.LineInput(account(*REVERSAL), credit=-delta, label=label, reference=debt.number)]
    )  # fmt: skip
    return ledger.create_entry(
        actor=actor, journal=_misc_journal(), date=day, label=label, piece_ref=debt.number,
        piece_date=day, lines=lines, post=True,
    )  # fmt: skip


def _locked(debt: DoubtfulDebt, version: int | None) -> DoubtfulDebt:
    current = DoubtfulDebt.objects.select_for_update(of=("self",)).select_related("invoice", "customer", "entry_line")
    current = current.get(pk=debt.pk)
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
    label = f"Dépréciation {debt.number} {debt.customer.display_name} à {_percent(rate)}"[:200]
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
    return list(lettering.open_lines(account(*DOUBTFUL), aux.pk).filter(reference=debt.number))


def invoice_date(debt: DoubtfulDebt) -> dt.date:
    """The invoice's date: Pilote's, or the old invoice's as its taken-over line's label gives it (« Facture N du
    JJ/MM/AAAA »), else the take-over date (the invoice is no later)."""
    if not debt.taken_over:
        return debt.invoice.date
    return documents_open.document_date(debt.entry_line.label) or debt.entry_line.date


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
    lost = debt.amount_gross - debt.recovered
    vat = _unpaid_vat(debt, lost)
    year = ledger.fiscal_year_for(day)
    loss = LOSS_SAME_YEAR if year.contains(invoice_date(debt)) else LOSS_EARLIER_YEAR
    aux_416 = ledger.auxiliary_for_contact(actor=actor, contact=debt.customer, control_code=DOUBTFUL[0])
    ref = debt.number
    label = f"Créance irrécouvrable {ref} {debt.customer.display_name}"[:200]
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
        label=f"Reprise de la dépréciation {ref} {debt.customer.display_name}"[:200],
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
    invoice = None if debt.taken_over else Invoice.objects.select_for_update().get(pk=debt.invoice_id)
    amount = round_eur(Decimal(amount))
    left = debt.amount_gross - debt.recovered
    if amount <= 0:
        raise DomainError("Le montant encaissé doit être positif.")
    if amount > left:
        raise DomainError(f"{format_eur(amount)} dépasse ce qui reste de la créance ({format_eur(left)}).")
    _check_day(day, debt.written_off_on or debt.classified_on, "dernière étape de la créance")
    ref = debt.number
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
        # encaissements: the paid VAT becomes due
        lines += (_old_vat_transfer_lines(debt, amount, label) if invoice is None
                  else payments.vat_transfer_lines(invoice, amount, label))  # fmt: skip
        text = f"Encaissé {format_eur(amount)} sur la créance douteuse (416)"
    text_extra, reversal = "", None
    entry = ledger.create_entry(actor=actor, journal=bank_account.journal, date=day, label=label, piece_ref=ref,
                                piece_date=day, lines=lines, post=True)  # fmt: skip
    before = audit.snapshot(debt)
    if invoice is not None:
        # A sales payment like any other (the invoice's paid amount, its allocation, the e-reporting of the VAT
        # collected on receipt), its entry being this one. An old invoice has none: its entry records it.
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
        .select_related("debt__invoice", "debt__entry_line")
        .prefetch_related("entries")
        .order_by("date", "id")
    )
