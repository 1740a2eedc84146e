"""A 13-week cash plan (plan de trésorerie) from today's cash and the open items of the books, pure.

`weekly_plan(today, opening_cash, flows)` spreads dated receipts and payments over the weeks from today's
week (Monday to Sunday): the bank and cash balances today (51, 53 and 50 with 519 as bank credit), the
open customer items at their due date (411, 413, 418 — not the doubtful 416; a late one as late again from
today, one more than 90 days late left out: `receivables`), the open supplier items at theirs (401, 403, 404,
408), and the tax and social debts at their usual date: the VAT to pay (44551) on the next CA3 due day
(PILOTE_VAT_DUE_DAY, the 19th by default), the social contributions (431, 437) on the next 15th, the wages due
(421) at once. Lines without a due date (payments on account, credit notes) count on their own date (a
supplier's at once when it is past; a customer's as a late item). The lowest
closing balance and its week are the plan's alert.

Beside it, `monthly_plan` spreads the same flows over 12 calendar months, with what the open items do not hold
yet: the activity of the months after the current one from the budget (`budget_flows`), payroll from the plug-in
sources (hr), loan instalments (`loan_schedule`).

Customers are expected at their habits, not only at the due date: `average_delay` is the amount-weighted mean of
(payment date − due date) over a customer's settled invoices, and `expected_at` moves an open item's due date by
it; what is still owed after that date is late (`receivables`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.lib.money import ZERO, round_eur, split_amount

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
    def is_empty(self) -> bool:
        """No cash today and nothing expected: books with nothing posted yet."""
        return not self.opening and not self.beyond and not any(w.receipts or w.payments for w in self.weeks)

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


# The dashboards' indicator of the plan's lowest point: direction sets its alert threshold on it, which the plan
# reads through `core.registry.kpi_threshold` (finance never imports dashboards).
LOWEST_POINT_KPI = "tresorerie_prevue"


@dataclass(frozen=True)
class ThresholdCheck:
    """A plan against the alert threshold direction set: each week's (or month's) closing under it or not —
    strictly below, as the dashboards' tile turns red."""

    value: Decimal
    under: list[bool]

    @property
    def count(self) -> int:
        return sum(self.under)


def threshold_check(plan: Plan, threshold: Decimal | None) -> ThresholdCheck | None:
    if threshold is None:
        return None
    return ThresholdCheck(threshold, [week.closing < threshold for week in plan.weeks])


SCENARIOS = {"realiste": "Réaliste", "pessimiste": "Pessimiste"}
PESSIMISTIC_DELAY_DAYS = 30  # customers pay a month later than expected…
PESSIMISTIC_SHARE = Decimal("0.9")  # …and a tenth of what they owe does not come in


def scenario_flows(flows: list[Flow], today: dt.date, scenario: str) -> list[Flow]:
    """The flows of a scenario. Réaliste: as expected. Pessimiste: every customer receipt a month later than
    expected (from today when overdue) and 10 % of it lost; payments and tax unchanged. Neither counts on the
    doubtful receivables (`receivables`)."""
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


# --- Late customers ----------------------------------------------------------------------------------------

# A receivable this many days past the date its customer was expected to pay it is doubtful: no plan counts on it
# (it is shown apart, to chase). Ninety days, the usual mark of a doubtful debt, is also about the 13-week horizon,
# where a receivable that late would be expected (`receivables`).
DOUBTFUL_AFTER_DAYS = 90


@dataclass(frozen=True)
class Receivables:
    flows: list[Flow]  # what customers owe, on the day it is expected (never before today)
    doubtful: Decimal  # what they owe more than DOUBTFUL_AFTER_DAYS past its expected date (net), out of the plans


def receivables(today: dt.date, owed: dict[dt.date, Decimal]) -> Receivables:
    """What customers owe by the date each is expected (`owed`: due date moved by the customer's habit) as the plans'
    receipts. Not late: on that date. Late by 1 to DOUBTFUL_AFTER_DAYS days: as late again from today — a receivable
    a week late comes next week, one two months late in two months (a reminder and its answer take time, and the
    longer a customer has let pass, the longer it takes), not all in the first week. Later than that: doubtful, out
    of the plans (what customers owe net on those dates: old credit notes and payments on account set against old
    invoices). Linear in the amounts: any grouping by date gives the same plan."""
    by_day: dict[dt.date, Decimal] = {}
    doubtful = ZERO
    for day, amount in owed.items():
        late = (today - day).days
        if late > DOUBTFUL_AFTER_DAYS:
            doubtful += amount
            continue
        expected = today + dt.timedelta(days=late) if late > 0 else day
        by_day[expected] = by_day.get(expected, ZERO) + amount
    return Receivables([Flow(day, amount, "Clients") for day, amount in sorted(by_day.items()) if amount], doubtful)


