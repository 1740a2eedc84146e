"""Soldes intermédiaires de gestion (SIG) and capacité d'autofinancement (CAF) from balances by account.

Pure functions over Decimals: `compute_sig(balances)` takes the balance of each account of classes 6
and 7 (debit minus credit, as the trial balance gives it) and returns the cascade, the CAF by both
methods and the accounts behind each figure. No database.

The PCG mapping (FRENCH-RULES §5, sources [31] maxicours/beaboss for the SIG, [32] ANC regulation
2022-06 — « PCG 2025 », fiscal years from 1 January 2025 — and its commentaries, [33] for the CAF):

    MC          = 707 − 7097 − (607 − 6097 ± 6037)
    Production  = 701…706 + 708 − 709 (excl. 7097) ± 713 + 72
    CCT         = 601 + 602 ± 6031/6032 + 604…606 + 608 − 609 (excl. 6097) + 61 + 62
    VA          = MC + Production − CCT
    EBE         = VA + 74 (excl. 742 and 747) − 63 − 64 (64 net of 649)
    REX         = EBE + 75 (incl. 757, excl. 755) + 742 + 747 + 781 [+ 791] − 65 (incl. 657, excl. 655) − 681
    RF          = 76 + 786 [+ 796] − 66 − 686
    RCAI        = REX + 755 − 655 + RF
    RE          = 77 + 787 [+ 797] − 67 − 687
    RN          = RCAI + RE − 69 (691 participation, 695… impôts) = Σ7 − Σ6

Brackets are legacy accounts (the PCG before 2025), kept so older years and taken-over books read
right: 791/796/797 transferts de charges, 775/675 cessions d'éléments d'actif and 777 quote-part des
subventions d'investissement (exceptional before 2025; 757/657 and 747 in operations since).

Each account of classes 6 and 7 falls in exactly one `Item` (longest prefix wins, every two-digit
prefix 60…79 has one), and each item says whether it is cash (« encaissable / décaissable ») or a
calculated one (dotations, reprises, quote-part of investment subsidies) or an asset disposal (prix de
cession, valeur comptable des éléments cédés), which the CAF leaves out:

    CAF (soustractive, from EBE)  = EBE + every cash item below the EBE (income +, expense −)
    CAF (additive, from the RN)   = RN + calculated expenses − calculated income + VNC of assets sold
                                    − disposal proceeds

The additive method starts from Σ7 − Σ6 read directly from the balances, not from the cascade, so the
two methods agree only if every account is counted once: the page shows the check. FRENCH-RULES
writes « 767/667 » for financial-asset disposals: since PCG 2025 those are 7671 and 6671 (the legacy
mapping sends 775 → 757 or 7671, 675 → 657 or 6671); 7672–7674 and 6672–6674 are net gains and losses
on securities sold, counted in the CAF as the former 767/667 « produits/charges nets sur cessions de
VMP » were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.lib.money import ZERO

INCOME, EXPENSE = "produit", "charge"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    side: str  # INCOME (credit balance counts positive) or EXPENSE (debit balance counts positive)
    level: str  # the balance it enters: mc, production, cct, ebe, rex, rcai, rf, re, impots
    cash: bool = True  # counted in the CAF (encaissable / décaissable)
    prefixes: tuple[str, ...] = ()


ITEMS: tuple[Item, ...] = (
    # Marge commerciale
    Item("ventes_marchandises", "Ventes de marchandises", INCOME, "mc", prefixes=("707", "7097")),
    Item("achats_marchandises", "Achats de marchandises", EXPENSE, "mc", prefixes=("607", "6097")),
    Item("variation_stock_marchandises", "Variation des stocks de marchandises", EXPENSE, "mc", prefixes=("6037",)),
    # Production de l'exercice
    Item("production_vendue", "Production vendue (biens et services)", INCOME, "production", prefixes=("70",)),
    Item("production_stockee", "Production stockée", INCOME, "production", prefixes=("71",)),
    Item("production_immobilisee", "Production immobilisée", INCOME, "production", prefixes=("72", "73")),
    # Consommation en provenance des tiers
    Item(
        "achats_matieres",
        "Achats de matières et approvisionnements",
        EXPENSE,
        "cct",
        prefixes=("601", "602", "6091", "6092"),
    ),
    Item(
        "variation_stock_matieres",
        "Variation des stocks de matières et approvisionnements",
        EXPENSE,
        "cct",
        prefixes=("603",),
    ),
    Item("autres_achats_externes", "Autres achats et charges externes", EXPENSE, "cct", prefixes=("60", "61", "62")),
    # Excédent brut d'exploitation
    Item("subventions_exploitation", "Subventions d'exploitation", INCOME, "ebe", prefixes=("74",)),
    Item("impots_taxes", "Impôts, taxes et versements assimilés", EXPENSE, "ebe", prefixes=("63",)),
    Item("charges_personnel", "Charges de personnel", EXPENSE, "ebe", prefixes=("64",)),
    # Résultat d'exploitation
    Item("subventions_equilibre", "Subventions d'équilibre", INCOME, "rex", prefixes=("742",)),
    Item("autres_produits_gestion", "Autres produits de gestion courante", INCOME, "rex", prefixes=("75",)),
    Item(
        "produits_cessions",
        "Produits des cessions d'immobilisations",
        INCOME,
        "rex",
        cash=False,
        prefixes=("757",),
    ),
    Item(
        "quote_part_subventions",
        "Quote-part des subventions d'investissement virée au résultat",
        INCOME,
        "rex",
        cash=False,
        prefixes=("747",),
    ),
    Item(
        "reprises_exploitation",
        "Reprises sur amortissements, dépréciations et provisions",
        INCOME,
        "rex",
        cash=False,
        prefixes=("78", "781"),
    ),
    Item("transferts_exploitation", "Transferts de charges d'exploitation", INCOME, "rex", prefixes=("79", "791")),
    Item("autres_charges_gestion", "Autres charges de gestion courante", EXPENSE, "rex", prefixes=("65",)),
    Item(
        "vnc_cessions",
        "Valeur comptable des immobilisations cédées",
        EXPENSE,
        "rex",
        cash=False,
        prefixes=("657",),
    ),
    Item(
        "dotations_exploitation",
        "Dotations aux amortissements, dépréciations et provisions",
        EXPENSE,
        "rex",
        cash=False,
        prefixes=("68", "681"),
    ),
    # Quotes-parts de résultat sur opérations faites en commun (between REX and RCAI)
    Item("quote_part_benefice", "Quotes-parts de résultat attribuées (bénéfice)", INCOME, "rcai", prefixes=("755",)),
    Item("quote_part_perte", "Quotes-parts de résultat supportées (perte)", EXPENSE, "rcai", prefixes=("655",)),
    # Résultat financier
    Item("produits_financiers", "Produits financiers", INCOME, "rf", prefixes=("76",)),
    Item(
        "produits_cessions_financieres",
        "Produits des cessions d'immobilisations financières",
        INCOME,
        "rf",
        cash=False,
        prefixes=("7671",),
    ),
    Item(
        "reprises_financieres",
        "Reprises financières sur dépréciations et provisions",
        INCOME,
        "rf",
        cash=False,
        prefixes=("786",),
    ),
    Item("transferts_financiers", "Transferts de charges financières", INCOME, "rf", prefixes=("796",)),
    Item("charges_financieres", "Charges financières", EXPENSE, "rf", prefixes=("66",)),
    Item(
        "vnc_cessions_financieres",
        "Valeur comptable des immobilisations financières cédées",
        EXPENSE,
        "rf",
        cash=False,
        prefixes=("6671",),
    ),
    Item(
        "dotations_financieres",
        "Dotations financières aux amortissements, dépréciations et provisions",
        EXPENSE,
        "rf",
        cash=False,
        prefixes=("686",),
    ),
    # Résultat exceptionnel
    Item("produits_exceptionnels", "Produits exceptionnels", INCOME, "re", prefixes=("77",)),
    Item(
        "produits_cessions_actif",
        "Produits des cessions d'éléments d'actif (ancien 775)",
        INCOME,
        "re",
        cash=False,
        prefixes=("775",),
    ),
    Item(
        "quote_part_subventions_ancienne",
        "Quote-part des subventions d'investissement (ancien 777)",
        INCOME,
        "re",
        cash=False,
        prefixes=("777",),
    ),
    Item(
        "reprises_exceptionnelles",
        "Reprises exceptionnelles sur dépréciations et provisions",
        INCOME,
        "re",
        cash=False,
        prefixes=("787",),
    ),
    Item("transferts_exceptionnels", "Transferts de charges exceptionnelles", INCOME, "re", prefixes=("797",)),
    Item("charges_exceptionnelles", "Charges exceptionnelles", EXPENSE, "re", prefixes=("67",)),
    Item(
        "vnc_elements_cedes",
        "Valeur comptable des éléments d'actif cédés (ancien 675)",
        EXPENSE,
        "re",
        cash=False,
        prefixes=("675",),
    ),
    Item(
        "dotations_exceptionnelles",
        "Dotations exceptionnelles aux amortissements, dépréciations et provisions",
        EXPENSE,
        "re",
        cash=False,
        prefixes=("687",),
    ),
    # Participation et impôts sur les bénéfices
    Item("participation", "Participation des salariés aux résultats", EXPENSE, "impots", prefixes=("691",)),
    Item("impots_benefices", "Impôts sur les bénéfices et assimilés", EXPENSE, "impots", prefixes=("69",)),
)
ITEMS_BY_KEY = {item.key: item for item in ITEMS}
# The longest prefix wins, so an exception is a longer prefix: 7097 (under 70) and 6097 (under 60) go to
# the goods of the MC, 6037 (under 603) too, 742 and 747 leave the EBE's 74, 757 and 755 the 75…
_PREFIXES = {prefix: item for item in ITEMS for prefix in item.prefixes}


# The association variant (ANC regulation 2018-06, FRENCH-RULES §10): 755 holds the financial contributions
# received (« contributions financières »), an operating resource like 754 (gifts) and 756 (membership fees),
# not a share of a joint operation; 6894 / 7894 report to and use dedicated funds (calculated, outside the
# CAF, inside the operating result as in the model income statement). 86 / 87 (contributions in kind) are
# outside classes 6-7: below the result, never in it.
ASSOCIATION_ITEMS = (
    Item("contributions_financieres", "Contributions financières reçues", INCOME, "rex", prefixes=("755",)),
    Item("reports_fonds_dedies", "Reports en fonds dédiés", EXPENSE, "rex", cash=False, prefixes=("6894",)),
    Item("utilisations_fonds_dedies", "Utilisations des fonds dédiés", INCOME, "rex", cash=False,
         prefixes=("7894",)),
)  # fmt: skip
ALL_ITEMS = ITEMS + ASSOCIATION_ITEMS
ITEMS_BY_KEY.update({item.key: item for item in ASSOCIATION_ITEMS})
_ASSOCIATION_PREFIXES = {**_PREFIXES, **{prefix: item for item in ASSOCIATION_ITEMS for prefix in item.prefixes}}


def item_for(code: str, association: bool = False) -> Item | None:
    """The item an account of classes 6 or 7 falls in (longest matching prefix), None for other classes."""
    if not code or code[0] not in "67":
        return None
    prefixes = _ASSOCIATION_PREFIXES if association else _PREFIXES
    for length in range(len(code), 1, -1):
        item = prefixes.get(code[:length])
        if item is not None:
            return item
    return None


def contributions_in_kind(balances: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
    """Associations (ANC 2018-06): uses (86, debit) and sources (87, credit) of voluntary contributions in
    kind, shown below the result; the two balance each other."""
    uses = sum((b for code, b in balances.items() if code.startswith("86")), ZERO)
    sources = -sum((b for code, b in balances.items() if code.startswith("87")), ZERO)
    return uses, sources


# The lines of the cascade, in the order a reader meets them.
BALANCES = (
    ("mc", "Marge commerciale"),
    ("production", "Production de l'exercice"),
    ("cct", "Consommation en provenance des tiers"),
    ("va", "Valeur ajoutée"),
    ("ebe", "Excédent brut d'exploitation"),
    ("rex", "Résultat d'exploitation"),
    ("resultat_financier", "Résultat financier"),
    ("rcai", "Résultat courant avant impôts"),
    ("resultat_exceptionnel", "Résultat exceptionnel"),
    ("resultat_net", "Résultat net"),
)
BALANCE_LABELS = dict(BALANCES)


@dataclass
class Sig:
    items: dict[str, Decimal]  # item key → amount (income and expense both positive when normal)
    accounts: dict[str, dict[str, Decimal]]  # item key → {account code: amount}
    balances: dict[str, Decimal]  # mc, production, … resultat_net
    net_result_direct: Decimal  # Σ7 − Σ6 straight from the balances
    caf_from_ebe: Decimal
    caf_from_net_result: Decimal
    caf_from_ebe_terms: list[tuple[str, Decimal]] = field(default_factory=list)  # (label, signed amount)
    caf_from_net_result_terms: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def caf_agrees(self) -> bool:
        return self.caf_from_ebe == self.caf_from_net_result

    @property
    def cascade_agrees(self) -> bool:
        return self.balances["resultat_net"] == self.net_result_direct

    def __getitem__(self, key: str) -> Decimal:
        return self.balances[key] if key in self.balances else self.items[key]


def _signed(item: Item, amount: Decimal) -> Decimal:
    """The item's contribution to the result: income adds, expense subtracts."""
    return amount if item.side == INCOME else -amount


