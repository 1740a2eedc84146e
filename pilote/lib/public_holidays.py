"""French public holidays (jours fériés, Code du travail L3133-1), from the maintained `holidays` package.

The eleven days of L3133-1 (Whit Monday is listed: it is a public holiday even where the journée de solidarité is
worked on it) and, for establishments in Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle: L3134-13), Good Friday and
St Stephen's Day — the package's French subdivisions « 57 » (Moselle) and « 6AE » (Collectivité européenne
d'Alsace: Bas-Rhin and Haut-Rhin) —; overseas departments get their own days (abolition of slavery…) through
their subdivisions. Names in French. Pure: no database."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

ALSACE_MOSELLE_DEPARTMENTS = ("57", "67", "68")
# Postal code prefix → the package's subdivision of France.
SUBDIVISIONS = {"57": "57", "67": "6AE", "68": "6AE", "971": "971", "972": "972", "973": "973", "974": "974",
                "976": "976"}  # fmt: skip


def subdivision(postal_code: str) -> str | None:
    """The `holidays` subdivision of an establishment's postal code, None for mainland France elsewhere."""
    code = (postal_code or "").strip()
    return SUBDIVISIONS.get(code[:3] if code.startswith("97") else code[:2])


@lru_cache(maxsize=512)
def _days(year: int, subdiv: str | None) -> dict[dt.date, str]:
    calendar = holidays.country_holidays("FR", subdiv=subdiv, years=year, language="fr")
    return dict(sorted(calendar.items()))


def french_holidays(year: int, alsace_moselle: bool = False, subdiv: str | None = None) -> dict[dt.date, str]:
    """The year's public holidays: mainland France, Alsace-Moselle's two more days, or a given subdivision."""
    return dict(_days(year, subdiv or ("57" if alsace_moselle else None)))


def is_holiday(day: dt.date, alsace_moselle: bool = False, subdiv: str | None = None) -> bool:
    return day in _days(day.year, subdiv or ("57" if alsace_moselle else None))


def holidays_between(
    start: dt.date, end: dt.date, alsace_moselle: bool = False, subdiv: str | None = None
) -> dict[dt.date, str]:
    found = {}
    for year in range(start.year, end.year + 1):
        days = french_holidays(year, alsace_moselle, subdiv)
        found |= {day: name for day, name in days.items() if start <= day <= end}
    return found


def is_alsace_moselle(postal_code: str) -> bool:
    return (postal_code or "").strip()[:2] in ALSACE_MOSELLE_DEPARTMENTS
