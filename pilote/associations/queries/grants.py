"""Reads on grants: the list, the action's actual from the books (lines tagged with the grant's code), the budget
against it by nature (Cerfa 15059), the dedicated funds' balance — grouped queries, a fixed number per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.associations.models import DedicatedFundMove, Grant
from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.ledger.models import EntryLine
from pilote.lib.money import ZERO

# Account natures of the financial report (Cerfa 15059 follows the chart's two-digit headings).
NATURES = {
    "60": "Achats", "61": "Services extérieurs", "62": "Autres services extérieurs", "63": "Impôts et taxes",
    "64": "Charges de personnel", "65": "Autres charges de gestion courante", "66": "Charges financières",
    "67": "Charges exceptionnelles", "68": "Dotations aux amortissements et provisions",
    "70": "Ventes de produits finis, prestations de services", "74": "Subventions d'exploitation",
    "75": "Autres produits de gestion courante", "76": "Produits financiers", "77": "Produits exceptionnels",
    "86": "Emplois des contributions volontaires en nature", "87": "Contributions volontaires en nature",
}  # fmt: skip
# Transfers to and from dedicated funds are not the action's charges or income.
EXCLUDED = ("689", "789")

SORTS = {
    "code": ["code"],
    "financeur": [french("funder__name")],
    "debut": ["period_start", "code"],
    "montant": ["amount_granted"],
}
DEFAULT_SORT = "-debut"


def filter_grants(data: dict):
    grants = Grant.objects.all()
    if text := (data.get("q") or "").strip():
        grants = grants.filter(Q(code__icontains=text) | Q(title__icontains=text) | Q(funder__name__icontains=text))
    if status := data.get("etat"):
        grants = grants.filter(status=status)
    if year := data.get("annee"):
        grants = grants.filter(period_start__year__lte=year, period_end__year__gte=year)
    return grants


COLUMNS = [
    Column("Code", lambda g: g.code),
    Column("Financeur", lambda g: g.funder.display_name),
    Column("Objet", lambda g: g.title),
    Column("Demandé", lambda g: g.amount_requested),
    Column("Accordé", lambda g: g.amount_granted),
    Column("Début", lambda g: g.period_start),
    Column("Fin", lambda g: g.period_end),
    Column("Affectée", lambda g: "oui" if g.earmarked else "non"),
    Column("État", lambda g: g.get_status_display()),
]


def _tagged(grant: Grant):
    return EntryLine.objects.filter(reference=grant.code, is_posted=True).exclude(
        Q(account__code__startswith=EXCLUDED[0]) | Q(account__code__startswith=EXCLUDED[1])
    )


def charges_through(grant: Grant, day: dt.date) -> Decimal:
    sums = (
        _tagged(grant).filter(date__lte=day, account__code__startswith="6").aggregate(d=Sum("debit"), c=Sum("credit"))
    )
    return (sums["d"] or ZERO) - (sums["c"] or ZERO)


def fund_balance(grant: Grant) -> Decimal:
    sums = grant.fund_moves.aggregate(
        carried=Sum("amount", filter=Q(kind=DedicatedFundMove.Kind.CARRIED)),
        used=Sum("amount", filter=Q(kind=DedicatedFundMove.Kind.USED)),
    )
    return (sums["carried"] or ZERO) - (sums["used"] or ZERO)


@dataclass
class ReportLine:
    nature: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def variance_rate(self) -> Decimal | None:
        return (self.variance * 100 / self.budget).quantize(Decimal("0.1")) if self.budget else None


def actual_by_nature(grant: Grant, until: dt.date | None = None) -> dict[str, Decimal]:
    """The action's actual by two-digit nature, from the posted lines tagged with the grant's code: charges
    (6, 86) debit − credit, income (7, 87) credit − debit; one grouped query."""
    lines = _tagged(grant).filter(Q(account__code__startswith="6") | Q(account__code__startswith="7")
                                  | Q(account__code__startswith="8"))  # fmt: skip
    if until is not None:
        lines = lines.filter(date__lte=until)
    totals: dict[str, Decimal] = {}
    for code, debit, credit in lines.values_list("account__code").annotate(d=Sum("debit"), c=Sum("credit")):
        nature = code[:2]
        amount = (debit - credit) if nature[0] == "6" or nature == "86" else (credit - debit)
        totals[nature] = totals.get(nature, ZERO) + amount
    return totals


def financial_report(grant: Grant) -> dict:
    """Budget against actual by nature, charges then income (Cerfa 15059)."""
    budget = {line.nature[:2]: line for line in grant.budget.all()}
    actual = actual_by_nature(grant)
    natures = sorted(set(budget) | set(actual))
    lines = [
        ReportLine(n, budget[n].label if n in budget else NATURES.get(n, n), budget[n].amount if n in budget else ZERO,
                   actual.get(n, ZERO))
        for n in natures
    ]  # fmt: skip
    charges = [line for line in lines if line.nature[0] == "6" or line.nature == "86"]
    income = [line for line in lines if line not in charges]

    def total(rows, attr):
        return sum((getattr(r, attr) for r in rows), ZERO)

    return {
        "charges": charges,
        "income": income,
        "charges_budget": total(charges, "budget"),
        "charges_actual": total(charges, "actual"),
        "income_budget": total(income, "budget"),
        "income_actual": total(income, "actual"),
    }
