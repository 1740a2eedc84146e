"""Reads on CPOM and activity: the lists (filters, sorts, export columns), a year's follow-up — objectives against
their targets (actual typed or computed from the months' activity) and means against the books (account groups
summed over the year's posted lines in one grouped query) — and a service's year of activity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from pilote.associations import cpom as rules
from pilote.associations.models import ActivityMonth, Cpom, CpomObjective, IndicatorSource
from pilote.core.listing import Column
from pilote.ledger.models import EntryLine
from pilote.lib.money import ZERO

CPOM_SORTS = {"debut": ["start_year", "id"], "intitule": ["title"]}
CPOM_DEFAULT_SORT = "-debut"


def filter_cpoms(data: dict):
    rows = Cpom.objects.all()
    if text := (data.get("q") or "").strip():
        rows = rows.filter(Q(title__icontains=text) | Q(funders__name__icontains=text)).distinct()
    if year := data.get("annee"):
        rows = rows.filter(start_year__lte=year, end_year__gte=year)
    return rows


CPOM_COLUMNS = [
    Column("Intitulé", lambda c: c.title),
    Column("Financeurs", lambda c: ", ".join(f.display_name for f in c.funders.all())),
    Column("Première année", lambda c: c.start_year),
    Column("Dernière année", lambda c: c.end_year),
    Column("Signé le", lambda c: c.signed_on),
]

ACTIVITY_SORTS = {"mois": ["month", "service"], "service": ["service", "month"], "heures": ["hours_delivered"]}
ACTIVITY_DEFAULT_SORT = "-mois"


def filter_activity(data: dict):
    rows = ActivityMonth.objects.all()
    if service := (data.get("service") or "").strip():
        rows = rows.filter(service=service)
    if year := data.get("annee"):
        rows = rows.filter(month__year=year)
    return rows


def services() -> list[str]:
    return list(ActivityMonth.objects.order_by("service").values_list("service", flat=True).distinct())


def occupancy(row: ActivityMonth) -> Decimal | None:
    return rules.occupancy_rate(row.days_delivered, row.places, row.days_open)


ACTIVITY_COLUMNS = [
    Column("Service", lambda a: a.service),
    Column("Mois", lambda a: f"{a.month:%m/%Y}"),
    Column("Places autorisées", lambda a: a.places),
    Column("Jours d'ouverture", lambda a: a.days_open),
    Column("Journées réalisées", lambda a: a.days_delivered),
    Column("Taux d'occupation (%)", occupancy),
    Column("Heures réalisées", lambda a: a.hours_delivered),
    Column("Personnes accompagnées", lambda a: a.persons),
    Column("Liste d'attente", lambda a: a.waiting_list),
]


def year_activity(service: str, year: int) -> rules.YearActivity:
    months = ActivityMonth.objects.filter(service=service, month__year=year).order_by("month")
    return rules.year_activity(
        rules.Month(m.places, m.days_open, m.days_delivered, m.hours_delivered, m.persons, m.waiting_list)
        for m in months
    )


def activity_by_service(year: int) -> dict[str, rules.YearActivity]:
    """Every service's year, from one query."""
    grouped: dict[str, list] = {}
    for m in ActivityMonth.objects.filter(month__year=year).order_by("service", "month"):
        grouped.setdefault(m.service, []).append(
            rules.Month(m.places, m.days_open, m.days_delivered, m.hours_delivered, m.persons, m.waiting_list)
        )
    return {service: rules.year_activity(months) for service, months in grouped.items()}


def computed_actual(objective: CpomObjective, activity: dict[str, rules.YearActivity]) -> Decimal | None:
    year = activity.get(objective.service)
    if year is None or not year.months:
        return None
    match objective.source:
        case IndicatorSource.OCCUPANCY:
            return year.occupancy
        case IndicatorSource.HOURS:
            return year.hours_delivered
        case IndicatorSource.DAYS:
            return Decimal(year.days_delivered)
        case IndicatorSource.WAITING:
            return Decimal(year.waiting_list_end)
        case IndicatorSource.PERSONS:
            return year.average_persons
    return None


@dataclass
class ObjectiveRow:
    objective: CpomObjective
    variance: rules.Variance | None  # None: no target this year
    year_target: Decimal | None = None  # the whole year's, when the variance compares with a prorated one


@dataclass
class MeansRow:
    accounts: str
    label: str
    variance: rules.Variance
    is_income: bool
    budget: Decimal  # the whole year's; the variance compares with the budget to date in the current year


def account_totals(start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Net amount per account of classes 6 and 7 over the dates: charges debit − credit, income credit − debit."""
    lines = EntryLine.objects.filter(is_posted=True, date__gte=start, date__lte=end).filter(
        Q(account__code__startswith="6") | Q(account__code__startswith="7")
    )
    totals = {}
    for code, debit, credit in lines.values_list("account__code").annotate(d=Sum("debit"), c=Sum("credit")):
        totals[code] = (debit - credit) if code.startswith("6") else (credit - debit)
    return totals


CUMULATIVE = (IndicatorSource.HOURS, IndicatorSource.DAYS)


def follow_up(cpom: Cpom, year: int, today: dt.date) -> dict:
    """The year's objectives against their targets and means against the books. In a year not over, cumulative
    indicators (hours, days) compare with the target prorated to the months entered, and the means with the budget
    prorated to the days elapsed (`rules.prorated`)."""
    activity = activity_by_service(year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    until = min(end, today)
    rows = []
    for objective in cpom.objectives.prefetch_related("targets"):
        target = next((t for t in objective.targets.all() if t.year == year), None)
        if target is None:
            rows.append(ObjectiveRow(objective, None))
            continue
        actual = target.actual if objective.source == IndicatorSource.TYPED else computed_actual(objective, activity)
        goal, whole = target.target, None
        months = activity[objective.service].months if objective.service in activity else 0
        if objective.source in CUMULATIVE and 0 < months < 12:
            goal, whole = rules.prorated(target.target, months, 12), target.target
        rows.append(ObjectiveRow(objective, rules.variance(goal, actual, higher_is_better=objective.higher_is_better),
                                 whole))  # fmt: skip
    totals = account_totals(start, until)
    elapsed, days = (until - start).days + 1, (end - start).days + 1
    means = []
    for row in cpom.means.filter(year=year):
        actual = sum((amount for code, amount in totals.items() if code.startswith(row.accounts)), ZERO)
        is_income = row.accounts.startswith("7")
        goal = rules.prorated(row.amount, max(elapsed, 0), days)
        means.append(MeansRow(row.accounts, row.label, rules.variance(goal, actual, higher_is_better=is_income),
                              is_income, row.amount))  # fmt: skip
    means.sort(key=lambda m: (not m.is_income, m.accounts))
    return {"objectives": rows, "means": means, "activity": activity, "until": until, "partial": until < end}
