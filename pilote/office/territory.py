"""The analysis of a territorial needs study, pure: each indicator's value in each studied area against the
reference area (department, region, France), the relative gap and whether it points to a need.

- relative gap = (value − reference) ÷ |reference| × 100, rounded half up to one decimal (none without a reference
  value, or when the reference is zero);
- a gap signals a need when it goes the unfavourable way (above the reference for an indicator where more means
  more need — share of people over 75 living alone, unemployment rate —, below it otherwise — median income,
  places per 1 000 inhabitants) by at least the study's threshold (10 % by default);
- the signals come out sorted by the size of the gap, the largest first: the study's « écarts à retenir »."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


def relative_gap(value: Decimal | None, reference: Decimal | None) -> Decimal | None:
    if value is None or reference is None or reference == 0:
        return None
    return ((value - reference) / abs(reference) * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def signals_need(gap: Decimal | None, higher_means_need: bool, threshold: Decimal) -> bool:
    if gap is None:
        return False
    return gap >= threshold if higher_means_need else gap <= -threshold


@dataclass(frozen=True)
class Cell:
    area: object
    value: Decimal | None
    gap: Decimal | None = None
    need: bool = False


@dataclass
class Row:
    indicator: object  # StudyIndicator (theme, label, unit, higher_means_need, source)
    reference: Decimal | None
    cells: list[Cell]


@dataclass(frozen=True)
class Signal:
    indicator: object
    area: object
    value: Decimal
    reference: Decimal
    gap: Decimal


@dataclass
class Analysis:
    areas: list  # the studied areas, in order
    reference: object | None  # the reference area
    themes: list[tuple[str, list[Row]]] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every indicator has a value for every area (reference included)."""
        return all(
            row.cells
            and all(c.value is not None for c in row.cells)
            and (self.reference is None or row.reference is not None)
            for _, rows in self.themes
            for row in rows
        )


def analyse(areas: Iterable, indicators: Iterable, values: Mapping[tuple[int, int], Decimal],
            threshold: Decimal) -> Analysis:  # fmt: skip
    """`values` maps (indicator id, area id) to the value typed; areas carry `is_reference`."""
    areas = list(areas)
    reference = next((area for area in areas if area.is_reference), None)
    studied = [area for area in areas if not area.is_reference]
    analysis = Analysis(studied, reference)
    by_theme: dict[str, list[Row]] = {}
    for indicator in indicators:
        ref_value = values.get((indicator.pk, reference.pk)) if reference else None
        cells = []
        for area in studied:
            value = values.get((indicator.pk, area.pk))
            gap = relative_gap(value, ref_value)
            need = signals_need(gap, indicator.higher_means_need, threshold)
            cells.append(Cell(area, value, gap, need))
            if need:
                analysis.signals.append(Signal(indicator, area, value, ref_value, gap))
        by_theme.setdefault(indicator.theme, []).append(Row(indicator, ref_value, cells))
    analysis.themes = list(by_theme.items())
    analysis.signals.sort(key=lambda s: (-abs(s.gap), s.indicator.theme, s.indicator.label))
    return analysis
