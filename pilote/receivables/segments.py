"""Customer segmentation and payment-delay figures: pure functions over Decimals and dates.

- ABC (Pareto): customers sorted by revenue, largest first; a customer is A while the cumulative share
  *before* it is under 80 %, B while under 95 %, C after. So the customer that crosses 80 % is still A
  (a single customer with 90 % of revenue is A, not B) and A + B + C cover 80 / 15 / 5 %. Customers with
  no (or negative) revenue are C.
- RFM: recency (days since the last invoice), frequency (invoices), monetary (revenue) each scored 1–5
  by quintile of rank (5 = best: most recent, most frequent, largest); ties share the same score.
  Segments, first match wins:
    Champions   R ≥ 4, F ≥ 4, M ≥ 4
    Fidèles     R ≥ 3, F ≥ 4
    Nouveaux    R ≥ 4, F ≤ 2
    À risque    R ≤ 2, F ≥ 3   (used to buy often, not lately)
    Perdus      R = 1          (the least recent fifth, buying rarely)
    À développer  everything else
- Average payment delay (weighted): Σ(amount × days from invoice date to payment date) / Σ amount, over
  the payments allocated to invoices — a partial payment weighs its own amount.
- DSO (classic): receivables incl. VAT at the end of the period / revenue incl. VAT of the period × days
  of the period.
- At risk of leaving: a customer with at least 3 invoices whose silence since the last one exceeds twice
  its usual interval (median gap between its invoices), or whose revenue fell by more than half from the
  previous 12 months to the last 12.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.money import ZERO

A_SHARE, B_SHARE = Decimal("0.80"), Decimal("0.95")


def abc_classes(revenue: dict[Hashable, Decimal]) -> dict[Hashable, str]:
    total = sum((value for value in revenue.values() if value > 0), ZERO)
    ranked = sorted(revenue.items(), key=lambda item: (-item[1], str(item[0])))
    classes, cumulated = {}, ZERO
    for key, value in ranked:
        if value <= 0 or total <= 0:
            classes[key] = "C"
            continue
        before = cumulated / total
        classes[key] = "A" if before < A_SHARE else "B" if before < B_SHARE else "C"
        cumulated += value
    return classes


def quintile_scores(values: dict[Hashable, Decimal | int], higher_is_better: bool = True) -> dict[Hashable, int]:
    """1–5 by rank: score = 1 + 5 × (number of values worse than this one) // n; ties score alike."""
    n = len(values)
    ordered = sorted(values.values())
    scores = {}
    for key, value in values.items():  # a binary search, not a scan: thousands of customers on one page
        worse = bisect_left(ordered, value) if higher_is_better else n - bisect_right(ordered, value)
        scores[key] = 1 + (5 * worse) // n
    return scores


@dataclass(frozen=True)
class CustomerActivity:
    last_invoice: dt.date
    invoices: int
    revenue: Decimal


@dataclass(frozen=True)
class RfmScore:
    recency_days: int
    r: int
    f: int
    m: int
    segment: str


def segment_for(r: int, f: int, m: int) -> str:
    if r >= 4 and f >= 4 and m >= 4:
        return "Champions"
    if r >= 3 and f >= 4:
        return "Fidèles"
    if r >= 4 and f <= 2:
        return "Nouveaux"
    if r <= 2 and f >= 3:
        return "À risque"
    if r == 1:
        return "Perdus"
    return "À développer"


SEGMENTS = ["Champions", "Fidèles", "Nouveaux", "À risque", "Perdus", "À développer"]


def rfm(activity: dict[Hashable, CustomerActivity], on: dt.date) -> dict[Hashable, RfmScore]:
    if not activity:
        return {}
    recency = {key: (on - a.last_invoice).days for key, a in activity.items()}
    r = quintile_scores(recency, higher_is_better=False)
    f = quintile_scores({key: a.invoices for key, a in activity.items()})
    m = quintile_scores({key: a.revenue for key, a in activity.items()})
    return {
        key: RfmScore(recency[key], r[key], f[key], m[key], segment_for(r[key], f[key], m[key])) for key in activity
    }


def weighted_payment_delay(payments: Iterable[tuple[dt.date, dt.date, Decimal]]) -> Decimal | None:
    """(invoice date, payment date, amount) → average days, weighted by amount, to 0.1 day."""
    weighted, total = ZERO, ZERO
    for invoice_date, paid_on, amount in payments:
        weighted += amount * (paid_on - invoice_date).days
        total += amount
    return delay_from_sums(weighted, total)


def delay_from_sums(weighted: Decimal, total: Decimal) -> Decimal | None:
    """The same average from Σ(amount × days) and Σ amount already summed (in SQL, per customer)."""
    if total <= 0:
        return None
    return (weighted / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def classic_dso(receivables: Decimal, revenue_incl_vat: Decimal, days: int) -> Decimal | None:
    if revenue_incl_vat <= 0:
        return None
    return (receivables / revenue_incl_vat * days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Risk:
    reason: str
    usual_interval: int | None = None
    silence: int | None = None
    change: Decimal | None = None  # revenue change in percent, year on year


def _median(values: list[int]) -> int:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def churn_risk(
    invoice_dates: list[dt.date], revenue_last_12: Decimal, revenue_previous_12: Decimal, on: dt.date
) -> Risk | None:
    dates = sorted(set(invoice_dates))
    if len(dates) >= 3:
        usual = _median([(b - a).days for a, b in zip(dates, dates[1:], strict=False)])
        silence = (on - dates[-1]).days
        if usual > 0 and silence > 2 * usual:
            return Risk(
                f"Aucune facture depuis {silence} jours, pour un rythme habituel de {usual} jours",
                usual_interval=usual,
                silence=silence,
            )
    if revenue_previous_12 > 0 and revenue_last_12 < revenue_previous_12 / 2:
        change = ((revenue_last_12 - revenue_previous_12) / revenue_previous_12 * 100).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        return Risk(f"Chiffre d'affaires en baisse de {-change} % sur un an".replace(".", ","), change=change)
    return None
