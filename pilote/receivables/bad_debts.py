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
   the VAT recovered on the share received is due again (C 44571 at each of the invoice's rates, on the CA3 of the
   month; the last receipt gives back what is left of each): the counterpart of the recovery, the price being paid
   after all.

Amounts of the open share: VAT per VAT line of the invoice's entry in proportion to what is left to pay
(TTC left / TTC), or, on 44588, exactly what still waits there; the net amount is the rest.

**An old invoice of the previous tool** (`classify_taken_over`), taken over into the ledger as an open line of the
customer's 411 (`ledger_items.py`), follows the same four steps and entries. No VAT line of Pilote stands for it, so
the user types what the old tool knew, one line per VAT rate (an invoice often mixes 20 % and 5,5 %…; kept as
OldInvoiceVatLine): the amount excluding VAT at that rate, the rate (the CA3 line of a VAT due again) and, when the old
tool rounded otherwise, the VAT at that rate — checked against HT × rate rounded half up to the cent (EN 16931,
BR-CO-17) within one cent (`OLD_VAT_TOLERANCE`), else refused in French, nothing written —; and its VAT regime —
« sur les débits » (declared when invoiced: recovered on 44585 when lost) or « sur les encaissements » (waiting on
44588, brought there by the opening balance: cancelled when lost, moved to 44571 on what is received). The VAT of any
share of it (the open share, what is received, what is lost) is the invoice's VAT in proportion (share / the
invoice's TTC), rounded once as for a Pilote invoice, then split between the rates in proportion to their own VAT —
the base likewise by their nets — the leftover cent to the largest remainder (`lib.money.split_amount`): the rates'
parts always add up to the total (one rate: the single-rate figures). The last receipt moves, or gives back, what
is left of each rate. Its open 411 line — with the payments of its partial lettering — is lettered with the
transfer. What is received is recorded by its entry only (no sales payment: no Pilote invoice to allocate it to);
under encaissements its 44571 lines carry the old invoice's number, so the e-reporting of payments reads it as it
reads a Pilote invoice's (`taken_over_receipts`). No corrective duplicate is printed: Pilote never archived the old
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
from pilote.lib.money import ZERO, round_eur, split_amount
from pilote.receivables.models import (
    DoubtfulDebt,
    DoubtfulDebtEvent,
    DoubtfulEventKind,
    DoubtfulStatus,
    OldInvoiceVatLine,
    VatRegime,
)
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
# How far a typed VAT may stray from HT × rate (EN 16931: the VAT of a rate is its base × rate, rounded half up to the
# cent, BR-CO-17): one cent per rate, the rounding gap the French CTC profile tolerates per line (FRENCH-RULES §3) and
# what an old tool that rounded otherwise (per item, or down) leaves on one rate's total in practice. Beyond it, the
# typed base, rate or VAT is wrong: refused rather than carried into the 44585/44571 lines of the CA3.
OLD_VAT_TOLERANCE = Decimal("0.01")


@dataclass
class OldVatLine:
    """One VAT rate of an old invoice, as the user types it: the amount excluding VAT at that rate, the rate, and the
    VAT the old tool printed (None: HT × rate)."""

    net: Decimal | None
    rate: Decimal | None
    vat: Decimal | None = None


@dataclass
class OldInvoiceVat:
    """What the previous tool knew of an old invoice's VAT, as the user types it: one rate (`net`, `rate`, `vat`) or
    one `lines` item per rate of an invoice mixing rates (20 % and 5,5 %…), and one regime."""

    net: Decimal | None = None  # the invoice's amount excluding VAT
    rate: Decimal | None = None  # 20, 10, 5.5, 2.1 or 0
    vat: Decimal | None = None  # its VAT amount; None: net × rate
    regime: str = ""  # VatRegime: debits or receipts; may stay empty without VAT
    lines: list[OldVatLine] | tuple = ()

    def typed_lines(self) -> list[OldVatLine]:
        return list(self.lines) or [OldVatLine(self.net, self.rate, self.vat)]


