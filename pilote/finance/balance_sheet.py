"""The functional balance sheet (bilan fonctionnel) from balances by account: FRNG, BFR, trésorerie nette.

Pure functions over Decimals. `functional_balance_sheet(balances)` takes the balance (debit − credit) of
every account of classes 1 to 7 at a date — the year's result, still in classes 6 and 7 until the
closing carries it to 120/129, joins the equity — and puts each account of classes 1 to 5 in exactly one
mass (FRENCH-RULES §5, source [34], gross values):

    Ressources stables = capitaux propres (10–14 and the year's result) + provisions (15)
                         + amortissements et dépréciations (28, 29, 39, 49, 59)
                         + dettes financières (16, 17, 18; without the accrued interest 16x8 and 167x8)
    Emplois stables    = gross fixed assets 20–27 (+ 481 frais d'émission des emprunts)
    FRNG               = Ressources stables − Emplois stables
    BFRE (exploitation) = stocks 3x (without 39) + 40 (without 404, 405, 4084, 40974: fixed-asset
                         suppliers) + 41 + 42 + 43 + 442 + 445 + 447 + 448 + 486 + 487 + 488 (each a debit
                         balance as an asset, a credit balance as a debt)
    BFRHE (hors exploitation) = every other account of class 4 (441, 443, 444, 446, 449, 404, 405, 45, 46,
                         47…) and the accrued interest on borrowings (16x8)
    TN                 = 50–58 (debit balances of 51 and 53 as cash, credit balances and 519 as bank credit)
                       = FRNG − BFR, the built-in check: it holds when the books balance, since every
                         account of classes 1 to 7 is counted once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.lib.money import ZERO

EQUITY, PROVISIONS, DEPRECIATION, FINANCIAL_DEBTS = "capitaux_propres", "provisions", "amortissements", "dettes"
FIXED_ASSETS, OPERATING, NON_OPERATING, CASH = "immobilisations", "exploitation", "hors_exploitation", "tresorerie"
DEDICATED_FUNDS = "fonds_dedies"  # associations (ANC 2018-06): 19 fonds reportés et dédiés
STABLE_RESOURCES = (EQUITY, DEDICATED_FUNDS, PROVISIONS, DEPRECIATION, FINANCIAL_DEBTS)

MASS_LABELS = {
    EQUITY: "Capitaux propres (dont résultat de l'exercice)",
    DEDICATED_FUNDS: "Fonds reportés et dédiés",
    PROVISIONS: "Provisions pour risques et charges",
    DEPRECIATION: "Amortissements et dépréciations",
    FINANCIAL_DEBTS: "Dettes financières",
    FIXED_ASSETS: "Immobilisations brutes",
    OPERATING: "Exploitation",
    NON_OPERATING: "Hors exploitation",
    CASH: "Trésorerie",
}

_ACCRUED_INTEREST = ("1618", "1638", "1648", "1658", "1668", "16718", "16748", "16758", "1688")
_MASSES: dict[str, str] = {
    "1": EQUITY,
    "10": EQUITY,
    "11": EQUITY,
    "12": EQUITY,
    "13": EQUITY,
    "14": EQUITY,
    "15": PROVISIONS,
    "19": DEDICATED_FUNDS,
    "16": FINANCIAL_DEBTS,
    "17": FINANCIAL_DEBTS,
    "18": FINANCIAL_DEBTS,
    **dict.fromkeys(_ACCRUED_INTEREST, NON_OPERATING),
    "2": FIXED_ASSETS,
    "28": DEPRECIATION,
    "29": DEPRECIATION,
    "3": OPERATING,
    "39": DEPRECIATION,
    "4": NON_OPERATING,
    "40": OPERATING,
    "404": NON_OPERATING,
    "405": NON_OPERATING,
    "4084": NON_OPERATING,
    "40974": NON_OPERATING,
    "41": OPERATING,
    "42": OPERATING,
    "43": OPERATING,
    "442": OPERATING,
    "445": OPERATING,
    "447": OPERATING,
    "448": OPERATING,
    "481": FIXED_ASSETS,
    "486": OPERATING,
    "487": OPERATING,
    "488": OPERATING,
    "49": DEPRECIATION,
    "5": CASH,
    "59": DEPRECIATION,
}


def mass_for(code: str) -> str | None:
    """The mass an account of classes 1 to 5 belongs to (longest matching prefix); None for 6, 7, 8, 9."""
    for length in range(len(code), 0, -1):
        mass = _MASSES.get(code[:length])
        if mass is not None:
            return mass
    return None


@dataclass
class FunctionalBalanceSheet:
    masses: dict[str, Decimal]  # stable masses as resources (credit positive) or uses (debit positive)
    result: Decimal  # the year's result (Σ7 − Σ6), part of the equity
    ressources_stables: Decimal
    emplois_stables: Decimal
    # The circulating masses split by the sign of each account: assets (debit) and liabilities (credit).
    operating_assets: Decimal
    operating_liabilities: Decimal
    non_operating_assets: Decimal
    non_operating_liabilities: Decimal
    cash_assets: Decimal
    cash_liabilities: Decimal
    accounts: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # mass → {code: balance}

    @property
    def frng(self) -> Decimal:
        return self.ressources_stables - self.emplois_stables

    @property
    def bfre(self) -> Decimal:
        return self.operating_assets - self.operating_liabilities

    @property
    def bfrhe(self) -> Decimal:
        return self.non_operating_assets - self.non_operating_liabilities

    @property
    def bfr(self) -> Decimal:
        return self.bfre + self.bfrhe

    @property
    def tn(self) -> Decimal:
        """Trésorerie nette from the class-5 accounts."""
        return self.cash_assets - self.cash_liabilities

    @property
    def frng_minus_bfr(self) -> Decimal:
        return self.frng - self.bfr

    @property
    def check_holds(self) -> bool:
        return self.tn == self.frng_minus_bfr

    @property
    def total(self) -> Decimal:
        """Total of the functional balance sheet (both sides are equal when the check holds)."""
        return (
            self.ressources_stables
            + self.operating_liabilities
            + self.non_operating_liabilities
            + self.cash_liabilities
        )

    @property
    def total_uses(self) -> Decimal:
        return self.emplois_stables + self.operating_assets + self.non_operating_assets + self.cash_assets

    @property
    def equity(self) -> Decimal:
        return self.masses[EQUITY]

    @property
    def financial_debts(self) -> Decimal:
        """Emprunts et dettes financières (16–18) plus the bank credit of class 5 (519, overdrawn banks)."""
        return self.masses[FINANCIAL_DEBTS] + self.cash_liabilities


def functional_balance_sheet(balances: Mapping[str, Decimal]) -> FunctionalBalanceSheet:
    masses = dict.fromkeys((*STABLE_RESOURCES, FIXED_ASSETS), ZERO)
    sides = {mass: [ZERO, ZERO] for mass in (OPERATING, NON_OPERATING, CASH)}  # assets, liabilities
    accounts: dict[str, dict[str, Decimal]] = {}
    result = ZERO
    for code, balance in balances.items():
        if code[:1] in ("6", "7"):
            result -= balance
            continue
        mass = mass_for(code)
        if mass is None:
            continue  # classes 8 and 9: outside the balance sheet
        accounts.setdefault(mass, {})[code] = balance
        if mass in STABLE_RESOURCES:
            masses[mass] -= balance
        elif mass == FIXED_ASSETS:
            masses[mass] += balance
        elif balance >= 0:
            sides[mass][0] += balance
        else:
            sides[mass][1] -= balance
    masses[EQUITY] += result
    return FunctionalBalanceSheet(
        masses=masses,
        result=result,
        ressources_stables=sum((masses[m] for m in STABLE_RESOURCES), ZERO),
        emplois_stables=masses[FIXED_ASSETS],
        operating_assets=sides[OPERATING][0],
        operating_liabilities=sides[OPERATING][1],
        non_operating_assets=sides[NON_OPERATING][0],
        non_operating_liabilities=sides[NON_OPERATING][1],
        cash_assets=sides[CASH][0],
        cash_liabilities=sides[CASH][1],
        accounts={mass: dict(sorted(codes.items())) for mass, codes in accounts.items()},
    )
