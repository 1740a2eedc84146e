"""French public holidays (jours fériés, Code du travail L3133-1), pure.

The `holidays` package (the maintained library the issue names) is not among the project's dependencies; until
it is, the eleven days of L3133-1 are computed here — fixed dates plus Easter Monday, Ascension and Whit Monday
from the Gregorian Easter (Meeus/Jones/Butcher) — and, for establishments in Alsace-Moselle (Bas-Rhin, Haut-Rhin,
Moselle: L3134-13), Good Friday and St Stephen's Day. Whit Monday is listed: it is a public holiday even where
the journée de solidarité is worked on it."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

ALSACE_MOSELLE_DEPARTMENTS = ("57", "67", "68")


def easter_sunday(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=256)
def french_holidays(year: int, alsace_moselle: bool = False) -> dict[dt.date, str]:
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1): "Jour de l'an",
        easter + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du Travail",
        dt.date(year, 5, 8): "Victoire 1945",
        easter + dt.timedelta(days=39): "Ascension",
        easter + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }
    if alsace_moselle:
        days[easter - dt.timedelta(days=2)] = "Vendredi saint"
        days[dt.date(year, 12, 26)] = "Saint-Étienne"
    return dict(sorted(days.items()))


def is_holiday(day: dt.date, alsace_moselle: bool = False) -> bool:
    return day in french_holidays(day.year, alsace_moselle)


def holidays_between(start: dt.date, end: dt.date, alsace_moselle: bool = False) -> dict[dt.date, str]:
    found = {}
    for year in range(start.year, end.year + 1):
        found |= {day: name for day, name in french_holidays(year, alsace_moselle).items() if start <= day <= end}
    return found


def is_alsace_moselle(postal_code: str) -> bool:
    return (postal_code or "")[:2] in ALSACE_MOSELLE_DEPARTMENTS
