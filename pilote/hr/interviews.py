"""The professional interview cadence, pure (FRENCH-RULES §7).

- Loi 2025-989 (in force 26 October 2025), « entretien de parcours professionnel »: the first within a year
  of hiring, then every 4 years; a review (état des lieux récapitulatif) every 8 years.
- Former L6315-1 (the 2014 rule, kept where an agreement still applies it): every 2 years from hiring; a
  review every 6 years.
The rule is the setting PILOTE_HR_INTERVIEW_RULE (« 2025 » by default, « 2014 » for the former one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pilote.lib.dates import add_months

PROFESSIONAL = "professionnel"
REVIEW = "etat_des_lieux"


@dataclass(frozen=True)
class Rule:
    label: str
    first_months: int  # the first interview after hiring
    every_months: int  # then one every…
    review_months: int  # the review, counted from hiring or the previous review


RULES = {
    "2025": Rule("loi 2025-989 : dans l'année de l'embauche, puis tous les 4 ans ; état des lieux tous les 8 ans",
                 12, 48, 96),
    "2014": Rule("ancien article L6315-1 : tous les 2 ans ; état des lieux tous les 6 ans", 24, 24, 72),
}  # fmt: skip


@dataclass(frozen=True)
class Due:
    kind: str
    due: dt.date

    def late(self, today: dt.date) -> bool:
        return self.due < today


def next_due(entry: dt.date, held: Iterable[tuple[str, dt.date]], rule: Rule) -> list[Due]:
    """The next professional interview and the next review. A review is also a professional interview (it is held
    in one), so it restarts the interview interval."""
    held = list(held)
    last_any = max((day for _, day in held), default=None)
    last_review = max((day for kind, day in held if kind == REVIEW), default=None)
    return next_due_after(entry, last_any, last_review, rule)


def next_due_after(entry: dt.date, last_any: dt.date | None, last_review: dt.date | None, rule: Rule) -> list[Due]:
    """`next_due` from the last interview of any kind and the last review (None: none held)."""
    interview = add_months(last_any, rule.every_months) if last_any else add_months(entry, rule.first_months)
    review = add_months(last_review or entry, rule.review_months)
    return [Due(PROFESSIONAL, min(interview, review)), Due(REVIEW, review)]
