"""The go/no-go grid's arithmetic: pure functions over Decimals, no database.

Score = Σ(weight × note) / Σ(weight × 5) × 100, over the criteria already scored, rounded to 0.1 %.
The grid recommends « go » only once every criterion is scored and the score reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_SCORE = 5

DEFAULT_CRITERIA = [
    ("Adéquation à notre savoir-faire", 3),
    ("Capacité à livrer dans les délais", 2),
    ("Rentabilité attendue", 3),
    ("Chances de gain / concurrence", 2),
    ("Relation avec l'acheteur", 1),
    ("Risques contractuels (pénalités, garanties)", 2),
]


@dataclass(frozen=True)
class GridResult:
    percent: Decimal | None  # None until a criterion is scored
    scored: int
    total: int
    recommendation: str  # "go", "no_go" or "incomplete"

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.scored == self.total


def weighted_score(criteria: Iterable[tuple[int, int | None]], threshold: int | Decimal = 60) -> GridResult:
    """`criteria` are (weight, score or None) pairs; weights must be > 0 and scores 0 to 5."""
    rows = list(criteria)
    points = Decimal(0)
    maximum = Decimal(0)
    scored = 0
    for weight, score in rows:
        if weight is None or weight <= 0:
            raise ValueError("Chaque critère a un poids d'au moins 1.")
        if score is None:
            continue
        if not 0 <= score <= MAX_SCORE:
            raise ValueError("Une note va de 0 à 5.")
        points += Decimal(weight) * Decimal(score)
        maximum += Decimal(weight) * MAX_SCORE
        scored += 1
    if not scored:
        return GridResult(None, 0, len(rows), "incomplete")
    percent = (points * 100 / maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    recommendation = "go" if percent >= Decimal(threshold) else "no_go"
    if scored < len(rows):
        recommendation = "incomplete"
    return GridResult(percent, scored, len(rows), recommendation)