def next_on(today: dt.date, day: int) -> dt.date:
    """The next `day` of a month from today: this month's if still ahead, else next month's."""
    if today.day < day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.date(year, month, day)


# --- Customers' payment behaviour --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """A settled customer invoice: its due date, the date its last payment came in, its amount."""

    due: dt.date
    paid: dt.date
    amount: Decimal


def average_delay(settlements: list[Settlement]) -> Decimal | None:
    """Days between due date and payment, weighted by the invoices' amounts, to 0.1 day (negative: the customer
    pays early). None without a settled invoice of a positive amount."""
    weight = sum((s.amount for s in settlements if s.amount > 0), ZERO)
    if not weight:
        return None
    days = sum((Decimal((s.paid - s.due).days) * s.amount for s in settlements if s.amount > 0), ZERO)
    return (days / weight).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def expected_at(due: dt.date, delay: Decimal | None) -> dt.date:
    """An open item's expected date: its due date moved by the customer's average delay (whole days, half up)."""
    if not delay:
        return due
    return due + dt.timedelta(days=int(delay.quantize(Decimal(1), rounding="ROUND_HALF_UP")))


# --- The 12-month plan -------------------------------------------------------------------------------------

MONTHS = 12


def add_months(day: dt.date, months: int, on: int | None = None) -> dt.date:
    """`day` moved by `months` calendar months, on the day `on` (default: the same day), clipped to the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    wanted = on or day.day
    return dt.date(year, month + 1, min(wanted, calendar.monthrange(year, month + 1)[1]))


def monthly_plan(today: dt.date, opening: Decimal, flows: list[Flow], months: int = MONTHS) -> Plan:
    """The flows over `months` calendar months from today's month (past-dated flows in the first)."""
    first = today.replace(day=1)
    buckets = []
    for i in range(months):
        start = add_months(first, i)
        buckets.append(Week(start, add_months(start, 1) - dt.timedelta(days=1), ZERO))
    end = buckets[-1].end
    beyond = ZERO
    for flow in flows:
        day = max(flow.day, today)
        if day > end:
            beyond += flow.amount
            continue
        bucket = buckets[(day.year - first.year) * 12 + day.month - first.month]
        if flow.amount >= 0:
            bucket.receipts += flow.amount
        else:
            bucket.payments -= flow.amount
        bucket.by_kind[flow.kind] = bucket.by_kind.get(flow.kind, ZERO) + flow.amount
    balance = opening
    for bucket in buckets:
        bucket.opening = balance
        balance = bucket.closing
    return Plan(opening, buckets, beyond)


# Budget groups that move cash: income 70–77 except reversals (78) and transfers of charges (79); expenses 60–67
# except depreciation and provisions (68) and the tax on profits (69, paid by instalments outside this plan).
def cash_group(group: str) -> bool:
    return group[:2] in {"60", "61", "62", "63", "64", "65", "66", "67", "70", "71", "72", "74", "75", "76", "77"}


VAT_RATE = Decimal(20)  # the standard rate, when the books hold no year of VAT yet
# Expenses bearing deductible VAT: purchases and external charges, but insurance (616) and bank services (627).
VAT_EXPENSES, NO_VAT_EXPENSES = ("60", "61", "62"), ("616", "627")
PAYMENT_DAYS = 30  # the projected activity is invoiced day by day and settled 30 days later (C. com. L441-10)


@dataclass(frozen=True)
class VatTerms:
    """How the projected activity bears VAT: the structure's regime (none in franchise or when not liable; on
    receipts for « TVA sur les encaissements »), the effective rates its books show over the last twelve months
    (VAT collected ÷ sales, VAT deducted on goods and services ÷ purchases and external charges: the lines'
    actual rates, 5,5 %, 10 %, 20 % or exempt, weighted by their bases), the CA3's cadence and due day."""

    charges_vat: bool = True
    sales_rate: Decimal = VAT_RATE  # %
    purchases_rate: Decimal = VAT_RATE  # %
    due_day: int = 19
    quarterly: bool = False
    on_receipts: bool = False


