"""The usual French ratios from the SIG, the functional balance sheet and a few flows (pure, Decimal).

FRENCH-RULES §5 « Ratios » (sources [31] [33] [34]); each ratio carries its formula in words, printed on the
page. Durations use the 360-day commercial year: for a period shorter than the fiscal year (a date inside
an open year), the flows cover only the days elapsed, so the basis is 360 × days elapsed / days of the year.
A ratio whose denominator is zero (no goods sold, a null equity) or that has no object (no stock held) is
None, shown as « — ».
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilote.finance.balance_sheet import FunctionalBalanceSheet
from pilote.finance.sig import Sig
from pilote.lib.money import ZERO

PERCENT, DAYS, YEARS, TIMES = "%", "jours", "ans", "fois"
_PLACES = {PERCENT: Decimal("0.1"), DAYS: Decimal("1"), YEARS: Decimal("0.1"), TIMES: Decimal("0.01")}


@dataclass(frozen=True)
class Flows:
    """What the ratios need beyond the SIG and the balance sheet, read from the books of the period."""

    customer_invoicing: Decimal  # debits of the 411 accounts in the period (invoices incl. VAT), à-nouveaux excluded
    supplier_invoicing: Decimal  # credits of the 401 accounts in the period (invoices incl. VAT)
    receivables: Decimal  # debit balances of 411, 413, 416, 418 at the date (gross, incl. VAT)
    payables: Decimal  # credit balances of 401, 403, 408 (without 4084) at the date
    opening_stock: Decimal  # gross stocks (3 without 39) at the start of the year
    closing_stock: Decimal  # gross stocks at the date
    days_basis: Decimal  # 360 for a whole year, prorated for a part of it


@dataclass(frozen=True)
class Ratio:
    key: str
    group: str
    label: str
    value: Decimal | None
    unit: str
    formula: str
    reading: str = ""  # how to read it: a threshold or a direction

    @property
    def text(self) -> str:
        from pilote.lib.formats import format_number

        if self.value is None:
            return "—"
        places = max(0, -_PLACES[self.unit].as_tuple().exponent)
        return f"{format_number(self.value, places)}\u202f{self.unit}"


def change(current: Ratio, previous: Ratio | None) -> Decimal | None:
    """How much a ratio moved since the year before, in its own unit (points for a percentage)."""
    if previous is None or current.value is None or previous.value is None:
        return None
    return current.value - previous.value


def change_text(current: Ratio, previous: Ratio | None) -> str:
    """« +27,5 pt », « −38 jours », « — » when either year has no value."""
    from pilote.lib.formats import format_number

    moved = change(current, previous)
    if moved is None:
        return "—"
    places = max(0, -_PLACES[current.unit].as_tuple().exponent)
    unit = "pt" if current.unit == PERCENT else current.unit
    sign = "+" if moved > 0 else "−" if moved < 0 else ""
    return f"{sign}{format_number(abs(moved), places)}\u202f{unit}"


def _div(numerator: Decimal, denominator: Decimal, factor: Decimal, unit: str) -> Decimal | None:
    if not denominator:
        return None
    return (numerator * factor / denominator).quantize(_PLACES[unit], rounding=ROUND_HALF_UP)


def compute_ratios(sig: Sig, sheet: FunctionalBalanceSheet, flows: Flows) -> list[Ratio]:
    hundred = Decimal(100)
    one = Decimal(1)
    revenue = sig.items["ventes_marchandises"] + sig.items["production_vendue"]
    goods_sold = sig.items["achats_marchandises"] + sig.items["variation_stock_marchandises"]
    materials_used = sig.items["achats_matieres"] + sig.items["variation_stock_matieres"]
    average_stock = (flows.opening_stock + flows.closing_stock) / 2
    caf = sig.caf_from_ebe
    invested = sheet.emplois_stables + sheet.bfre
    b = sig.balances
    return [
        Ratio("taux_marge_commerciale", "Marges", "Taux de marge commerciale",
              _div(b["mc"], sig.items["ventes_marchandises"], hundred, PERCENT), PERCENT,
              "Marge commerciale ÷ ventes de marchandises × 100"),
        Ratio("taux_valeur_ajoutee", "Marges", "Taux de valeur ajoutée",
              _div(b["va"], revenue, hundred, PERCENT), PERCENT,
              "Valeur ajoutée ÷ chiffre d'affaires HT × 100",
              "Part de la richesse créée par l'entreprise dans ce qu'elle vend."),
        Ratio("part_personnel_va", "Marges", "Part du personnel dans la valeur ajoutée",
              _div(sig.items["charges_personnel"], b["va"], hundred, PERCENT), PERCENT,
              "Charges de personnel ÷ valeur ajoutée × 100"),
        Ratio("taux_ebe", "Marges", "Taux de marge brute d'exploitation",
              _div(b["ebe"], revenue, hundred, PERCENT), PERCENT,
              "Excédent brut d'exploitation ÷ chiffre d'affaires HT × 100"),
        Ratio("taux_marge_nette", "Marges", "Taux de marge nette",
              _div(b["resultat_net"], revenue, hundred, PERCENT), PERCENT,
              "Résultat net ÷ chiffre d'affaires HT × 100"),
        Ratio("delai_clients", "Délais et rotation", "Délai moyen de paiement des clients",
              _div(flows.receivables, flows.customer_invoicing, flows.days_basis, DAYS), DAYS,
              "Créances clients TTC (411, 413, 416, 418) ÷ ventes facturées TTC de la période (débits des "
              "comptes 411) × 360 jours", "Plafond légal usuel : 60 jours date de facture."),
        Ratio("delai_fournisseurs", "Délais et rotation", "Délai moyen de paiement des fournisseurs",
              _div(flows.payables, flows.supplier_invoicing, flows.days_basis, DAYS), DAYS,
              "Dettes fournisseurs TTC (401, 403, 408) ÷ achats facturés TTC de la période (crédits des "
              "comptes 401) × 360 jours"),
        Ratio("rotation_stocks", "Délais et rotation", "Rotation des stocks",
              _div(average_stock, goods_sold + materials_used, flows.days_basis, DAYS) if average_stock else None, DAYS,
              "Stock moyen ((initial + final) ÷ 2) ÷ coût des marchandises et matières consommées × 360 jours"),
        Ratio("autonomie_financiere", "Structure et solvabilité", "Autonomie financière",
              _div(sheet.equity, sheet.total, hundred, PERCENT), PERCENT,
              "Capitaux propres ÷ total du bilan fonctionnel × 100", "Au moins 20 à 25 % attendus."),
        Ratio("endettement", "Structure et solvabilité", "Endettement financier",
              _div(sheet.financial_debts, sheet.equity, one, TIMES), TIMES,
              "Dettes financières (16, 17, 18 et concours bancaires) ÷ capitaux propres", "Au plus 1 attendu."),
        Ratio("capacite_remboursement", "Structure et solvabilité", "Capacité de remboursement",
              _div(sheet.financial_debts, caf, one, YEARS) if caf > 0 else None, YEARS,
              "Dettes financières ÷ CAF", "Au plus 3 à 4 ans ; sans CAF positive, non calculable."),
        Ratio("couverture_emplois_stables", "Structure et solvabilité", "Couverture des emplois stables",
              _div(sheet.ressources_stables, sheet.emplois_stables, one, TIMES), TIMES,
              "Ressources stables ÷ emplois stables", "Au moins 1 : les immobilisations financées durablement."),
        Ratio("rentabilite_economique", "Rentabilité", "Rentabilité économique",
              _div(b["rex"], invested, hundred, PERCENT) if invested > ZERO else None, PERCENT,
              "Résultat d'exploitation ÷ capitaux investis (emplois stables + BFR d'exploitation) × 100"),
        Ratio("rentabilite_financiere", "Rentabilité", "Rentabilité financière",
              _div(b["resultat_net"], sheet.equity, hundred, PERCENT) if sheet.equity > ZERO else None, PERCENT,
              "Résultat net ÷ capitaux propres × 100"),
    ]  # fmt: skip
