"""The dashboards' own indicators, registered in `core.registry` like those other apps will add (hr,
quality, purchases plug in there without dashboards importing them). Sales indicators need
`sales.analysis` (commercial sees those only), finance ones `finance.view`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from pilote.core.registry import KpiProvider, KpiTile, lazy_module, register_kpi
from pilote.lib.charts import MONTHS, bar_chart, line_chart
from pilote.lib.formats import format_date, format_eur

# Read when a tile is computed, not when ready() registers the tiles (they import the finance figures).
kpis = lazy_module("pilote.dashboards.kpis")
queries = lazy_module("pilote.dashboards.queries")

SALES, FINANCE = "Ventes", "Finances"


def _compare(label: str, current: Decimal | None, previous: Decimal | None, unit: str = "€") -> tuple:
    return (label, kpis.display(previous, unit), kpis.variation_text(current, previous))


def _bars(title: str, items: list[tuple[str, Decimal | None]], unit: str = "€") -> str:
    shown = [(label, value) for label, value in items if value is not None]
    return bar_chart(shown, title=title, unit=unit) if shown else ""


def _labels(ctx) -> tuple[str, str]:
    current, before = queries.period(ctx), queries.previous(ctx)
    return (current.short_label if current else "N", f"N−1 ({before.short_label})" if before else "N−1")


def revenue_month(ctx) -> KpiTile | None:
    month = queries.month_revenue(ctx)
    if month is None:
        return None
    before = queries.month_revenue(ctx, before=True)
    previous = before.amount if before else None
    note = f"du {format_date(month.start)} au {format_date(month.day)}"
    label_previous = f"N−1 (au {format_date(before.day)})" if before else "N−1"
    plan = _budget(ctx)
    goal = plan.month_revenue if plan else None
    comparisons = [_compare(label_previous, month.amount, previous)] if before else []
    if plan:
        comparisons.append(_compare("Budget", month.amount, goal))
    return KpiTile(
        month.amount,
        format_eur(month.amount),
        reverse("receivables:analysis"),
        note=note,
        comparisons=comparisons,
        chart=_bars("Chiffre d'affaires du mois", [("Ce mois", month.amount), ("N−1", previous), ("Budget", goal)]),
    )


def _budget(ctx):
    """The budget only for those who read finance (a sales role sees N−1 only)."""
    return queries.budget(ctx) if ctx.user.can("finance.view") else None


def revenue_year(ctx) -> KpiTile | None:
    current = queries.diagnosis(ctx)
    if current is None:
        return None
    before = queries.diagnosis(ctx, before=True)
    value = kpis.revenue(current.sig.items)
    previous = kpis.revenue(before.sig.items) if before else None
    months = queries.monthly_revenue(ctx)
    series = [("N", _cumulated([amount for _, amount in months]))]
    if before:
        earlier = queries.monthly_revenue(ctx, before=True)
        series.append(("N−1", _cumulated([amount for _, amount in earlier])[: len(months)]))
    categories = [MONTHS[month.month - 1] for month, _ in months]
    _, label_previous = _labels(ctx)
    comparisons = [_compare(label_previous, value, previous)] if before else []
    plan = _budget(ctx)
    if plan:
        comparisons.append(_compare("Budget", value, kpis.revenue(plan.items)))
    return KpiTile(
        value,
        format_eur(value),
        reverse("receivables:analysis"),
        note=f"exercice {current.period.short_label}",
        comparisons=comparisons,
        chart=line_chart(categories, series, title="Chiffre d'affaires cumulé") if months else "",
    )


def _cumulated(values: list[Decimal]) -> list[Decimal]:
    total, out = Decimal(0), []
    for value in values:
        total += value
        out.append(total)
    return out


def _diagnosis_tile(ctx, figure, url_name: str, title: str, note=None, planned=None) -> KpiTile | None:
    current = queries.diagnosis(ctx)
    if current is None:
        return None
    before = queries.diagnosis(ctx, before=True)
    value = figure(current)
    previous = figure(before) if before else None
    _, label_previous = _labels(ctx)
    comparisons = [_compare(label_previous, value, previous)] if before else []
    plan = _budget(ctx) if planned else None
    goal = planned(plan) if plan else None
    if plan:
        comparisons.append(_compare("Budget", value, goal))
    return KpiTile(
        value,
        format_eur(value),
        reverse(url_name),
        note=note(current) if note else f"exercice {current.period.short_label}",
        comparisons=comparisons,
        chart=_bars(title, [("N", value), ("N−1", previous), ("Budget", goal)]),
    )


def gross_margin(ctx) -> KpiTile | None:
    def note(d):
        margin_rate = kpis.rate(kpis.gross_margin(d.sig.items), kpis.revenue(d.sig.items))
        return f"taux de marge {kpis.display(margin_rate, '%')}" if margin_rate is not None else ""

    return _diagnosis_tile(
        ctx,
        lambda d: kpis.gross_margin(d.sig.items),
        "finance:diagnosis",
        "Marge brute",
        note,
        planned=lambda b: kpis.gross_margin(b.items),
    )


def ebe(ctx) -> KpiTile | None:
    return _diagnosis_tile(
        ctx, lambda d: d.sig.balances["ebe"], "finance:diagnosis", "Excédent brut d'exploitation",
        planned=lambda b: b.ebe,
    )  # fmt: skip


def cash_today(ctx) -> KpiTile | None:
    return _diagnosis_tile(
        ctx,
        lambda d: queries.cash(d.figures),
        "finance:treasury",
        "Trésorerie",
        note=lambda d: f"banques et caisses au {format_date(d.period.day)}",
    )


def cash_lowest(ctx) -> KpiTile | None:
    plan = queries.plan(ctx)
    if plan is None:
        return None
    lowest = plan.lowest
    categories = [f"{week.start:%d/%m}" for week in plan.weeks]
    return KpiTile(
        lowest.closing,
        format_eur(lowest.closing),
        reverse("finance:treasury"),
        note=f"semaine du {format_date(lowest.start)} (prévision sur 13 semaines)",
        comparisons=[("Aujourd'hui", format_eur(plan.opening), "")],
        chart=line_chart(
            categories, [("Trésorerie prévue", [w.closing for w in plan.weeks])], title="Trésorerie prévue"
        ),
    )


def overdue_receivables(ctx) -> KpiTile | None:
    from pilote.receivables.queries import BUCKETS

    totals = queries.aged_receivables(ctx)
    overdue = totals["total"] - totals["not_due"]
    return KpiTile(
        overdue,
        format_eur(overdue),
        reverse("receivables:aged"),
        note=f"sur {format_eur(totals['total'])} d'encours clients",
        chart=_bars("Créances par ancienneté", [(label, totals[key]) for key, label in BUCKETS]),
    )


def _dso(d) -> Decimal | None:
    return next((r.value for r in d.ratios if r.key == "delai_clients"), None) if d else None


def dso(ctx) -> KpiTile | None:
    current = queries.diagnosis(ctx)
    if current is None:
        return None
    before = queries.diagnosis(ctx, before=True)
    value, previous = _dso(current), _dso(before)
    _, label_previous = _labels(ctx)
    return KpiTile(
        value,
        kpis.display(value, "j"),
        reverse("finance:ratios"),
        note="créances clients TTC ÷ ventes TTC × jours",
        comparisons=[_compare(label_previous, value, previous, "j")] if before else [],
        chart=_bars("Délai de paiement des clients", [("N", value), ("N−1", previous)], "j"),
    )


def payables_due(ctx) -> KpiTile | None:
    inputs = queries.treasury(ctx)
    if inputs is None:
        return None
    horizon = ctx.today + dt.timedelta(days=30)
    overdue = -sum((f.amount for f in inputs.suppliers if f.day < ctx.today), Decimal(0))
    month = -sum((f.amount for f in inputs.suppliers if ctx.today <= f.day <= horizon), Decimal(0))
    return KpiTile(
        overdue + month,
        format_eur(overdue + month),
        reverse("finance:treasury"),
        note="échues ou à payer dans les 30 jours",
        comparisons=[("Dont échues", format_eur(overdue), "")],
        chart=_bars("Dettes fournisseurs", [("Échues", overdue), ("À 30 jours", month)]),
    )


def orders(ctx) -> KpiTile | None:
    book = queries.orders_in_hand(ctx)
    plural = "s" if book.count > 1 else ""
    return KpiTile(
        book.amount,
        format_eur(book.amount),
        reverse("sales:order-list"),
        note=f"{book.count} commande{plural} à facturer (HT)",
    )


PROVIDERS = [
    KpiProvider("ca_mois", "Chiffre d'affaires du mois", "sales.analysis", 10, revenue_month, SALES),
    KpiProvider("ca_exercice", "Chiffre d'affaires de l'exercice", "sales.analysis", 11, revenue_year, SALES),
    KpiProvider("commandes", "Commandes en carnet", "sales.analysis", 12, orders, SALES),
    KpiProvider("creances_echues", "Créances clients échues", "sales.analysis", 13, overdue_receivables, SALES,
                alert_below=False),
    KpiProvider("dso", "Délai de paiement des clients (DSO)", "finance.view", 20, dso, FINANCE, unit="j",
                alert_below=False),
    KpiProvider("marge_brute", "Marge brute", "finance.view", 21, gross_margin, FINANCE),
    KpiProvider("ebe", "Excédent brut d'exploitation", "finance.view", 22, ebe, FINANCE),
    KpiProvider("tresorerie", "Trésorerie du jour", "finance.view", 23, cash_today, FINANCE),
    KpiProvider("tresorerie_prevue", "Point bas de trésorerie prévu", "finance.view", 24, cash_lowest, FINANCE),
    KpiProvider("dettes_fournisseurs", "Dettes fournisseurs à payer", "finance.view", 25, payables_due, FINANCE,
                alert_below=False),
]  # fmt: skip


def register() -> None:
    for provider in PROVIDERS:
        register_kpi(provider)