def spread(month: dt.date, amount: Decimal, delay_days: int = PAYMENT_DAYS) -> list[tuple[dt.date, Decimal]]:
    """`amount` invoiced evenly over the real days of `month` (28 to 31), each day's share settled `delay_days`
    later: the parts by the calendar month they land in, dated on their first day there, to the cent."""
    days = calendar.monthrange(month.year, month.month)[1]
    landing: dict[dt.date, list] = {}
    for offset in range(days):
        day = month + dt.timedelta(days=offset + delay_days)
        landing.setdefault(day.replace(day=1), [day, 0])[1] += 1
    keys = sorted(landing)
    parts = split_amount(amount, [landing[key][1] for key in keys])
    return [(landing[key][0], part) for key, part in zip(keys, parts, strict=True) if part]


def vat_due(month: dt.date, terms: VatTerms) -> dt.date:
    """The due date of the CA3 declaring `month`: the due day of the month after its period (the month, or its
    calendar quarter), carried to the next working day after a weekend or a public holiday."""
    from pilote.lib.public_holidays import is_holiday

    end = add_months(month.replace(day=1), (3 - month.month % 3) % 3) if terms.quarterly else month.replace(day=1)
    due = add_months(end, 1, terms.due_day)
    while due.weekday() >= 5 or is_holiday(due):
        due += dt.timedelta(days=1)
    return due


def budget_flows(
    months: dict[dt.date, dict[str, Decimal]], today: dt.date, *, payroll: bool = True, loans: bool = False,
    vat: VatTerms = VatTerms(), delay_days: int = PAYMENT_DAYS,
) -> list[Flow]:  # fmt: skip
    """The activity not invoiced yet: the budget of each month after today's (groups in their natural direction,
    income and expenses positive, excluding VAT), VAT included at the structure's effective rates, invoiced over
    the month's real days and settled `delay_days` later (`spread`: a 31-day January at 30 days lands 1/31 in
    January, 28/31 in February, 2/31 in March); the projected CA3 — VAT on the sales (of the month invoiced, or
    of the month received on receipts) less VAT on the purchases and external charges (60–62 but 616 and 627) —
    on its due date, a VAT credit carried to the next return; staff costs (64) on the month's last day, unless
    `payroll` is False (hr projects the pay instead); the loans' interest (661) left out when `loans` is True
    (their schedules carry it)."""
    flows = []
    current = today.replace(day=1)
    returns: dict[dt.date, Decimal] = {}  # CA3 due date -> VAT to pay (negative: a credit)
    for month, groups in sorted(months.items()):
        if month <= current:
            continue
        cash = {g: v for g, v in groups.items() if cash_group(g) and not (loans and g.startswith("661"))}
        receipts = round_eur(sum((v for g, v in cash.items() if g.startswith("7")), ZERO))
        purchases = round_eur(sum((v for g, v in cash.items() if g.startswith("6") and not g.startswith("64")), ZERO))
        taxed = sum((v for g, v in cash.items() if g.startswith(VAT_EXPENSES) and not g.startswith(NO_VAT_EXPENSES)),
                    ZERO)  # fmt: skip
        collected = round_eur(receipts * vat.sales_rate / 100) if vat.charges_vat else ZERO
        deductible = round_eur(taxed * vat.purchases_rate / 100) if vat.charges_vat else ZERO
        staff = sum((v for g, v in cash.items() if g.startswith("64")), ZERO) if payroll else ZERO
        if receipts + collected > 0:
            parts = spread(month, receipts + collected, delay_days)
            flows += [Flow(day, part, "Activité prévue") for day, part in parts]
            if vat.on_receipts and collected:
                for (day, _), part in zip(parts, split_amount(collected, [p for _, p in parts]), strict=True):
                    due = vat_due(day, vat)
                    returns[due] = returns.get(due, ZERO) + part
            elif collected:
                returns[vat_due(month, vat)] = returns.get(vat_due(month, vat), ZERO) + collected
        if purchases + deductible > 0:
            flows += [Flow(day, -part, "Activité prévue") for day, part in spread(month, purchases + deductible,
                                                                                  delay_days)]  # fmt: skip
            if deductible:
                returns[vat_due(month, vat)] = returns.get(vat_due(month, vat), ZERO) - deductible
        if staff:
            flows.append(Flow(add_months(month, 1) - dt.timedelta(days=1), -round_eur(staff), "Salaires prévus"))
    credit = ZERO
    for due, amount in sorted(returns.items()):
        amount -= credit
        credit = max(-amount, ZERO)
        if amount > 0:
            flows.append(Flow(due, -amount, "TVA prévue (CA3)"))
    return flows


