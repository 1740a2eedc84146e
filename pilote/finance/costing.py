"""Pure: full costing (méthode des coûts complets, FRENCH-RULES §6).

1. Primary allocation: each centre's indirect costs (read from the analytic aggregates, or given).
2. Secondary allocation: the auxiliary centres are emptied into the others by their keys (percentages adding up
   to 100 %); reciprocal services between auxiliary centres are solved exactly as a linear system
   (X = P + Kᵀ X, in fractions), each auxiliary total then split to the cent over its targets.
3. Work units: cost per unit = main centre's total ÷ number of units.
4. Cost chain: `CostSheet`s of items (quantity × unit cost, or an amount) — purchase cost, stock at weighted
   average cost (CMUP), production cost, cost price, analytic result.
5. A study over products (sections of an axis): revenue and direct costs per product, the centres' costs
   absorbed by the work units each uses, and the reconciliation with the financial result (costs left in
   the centres, charges and income not distributed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pilote.core.exceptions import DomainError
from pilote.lib.money import ZERO, round_eur, split_amount

HUNDRED = Decimal(100)


@dataclass
class Centre:
    code: str
    label: str
    auxiliary: bool
    primary: Decimal


@dataclass
class CentreRow:
    code: str
    label: str
    auxiliary: bool
    primary: Decimal
    transfers: dict[str, Decimal] = field(default_factory=dict)  # auxiliary code → amount (given out < 0)

    @property
    def total(self) -> Decimal:
        return self.primary + sum(self.transfers.values(), ZERO)


@dataclass
class Allocation:
    rows: list[CentreRow]
    auxiliary_totals: dict[str, Decimal]  # each auxiliary centre's total after reciprocal services

    def total(self, code: str) -> Decimal:
        return next(row.total for row in self.rows if row.code == code)

    @property
    def main_rows(self) -> list[CentreRow]:
        return [row for row in self.rows if not row.auxiliary]


def _solve(matrix: list[list[Fraction]], vector: list[Fraction]) -> list[Fraction]:
    """Gauss–Jordan elimination in exact fractions; DomainError when the system has no single solution."""
    n = len(vector)
    rows = [list(matrix[i]) + [vector[i]] for i in range(n)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            raise DomainError(
                "Les prestations réciproques des centres auxiliaires ne se résolvent pas : un centre se renverrait "
                "tout son coût (clés à revoir)."
            )
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [value / head for value in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] for i in range(n)]


def _cents(value: Fraction) -> Decimal:
    return round_eur(Decimal(value.numerator) / Decimal(value.denominator))


def key_problems(centres: list[Centre], keys: dict[str, dict[str, Decimal]]) -> list[str]:
    codes = {c.code for c in centres}
    problems = []
    for centre in centres:
        if not centre.auxiliary:
            continue
        shares = keys.get(centre.code, {})
        if centre.code in shares:
            problems.append(f"Le centre {centre.code} ne se répartit pas sur lui-même.")
        unknown = set(shares) - codes
        if unknown:
            problems.append(f"Centre {centre.code} : centres inconnus {', '.join(sorted(unknown))}.")
        if any(p < 0 for p in shares.values()):
            problems.append(f"Centre {centre.code} : une clé de répartition ne peut pas être négative.")
        total = sum(shares.values(), ZERO)
        if total != HUNDRED:
            problems.append(
                f"Les clés du centre auxiliaire {centre.code} font {str(total).replace('.', ',')} % au lieu de 100 %."
            )
    return problems


def secondary_allocation(centres: list[Centre], keys: dict[str, dict[str, Decimal]]) -> Allocation:
    """Empty the auxiliary centres: keys[aux][target] = percent of the auxiliary's total going to target."""
    problems = key_problems(centres, keys)
    if problems:
        raise DomainError(" ".join(problems))
    auxiliaries = [c for c in centres if c.auxiliary]
    index = {c.code: i for i, c in enumerate(auxiliaries)}
    n = len(auxiliaries)
    # X_a − Σ_b k(b→a) X_b = P_a
    matrix = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for b in auxiliaries:
        for target, percent in keys.get(b.code, {}).items():
            if target in index:
                matrix[index[target]][index[b.code]] -= Fraction(percent) / 100
    exact = dict(zip(index, _solve(matrix, [Fraction(c.primary) for c in auxiliaries]), strict=True)) if n else {}
    # To the cent, with every auxiliary row ending at exactly zero: each service between auxiliary centres is the
    # exact one rounded; an auxiliary's total is its primary plus what it receives; what it gives the other
    # centres is its total less what it gives the auxiliaries, split over their keys (parts adding up).
    between = {
        (src, dst): _cents(exact[src] * Fraction(percent) / 100)
        for src in index
        for dst, percent in keys.get(src, {}).items()
        if dst in index
    }
    totals = {
        a.code: a.primary + sum((v for (src, dst), v in between.items() if dst == a.code), ZERO) for a in auxiliaries
    }
    rows = {c.code: CentreRow(c.code, c.label, c.auxiliary, c.primary) for c in centres}
    for aux in auxiliaries:
        rows[aux.code].transfers[aux.code] = -totals[aux.code]
        for (src, dst), value in between.items():
            if src == aux.code:
                rows[dst].transfers[aux.code] = value
        others = sorted((t, p) for t, p in keys.get(aux.code, {}).items() if t not in index)
        given = totals[aux.code] - sum((v for (src, _d), v in between.items() if src == aux.code), ZERO)
        parts = split_amount(given, [p for _t, p in others]) if others else []
        for (target, _p), part in zip(others, parts, strict=True):
            rows[target].transfers[aux.code] = part
    return Allocation([rows[c.code] for c in centres], totals)


