"""A project's budget against what the books say, pure: the natures of a budget (PCG account classes), the nature of
an account, and each nature's variance.

The actual comes from the ledger's analytic aggregates of the project's section (`ledger.AnalyticBalance`): an
expense nature is debit − credit of its accounts, income credit − debit. The variance is actual − budget: above zero
an expense overruns (income beats its budget); the consumption is actual ÷ budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")

# nature → (label, account prefixes, is income)
NATURES = {
    "purchases": ("Achats (60)", ("60",), False),
    "external": ("Services extérieurs (61, 62)", ("61", "62"), False),
    "taxes": ("Impôts et taxes (63)", ("63",), False),
    "staff": ("Charges de personnel (64)", ("64",), False),
    "other": ("Autres charges (65 à 68)", ("65", "66", "67", "68"), False),
    "income": ("Produits (70 à 78)", ("70", "71", "72", "73", "74", "75", "76", "77", "78"), True),
}
NATURE_CHOICES = [(key, label) for key, (label, _, _) in NATURES.items()]


def nature_of(account_code: str) -> str | None:
    for key, (_, prefixes, _) in NATURES.items():
        if account_code.startswith(prefixes):
            return key
    return None


@dataclass(frozen=True)
class Row:
    nature: str
    label: str
    budget: Decimal
    actual: Decimal
    is_income: bool

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def consumed_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.actual / self.budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def unfavourable(self) -> bool:
        return self.variance < 0 if self.is_income else self.variance > 0


@dataclass(frozen=True)
class Comparison:
    rows: list[Row]

    def _sum(self, income: bool, attr: str) -> Decimal:
        return sum((getattr(r, attr) for r in self.rows if r.is_income == income), ZERO)

    @property
    def budget_result(self) -> Decimal:
        return self._sum(True, "budget") - self._sum(False, "budget")

    @property
    def actual_result(self) -> Decimal:
        return self._sum(True, "actual") - self._sum(False, "actual")

    @property
    def expenses_budget(self) -> Decimal:
        return self._sum(False, "budget")

    @property
    def expenses_actual(self) -> Decimal:
        return self._sum(False, "actual")


def compare(budget: dict[str, Decimal], movements: list[tuple[str, Decimal, Decimal]]) -> Comparison:
    """`movements`: (account code, debit, credit) of the project's section; natures with neither budget nor actual
    are left out."""
    actual = dict.fromkeys(NATURES, ZERO)
    for code, debit, credit in movements:
        nature = nature_of(code)
        if nature is None:
            continue
        actual[nature] += (credit - debit) if NATURES[nature][2] else (debit - credit)
    rows = [
        Row(key, label, budget.get(key, ZERO), actual[key], income)
        for key, (label, _, income) in NATURES.items()
        if budget.get(key) or actual[key]
    ]
    return Comparison(rows)
