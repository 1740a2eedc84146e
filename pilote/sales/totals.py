"""Document totals the EN 16931 way: pure functions over Decimals, no database.

- Line net amount (BT-131) = quantity × net unit price, rounded to the cent; the net unit price (BT-146)
  is the gross price less the line discount, kept to 4 decimals.
- VAT is computed once per VAT category and rate on the sum of the line nets (BT-116 × BT-119, rounded
  to the cent: BR-CO-17), never line by line, so the document's totals match what any EN 16931 checker
  recomputes.
- Total excl. VAT (BT-109) = Σ line nets; total VAT (BT-110) = Σ per-rate VAT; total incl. VAT (BT-112).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO, round_eur

HUNDRED = Decimal(100)
PRICE_QUANTUM = Decimal("0.0001")

# Exemption mention → EN 16931 VAT category code (UNTDID 5305).
# - G « Free export item, VAT not charged »: exports of goods outside the EU, exempt under CGI art. 262 I;
# - O « Services outside scope of tax »: services to a business established outside the EU, taxed in the
#   customer's country (CGI art. 259-1), so outside the scope of French VAT. EN 16931 then forbids the seller's
#   and the buyer's VAT identifiers in the data (BR-O-02) and any other category on the invoice (BR-O-11…14);
#   the French CTC rules accept O (BR-FR code list S, E, AE, K, G, O, Z).
OUTSIDE_SCOPE_MENTION = "TVA non applicable, article 259-1 du CGI"
EXPORT_MENTION = "Exonération de TVA, article 262 I du CGI"
EXEMPTION_CATEGORIES = {
    "Autoliquidation": "AE",
    "Exonération de TVA, article 262 ter I du CGI": "K",
    EXPORT_MENTION: "G",
    OUTSIDE_SCOPE_MENTION: "O",
}
# VATEX codes (CEF list, EN 16931 BT-121) written next to the mention for the categories that have one.
EXEMPTION_CODES = {"G": "VATEX-EU-G", "O": "VATEX-EU-O"}


def net_unit_price(unit_price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    price = Decimal(unit_price)
    if discount_percent:
        price = price * (HUNDRED - Decimal(discount_percent)) / HUNDRED
    return price.quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    return round_eur(Decimal(quantity) * net_unit_price(unit_price, discount_percent))


def vat_category(rate: Decimal, exemption_mention: str = "") -> str:
    if Decimal(rate) > 0:
        return "S"
    return EXEMPTION_CATEGORIES.get(exemption_mention, "E")


@dataclass(frozen=True)
class PricedLine:
    net: Decimal
    rate: Decimal
    exemption_mention: str = ""


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    exemption_mention: str = ""


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    groups: tuple[VatGroup, ...]


def compute_totals(lines: Iterable[PricedLine]) -> Totals:
    """Group line nets by (category, rate, mention), then one VAT amount per group."""
    bases: dict[tuple[str, Decimal, str], Decimal] = {}
    for line in lines:
        rate = Decimal(line.rate).quantize(Decimal("0.01"))
        category = vat_category(rate, line.exemption_mention)
        mention = line.exemption_mention if category != "S" else ""
        key = (category, rate, mention)
        bases[key] = bases.get(key, ZERO) + round_eur(line.net)
    groups = tuple(
        VatGroup(category, rate, base, round_eur(base * rate / HUNDRED), mention)
        for (category, rate, mention), base in sorted(bases.items(), key=lambda kv: (-kv[0][1], kv[0][0], kv[0][2]))
    )
    net = sum((g.base for g in groups), ZERO)
    vat = sum((g.amount for g in groups), ZERO)
    return Totals(net=net, vat=vat, gross=net + vat, groups=groups)
