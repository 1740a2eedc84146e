"""Pure survey arithmetic: the Net Promoter Score and the distribution of answers (no database)."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal


def nps(scores: list[int]) -> Decimal | None:
    """Promoters (9–10) minus detractors (0–6), in % of the answers, to the unit; None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return (Decimal(100) * (promoters - detractors) / len(scores)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def nps_split(scores: list[int]) -> dict[str, int]:
    return {
        "promoters": sum(1 for s in scores if s >= 9),
        "passives": sum(1 for s in scores if 7 <= s <= 8),
        "detractors": sum(1 for s in scores if s <= 6),
    }


def average(scores: list[int]) -> Decimal | None:
    if not scores:
        return None
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def bars(labels: list[str], counts: Counter, total: int) -> list[dict]:
    """One bar per label: its count and its width in % of the answers (for the SVG bars)."""
    return [
        {
            "label": label,
            "count": counts.get(label, 0),
            "width": round(100 * counts.get(label, 0) / total) if total else 0,
        }
        for label in labels
    ]