# --- Loans -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    number: int
    day: dt.date
    payment: Decimal
    interest: Decimal
    principal: Decimal
    remaining: Decimal  # capital left after the instalment


def loan_schedule(principal: Decimal, annual_rate: Decimal, months: int, first_due: dt.date, *,
                  constant_capital: bool = False) -> list[Instalment]:  # fmt: skip
    """A loan repaid monthly. By constant instalments (annuités constantes): payment = C × i ÷ (1 − (1 + i)^−n),
    i = annual rate ÷ 12; by constant capital (amortissement constant): C ÷ n of capital a month plus the
    interest. Each month's interest on the capital left, to the cent; the last instalment clears the capital
    (its payment absorbs the roundings). A nil rate repays C ÷ n a month."""
    principal = round_eur(principal)
    rate = Decimal(annual_rate) / 100 / 12
    payment = round_eur(principal * rate / (1 - (1 + rate) ** -months) if rate else principal / months)
    capital = round_eur(principal / months)
    schedule, left = [], principal
    for number in range(1, months + 1):
        interest = round_eur(left * rate)
        due = capital if constant_capital else payment - interest
        share = left if number == months else min(due, left)
        left -= share
        schedule.append(Instalment(number, add_months(first_due, number - 1), interest + share, interest, share, left))
    return schedule


LOAN_MAX_MONTHS = 600  # fifty years: the longest a loan of the cash plan may run
LOAN_MAX_DEFERRAL_YEARS = 5  # a first instalment further away is a mistyped year, not a deferred loan


def loan_problems(principal: Decimal | None, annual_rate: Decimal | None, months: int | None,
                  first_due: dt.date | None, today: dt.date) -> dict[str, str]:  # fmt: skip
    """What makes a loan impossible or meaningless for the cash plan, by field, in French ({} when it is fine; a
    figure left out — None — is not checked): a capital that is not positive, a rate outside [0, 100 %), a duration
    outside 1–600 months, a first instalment more than five years away, or a loan whose last instalment is already
    past — repaid, it would change nothing in a plan that starts today."""
    problems = {}
    if principal is not None and principal <= 0:
        problems["principal"] = "Le capital emprunté doit être positif."
    if annual_rate is not None and not Decimal(0) <= annual_rate < 100:
        problems["annual_rate"] = "Le taux annuel va de 0 à moins de 100 % (un taux de 3,5 % s'écrit « 3,5 »)."
    if months is not None and not 1 <= months <= LOAN_MAX_MONTHS:
        problems["months"] = f"La durée d'un emprunt va de 1 à {LOAN_MAX_MONTHS} mois."
    elif first_due is not None and first_due > add_months(today, 12 * LOAN_MAX_DEFERRAL_YEARS):
        problems["first_due"] = (f"La première échéance, le {first_due:%d/%m/%Y}, est à plus de "
                                 f"{LOAN_MAX_DEFERRAL_YEARS} ans : vérifiez l'année.")  # fmt: skip
    elif first_due is not None and months is not None and (last := add_months(first_due, months - 1)) < today:
        problems["first_due"] = (
            f"Avec une première échéance le {first_due:%d/%m/%Y} et {months} mensualité{'s' if months > 1 else ''}, "
            f"la dernière tombe le {last:%d/%m/%Y} : cet emprunt est déjà remboursé et ne changerait rien au plan de "
            "trésorerie. Vérifiez la date de la première échéance ou la durée."
        )
    return problems


# --- Forecast against actual -------------------------------------------------------------------------------


def balance_at(days: dict[dt.date, Decimal], day: dt.date) -> Decimal | None:
    """The balance at the end of `day` from the balances of the days that moved (None before the first)."""
    known = [d for d in days if d <= day]
    return days[max(known)] if known else None


@dataclass(frozen=True)
class Comparison:
    start: dt.date
    end: dt.date
    forecast: Decimal
    actual: Decimal

    @property
    def gap(self) -> Decimal:
        return self.actual - self.forecast


def compare(week_start: dt.date, closings: list[Decimal], actual: dict[dt.date, Decimal], today: dt.date):
    """An archived plan's weeks already over (ended before today) against the bank's balance at their end."""
    rows = []
    for index, closing in enumerate(closings):
        end = week_start + dt.timedelta(weeks=index, days=6)
        if end >= today:
            break
        real = balance_at(actual, end)
        if real is not None:
            rows.append(Comparison(end - dt.timedelta(days=6), end, closing, real))
    return rows