def check_old_vat_lines(typed: list[OldVatLine]) -> list[OldVatLine]:
    """The typed rates of an old invoice checked, each VAT computed when left empty, sorted by rate (highest first).
    Pure: the page's and the API's form call it (a 422 there), and `classify_taken_over` again."""
    if not typed:
        raise DomainError("Indiquez le montant hors taxes de la facture reprise, tel que l'ancien outil l'a facturé.")
    lines, seen = [], set()
    for line in typed:
        net = round_eur(line.net) if line.net is not None else None
        rate = line.rate.quantize(Decimal("0.01")) if line.rate is not None else None
        if net is None or net <= 0:
            at = f" à {_rate_text(rate)}" if len(typed) > 1 and rate in OLD_VAT_RATES else ""
            raise DomainError(
                f"Indiquez le montant hors taxes{at} de la facture reprise, tel que l'ancien outil l'a facturé."
            )
        if rate not in OLD_VAT_RATES:
            raise DomainError("Le taux de TVA de la facture reprise est 20, 10, 5,5, 2,1 ou 0 % (sans TVA).")
        if rate in seen:
            raise DomainError(
                f"Le taux de {_rate_text(rate)} est saisi deux fois : une ligne par taux, avec le total HT de ce taux "
                "(la TVA se calcule une fois par taux)."
            )
        seen.add(rate)
        expected = round_eur(net * rate / 100)
        vat = expected if line.vat is None else round_eur(line.vat)
        if vat < 0 or (rate == 0 and vat) or (rate and not vat and expected) or vat > net:
            raise DomainError(
                f"La TVA saisie ({format_eur(vat)}) ne va pas avec {format_eur(net)} HT à {_rate_text(rate)} : "
                "vérifiez le montant de TVA de la facture reprise (ou laissez-le vide : il est calculé)."
            )
        if abs(vat - expected) > OLD_VAT_TOLERANCE:
            raise DomainError(
                f"La TVA saisie à {_rate_text(rate)} ({format_eur(vat)}) ne correspond pas à la base HT × taux "
                f"({format_eur(net)} × {_rate_text(rate)} = {format_eur(expected)}) : un écart d'arrondi de "
                f"{format_eur(OLD_VAT_TOLERANCE)} au plus est admis. Vérifiez le montant HT, le taux ou la TVA de "
                "cette ligne (ou laissez la TVA vide : elle est calculée)."
            )
        lines.append(OldVatLine(net, rate, vat))
    return sorted(lines, key=lambda line: line.rate, reverse=True)


def _rate_text(rate: Decimal) -> str:
    """A VAT rate as the French read it: « 20 % », « 5,5 % »."""
    return f"{rate.normalize():f}".replace(".", ",") + " %"


def _old_vat(typed: OldInvoiceVat, open_gross: Decimal) -> tuple[list[OldVatLine], str]:
    """(lines, regime) of an old invoice as typed, checked against what is left of it (its TTC holds it)."""
    lines = check_old_vat_lines(typed.typed_lines())
    net = sum((line.net for line in lines), ZERO)
    vat = sum((line.vat for line in lines), ZERO)
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
    return lines, regime


