"""Payment terms and late-payment rates (C. com. L441-10): pure functions, no database.

- Due date from the agreed term; « 45 jours fin de mois » is counted end of month + 45 days, the reading
  the parliamentary debates favour (FRENCH-RULES §2).
- Agreed terms may not exceed 60 days from the invoice date or 45 days end of month: a due date beyond
  both limits is refused.
- Without a stipulated rate, late penalties run at the ECB main refinancing rate + 10 points, the rate
  in force on 1 January applying to the first half-year and on 1 July to the second; an agreed rate may
  not be below 3 × the legal interest rate.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pilote.core.exceptions import DomainError

RECOVERY_INDEMNITY = Decimal("40.00")  # D. 441-5 C. com.


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date_for(issue_date: dt.date, term: str) -> dt.date:
    if term == "reception":
        return issue_date
    if term == "45fdm":
        return end_of_month(issue_date) + dt.timedelta(days=45)
    return issue_date + dt.timedelta(days=int(term))


def latest_legal_due_date(issue_date: dt.date) -> dt.date:
    return max(issue_date + dt.timedelta(days=60), end_of_month(issue_date) + dt.timedelta(days=45))


def check_due_date(issue_date: dt.date, due_date: dt.date) -> None:
    if due_date < issue_date:
        raise DomainError("L'échéance ne peut pas précéder la date de la facture.")
    limit = latest_legal_due_date(issue_date)
    if due_date > limit:
        raise DomainError(
            f"Échéance refusée : le délai de paiement ne peut dépasser 60 jours à compter de la facture ou "
            f"45 jours fin de mois (art. L441-10 du code de commerce), soit le {limit:%d/%m/%Y} au plus tard."
        )


@dataclass(frozen=True)
class HalfYearRate:
    """Reference rates for a half-year starting on 1 January or 1 July."""

    start: dt.date
    ecb_rate: Decimal  # ECB main refinancing operations rate in force on the first day
    legal_rate: Decimal  # taux de l'intérêt légal, creditors who are professionals

    @property
    def penalty_rate(self) -> Decimal:
        return self.ecb_rate + Decimal(10)

    @property
    def minimum_agreed_rate(self) -> Decimal:
        return self.legal_rate * 3


# Published rates (Banque de France / arrêtés of the legal interest rate). ⚠ add each new half-year.
RATE_TABLE: tuple[HalfYearRate, ...] = (
    # ECB main refinancing rate 0 % from March 2016 to July 2022, 2,50 % on 1 January 2023, 4 % on 1 July 2023.
    HalfYearRate(dt.date(2016, 7, 1), Decimal("0.00"), Decimal("0.93")),
    HalfYearRate(dt.date(2017, 1, 1), Decimal("0.00"), Decimal("0.90")),
    HalfYearRate(dt.date(2017, 7, 1), Decimal("0.00"), Decimal("0.90")),
    HalfYearRate(dt.date(2018, 1, 1), Decimal("0.00"), Decimal("0.89")),
    HalfYearRate(dt.date(2018, 7, 1), Decimal("0.00"), Decimal("0.88")),
    HalfYearRate(dt.date(2019, 1, 1), Decimal("0.00"), Decimal("0.86")),
    HalfYearRate(dt.date(2019, 7, 1), Decimal("0.00"), Decimal("0.87")),
    HalfYearRate(dt.date(2020, 1, 1), Decimal("0.00"), Decimal("0.87")),
    HalfYearRate(dt.date(2020, 7, 1), Decimal("0.00"), Decimal("0.84")),
    HalfYearRate(dt.date(2021, 1, 1), Decimal("0.00"), Decimal("0.79")),
    HalfYearRate(dt.date(2021, 7, 1), Decimal("0.00"), Decimal("0.76")),
    HalfYearRate(dt.date(2022, 1, 1), Decimal("0.00"), Decimal("0.76")),
    HalfYearRate(dt.date(2022, 7, 1), Decimal("0.00"), Decimal("0.77")),
    HalfYearRate(dt.date(2023, 1, 1), Decimal("2.50"), Decimal("2.06")),
    HalfYearRate(dt.date(2023, 7, 1), Decimal("4.00"), Decimal("4.22")),
    HalfYearRate(dt.date(2024, 1, 1), Decimal("4.50"), Decimal("5.07")),
    HalfYearRate(dt.date(2024, 7, 1), Decimal("4.25"), Decimal("4.92")),
    HalfYearRate(dt.date(2025, 1, 1), Decimal("3.15"), Decimal("3.71")),
    HalfYearRate(dt.date(2025, 7, 1), Decimal("2.15"), Decimal("2.76")),
    HalfYearRate(dt.date(2026, 1, 1), Decimal("2.15"), Decimal("2.62")),
    HalfYearRate(dt.date(2026, 7, 1), Decimal("2.15"), Decimal("2.62")),
)


def rate_for(day: dt.date, table: tuple[HalfYearRate, ...] = RATE_TABLE) -> HalfYearRate:
    """The rates of the half-year of `day`: the latest published one stays in force until replaced; before the
    table's first half-year (debts that old are time-barred after 5 years, C. com. L110-4) the earliest stands
    in, so no page fails on an old invoice."""
    if not table:
        raise DomainError("Aucun taux de référence n'est connu.")
    start = dt.date(day.year, 1 if day.month < 7 else 7, 1)
    known = [r for r in table if r.start <= start] or [min(table, key=lambda r: r.start)]
    return max(known, key=lambda r: r.start)
