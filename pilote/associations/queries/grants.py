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
from pilote.ledger.models_analytic import AnalyticLine, AnalyticSection
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


GRANTS_AXIS = "SUBV"  # the analytic axis whose sections are the grants' actions (code = the grant's code)


def section_of(grant: Grant) -> AnalyticSection | None:
    return AnalyticSection.objects.filter(axis__code=GRANTS_AXIS, code=grant.code).first()


def grant_names_section(section: AnalyticSection) -> list[str]:
    """ledger.hooks.section_code_users: a grant's action is found by its code on the grants' axis."""
    if section.axis.code == GRANTS_AXIS and Grant.objects.filter(code=section.code).exists():
        return ["subventions"]
    return []


def _excluded(prefix: str = "") -> Q:
    return Q(**{f"{prefix}account__code__startswith": EXCLUDED[0]}) | Q(
        **{f"{prefix}account__code__startswith": EXCLUDED[1]}
    )


def _tagged(grant: Grant, section: AnalyticSection | None = None):
    """Posted lines tagged with the grant's code and not distributed on its analytic section (those are read from
    their analytic parts)."""
    lines = EntryLine.objects.filter(reference=grant.code, is_posted=True).exclude(_excluded())
    return lines.exclude(analytic_lines__section=section) if section is not None else lines


def _analytic(section: AnalyticSection):
    """The parts of posted lines distributed on the grant's section (the ledger's analytic actuals)."""
    return AnalyticLine.objects.filter(section=section, line__is_posted=True).exclude(_excluded("line__"))


def _sums_by_account(
    grant: Grant, until: dt.date | None, prefixes: tuple[str, ...]
) -> list[tuple[str, Decimal, Decimal]]:
    """(account code, debit, credit) of the action: its analytic parts, then the lines only tagged with its code —
    two grouped queries."""
    section = section_of(grant)
    wanted = Q()
    for prefix in prefixes:
        wanted |= Q(account__code__startswith=prefix)
    tagged = _tagged(grant, section).filter(wanted)
    if until is not None:
        tagged = tagged.filter(date__lte=until)
    rows = list(tagged.values_list("account__code").annotate(d=Sum("debit"), c=Sum("credit")))
    if section is not None:
        parts = _analytic(section)
        part_filter = Q()
        for prefix in prefixes:
            part_filter |= Q(line__account__code__startswith=prefix)
        parts = parts.filter(part_filter)
        if until is not None:
            parts = parts.filter(line__date__lte=until)
        rows += list(parts.values_list("line__account__code").annotate(d=Sum("debit"), c=Sum("credit")))
    return rows


def charges_through(grant: Grant, day: dt.date) -> Decimal:
    return sum((debit - credit for _, debit, credit in _sums_by_account(grant, day, ("6",))), ZERO)


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
    """The action's actual by two-digit nature: the analytic parts on the grant's section of the « SUBV » axis and
    the posted lines only tagged with its code; charges (6, 86) debit − credit, income (7, 87) credit − debit."""
    totals: dict[str, Decimal] = {}
    for code, debit, credit in _sums_by_account(grant, until, ("6", "7", "8")):
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


REPORT_TEMPLATE = "associations/grant_report_pdf.html"


def report_context(grant: Grant, structure) -> dict:
    """What the financial report's PDF (Cerfa 15059) shows: budget against actual, the dedicated funds' balance."""
    return {"grant": grant, "report": financial_report(grant), "structure": structure,
            "fund_balance": fund_balance(grant)}  # fmt: skip