def _level_total(items: dict[str, Decimal], level: str) -> Decimal:
    return sum((_signed(i, items[i.key]) for i in ALL_ITEMS if i.level == level), ZERO)


def compute_sig(balances: Mapping[str, Decimal], association: bool = False) -> Sig:
    """The SIG cascade and the CAF from the balance (debit − credit) of each account; accounts of other
    classes are ignored, so a whole trial balance may be passed. `association`: the ANC 2018-06 variant."""
    items = {item.key: ZERO for item in ALL_ITEMS}
    accounts: dict[str, dict[str, Decimal]] = {item.key: {} for item in ALL_ITEMS}
    net_direct = ZERO
    for code, balance in balances.items():
        item = item_for(code, association)
        if item is None:
            continue
        net_direct -= balance  # Σ7 − Σ6: income is a credit balance (negative)
        amount = -balance if item.side == INCOME else balance
        items[item.key] += amount
        accounts[item.key][code] = accounts[item.key].get(code, ZERO) + amount
    mc = _level_total(items, "mc")
    production = _level_total(items, "production")
    cct = -_level_total(items, "cct")
    va = mc + production - cct
    ebe = va + _level_total(items, "ebe")
    rex = ebe + _level_total(items, "rex")
    rf = _level_total(items, "rf")
    rcai = rex + _level_total(items, "rcai") + rf
    re_ = _level_total(items, "re")
    rn = rcai + re_ + _level_total(items, "impots")
    result = {
        "mc": mc,
        "production": production,
        "cct": cct,
        "va": va,
        "ebe": ebe,
        "rex": rex,
        "resultat_financier": rf,
        "rcai": rcai,
        "resultat_exceptionnel": re_,
        "resultat_net": rn,
    }
    below_ebe = [i for i in ALL_ITEMS if i.level in ("rex", "rcai", "rf", "re", "impots")]
    from_ebe = [("Excédent brut d'exploitation", ebe)] + [
        (i.label, _signed(i, items[i.key])) for i in below_ebe if i.cash and items[i.key]
    ]
    from_rn = [("Résultat net", net_direct)] + [
        (i.label, -_signed(i, items[i.key])) for i in below_ebe if not i.cash and items[i.key]
    ]
    return Sig(
        items=items,
        accounts={key: dict(sorted(codes.items())) for key, codes in accounts.items()},
        balances=result,
        net_result_direct=net_direct,
        caf_from_ebe=sum((amount for _, amount in from_ebe), ZERO),
        caf_from_net_result=sum((amount for _, amount in from_rn), ZERO),
        caf_from_ebe_terms=from_ebe,
        caf_from_net_result_terms=from_rn,
    )


# What each balance is made of, for the page: (key, [(item key, sign)]) in reading order.
CASCADE = (
    ("mc", [("ventes_marchandises", 1), ("achats_marchandises", -1), ("variation_stock_marchandises", -1)]),
    ("production", [("production_vendue", 1), ("production_stockee", 1), ("production_immobilisee", 1)]),
    ("cct", [("achats_matieres", 1), ("variation_stock_matieres", 1), ("autres_achats_externes", 1)]),
    ("va", []),
    ("ebe", [("subventions_exploitation", 1), ("impots_taxes", -1), ("charges_personnel", -1)]),
    ("rex", [(i.key, 1 if i.side == INCOME else -1) for i in ALL_ITEMS if i.level == "rex"]),
    ("resultat_financier", [(i.key, 1 if i.side == INCOME else -1) for i in ITEMS if i.level == "rf"]),
    ("rcai", [("quote_part_benefice", 1), ("quote_part_perte", -1)]),
    ("resultat_exceptionnel", [(i.key, 1 if i.side == INCOME else -1) for i in ITEMS if i.level == "re"]),
    ("resultat_net", [("participation", -1), ("impots_benefices", -1)]),
)
