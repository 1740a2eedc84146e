"""Employment contracts, pure: the legal limits a contract or an amendment is checked against, and the default
end of the trial period.

- CDD (L1242-2, L1242-12): a reason from the legal list and an end date; renewed twice at most (L1243-13), 18
  months in all, renewals included (L1242-8-1, general case).
- Part time (L3123-27): 24 hours a week at least, unless the employee asks for less (L3123-30) — a warning here.
- Trial period (L1221-19): 2 months for ouvriers and employés, 3 for technicians and supervisors, 4 for
  executives; for a CDD (L1242-10), one day a week up to two weeks for a contract of six months or less, one
  month beyond.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pilote.lib.dates import add_months

CDD_MAX_RENEWALS = 2
CDD_MAX_MONTHS = 18
PART_TIME_MINIMUM_HOURS = 24
TRIAL_MONTHS = {"ouvrier_employe": 2, "technicien_am": 3, "cadre": 4}
NOTICE_DAYS = 30  # how far ahead the to-do list announces a trial period's or a CDD's end

CDD_REASONS = (
    ("remplacement", "Remplacement d'un salarié absent"),
    ("accroissement", "Accroissement temporaire d'activité"),
    ("saisonnier", "Emploi saisonnier"),
    ("usage", "Emploi d'usage (CDD d'usage)"),
    ("objet_defini", "CDD à objet défini (ingénieurs et cadres)"),
    ("attente_suppression", "Attente de la suppression définitive du poste"),
)


@dataclass(frozen=True)
class Terms:
    kind: str
    start: dt.date
    end: dt.date | None
    reason: str
    weekly_hours: float
    part_time: bool
    renewals: int


def problems(terms: Terms, first_start: dt.date | None = None) -> list[str]:
    """What makes the contract unlawful (refused) — French sentences. `first_start`: the start of the first
    version (a renewal's 18 months count from it)."""
    errors = []
    if terms.kind == "cdd":
        if not terms.reason:
            errors.append("Un CDD indique son motif de recours (article L1242-12).")
        if terms.end is None:
            errors.append("Un CDD indique sa date de fin.")
        if terms.renewals > CDD_MAX_RENEWALS:
            errors.append("Un CDD se renouvelle deux fois au plus (article L1243-13).")
        origin = first_start or terms.start
        if terms.end and terms.end >= add_months(origin, CDD_MAX_MONTHS):
            errors.append("Un CDD dure 18 mois au plus, renouvellements compris (article L1242-8-1).")
    if terms.end and terms.end < terms.start:
        errors.append("La fin du contrat ne peut pas précéder son début.")
    if terms.kind == "cdi" and terms.end:
        errors.append("Un CDI n'a pas de date de fin.")
    return errors


def warnings(terms: Terms) -> list[str]:
    if terms.part_time and terms.weekly_hours < PART_TIME_MINIMUM_HOURS:
        return ["Moins de 24 heures par semaine : à la demande écrite et motivée du salarié seulement (L3123-30)."]
    return []


def default_trial_end(kind: str, category: str, start: dt.date, end: dt.date | None) -> dt.date | None:
    """The last day of the legal maximum trial period (no renewal)."""
    if kind == "cdi":
        return add_months(start, TRIAL_MONTHS.get(category, 2)) - dt.timedelta(days=1)
    if kind == "cdd" and end:
        weeks = ((end - start).days + 1) // 7
        if end < add_months(start, 6):
            return start + dt.timedelta(days=min(max(weeks, 1), 14) - 1)
        return add_months(start, 1) - dt.timedelta(days=1)
    return None
