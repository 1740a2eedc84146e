"""Skills and forward planning (GPEC, issue 12 point 8), pure: each person's gaps against the levels their job
requires, who holds each skill, the skills a job holds through one person only (« un seul titulaire »), and the
departures ahead — legal retirement age reached, fixed-term contracts ending.

Levels: 0 not acquired, 1 notions, 2 practises with help, 3 autonomous, 4 expert (can train others); a job's skill
is held by a person at its required level or above.

Retirement: the legal age by year of birth after the reform of loi 2023-270 (art. L161-17-2 CSS): 62 years for
people born before 1 September 1961, then three months more per generation up to 64 years for those born from
1968. ⚠ The LFSS 2026 suspended the rise until 1 January 2028 (generations from 1964 kept at 62 years 9 months for
now): the projection uses the 2023 schedule and says it is indicative; a person may leave later, or earlier (long
careers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pilote.lib.dates import add_months

LEVELS = [(0, "0 — non acquis"), (1, "1 — notions"), (2, "2 — pratique accompagnée"), (3, "3 — autonome"),
          (4, "4 — expert, peut former")]  # fmt: skip
HELD = 3  # the level at which a person can hold the skill alone, when the job asks for no more


def retirement_months(born: dt.date) -> int:
    """The legal retirement age in months (loi 2023-270 schedule)."""
    if born < dt.date(1961, 9, 1):
        return 62 * 12
    if born.year == 1961:
        return 62 * 12 + 3
    return min(62 * 12 + 3 * (born.year - 1961 + 1), 64 * 12)


def retirement_date(born: dt.date) -> dt.date:
    return add_months(born, retirement_months(born))


@dataclass(frozen=True)
class Gap:
    employee_id: int
    skill_id: int
    required: int
    actual: int

    @property
    def missing(self) -> int:
        return max(self.required - self.actual, 0)


def gaps(requirements: dict[tuple[str, int], int], people: Iterable[tuple[int, str]],
         levels: dict[tuple[int, int], int]) -> list[Gap]:  # fmt: skip
    """Each person's skills below what their job requires (`requirements`: (job, skill) → level)."""
    by_job: dict[str, list[tuple[int, int]]] = {}
    for (job, skill), level in requirements.items():
        by_job.setdefault(job, []).append((skill, level))
    found = []
    for person, job in people:
        for skill, required in by_job.get(job, []):
            actual = levels.get((person, skill), 0)
            if actual < required:
                found.append(Gap(person, skill, required, actual))
    return found


def holders(requirements: dict[tuple[str, int], int], people: Iterable[tuple[int, str]],
            levels: dict[tuple[int, int], int]) -> dict[tuple[str, int], list[int]]:  # fmt: skip
    """For each job's skill, the people of that job who hold it at the required level."""
    people = list(people)
    return {
        (job, skill): [p for p, j in people if j == job and levels.get((p, skill), 0) >= required]
        for (job, skill), required in requirements.items()
    }


def one_person_deep(held: dict[tuple[str, int], list[int]]) -> list[tuple[str, int, list[int]]]:
    """The jobs' skills held by one person or nobody: a departure or a long absence leaves them uncovered."""
    return sorted((job, skill, people) for (job, skill), people in held.items() if len(people) <= 1)
