"""CA3 (form 3310-CA3) figures computed from the ledger, and the VAT settlement entry.

Collected VAT is read from accounts 4457x (44571…) — the VAT that is due for the period. Under the
« encaissements » regime, VAT on services is first booked on a waiting account (4458x) and moved to
44571 when the customer pays (CGI 269-2-c), so the same computation serves both regimes; the sales
module does that transfer. Deductible VAT: 44562 (fixed assets, box 19) and 44566 (other goods and
services, box 20); credit brought forward: the debit balance of 44567 before the period (box 22).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.vat_policy import current_policy
from pilote.ledger import services
from pilote.ledger.models import Account, EntryLine, EntryStatus, Journal, JournalKind, VatReturn
from pilote.lib.money import ZERO

RATE_BOXES = {Decimal("20.00"): "08", Decimal("10.00"): "9B", Decimal("5.50"): "09", Decimal("2.10"): "T6"}
BOX_LABELS = {
    "A1": "Ventes, prestations de services",
    "08": "Taux normal 20 %",
    "9B": "Taux réduit 10 %",
    "09": "Taux réduit 5,5 %",
    "T6": "Taux particulier 2,1 %",
    "16": "Total de la TVA brute due",
    "19": "TVA déductible sur immobilisations",
    "20": "TVA déductible sur autres biens et services",
    "22": "Report du crédit apparaissant ligne 27 de la précédente déclaration",
    "23": "Total TVA déductible",
    "25": "Crédit de TVA (ligne 23 − ligne 16)",
    "28": "TVA nette due (ligne 16 − ligne 23)",
    "32": "Total à payer",
}


@dataclass
class Ca3:
    start: dt.date
    end: dt.date
    bases: dict[str, Decimal] = field(default_factory=dict)  # box → taxable base
    taxes: dict[str, Decimal] = field(default_factory=dict)  # box → VAT
    unclassified: Decimal = ZERO  # collected VAT booked without a rate: shown, counted in 16
    collected_by_account: dict[str, Decimal] = field(default_factory=dict)
    deductible: dict[str, Decimal] = field(default_factory=dict)  # "19" / "20"
    credit_brought_forward: Decimal = ZERO

    @property
    def box16(self) -> Decimal:
        return sum(self.taxes.values(), ZERO) + self.unclassified

    @property
    def box23(self) -> Decimal:
        return self.deductible.get("19", ZERO) + self.deductible.get("20", ZERO) + self.credit_brought_forward

    @property
    def net_due(self) -> Decimal:
        return max(self.box16 - self.box23, ZERO)

    @property
    def credit(self) -> Decimal:
        return max(self.box23 - self.box16, ZERO)

    def boxes(self) -> dict[str, str]:
        values = {"A1": sum(self.bases.values(), ZERO)}
        for box in RATE_BOXES.values():
            if box in self.bases or box in self.taxes:
                values[f"{box} base"] = self.bases.get(box, ZERO)
                values[f"{box} taxe"] = self.taxes.get(box, ZERO)
        values |= {
            "16": self.box16,
            "19": self.deductible.get("19", ZERO),
            "20": self.deductible.get("20", ZERO),
            "22": self.credit_brought_forward,
            "23": self.box23,
            "25": self.credit,
            "28": self.net_due,
            "32": self.net_due,
        }
        return {key: str(value) for key, value in values.items()}


def _posted(start: dt.date, end: dt.date):
    return EntryLine.objects.filter(entry__status=EntryStatus.POSTED, date__gte=start, date__lte=end)


def compute_ca3(start: dt.date, end: dt.date) -> Ca3:
    if end < start:
        raise DomainError("La fin de période doit suivre son début.")
    result = Ca3(start, end)
    collected = (
        _posted(start, end)
        .filter(account__code__startswith="4457")
        .values("account__code", "vat_rate")
        .annotate(d=Sum("debit"), c=Sum("credit"), base=Sum("vat_base"))
    )
    for row in collected:
        tax = row["c"] - row["d"]
        result.collected_by_account[row["account__code"]] = (
            result.collected_by_account.get(row["account__code"], ZERO) + tax
        )
        box = RATE_BOXES.get(row["vat_rate"]) if row["vat_rate"] is not None else None
        if box is None:
            result.unclassified += tax
            continue
        result.taxes[box] = result.taxes.get(box, ZERO) + tax
        result.bases[box] = result.bases.get(box, ZERO) + (row["base"] or ZERO)
    for box, prefix in (("19", "44562"), ("20", "44566")):
        totals = _posted(start, end).filter(account__code__startswith=prefix).aggregate(d=Sum("debit"), c=Sum("credit"))
        result.deductible[box] = (totals["d"] or ZERO) - (totals["c"] or ZERO)
    carried = EntryLine.objects.filter(
        entry__status=EntryStatus.POSTED, account__code__startswith="44567", date__lt=start
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    result.credit_brought_forward = max((carried["d"] or ZERO) - (carried["c"] or ZERO), ZERO)
    return result


@transaction.atomic
def confirm_ca3(*, actor, start: dt.date, end: dt.date) -> VatReturn:
    """Record the return and post the settlement entry (OD, dated the period's last day): collected VAT
    debited, deductible VAT and the carried credit credited, the balance to 44551 (due) or 44567 (credit)."""
    if not (policy := current_policy()).declares_vat:
        raise DomainError(policy.reason)
    if VatReturn.objects.filter(period_start__lte=end, period_end__gte=start).exists():
        raise DomainError("Une déclaration couvre déjà tout ou partie de cette période.")
    figures = compute_ca3(start, end)
    accounts = {a.code: a for a in Account.objects.filter(code__in=["44551", "44562", "44566", "44567"])}
    missing = {"44551", "44562", "44566", "44567"} - set(accounts)
    if missing:
        raise DomainError(f"Comptes manquants au plan comptable : {', '.join(sorted(missing))}.")
    L = services.LineInput
    lines = [
        L(Account.objects.get(code=code), debit=tax, label="TVA collectée")
        for code, tax in sorted(figures.collected_by_account.items())
        if tax > 0
    ]
    lines += [
        L(Account.objects.get(code=code), credit=-tax, label="TVA collectée (régularisation)")
        for code, tax in sorted(figures.collected_by_account.items())
        if tax < 0
    ]
    for box, code, label in (("19", "44562", "TVA sur immobilisations"), ("20", "44566", "TVA déductible")):
        amount = figures.deductible.get(box, ZERO)
        if amount:
            lines.append(
                L(accounts[code], credit=amount, label=label)
                if amount > 0
                else L(accounts[code], debit=-amount, label=label)
            )
    if figures.credit_brought_forward:
        lines.append(L(accounts["44567"], credit=figures.credit_brought_forward, label="Crédit de TVA reporté"))
    if figures.net_due:
        lines.append(L(accounts["44551"], credit=figures.net_due, label="TVA à décaisser"))
    if figures.credit:
        lines.append(L(accounts["44567"], debit=figures.credit, label="Crédit de TVA à reporter"))
    if not any(line.debit or line.credit for line in lines):
        raise DomainError("Aucune TVA sur cette période : rien à déclarer.")
    journal = Journal.objects.filter(kind=JournalKind.MISC, is_active=True).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'opérations diverses actif.")
    entry = services.create_entry(
        actor=actor,
        journal=journal,
        date=end,
        label=f"Liquidation TVA {start:%d/%m/%Y} – {end:%d/%m/%Y}",
        piece_ref=f"CA3-{end:%Y%m}",
        lines=lines,
        post=True,
    )
    vat_return = VatReturn.objects.create(
        period_start=start, period_end=end, boxes=figures.boxes(), entry=entry, confirmed_by=actor
    )
    audit.record(actor, "ledger.vat_return.confirmed", vat_return, after=vat_return.boxes)
    return vat_return
