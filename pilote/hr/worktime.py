"""Working time, pure (issue 12 point 4; FRENCH-RULES §9): the hours of shifts, weeks and their overtime, and the
maximum durations and rest times of the Code du travail checked over a schedule.

- Overtime counts per week (Monday to Sunday, L3121-29 by default) beyond 35 hours (L3121-27): +25 % from the 36th
  to the 43rd hour, +50 % from the 44th (L3121-36), `payroll.overtime`. A week belongs to the month it ends in.
- With a weekly count, paid-leave days count towards the overtime threshold (Cass. soc. 10 septembre 2025,
  FRENCH-RULES §7): a day of paid leave in the week counts as a working day of its contractual length.
- The yearly overtime quota (contingent annuel) is 220 hours unless a collective agreement sets another (D3121-24;
  setting PILOTE_HR_OVERTIME_QUOTA); beyond it each hour also gives a compulsory rest compensation (contrepartie
  obligatoire en repos: 50 % up to 20 employees, 100 % above, L3121-30 and L3121-38).
- Maximum durations: 10 hours of work a day (L3121-18), 48 hours in a week (L3121-20), 44 hours a week on average
  over any 12 consecutive weeks (L3121-22); rest: 11 consecutive hours between two days of work (L3131-1), and a
  weekly rest of 24 hours plus those 11, i.e. 35 consecutive hours (L3132-2).
- Part time (contract under 35 hours a week): the hours beyond the contract's weekly hours are « heures
  complémentaires », counted per week like overtime: +10 % up to one tenth of the contract's hours (L3123-8,
  L3123-29), +25 % beyond (L3123-21, a collective agreement may set another rate, never under 10 %); at most a
  tenth of the contract's hours (L3123-28), raised to a third by a collective agreement (L3123-20; setting
  PILOTE_HR_COMPLEMENTARY_LIMIT, « 1/3 » by default, « 1/10 » without an agreement); never bringing the week to
  35 hours (L3123-9: the contract could be requalified full time). Hours beyond 35 are overtime.
A shift whose end is not after its start ends the next day (night work in services that run every day); its hours
count on the day it starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pilote.hr.payroll import overtime, round2

MAX_DAILY = Decimal(10)  # L3121-18
MAX_WEEKLY = Decimal(48)  # L3121-20
MAX_AVERAGE = Decimal(44)  # L3121-22, over 12 consecutive weeks
AVERAGE_WEEKS = 12
DAILY_REST = dt.timedelta(hours=11)  # L3131-1
WEEKLY_REST = dt.timedelta(hours=35)  # L3132-2: 24 hours + the 11 of the daily rest
DEFAULT_QUOTA = Decimal(220)  # D3121-24
HOUR = Decimal(3600)


@dataclass(frozen=True)
class Shift:
    day: dt.date
    start: dt.time
    end: dt.time
    break_minutes: int = 0

    @property
    def begins(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.start)

    @property
    def ends(self) -> dt.datetime:
        end = dt.datetime.combine(self.day, self.end)
        return end if end > self.begins else end + dt.timedelta(days=1)

    @property
    def hours(self) -> Decimal:
        seconds = Decimal((self.ends - self.begins).total_seconds()) - Decimal(self.break_minutes * 60)
        return round2(max(seconds, Decimal(0)) / HOUR)


def check_shift(start: dt.time, end: dt.time, break_minutes: int) -> list[str]:
    """A shift's own problems, in French."""
    shift = Shift(dt.date(2000, 1, 3), start, end, break_minutes)
    length = (shift.ends - shift.begins).total_seconds() / 60
    if break_minutes < 0 or break_minutes >= length:
        return ["La pause doit être plus courte que la plage de travail."]
    if length > 24 * 60:
        return ["Une plage de travail dure moins de 24 heures."]
    return []


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(start: dt.date) -> str:
    year, week, _ = start.isocalendar()
    return f"semaine {week} de {year}"


FULL_TIME = Decimal(35)  # L3121-27
COMPLEMENTARY_FIRST_SHARE = Decimal("0.1")  # +10 % up to a tenth of the contract's hours (L3123-8)
LIMIT_TENTH = Fraction(1, 10)  # L3123-28
LIMIT_THIRD = Fraction(1, 3)  # L3123-20, by collective agreement
DEFAULT_COMPLEMENTARY_LIMIT = LIMIT_THIRD


