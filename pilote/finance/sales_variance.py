"""The variance of sales against the budget explained by price, volume and mix (écarts sur chiffre d'affaires),
pure: no database.

For each product i, budgeted quantity Qp and price Pp, actual quantity Qr and price Pr (the standard French
decomposition of the « écart sur chiffre d'affaires », DCG UE 11 / BTS CG):

- total variance = Σ Qr × Pr − Σ Qp × Pp (actual sales − budgeted sales);
- price effect (écart sur prix) = Σ (Pr − Pp) × Qr;
- quantity effect (écart sur quantités) = Σ (Qr − Qp) × Pp, split in two:
  - mix effect (écart sur composition des ventes) = Σ Qr × (P̄ of the actual mix at budget prices − P̄p)
    = Σ Qr × Pp − ΣQr × P̄p, with P̄p = Σ Qp × Pp ÷ Σ Qp the budget's average price;
  - volume effect (écart sur volume global) = (ΣQr − ΣQp) × P̄p.

Price + mix + volume = total, to the cent: ΣQr × P̄p is rounded once and both effects use it. The per-product
lines show the price and quantity effects (the mix and volume effects are a whole-range reading). Units of
different products must be comparable for the mix to mean something (the textbook's condition).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pilote.lib.money import ZERO, round_eur


@dataclass(frozen=True)
class ProductSales:
    """One article's budgeted (or reference) and actual sales, as quantities and net amounts: the amounts are the
    figures themselves (the budget lines, the invoices), prices are derived from them, so the effects add up to
    the amounts to the cent. An article without budgeted quantity is valued at its own actual price (no price
    effect: all its sales are a quantity effect)."""

    key: str
    budget_quantity: Decimal
    budget_amount: Decimal
    actual_quantity: Decimal
    actual_amount: Decimal

    @classmethod
    def at_prices(cls, key: str, budget_quantity, budget_price, actual_quantity, actual_price) -> ProductSales:
        """From quantities and unit prices, as textbooks state their cases."""
        return cls(key, budget_quantity, round_eur(budget_quantity * budget_price), actual_quantity,
                   round_eur(actual_quantity * actual_price))  # fmt: skip

    @property
    def budget_price(self) -> Decimal | None:
        return self.budget_amount / self.budget_quantity if self.budget_quantity else None

    @property
    def actual_price(self) -> Decimal | None:
        return self.actual_amount / self.actual_quantity if self.actual_quantity else None

    @property
    def at_budget_price(self) -> Decimal:
        """Actual quantity × budgeted price (Qr × Pp), to the cent."""
        if self.budget_price is None:
            return self.actual_amount
        return round_eur(self.actual_quantity * self.budget_price)

    @property
    def price_effect(self) -> Decimal:
        """(Pr − Pp) × Qr."""
        return self.actual_amount - self.at_budget_price

    @property
    def quantity_effect(self) -> Decimal:
        """(Qr − Qp) × Pp."""
        return self.at_budget_price - self.budget_amount

    @property
    def total(self) -> Decimal:
        return self.actual_amount - self.budget_amount


@dataclass(frozen=True)
class SalesVariance:
    lines: list[ProductSales]
    budget: Decimal
    actual: Decimal
    price: Decimal
    mix: Decimal
    volume: Decimal
    budget_average_price: Decimal | None

    @property
    def total(self) -> Decimal:
        return self.actual - self.budget

    @property
    def quantity(self) -> Decimal:
        return self.mix + self.volume


def sales_variance(lines: list[ProductSales]) -> SalesVariance:
    budget = sum((line.budget_amount for line in lines), ZERO)
    actual = sum((line.actual_amount for line in lines), ZERO)
    at_budget_prices = sum((line.at_budget_price for line in lines), ZERO)
    budget_quantity = sum((line.budget_quantity for line in lines), ZERO)
    actual_quantity = sum((line.actual_quantity for line in lines), ZERO)
    if budget_quantity:
        average = budget / budget_quantity
        at_average = round_eur(actual_quantity * average)
        mix, volume = at_budget_prices - at_average, at_average - budget
    else:  # nothing budgeted in quantity: the whole quantity effect is volume
        average, mix, volume = None, ZERO, at_budget_prices - budget
    price = actual - at_budget_prices
    return SalesVariance(lines, budget, actual, price, mix, volume,
                         round_eur(average) if average is not None else None)  # fmt: skip