def unit_cost(total: Decimal, units: Decimal) -> Decimal | None:
    """Cost of a work unit, exact to 4 decimals for display (charges use the exact ratio)."""
    if not units:
        return None
    return (total / units).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def absorbed(total: Decimal, units: Decimal, used: Decimal) -> Decimal:
    """The share of a centre's total charged to a product using `used` of its `units`, to the cent."""
    if not units:
        return ZERO
    return round_eur(total * used / units)


# --- The cost chain ---------------------------------------------------------------------------------------


@dataclass
class CostItem:
    label: str
    amount: Decimal
    quantity: Decimal | None = None
    unit_cost: Decimal | None = None


@dataclass
class CostSheet:
    """A cost (purchase, production, cost price): its items and the quantity it is for."""

    label: str
    quantity: Decimal
    items: list[CostItem] = field(default_factory=list)

    def add(self, label: str, quantity: Decimal | None = None, unit_cost: Decimal | None = None, amount=None):
        if amount is None:
            amount = round_eur(quantity * unit_cost)
        self.items.append(CostItem(label, round_eur(amount), quantity, unit_cost))
        return self

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), ZERO)

    @property
    def per_unit(self) -> Decimal:
        return (self.total / self.quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def weighted_average_cost(opening_qty, opening_value, in_qty, in_value) -> Decimal:
    """CMUP of the period: (opening value + entries) ÷ (opening quantity + entries), to 4 decimals."""
    quantity = Decimal(opening_qty) + Decimal(in_qty)
    if not quantity:
        raise DomainError("Aucune quantité en stock : le coût moyen pondéré ne se calcule pas.")
    return ((Decimal(opening_value) + Decimal(in_value)) / quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- A study over products (sections of an axis) --------------------------------------------------------


@dataclass
class ProductResult:
    code: str
    label: str
    revenue: Decimal
    direct: Decimal
    indirect: dict[str, Decimal]  # main centre → absorbed
    # The production cost of the units sold, computed by the workshop (materials at CMUP + work centres' time at
    # their rate) for a product made in-house: production cost → cost price → result.
    production: Decimal = ZERO

    @property
    def indirect_total(self) -> Decimal:
        return sum(self.indirect.values(), ZERO)

    @property
    def cost_price(self) -> Decimal:
        return self.production + self.direct + self.indirect_total

    @property
    def result(self) -> Decimal:
        return self.revenue - self.cost_price


@dataclass
class Study:
    allocation: Allocation
    units: dict[str, tuple[str, Decimal, Decimal | None]]  # main centre → (label, number, unit cost)
    products: list[ProductResult]
    not_absorbed: dict[str, Decimal]  # main centre → total − absorbed (différences d'imputation)
    undistributed_expenses: Decimal
    undistributed_income: Decimal
    financial_result: Decimal

    @property
    def analytic_result(self) -> Decimal:
        return sum((p.result for p in self.products), ZERO)

    @property
    def production_incorporated(self) -> Decimal:
        """The workshop's production cost of the units sold, in the products' cost prices: a cost computed from
        the stock movements and the work centres' rates, not a charge of the general ledger (the purchases and
        wages it stands for stay in the centres or among the charges not distributed)."""
        return sum((p.production for p in self.products), ZERO)

    @property
    def reconciled_result(self) -> Decimal:
        return (
            self.analytic_result
            + self.production_incorporated
            - sum(self.not_absorbed.values(), ZERO)
            - self.undistributed_expenses
            + self.undistributed_income
        )

    @property
    def reconciles(self) -> bool:
        return self.reconciled_result == self.financial_result


def full_costing(
    centres: list[Centre],
    keys: dict[str, dict[str, Decimal]],
    units: dict[str, tuple[str, Decimal]],
    products: list[tuple],
    usage: dict[tuple[str, str], Decimal],
    total_expenses: Decimal,
    total_income: Decimal,
) -> Study:
    """centres: primary allocation; units: main centre → (label, number of units); products: (code, label,
    revenue, direct costs[, production cost of the units sold]); usage: (centre, product) → units used; totals of
    classes 6 and 7 for the reconciliation (what is neither in a centre nor direct to a product is « non ventilé »)."""
    allocation = secondary_allocation(centres, keys)
    unit_table = {}
    results = [
        ProductResult(code, label, revenue, direct, {}, *rest) for code, label, revenue, direct, *rest in products
    ]
    not_absorbed = {}
    for row in allocation.main_rows:
        label, number = units.get(row.code, ("", ZERO))
        unit_table[row.code] = (label, number, unit_cost(row.total, number))
        charged = ZERO
        for product in results:
            used = usage.get((row.code, product.code), ZERO)
            if used:
                product.indirect[row.code] = absorbed(row.total, number, used)
                charged += product.indirect[row.code]
        not_absorbed[row.code] = row.total - charged
    in_centres = sum((c.primary for c in centres), ZERO)
    direct = sum((p.direct for p in results), ZERO)
    revenue = sum((p.revenue for p in results), ZERO)
    # Auxiliary centres are empty after the secondary allocation, up to the cent of its rounding.
    left_in_aux = sum((row.total for row in allocation.rows if row.auxiliary), ZERO)
    if left_in_aux:
        not_absorbed["auxiliaires"] = left_in_aux
    return Study(
        allocation,
        unit_table,
        results,
        not_absorbed,
        total_expenses - in_centres - direct,
        total_income - revenue,
        total_income - total_expenses,
    )