def complementary(hours: Decimal, contract_hours: Decimal) -> tuple[Decimal, Decimal]:
    """A part-timer's week: the complementary hours at +10 % (up to a tenth of the contract) and at +25 % (beyond),
    between the contract's hours and 35 hours (what lies beyond 35 is overtime). Nothing for a full-timer."""
    contract = Decimal(contract_hours)
    if contract >= FULL_TIME:
        return Decimal(0), Decimal(0)
    extra = max(min(Decimal(hours), FULL_TIME) - contract, Decimal(0))
    at_10 = min(extra, round2(contract * COMPLEMENTARY_FIRST_SHARE))
    return at_10, extra - at_10


def complementary_limit(contract_hours: Decimal, share: Fraction = DEFAULT_COMPLEMENTARY_LIMIT) -> Decimal:
    """The most complementary hours a week: a tenth of the contract's hours, a third by agreement (24 h → 8 h)."""
    return round2(Decimal(contract_hours) * share.numerator / share.denominator)


@dataclass(frozen=True)
class Week:
    start: dt.date  # Monday
    worked: Decimal
    leave_hours: Decimal  # paid leave counted towards the threshold
    overtime_25: Decimal
    overtime_50: Decimal
    complementary_10: Decimal = Decimal(0)  # part time: heures complémentaires at +10 %
    complementary_25: Decimal = Decimal(0)  # and at +25 %

    @property
    def complementary(self) -> Decimal:
        return self.complementary_10 + self.complementary_25


def weeks(
    shifts: list[Shift], leave_days: dict[dt.date, Decimal] | None = None, contract_hours: Decimal | None = None
) -> dict[dt.date, Week]:
    """Each week's hours worked, paid-leave hours counted towards the threshold, overtime by rate and, for a
    part-timer (`contract_hours` under 35), complementary hours by rate. `leave_days` gives, per day of paid
    leave, the hours it counts for (the contractual day)."""
    worked: dict[dt.date, Decimal] = {}
    for shift in shifts:
        key = monday(shift.day)
        worked[key] = worked.get(key, Decimal(0)) + shift.hours
    leave: dict[dt.date, Decimal] = {}
    for day, hours in (leave_days or {}).items():
        leave[monday(day)] = leave.get(monday(day), Decimal(0)) + hours
    result = {}
    for key in sorted(set(worked) | set(leave)):
        hours, counted = worked.get(key, Decimal(0)), leave.get(key, Decimal(0))
        at_25, at_50 = overtime(hours + counted) if hours else (Decimal(0), Decimal(0))
        # overtime is never more than the hours actually worked beyond the contract (leave does not create hours)
        at_50 = min(at_50, hours)
        at_25 = min(at_25, hours - at_50)
        at_10 = plus_25 = Decimal(0)
        if contract_hours is not None and hours:
            at_10, plus_25 = complementary(hours + counted, contract_hours)
            plus_25 = min(plus_25, hours)
            at_10 = min(at_10, hours - plus_25)
        result[key] = Week(key, hours, counted, at_25, at_50, at_10, plus_25)
    return result


@dataclass(frozen=True)
class Alert:
    day: dt.date
    kind: str
    message: str


def alerts(
    shifts: list[Shift],
    *,
    since: dt.date | None = None,
    contract_hours: Decimal | None = None,
    limit: Fraction = DEFAULT_COMPLEMENTARY_LIMIT,
) -> list[Alert]:
    """The breaches of maximum durations and rest times in a person's shifts (those from `since` on; earlier
    shifts serve the 12-week average and the rest before the first one), and for a part-timer the complementary
    hours beyond their limit or a week reaching 35 hours."""
    ordered = sorted(shifts, key=lambda s: s.begins)
    found: list[Alert] = []
    by_day: dict[dt.date, Decimal] = {}
    for shift in ordered:
        by_day[shift.day] = by_day.get(shift.day, Decimal(0)) + shift.hours
    for day, hours in sorted(by_day.items()):
        if hours > MAX_DAILY:
            found.append(Alert(day, "daily", f"{_h(hours)} de travail le {day:%d/%m/%Y} : 10 h au plus par jour "
                                             "(Code du travail, L3121-18)."))  # fmt: skip
    for previous, following in zip(ordered, ordered[1:], strict=False):
        rest = following.begins - previous.ends
        if dt.timedelta(0) <= rest < DAILY_REST and following.day != previous.day:
            found.append(Alert(following.day, "rest", f"{_h(_hours(rest))} de repos seulement avant le "
                                                     f"{following.day:%d/%m/%Y} : 11 heures consécutives au moins "
                                                     "(L3131-1)."))  # fmt: skip
        if rest < dt.timedelta(0):
            found.append(Alert(following.day, "overlap", f"Deux plages se chevauchent le {following.day:%d/%m/%Y}."))
    totals = weeks(ordered)
    for start, week in totals.items():
        if week.worked > MAX_WEEKLY:
            found.append(Alert(start, "weekly", f"{_h(week.worked)} de travail la {week_label(start)} : 48 h au plus "
                                                "sur une semaine (L3121-20)."))  # fmt: skip
        window = [start - dt.timedelta(weeks=n) for n in range(AVERAGE_WEEKS)]
        average = sum((totals[w].worked for w in window if w in totals), Decimal(0)) / AVERAGE_WEEKS
        if average > MAX_AVERAGE:
            found.append(Alert(start, "average", f"{_h(round2(average))} en moyenne sur les 12 semaines finissant la "
                                                 f"{week_label(start)} : 44 h au plus (L3121-22)."))  # fmt: skip
        found.extend(_weekly_rest(ordered, start))
        if contract_hours is not None and Decimal(contract_hours) < FULL_TIME:
            found.extend(part_time_alerts(start, week.worked, contract_hours, limit))
    return sorted((a for a in found if since is None or a.day >= since), key=lambda a: (a.day, a.kind))