def _old_split(lines, part: Decimal, ttc: Decimal) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, VAT, base) of `part` of an old invoice's TTC, per rate: the invoice's VAT and net in proportion (rounded
    once, half up, as for one rate), each total then split between the rates by their own VAT and net — the largest
    remainder gets a leftover cent, the highest rate on a tie: the parts always add up to the total."""
    lines = list(lines)
    vat_total = sum((line.vat for line in lines), ZERO)
    net_total = sum((line.net for line in lines), ZERO)
    taxes = split_amount(_share(vat_total, part, ttc), [line.vat for line in lines]) if vat_total else []
    bases = split_amount(_share(net_total, part, ttc), [line.net for line in lines])
    taxes = taxes or [ZERO] * len(lines)
    return [(line.rate, tax, base) for line, tax, base in zip(lines, taxes, bases, strict=True)]


def _pending_vat_balance() -> Decimal:
    totals = EntryLine.objects.filter(entry__status=EntryStatus.POSTED, account__code=PENDING_VAT_ACCOUNT[0]).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (totals["c"] or ZERO) - (totals["d"] or ZERO)


def _share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    return round_eur(amount * part / whole)


def _old_moved(debt: DoubtfulDebt) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """Per rate, the VAT (and its base) of an old invoice under encaissements already moved 44588 → 44571 by what was
    received while it was doubtful: the 44588 debits of its recovery entries."""
    rows = EntryLine.objects.filter(
        account__code=PENDING_VAT_ACCOUNT[0], debit__gt=0,
        entry__in=DoubtfulDebtEvent.entries.through.objects.filter(
            doubtfuldebtevent__debt=debt, doubtfuldebtevent__kind=DoubtfulEventKind.RECOVERED
        ).values("entry_id"),
    ).values_list("vat_rate", "debit", "vat_base")  # fmt: skip
    moved: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for rate, tax, base in rows:
        key = Decimal(rate or ZERO).quantize(Decimal("0.01"))
        done = moved.get(key, (ZERO, ZERO))
        moved[key] = (done[0] + tax, done[1] - (base or ZERO))
    return moved


def old_vat_lines(debt: DoubtfulDebt) -> list:
    """The typed rates of an old invoice classed doubtful (OldInvoiceVatLine), highest rate first."""
    return sorted(debt.vat_lines.all(), key=lambda line: (-line.rate, line.position))


def _old_waiting(debt: DoubtfulDebt, lines) -> list[VatShare]:
    """Encaissements: per rate, what still waits on 44588 — the VAT of the share classed, less what receipts moved."""
    ttc = debt.invoice_net + debt.invoice_vat
    moved = _old_moved(debt)
    shares = []
    for rate, tax, base in _old_split(lines, debt.amount_gross, ttc):
        moved_tax, moved_base = moved.get(rate, (ZERO, ZERO))
        shares.append(VatShare(PENDING_VAT_ACCOUNT[0], rate, tax - moved_tax, base - moved_base))
    return shares


def old_unpaid_vat(debt: DoubtfulDebt, open_gross: Decimal) -> list[VatShare]:
    """The VAT of an old invoice's unpaid share per rate (`unpaid_vat` for a Pilote invoice): in proportion to the TTC
    left when declared on debits (44571, recovered on 44585), or exactly what still waits on 44588 (encaissements)."""
    if not debt.invoice_vat:
        return []
    lines = old_vat_lines(debt)
    if debt.vat_regime == VatRegime.RECEIPTS:
        shares = _old_waiting(debt, lines)
    else:
        ttc = debt.invoice_net + debt.invoice_vat
        shares = [VatShare(COLLECTED_VAT_ACCOUNT, rate, tax, base)
                  for rate, tax, base in _old_split(lines, open_gross, ttc)]  # fmt: skip
    return [share for share in shares if share.tax > 0]


def _unpaid_vat(debt: DoubtfulDebt, open_gross: Decimal) -> list[VatShare]:
    return old_unpaid_vat(debt, open_gross) if debt.taken_over else unpaid_vat(debt.invoice, open_gross)


def _old_vat_transfer_lines(debt: DoubtfulDebt, amount: Decimal, label: str) -> list[ledger.LineInput]:
    """Under encaissements, the VAT of what is received on an old doubtful invoice moves 44588 → 44571, per rate (the
    last receipt moves what is left, so nothing stays behind for rounding) — `payments.vat_transfer_lines`' rule."""
    if debt.vat_regime != VatRegime.RECEIPTS or not debt.invoice_vat:
        return []
    lines = old_vat_lines(debt)
    if amount == debt.amount_gross - debt.recovered:
        shares = [(share.rate, share.tax, share.base) for share in _old_waiting(debt, lines)]
    else:
        shares = _old_split(lines, amount, debt.invoice_net + debt.invoice_vat)
    result = []
    for rate, tax, base in shares:
        if tax > 0:
            result += [
                ledger.LineInput(account(*PENDING_VAT_ACCOUNT), debit=tax, label=label, vat_rate=rate,
                                 vat_base=-base, reference=debt.number),
                ledger.LineInput(account(COLLECTED_VAT_ACCOUNT), credit=tax, label=label, vat_rate=rate,
                                 vat_base=base, reference=debt.number),
            ]  # fmt: skip
    return result


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
    after = audit.snapshot(debt)
    if debt.taken_over:  # what the user typed of the old invoice's VAT, rate by rate
        after["vat_lines"] = [{"rate": str(line.rate), "net": str(line.net), "vat": str(line.vat)}
                              for line in old_vat_lines(debt)]  # fmt: skip
    audit.record(actor, "receivables.doubtful.classified", debt, after=after)


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
    lines, regime = _old_vat(vat, open_gross)
    net = sum((typed.net for typed in lines), ZERO)
    vat_amount = sum((typed.vat for typed in lines), ZERO)
    share = sum((tax for _, tax, _ in _old_split(lines, open_gross, net + vat_amount)), ZERO)
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
        amount_vat=share, amount_net=open_gross - share, invoice_net=net, invoice_vat=vat_amount,
        vat_rate=lines[0].rate if len(lines) == 1 else None, vat_regime=regime, created_by=actor,
    )  # fmt: skip
    OldInvoiceVatLine.objects.bulk_create(
        OldInvoiceVatLine(debt=debt, position=position, rate=typed.rate, net=typed.net, vat=typed.vat)
        for position, typed in enumerate(lines, start=1)
    )
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


