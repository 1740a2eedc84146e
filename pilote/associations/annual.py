"""Pure: an association's simplified annual figures (ANC 2018-06 headings) from the balances of its accounts — the
compte de résultat by nature with the contributions in kind (86/87) below the result, and the bilan — and the
income by origin. No Django: balances come in as {account code: debit − credit}."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Heading:
    label: str
    prefixes: tuple[str, ...]


# Compte de résultat (ANC 2018-06, art. 432-1 model, by nature); the longest prefix of an account wins.
OPERATING_INCOME = (
    Heading("Cotisations", ("756",)),
    Heading("Ventes de biens et services", ("70",)),
    Heading("Concours publics et subventions d'exploitation", ("73", "74")),
    Heading("Ressources liées à la générosité du public", ("754",)),
    Heading("Contributions financières", ("755",)),
    Heading("Reprises sur amortissements, dépréciations, provisions et transferts de charges", ("78", "79")),
    Heading("Utilisations des fonds dédiés", ("789",)),
    Heading("Autres produits", ("7", "71", "72", "75")),
)
OPERATING_CHARGES = (
    Heading("Achats de marchandises et d'approvisionnements", ("60",)),
    Heading("Autres achats et charges externes", ("61", "62")),
    Heading("Aides financières", ("657",)),
    Heading("Impôts, taxes et versements assimilés", ("63",)),
    Heading("Salaires et traitements", ("641", "642", "643", "644", "648")),
    Heading("Charges sociales", ("645", "646", "647")),
    Heading("Dotations aux amortissements, dépréciations et provisions", ("68",)),
    Heading("Reports en fonds dédiés", ("689",)),
    Heading("Autres charges", ("6", "64", "65")),
)
FINANCIAL_INCOME = (Heading("Produits financiers", ("76",)),)
FINANCIAL_CHARGES = (Heading("Charges financières", ("66",)),)
EXCEPTIONAL_INCOME = (Heading("Produits exceptionnels", ("77",)),)
EXCEPTIONAL_CHARGES = (Heading("Charges exceptionnelles", ("67",)),)
TAX = (Heading("Impôts sur les sociétés", ("69",)),)
IN_KIND_USES = (
    Heading("Secours en nature", ("860",)),
    Heading("Mises à disposition gratuite de biens", ("861",)),
    Heading("Prestations", ("862",)),
    Heading("Personnel bénévole", ("864",)),
    Heading("Autres emplois", ("86",)),
)
IN_KIND_RESOURCES = (
    Heading("Dons en nature", ("870",)),
    Heading("Prestations en nature", ("871",)),
    Heading("Bénévolat", ("875",)),
    Heading("Autres contributions", ("87",)),
)
RESULT_GROUPS = {
    "operating_income": OPERATING_INCOME, "operating_charges": OPERATING_CHARGES,
    "financial_income": FINANCIAL_INCOME, "financial_charges": FINANCIAL_CHARGES,
    "exceptional_income": EXCEPTIONAL_INCOME, "exceptional_charges": EXCEPTIONAL_CHARGES, "tax": TAX,
}  # fmt: skip


def _classify(code: str, headings_by_group: dict[str, tuple[Heading, ...]]) -> tuple[str, int] | None:
    best = None
    for group, headings in headings_by_group.items():
        for index, heading in enumerate(headings):
            for prefix in heading.prefixes:
                if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), group, index)
    return None if best is None else (best[1], best[2])


@dataclass
class Section:
    rows: list[tuple[str, Decimal]]

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.rows), ZERO)


def _sections(balances: dict[str, Decimal], groups: dict[str, tuple[Heading, ...]]) -> dict[str, Section]:
    amounts = {group: [ZERO] * len(headings) for group, headings in groups.items()}
    for code, balance in balances.items():
        found = _classify(code, groups)
        if found is None:
            continue
        group, index = found
        amounts[group][index] += -balance if code[0] == "7" or code.startswith("87") else balance
    return {group: Section([(h.label, amounts[group][i]) for i, h in enumerate(headings)])
            for group, headings in groups.items()}  # fmt: skip


@dataclass
class IncomeStatement:
    sections: dict[str, Section]
    in_kind: dict[str, Section]

    def total(self, group: str) -> Decimal:
        return self.sections[group].total

    @property
    def operating_result(self) -> Decimal:
        return self.total("operating_income") - self.total("operating_charges")

    @property
    def financial_result(self) -> Decimal:
        return self.total("financial_income") - self.total("financial_charges")

    @property
    def exceptional_result(self) -> Decimal:
        return self.total("exceptional_income") - self.total("exceptional_charges")

    @property
    def income_total(self) -> Decimal:
        return sum((s.total for g, s in self.sections.items() if g.endswith("income")), ZERO)

    @property
    def charges_total(self) -> Decimal:
        return sum((s.total for g, s in self.sections.items() if not g.endswith("income")), ZERO)

    @property
    def result(self) -> Decimal:
        return self.income_total - self.charges_total


def income_statement(balances: dict[str, Decimal]) -> IncomeStatement:
    """Balances of classes 6, 7 and 8 (debit − credit) → the headings; income and resources as positive amounts."""
    return IncomeStatement(
        _sections({c: b for c, b in balances.items() if c[0] in "67"}, RESULT_GROUPS),
        _sections({c: b for c, b in balances.items() if c[0] == "8"},
                  {"uses": IN_KIND_USES, "resources": IN_KIND_RESOURCES}),
    )  # fmt: skip


@dataclass
class BalanceSheet:
    assets: list[tuple[str, Decimal]] = field(default_factory=list)
    liabilities: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def assets_total(self) -> Decimal:
        return sum((amount for _, amount in self.assets), ZERO)

    @property
    def liabilities_total(self) -> Decimal:
        return sum((amount for _, amount in self.liabilities), ZERO)


ASSET_HEADINGS = (
    ("Immobilisations incorporelles (nettes)", ("20", "280", "290")),
    ("Immobilisations corporelles (nettes)", ("21", "22", "23", "281", "282", "291", "292", "293")),
    ("Immobilisations financières (nettes)", ("26", "27", "296", "297")),
    ("Stocks et en-cours", ("3",)),
)
LIABILITY_HEADINGS = (
    ("Fonds propres sans droit de reprise", ("102",)),
    ("Fonds propres avec droit de reprise", ("103",)),
    ("Réserves et autres fonds propres", ("10",)),
    ("Report à nouveau", ("11",)),
    ("Subventions d'investissement", ("13",)),
    ("Provisions", ("15",)),
    ("Fonds reportés et dédiés", ("19",)),
    ("Emprunts et dettes financières", ("16", "17")),
)


def balance_sheet(balances: dict[str, Decimal]) -> BalanceSheet:
    """Classes 1–5 (debit − credit per account, after the year's movements) → the simplified bilan; the year's
    result (Σ7 − Σ6) in the funds, an earlier result still on 12 (carried by the à-nouveaux, not yet allotted) with
    the report à nouveau, as when the earlier year is not closed; third-party and cash accounts by the side of their
    balance."""
    sheet = BalanceSheet()
    assets = {label: ZERO for label, _ in ASSET_HEADINGS} | {"Créances": ZERO, "Disponibilités": ZERO}
    liabilities = {label: ZERO for label, _ in LIABILITY_HEADINGS} | {"Résultat de l'exercice": ZERO, "Dettes": ZERO}
    for code, balance in balances.items():
        if code[0] in "67":
            liabilities["Résultat de l'exercice"] -= balance
        elif code.startswith("12"):  # an earlier year's result the general meeting has not allotted yet
            liabilities["Report à nouveau"] -= balance
        elif code[0] in "23":
            label = max(((lbl, p) for lbl, prefixes in ASSET_HEADINGS for p in prefixes if code.startswith(p)),
                        key=lambda item: len(item[1]), default=(ASSET_HEADINGS[1][0], ""))[0]  # fmt: skip
            assets[label] += balance
        elif code[0] == "1":
            label = max(((lbl, p) for lbl, prefixes in LIABILITY_HEADINGS for p in prefixes if code.startswith(p)),
                        key=lambda item: len(item[1]), default=(LIABILITY_HEADINGS[2][0], ""))[0]  # fmt: skip
            liabilities[label] -= balance
        elif code[0] in "45":
            if balance >= 0:
                assets["Créances" if code[0] == "4" else "Disponibilités"] += balance
            else:
                liabilities["Dettes"] -= balance
    sheet.assets = list(assets.items())
    sheet.liabilities = list(liabilities.items())
    return sheet


ORIGINS = (
    ("Cotisations des adhérents", ("756",)),
    ("Dons, legs et mécénat (générosité du public)", ("754",)),
    ("Dotations et produits de la tarification", ("73",)),
    ("Ventes de biens et prestations de services", ("70",)),
    ("Contributions financières d'autres organismes", ("755",)),
    ("Utilisations des fonds dédiés", ("789",)),
    ("Produits financiers et exceptionnels", ("76", "77")),
    ("Autres produits", ("7",)),
)
GRANTS_PREFIX = "74"


def income_by_origin(balances: dict[str, Decimal], grants_by_funder: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """Income (class 7) by origin; the grants (74) split by funder from `grants_by_funder` (what the grants' tagged
    lines give), the rest of 74 as « Autres subventions »."""
    rows = {label: ZERO for label, _ in ORIGINS}
    grants = ZERO
    for code, balance in balances.items():
        if code[0] != "7":
            continue
        if code.startswith(GRANTS_PREFIX):
            grants -= balance
            continue
        label = max(((lbl, p) for lbl, prefixes in ORIGINS for p in prefixes if code.startswith(p)),
                    key=lambda item: len(item[1]))[0]  # fmt: skip
        rows[label] -= balance
    result = [(label, amount) for label, amount in rows.items() if label != "Autres produits"]
    for funder, amount in sorted(grants_by_funder.items()):
        result.append((f"Subventions — {funder}", amount))
    other_grants = grants - sum(grants_by_funder.values(), ZERO)
    if other_grants:
        result.append(("Autres subventions", other_grants))
    result.append(("Autres produits", rows["Autres produits"]))
    return result