def _weekly_rest(ordered: list[Shift], start: dt.date) -> list[Alert]:
    """A week (Monday 0:00 to the next Monday 0:00) without a rest of 35 consecutive hours (L3132-2). A rest running
    over two weeks (Saturday evening to Monday morning) counts for the week holding its middle; before the first and
    after the last shift known, a rest of just 35 hours is assumed."""
    begin = dt.datetime.combine(start, dt.time())
    end = begin + dt.timedelta(days=7)
    if not any(s.ends > begin and s.begins < end for s in ordered):
        return []
    edges = [ordered[0].begins - WEEKLY_REST, *(t for s in ordered for t in (s.begins, s.ends)),
             ordered[-1].ends + WEEKLY_REST]  # fmt: skip
    for i in range(0, len(edges), 2):
        free_from, free_to = edges[i], edges[i + 1]
        if free_to - free_from >= WEEKLY_REST and begin <= free_from + (free_to - free_from) / 2 < end:
            return []
    return [Alert(start, "weekly_rest", f"Pas de repos de 35 heures consécutives la {week_label(start)} (L3132-2).")]


def _hours(delta: dt.timedelta) -> Decimal:
    return round2(Decimal(delta.total_seconds()) / HOUR)


def _h(hours: Decimal) -> str:
    """12,5 h → « 12 h 30 »."""
    minutes = int(round(Decimal(hours) * 60))
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


def quota_status(overtime_hours: Decimal, quota: Decimal = DEFAULT_QUOTA) -> tuple[Decimal, Decimal]:
    """The hours left within the yearly quota and those beyond it."""
    return max(quota - overtime_hours, Decimal(0)), max(overtime_hours - quota, Decimal(0))


def part_time_alerts(start: dt.date, worked: Decimal, contract_hours: Decimal,
                     limit: Fraction = DEFAULT_COMPLEMENTARY_LIMIT) -> list[Alert]:  # fmt: skip
    """A part-timer's week beyond the complementary-hours limit (L3123-28 / L3123-20) or reaching 35 hours
    (L3123-9)."""
    found = []
    contract, most = Decimal(contract_hours), complementary_limit(contract_hours, limit)
    extra = Decimal(worked) - contract
    share = "un tiers" if limit == LIMIT_THIRD else "un dixième" if limit == LIMIT_TENTH else "la limite"
    article = "L3123-20" if limit == LIMIT_THIRD else "L3123-28"
    if extra > most:
        message = (f"{_h(extra)} complémentaires la {week_label(start)} : {_h(most)} au plus ({share} des "
                   f"{_h(contract)} du contrat, {article}).")  # fmt: skip
        found.append(Alert(start, "complementary", message))
    if Decimal(worked) >= FULL_TIME:
        found.append(Alert(start, "full_time", f"{_h(Decimal(worked))} la {week_label(start)} : les heures "
                                               "complémentaires ne peuvent pas porter un temps partiel à 35 heures "
                                               "(L3123-9)."))  # fmt: skip
    return found


def check_part_time_week(start: dt.date, worked: Decimal, contract_hours: Decimal,
                         limit: Fraction = DEFAULT_COMPLEMENTARY_LIMIT) -> str | None:  # fmt: skip
    """Why a part-timer's week may not hold `worked` hours (the planning refuses it), or None."""
    return " ".join(a.message for a in part_time_alerts(start, worked, contract_hours, limit)) or None