def _vat_due_again(debt: DoubtfulDebt, amount: Decimal, *, final: bool) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, VAT, base) due again on `amount` received after the write-off, per VAT line of the write-off entry (its
    44585 or 44588 debits): the VAT written off × amount / what was lost, rounded once and split between the rates
    (the parts add up); the last receipt takes what is left of each rate, so all received gives back all written off."""
    vat_lines = list(debt.write_off_entry.lines.filter(
        account__code__in=[BAD_DEBT_VAT_ACCOUNT[0], PENDING_VAT_ACCOUNT[0]], debit__gt=0,
    ).order_by("position"))  # fmt: skip
    if not vat_lines:
        return []
    rates = [line.vat_rate for line in vat_lines]
    written_taxes = [line.debit for line in vat_lines]
    written_bases = [-(line.vat_base or ZERO) for line in vat_lines]
    if final:
        receipts = DoubtfulDebtEvent.entries.through.objects.filter(
            doubtfuldebtevent__debt=debt, doubtfuldebtevent__kind=DoubtfulEventKind.RECOVERED
        ).values("entry_id")
        after_loss = EntryLine.objects.filter(account__code=RECOVERED[0], entry__in=receipts).values("entry_id")
        late = EntryLine.objects.filter(account__code=COLLECTED_VAT_ACCOUNT, credit__gt=0, entry__in=after_loss)
        late = late.values_list("vat_rate", "credit", "vat_base")
        taxes, bases = list(written_taxes), list(written_bases)
        for rate, tax, base in late:
            index = rates.index(rate) if rate in rates else None
            if index is not None:
                taxes[index] -= tax
                bases[index] -= base or ZERO
        return list(zip(rates, taxes, bases, strict=True))
    lost = debt.write_off_entry.lines.get(account__code=DOUBTFUL[0]).credit
    taxes = split_amount(_share(sum(written_taxes, ZERO), amount, lost), written_taxes)
    base_total = _share(sum(written_bases, ZERO), amount, lost)
    bases = split_amount(base_total, written_bases) if any(written_bases) else [ZERO] * len(rates)
    return list(zip(rates, taxes, bases, strict=True))


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
        taxes = []
        for rate, tax, base in _vat_due_again(debt, amount, final=amount == left):  # due: 44571, CA3 of the month
            if tax:
                taxes.append(tax)
                lines.append(ledger.LineInput(account(COLLECTED_VAT_ACCOUNT), credit=tax, label=label, reference=ref,
                                              vat_rate=rate, vat_base=base))  # fmt: skip
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


def taken_over_receipts(entry_ids) -> dict[int, DoubtfulDebt]:
    """{bank entry id: debt} of the receipts on old invoices whose VAT was on « encaissements » (services, CGI art.
    269-2-c), classed doubtful: the e-reporting of payments (ereporting.datasets) reads their 44571 lines as it reads a
    Pilote invoice's — an old invoice has no sales Invoice to say its regime, its number, date and customer. An old
    invoice on débits is left out: its VAT fell due when invoiced, so no payment of it is e-reported."""
    rows = DoubtfulDebtEvent.entries.through.objects.filter(
        entry_id__in=list(entry_ids),
        doubtfuldebtevent__kind=DoubtfulEventKind.RECOVERED,
        doubtfuldebtevent__debt__invoice__isnull=True,
        doubtfuldebtevent__debt__vat_regime=VatRegime.RECEIPTS,
    ).values_list("entry_id", "doubtfuldebtevent__debt_id")
    rows = list(rows)
    debts = DoubtfulDebt.objects.select_related("customer", "entry_line").in_bulk({debt_id for _, debt_id in rows})
    return {entry_id: debts[debt_id] for entry_id, debt_id in rows}


def customer_timeline(customer) -> list[DoubtfulDebtEvent]:
    return list(
        DoubtfulDebtEvent.objects.filter(debt__customer=customer)
        .select_related("debt__invoice", "debt__entry_line")
        .prefetch_related("entries")
        .order_by("date", "id")
    )
