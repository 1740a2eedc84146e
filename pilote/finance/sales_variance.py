"""The variance of sales against the budget explained by price, volume and mix (écarts sur chiffre d'affaires),
pure: no database.

For each product i, budgeted quantity Qp and price Pp, actual quantity Qr and price Pr:

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
    key: str
    budget_quantity: Decimal
    budget_price: Decimal
    actual_quantity: Decimal
    actual_price: Decimal

    @property
    def budget_amount(self) -> Decimal:
        return round_eur(self.budget_quantity * self.budget_price)

    @property
    def actual_amount(self) -> Decimal:
        return round_eur(self.actual_quantity * self.actual_price)

    @property
    def price_effect(self) -> Decimal:
        return round_eur((self.actual_price - self.budget_price) * self.actual_quantity)

    @property
    def quantity_effect(self) -> Decimal:
        return round_eur((self.actual_quantity - self.budget_quantity) * self.budget_price)


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
    at_budget_prices = sum((round_eur(line.actual_quantity * line.budget_price) for line in lines), ZERO)
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
