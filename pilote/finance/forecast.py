"""A 13-week cash plan (plan de trésorerie) from today's cash and the open items of the books, pure.

`weekly_plan(today, opening_cash, flows)` spreads dated receipts and payments over the weeks from today's
week (Monday to Sunday): the bank and cash balances today (51, 53 and 50 with 519 as bank credit), the
open customer items at their due date (411, 413, 418 — not the doubtful 416; an overdue item is expected
in the first week), the open supplier items at theirs (401, 403, 404, 408), and the tax and social debts
at their usual date: the VAT to pay (44551) on the next 19th, the social contributions (431, 437) on the
next 15th, the wages due (421) at once. Lines without a due date (payments on account, credit notes) count on their
own date, or at once when it is past. The lowest closing balance and its week are the plan's alert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.lib.money import ZERO, round_eur

WEEKS = 13


@dataclass(frozen=True)
class Flow:
    day: dt.date  # expected date
    amount: Decimal  # + receipt, − payment
    kind: str  # clients, fournisseurs, fiscal et social


@dataclass
class Week:
    start: dt.date
    end: dt.date
    opening: Decimal
    receipts: Decimal = ZERO
    payments: Decimal = ZERO  # positive
    by_kind: dict[str, Decimal] = field(default_factory=dict)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.receipts - self.payments


@dataclass
class Plan:
    opening: Decimal
    weeks: list[Week]
    beyond: Decimal  # net of the flows expected after the last week

    @property
    def final(self) -> Decimal:
        return self.weeks[-1].closing if self.weeks else self.opening

    @property
    def lowest(self) -> Week:
        return min(self.weeks, key=lambda w: (w.closing, w.start))


def weekly_plan(today: dt.date, opening: Decimal, flows: list[Flow], weeks: int = WEEKS) -> Plan:
    monday = today - dt.timedelta(days=today.weekday())
    plan, balance = [], opening
    buckets = [Week(monday + dt.timedelta(weeks=i), monday + dt.timedelta(weeks=i, days=6), ZERO) for i in range(weeks)]
    beyond = ZERO
    for flow in flows:
        day = max(flow.day, today)
        index = (day - monday).days // 7
        if index >= weeks:
            beyond += flow.amount
            continue
        week = buckets[index]
        if flow.amount >= 0:
            week.receipts += flow.amount
        else:
            week.payments -= flow.amount
        week.by_kind[flow.kind] = week.by_kind.get(flow.kind, ZERO) + flow.amount
    for week in buckets:
        week.opening = balance
        balance = week.closing
        plan.append(week)
    return Plan(opening, plan, beyond)


SCENARIOS = {"realiste": "Réaliste", "pessimiste": "Pessimiste"}
PESSIMISTIC_DELAY_DAYS = 30  # customers pay a month later than expected…
PESSIMISTIC_SHARE = Decimal("0.9")  # …and a tenth of what they owe does not come in


def scenario_flows(flows: list[Flow], today: dt.date, scenario: str) -> list[Flow]:
    """The flows of a scenario. Réaliste: as expected. Pessimiste: every customer receipt a month later than
    expected (from today when overdue) and 10 % of it lost; payments and tax unchanged."""
    if scenario != "pessimiste":
        return flows
    return [
        Flow(
            max(f.day, today) + dt.timedelta(days=PESSIMISTIC_DELAY_DAYS),
            round_eur(f.amount * PESSIMISTIC_SHARE),
            f.kind,
        )
        if f.kind == "Clients" and f.amount > 0
        else f
        for f in flows
    ]


def next_on(today: dt.date, day: int) -> dt.date:
    """The next `day` of a month from today: this month's if still ahead, else next month's."""
    if today.day < day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.date(year, month, day)
