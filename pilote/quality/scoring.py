"""Risk scores and the heat map (pure: no database).

A risk is rated likelihood × impact on the structure's scale (1–4 or 1–5, QualitySettings.risk_scale); its
score is the product. The criticality level of a score is read from the scale's own thresholds so that a
4-point and a 5-point grid colour the same share of cells: on 1–4, 1–3 low, 4–6 medium, 8–9 high,
12–16 critical; on 1–5, 1–4 low, 5–9 medium, 10–14 high, 15–25 critical.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SCALES = (4, 5)
LEVELS = ("low", "medium", "high", "critical")
LEVEL_LABELS = {"low": "Faible", "medium": "Modéré", "high": "Élevé", "critical": "Critique"}
# Lowest score of each level above « low », per scale.
THRESHOLDS = {4: (4, 8, 12), 5: (5, 10, 15)}
LIKELIHOOD_LABELS = {
    4: ("Rare", "Possible", "Probable", "Quasi certain"),
    5: ("Très rare", "Rare", "Possible", "Probable", "Quasi certain"),
}
IMPACT_LABELS = {
    4: ("Mineur", "Significatif", "Grave", "Critique"),
    5: ("Négligeable", "Mineur", "Significatif", "Grave", "Critique"),
}


def level(score: int, scale: int) -> str:
    medium, high, critical = THRESHOLDS[scale]
    if score >= critical:
        return "critical"
    if score >= high:
        return "high"
    if score >= medium:
        return "medium"
    return "low"


def level_label(score: int, scale: int) -> str:
    return LEVEL_LABELS[level(score, scale)]


def score_range(name: str, scale: int) -> tuple[int, int]:
    """The scores (lowest, highest) of a level on a scale, for filters."""
    bounds = (1, *THRESHOLDS[scale], scale * scale + 1)
    index = LEVELS.index(name)
    return bounds[index], bounds[index + 1] - 1


@dataclass
class Cell:
    likelihood: int
    impact: int
    level: str
    x: int  # position in the SVG, computed here: no arithmetic in templates
    y: int
    refs: list = field(default_factory=list)  # (reference, url) of the risks placed in it

    @property
    def count(self) -> int:
        return len(self.refs)

    @property
    def shown(self) -> list[tuple[str, str, int, int]]:
        """At most three references fit a cell, each with its place (x, y); the rest are counted (« +2 »)."""
        return [(ref, url, self.x + 8, self.y + 22 + 20 * i) for i, (ref, url) in enumerate(self.refs[:3])]

    @property
    def more_y(self) -> int:
        return self.y + 82

    @property
    def more(self) -> int:
        return max(0, len(self.refs) - 3)

    @property
    def label(self) -> str:
        listed = ", ".join(ref for ref, _ in self.refs) or "aucun risque"
        return f"Probabilité {self.likelihood} × impact {self.impact} : {listed}"


@dataclass
class HeatMap:
    scale: int
    rows: list[list[Cell]]  # from the highest impact (top) to the lowest
    cell: int = 90
    margin: int = 92

    @property
    def size(self) -> int:
        return self.margin + self.cell * self.scale + 10

    @property
    def axis(self) -> int:
        return self.cell * self.scale

    @property
    def height(self) -> int:
        return self.axis + 60

    @property
    def labels_y(self) -> tuple[int, int, int]:
        """Baselines below the grid: the likelihood figures, their words, the axis title."""
        return self.axis + 18, self.axis + 34, self.axis + 54

    @property
    def middle(self) -> tuple[int, int]:
        """Centre of the grid (x) and of its height (y), for the axis titles."""
        return self.margin + self.axis // 2, self.axis // 2

    @property
    def x_ticks(self) -> list[tuple[int, int, str]]:
        half = self.cell // 2
        return [(self.margin + (n - 1) * self.cell + half, n, LIKELIHOOD_LABELS[self.scale][n - 1])
                for n in range(1, self.scale + 1)]  # fmt: skip

    @property
    def y_ticks(self) -> list[tuple[int, int, str]]:
        half = self.cell // 2
        return [((self.scale - n) * self.cell + half, n, IMPACT_LABELS[self.scale][n - 1])
                for n in range(1, self.scale + 1)]  # fmt: skip

    def cell_of(self, likelihood: int, impact: int) -> Cell:
        return self.rows[self.scale - impact][likelihood - 1]


def heat_map(placed: Iterable[tuple[int, int, str, str]], scale: int) -> HeatMap:
    """The grid of `scale` × `scale` cells with each (likelihood, impact, reference, url) placed in its
    cell; a rating outside the scale (a risk rated before the scale was lowered cannot exist: the settings
    refuse it) is clamped to the grid rather than lost."""
    grid = HeatMap(scale, [])
    for impact in range(scale, 0, -1):
        grid.rows.append([
            Cell(likelihood, impact, level(likelihood * impact, scale),
                 grid.margin + (likelihood - 1) * grid.cell, (scale - impact) * grid.cell)
            for likelihood in range(1, scale + 1)
        ])  # fmt: skip
    for likelihood, impact, reference, url in placed:
        likelihood, impact = min(max(likelihood, 1), scale), min(max(impact, 1), scale)
        grid.cell_of(likelihood, impact).refs.append((reference, url))
    for row in grid.rows:
        for cell in row:
            cell.refs.sort()
    return grid
