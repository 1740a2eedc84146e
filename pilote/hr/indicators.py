"""Social indicators (issue 12 point 10), pure: headcount over twelve months (people present at the month's end,
full-time equivalent the legal way — `cse.month_headcount`), entries, exits and turnover, absenteeism by reason,
age and seniority pyramids by sex, part-time share, average pay by category and sex, and the legal thresholds
crossed with what each brings (FRENCH-RULES §7: 11, 20, 50; counted over 5 consecutive years since the loi PACTE,
12 months for the CSE — CSS L130-1, C. trav. L2311-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pilote.hr import cse

# Absences that are not absenteeism: paid leave and RTT are rest the employee is owed.
NOT_ABSENTEEISM = ("conges_payes", "rtt")
AGE_BANDS = [(0, 25, "moins de 25 ans"), (25, 35, "25 à 34 ans"), (35, 45, "35 à 44 ans"), (45, 55, "45 à 54 ans"),
             (55, 200, "55 ans et plus")]  # fmt: skip
SENIORITY_BANDS = [(0, 1, "moins d'un an"), (1, 3, "1 à 3 ans"), (3, 5, "3 à 5 ans"), (5, 10, "5 à 10 ans"),
                   (10, 100, "10 ans et plus")]  # fmt: skip
THRESHOLDS = [
    (11, "Élire un comité social et économique (11 salariés pendant 12 mois consécutifs, L2311-2) ; mettre à jour "
         "le document unique (DUERP) chaque année (R4121-2)."),
    (20, "Obligation d'emploi de travailleurs handicapés : 6 % de l'effectif (L5212-2), après 5 années civiles "
         "consécutives au-dessus du seuil (loi PACTE)."),
    (50, "Règlement intérieur (L1311-2) ; CSE aux attributions étendues et budgets ; base de données économiques, "
         "sociales et environnementales (BDESE) ; participation aux résultats (L3322-2) ; programme annuel de "
         "prévention (PAPRIPACT) ; abondement de 3 000 € du CPF si les entretiens professionnels manquent."),
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    pk: int
    sex: str
    born: dt.date
    entry: dt.date
    exit: dt.date | None
    weekly_hours: Decimal
    part_time: bool
    contract: str
    category: str = ""
    monthly_gross: Decimal | None = None

    def present(self, day: dt.date) -> bool:
        return self.entry <= day and (self.exit is None or self.exit >= day)

    @property
    def worker(self) -> cse.Worker:
        hours = self.weekly_hours if self.part_time else cse.LEGAL_WEEKLY_HOURS
        return cse.Worker(self.entry, self.exit, hours, self.contract)


def _years(start: dt.date, day: dt.date) -> int:
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def _pct(part, whole) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(str(float(Fraction(part) / Fraction(whole)))) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    physical: int
    fte: Decimal
    entries: int
    exits: int


def months(people: Sequence[Person], day: dt.date) -> list[Month]:
    """The 12 whole months before `day`'s month: people present at the month's end (trainees and interns left out),
    full-time equivalent the legal way, entries and exits."""
    staff = [p for p in people if p.contract != "stage"]
    found = []
    for year, month in cse.months_before(day):
        first, last = cse._month_bounds(year, month)
        fte = cse.month_headcount([p.worker for p in staff], year, month)
        found.append(Month(year, month, sum(1 for p in staff if p.present(last)),
                           Decimal(str(float(fte))).quantize(Decimal("0.01"), ROUND_HALF_UP),
                           sum(1 for p in staff if first <= p.entry <= last),
                           sum(1 for p in staff if p.exit and first <= p.exit <= last)))  # fmt: skip
    return found


def turnover(rows: Sequence[Month]) -> Decimal:
    """((entries + exits) / 2) / average headcount, in %."""
    average = Fraction(sum(r.physical for r in rows), len(rows)) if rows else 0
    return _pct(Fraction(sum(r.entries + r.exits for r in rows), 2), average)


def absenteeism(people: Sequence[Person], absences: Iterable[tuple[int, str, dt.date, dt.date]], start: dt.date,
                end: dt.date) -> tuple[dict[str, int], Decimal, int]:  # fmt: skip
    """Calendar days of absence by kind over [start, end] (paid leave and RTT left out), the rate over the days
    people were present, and those days."""
    presence = {}
    for p in people:
        if p.contract == "stage":
            continue
        a, b = max(p.entry, start), min(p.exit or end, end)
        if b >= a:
            presence[p.pk] = (a, b)
    days: dict[str, int] = {}
    for pk, kind, a, b in absences:
        if kind in NOT_ABSENTEEISM or pk not in presence:
            continue
        lo, hi = max(a, presence[pk][0]), min(b, presence[pk][1])
        if hi >= lo:
            days[kind] = days.get(kind, 0) + (hi - lo).days + 1
    total = sum((b - a).days + 1 for a, b in presence.values())
    return days, _pct(sum(days.values()), total), total


def pyramid(people: Sequence[Person], day: dt.date, *, seniority: bool = False) -> list[tuple[str, int, int]]:
    """(band, women, men) for the people present on `day`, by age or by seniority."""
    present = [p for p in people if p.present(day) and p.contract != "stage"]
    bands = SENIORITY_BANDS if seniority else AGE_BANDS
    rows = []
    for low, high, label in bands:
        inside = [p for p in present if low <= _years(p.entry if seniority else p.born, day) < high]
        rows.append((label, sum(1 for p in inside if p.sex == "F"), sum(1 for p in inside if p.sex == "M")))
    return rows


def part_time_share(people: Sequence[Person], day: dt.date) -> Decimal:
    present = [p for p in people if p.present(day) and p.contract != "stage"]
    return _pct(sum(1 for p in present if p.part_time), len(present))


def average_pay(people: Sequence[Person], day: dt.date) -> list[tuple[str, Decimal | None, Decimal | None, int]]:
    """Average monthly gross in full-time equivalent, per CSE category: (category, women, men, people)."""
    present = [p for p in people if p.present(day) and p.contract != "stage" and p.monthly_gross]
    rows = []
    for category in (cse.WORKERS, cse.SUPERVISORS, cse.EXECUTIVES):
        group = [p for p in present if p.category == category]

        def mean(sex, group=group):
            pay = [p.monthly_gross * 35 / Decimal(p.weekly_hours) for p in group if p.sex == sex]
            return (sum(pay, Decimal(0)) / len(pay)).quantize(Decimal("0.01"), ROUND_HALF_UP) if pay else None

        rows.append((category, mean("F"), mean("M"), len(group)))
    return rows


def thresholds(average: Fraction) -> list[tuple[int, str, bool]]:
    return [(limit, what, average >= limit) for limit, what in THRESHOLDS]
