"""Pure arithmetic of a production order: the components it needs (quantity per batch × number of batches,
grossed up by the scrap rate as quantity × (1 + rate): 2 kg at 5 % scrap → 2,1 kg, rounded up to the gram),
the shortages against the stock, and the cost: materials at the CMUP + hours × each work centre's hourly rate.

Worked example (tests/test_production.py): a kit of 1 box (CMUP 4,00 €) + 4 cables (2,50 €, 5 % scrap) and
0,25 h of assembly at 32,00 €/h; 10 kits need 10 boxes and 42 cables: 40,00 + 105,00 + 2,5 h × 32,00 = 80,00 →
225,00 €, 22,50 € a kit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from pilote.lib.money import ZERO, round_eur

QUANTITY = Decimal("0.001")


@dataclass(frozen=True)
class Need:
    component_id: int
    label: str
    required: Decimal
    available: Decimal
    unit_cost: Decimal

    @property
    def shortage(self) -> Decimal:
        return max(self.required - self.available, Decimal("0"))

    @property
    def cost(self) -> Decimal:
        return round_eur(self.required * self.unit_cost)


def required(per_batch: Decimal, batch: Decimal, quantity: Decimal, scrap_percent: Decimal) -> Decimal:
    exact = per_batch * quantity / batch * (1 + scrap_percent / 100)
    return exact.quantize(QUANTITY, rounding=ROUND_CEILING)


def labour(hours_per_batch: list[tuple[Decimal, Decimal]], batch: Decimal, quantity: Decimal) -> Decimal:
    """Σ hours × rate for `quantity` units, each work centre's hours given per batch of `batch` units."""
    return sum((round_eur(hours * quantity / batch * rate) for hours, rate in hours_per_batch), ZERO)
