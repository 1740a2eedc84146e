"""The rows the finance pages and their exports show: N, N−1 (with the variation) and N−2 side by side.

Every figure is computed here (templates do no arithmetic); pure, over two `queries.Diagnosis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pilote.core.listing import Column
from pilote.finance import balance_sheet as bs
from pilote.finance import ratios
from pilote.finance.queries import Diagnosis
from pilote.finance.sig import BALANCE_LABELS, CASCADE, ITEMS_BY_KEY


def variation_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return ((current - previous) * 100 / abs(previous)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    label: str
    current: Decimal | None
    previous: Decimal | None = None
    kind: str = "item"  # item, balance (a SIG), total, check
    sign: str = ""  # "+", "−" before an item of the cascade
    accounts: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (code, label, amount) of N
    formula: str = ""
    earlier: Decimal | None = None  # N−2

    @property
    def variation(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def variation_pct(self) -> Decimal | None:
        return variation_pct(self.current, self.previous)


_BALANCE_FORMULAS = {
    "va": "Marge commerciale + production de l'exercice − consommation en provenance des tiers",
    "rcai": "Résultat d'exploitation ± quotes-parts de résultat sur opérations faites en commun + résultat financier",
}


def _accounts(codes: dict[str, Decimal], labels: dict[str, str]) -> list[tuple[str, str, Decimal]]:
    return [(code, labels.get(code, ""), amount) for code, amount in codes.items() if amount]


def sig_rows(
    current: Diagnosis, previous: Diagnosis | None, labels: dict[str, str], earlier: Diagnosis | None = None
) -> list[Row]:
    """The cascade: each balance preceded by the items that make it (items at zero in every year left out)."""
    rows = []
    for key, parts in CASCADE:
        for item_key, sign in parts:
            now = current.sig.items[item_key]
            before = previous.sig.items[item_key] if previous else None
            oldest = earlier.sig.items[item_key] if earlier else None
            if not now and not before and not oldest:
                continue
            rows.append(
                Row(
                    ITEMS_BY_KEY[item_key].label,
                    now,
                    before,
                    sign="+" if sign > 0 else "−",
                    accounts=_accounts(current.sig.accounts[item_key], labels),
                    earlier=oldest,
                )
            )
        rows.append(
            Row(
                BALANCE_LABELS[key],
                current.sig.balances[key],
                previous.sig.balances[key] if previous else None,
                kind="balance",
                formula=_BALANCE_FORMULAS.get(key, ""),
                earlier=earlier.sig.balances[key] if earlier else None,
            )
        )
    return rows


def caf_rows(current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None) -> list[Row]:
    now, before, oldest = current.sig, previous.sig if previous else None, earlier.sig if earlier else None

    def of(sig, value):
        return value(sig) if sig else None

    return [
        Row("CAF par la méthode soustractive (à partir de l'EBE)", now.caf_from_ebe,
            of(before, lambda s: s.caf_from_ebe), kind="total", earlier=of(oldest, lambda s: s.caf_from_ebe)),
        Row("CAF par la méthode additive (à partir du résultat net)", now.caf_from_net_result,
            of(before, lambda s: s.caf_from_net_result), kind="total",
            earlier=of(oldest, lambda s: s.caf_from_net_result)),
        Row("Écart entre les deux méthodes", now.caf_from_ebe - now.caf_from_net_result,
            of(before, lambda s: s.caf_from_ebe - s.caf_from_net_result), kind="check",
            earlier=of(oldest, lambda s: s.caf_from_ebe - s.caf_from_net_result)),
    ]  # fmt: skip


def chart_series(
    current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None
) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
    keys = [("mc", "Marge\ncommerciale"), ("va", "Valeur\najoutée"), ("ebe", "EBE"),
            ("rex", "Résultat\nd'exploitation"), ("rcai", "RCAI"), ("resultat_net", "Résultat\nnet")]  # fmt: skip
    series = [(current.period.short_label, [current.sig.balances[k] for k, _ in keys])]
    for diagnosis in (previous, earlier):
        if diagnosis:
            series.append((diagnosis.period.short_label, [diagnosis.sig.balances[k] for k, _ in keys]))
    return [label for _, label in keys], series


# --- Functional balance sheet -------------------------------------------------------------------------------


def _mass_accounts(
    diagnosis: Diagnosis, mass: str, labels: dict[str, str], sign: int
) -> list[tuple[str, str, Decimal]]:
    codes = diagnosis.sheet.accounts.get(mass, {})
    return [(code, labels.get(code, ""), amount * sign) for code, amount in codes.items() if amount]


def sheet_rows(
    current: Diagnosis, previous: Diagnosis | None, labels: dict[str, str], earlier: Diagnosis | None = None
) -> list[Row]:
    """Ressources and emplois stables, FRNG, BFRE, BFRHE, BFR, TN and the check, with N−1 and N−2."""
    now, before = current.sheet, previous.sheet if previous else None
    oldest = earlier.sheet if earlier else None

    def pair(value):
        return value(now), (value(before) if before else None)

    rows = []
    sheets = [sheet for sheet in (now, before, oldest) if sheet]
    # An association's dedicated funds (19); other structures have none: the row is left out.
    shown = [m for m in bs.STABLE_RESOURCES if m != bs.DEDICATED_FUNDS or any(s.masses[m] for s in sheets)]
    for mass in shown:
        label = bs.MASS_LABELS[mass]
        accounts = _mass_accounts(current, mass, labels, -1)
        if mass == bs.EQUITY and now.result:
            accounts.append(("6/7", "Résultat de l'exercice (produits − charges)", now.result))
        rows.append(Row(label, *pair(lambda s, m=mass: s.masses[m]), sign="+", accounts=accounts))
    rows += [
        Row("Ressources stables", *pair(lambda s: s.ressources_stables), kind="balance"),
        Row("Emplois stables (immobilisations brutes)", *pair(lambda s: s.emplois_stables), kind="balance",
            accounts=_mass_accounts(current, bs.FIXED_ASSETS, labels, 1)),
        Row("Fonds de roulement net global (FRNG)", *pair(lambda s: s.frng), kind="total",
            formula="Ressources stables − emplois stables"),
        Row("Actif circulant d'exploitation", *pair(lambda s: s.operating_assets), sign="+",
            accounts=[a for a in _mass_accounts(current, bs.OPERATING, labels, 1) if a[2] > 0]),
        Row("Passif circulant d'exploitation", *pair(lambda s: s.operating_liabilities), sign="−",
            accounts=[(c, n, -a) for c, n, a in _mass_accounts(current, bs.OPERATING, labels, 1) if a < 0]),
        Row("Besoin en fonds de roulement d'exploitation (BFRE)", *pair(lambda s: s.bfre), kind="balance"),
        Row("Actif circulant hors exploitation", *pair(lambda s: s.non_operating_assets), sign="+",
            accounts=[a for a in _mass_accounts(current, bs.NON_OPERATING, labels, 1) if a[2] > 0]),
        Row("Passif circulant hors exploitation", *pair(lambda s: s.non_operating_liabilities), sign="−",
            accounts=[(c, n, -a) for c, n, a in _mass_accounts(current, bs.NON_OPERATING, labels, 1) if a < 0]),
        Row("Besoin en fonds de roulement hors exploitation (BFRHE)", *pair(lambda s: s.bfrhe), kind="balance"),
        Row("Besoin en fonds de roulement (BFR)", *pair(lambda s: s.bfr), kind="total",
            formula="BFRE + BFRHE"),
        Row("Trésorerie active", *pair(lambda s: s.cash_assets), sign="+",
            accounts=[a for a in _mass_accounts(current, bs.CASH, labels, 1) if a[2] > 0]),
        Row("Trésorerie passive (concours bancaires)", *pair(lambda s: s.cash_liabilities), sign="−",
            accounts=[(c, n, -a) for c, n, a in _mass_accounts(current, bs.CASH, labels, 1) if a < 0]),
        Row("Trésorerie nette (comptes de classe 5)", *pair(lambda s: s.tn), kind="total",
            formula="Trésorerie active − trésorerie passive"),
        Row("FRNG − BFR", *pair(lambda s: s.frng_minus_bfr), kind="total", formula="Doit égaler la trésorerie nette"),
        Row("Écart (trésorerie nette − (FRNG − BFR))", *pair(lambda s: s.tn - s.frng_minus_bfr), kind="check"),
    ]  # fmt: skip
    if oldest:
        values = [oldest.masses[mass] for mass in shown] + [
            oldest.ressources_stables, oldest.emplois_stables, oldest.frng, oldest.operating_assets,
            oldest.operating_liabilities, oldest.bfre, oldest.non_operating_assets, oldest.non_operating_liabilities,
            oldest.bfrhe, oldest.bfr, oldest.cash_assets, oldest.cash_liabilities, oldest.tn, oldest.frng_minus_bfr,
            oldest.tn - oldest.frng_minus_bfr,
        ]  # fmt: skip
        for row, value in zip(rows, values, strict=True):
            row.earlier = value
    return rows


# The ratios charted on the ratios page, by chart (one unit each), with their short names under the bars.
RATIO_CHARTS = (
    ("Marges (%)", ratios.PERCENT, (
        ("taux_marge_commerciale", "Marge\ncommerciale"), ("taux_valeur_ajoutee", "Valeur\najoutée"),
        ("part_personnel_va", "Personnel\n/ VA"), ("taux_ebe", "EBE\n/ CA"), ("taux_marge_nette", "Marge\nnette"),
    )),
    ("Structure et rentabilité (%)", ratios.PERCENT, (
        ("autonomie_financiere", "Autonomie\nfinancière"), ("rentabilite_economique", "Rentabilité\néconomique"),
        ("rentabilite_financiere", "Rentabilité\nfinancière"),
    )),
    ("Délais (jours)", ratios.DAYS, (
        ("delai_clients", "Clients"), ("delai_fournisseurs", "Fournisseurs"), ("rotation_stocks", "Stocks"),
    )),
)  # fmt: skip


def ratio_chart_series(
    current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None
) -> list[tuple[str, str, list[str], list[tuple[str, list[Decimal]]]]]:
    """(title, unit, categories, series) of each chart of RATIO_CHARTS: N, N−1 and N−2 side by side. A ratio that
    one of the years cannot compute (« — » in the table) is left out of the chart rather than drawn at zero; a
    chart with no ratio left is left out."""
    diagnoses = [d for d in (current, previous, earlier) if d]
    values = [{r.key: r.value for r in d.ratios} for d in diagnoses]
    charts = []
    for title, unit, keys in RATIO_CHARTS:
        kept = [(key, label) for key, label in keys if all(v.get(key) is not None for v in values)]
        if kept:
            pairs = zip(diagnoses, values, strict=True)
            series = [(d.period.short_label, [v[key] for key, _ in kept]) for d, v in pairs]
            charts.append((title, unit, [label for _, label in kept], series))
    return charts


def ratio_rows(current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None) -> list[dict]:
    before = {r.key: r for r in previous.ratios} if previous else {}
    oldest = {r.key: r for r in earlier.ratios} if earlier else {}
    return [
        {"ratio": r, "previous": before.get(r.key), "earlier": oldest.get(r.key),
         "change": ratios.change(r, before.get(r.key)), "change_text": ratios.change_text(r, before.get(r.key))}
        for r in current.ratios
    ]  # fmt: skip


def export_columns(current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None) -> list[Column]:
    columns = [
        # Only the deducted items carry their sign: a spreadsheet would quote text starting with « + » (« '+ … »).
        Column("Poste", lambda r: f"{r.sign} {r.label}" if r.sign == "−" else r.label),
        Column(current.period.label, lambda r: r.current),
    ]
    if previous:
        columns += [
            Column(previous.period.label, lambda r: r.previous),
            Column("Variation", lambda r: r.variation),
            Column("Variation (%)", lambda r: r.variation_pct),
        ]
    if earlier:
        columns.append(Column(earlier.period.label, lambda r: r.earlier))
    return columns


def ratio_export_columns(
    current: Diagnosis, previous: Diagnosis | None, earlier: Diagnosis | None = None
) -> list[Column]:
    columns = [
        Column("Famille", lambda r: r["ratio"].group),
        Column("Ratio", lambda r: r["ratio"].label),
        Column(current.period.label, lambda r: r["ratio"].value),
        Column("Unité", lambda r: r["ratio"].unit),
    ]
    if previous:
        columns.append(Column(previous.period.label, lambda r: r["previous"].value if r["previous"] else None))
        columns.append(Column("Variation", lambda r: r["change"]))
    if earlier:
        columns.append(Column(earlier.period.label, lambda r: r["earlier"].value if r["earlier"] else None))
    columns.append(Column("Formule", lambda r: r["ratio"].formula))
    return columns
