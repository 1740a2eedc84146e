"""The dashboards' share of the demo: direction's threshold on the forecast's lowest point, set so that one
week of the 13-week plan goes under it — the tile is red, the alert is in direction's to-do list and direction got
its one e-mail."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.dashboards import alerts, services
from pilote.finance.queries import treasury_plan


def treasury_threshold(closings: list[Decimal]) -> Decimal | None:
    """A round threshold above the lowest closing balance and at most the next one: one week dips under it. When
    only the lowest week is overdrawn, a cushion of cash (half the next lowest, rounded), not a floor below zero
    nobody would set."""
    distinct = sorted(set(closings))
    if len(distinct) < 2:
        return None
    low, next_low = distinct[0], distinct[1]
    floor = Decimal(0) if low < 0 < next_low else low
    for step in (Decimal(1000), Decimal(100), Decimal(1), Decimal("0.01")):
        value = ((floor + next_low) / 2 / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        if max(low, floor) < value <= next_low:
            return value
    return next_low


def load(rng, users) -> None:
    plan = treasury_plan(DEMO_TODAY)
    if plan is None:
        return
    value = treasury_threshold([week.closing for week in plan.weeks])
    if value is not None:
        services.set_threshold(actor=users["direction"], key="tresorerie_prevue", value=value)
        alerts.check(DEMO_TODAY)  # the crossing opens its alert and mails direction once (not again at commit)
