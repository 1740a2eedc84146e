"""The Gantt chart's geometry, computed here so the SVG template only places numbers: one bar per task from
its earliest start to its earliest finish (a diamond for a milestone), its float as a thin trailing bar, the
critical ones marked, arrows from each predecessor to its successor, week lines and today's line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LABEL_WIDTH = 220
ROW = 28
HEAD = 36
CHART_WIDTH = 760


@dataclass(frozen=True)
class Bar:
    task: object
    y: int
    x: float
    width: float
    float_width: float
    float_x: float
    milestone: bool
    label_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    arrows: list[str]  # SVG polyline points
    weeks: list[tuple[float, str]]  # x, « 07/12 »
    today_x: float | None
    label_width: int = LABEL_WIDTH


def build(tasks: list, links: list, today: dt.date) -> Chart | None:
    """`tasks` with early_start/early_finish/late_finish set; `links` as (predecessor_id, successor_id, kind)."""
    placed = [t for t in tasks if t.early_start and t.early_finish]
    if not placed:
        return None
    first = min(t.early_start for t in placed)
    first -= dt.timedelta(days=first.weekday())  # from a Monday
    last = max(max(t.late_finish or t.early_finish, t.early_finish) for t in placed) + dt.timedelta(days=1)
    span = max((last - first).days, 7)
    per_day = CHART_WIDTH / span

    def x_of(day: dt.date) -> float:
        return round(LABEL_WIDTH + (day - first).days * per_day, 1)

    bars, where = [], {}
    for index, task in enumerate(placed):
        y = HEAD + index * ROW
        start, end = x_of(task.early_start), x_of(task.early_finish + dt.timedelta(days=1))
        late_end = x_of((task.late_finish or task.early_finish) + dt.timedelta(days=1))
        milestone = task.duration_days == 0
        width = max(end - start, 2)
        bars.append(Bar(task, y + 6, start, width, max(late_end - end, 0), round(start + width, 1), milestone, y + 18))
        where[task.pk] = (start, end if not milestone else start, y + 14)
    arrows = []
    for predecessor, successor, kind in links:
        if predecessor not in where or successor not in where:
            continue
        p_start, p_end, p_y = where[predecessor]
        s_start, _, s_y = where[successor]
        from_x = p_start if kind == "SS" else p_end
        elbow = from_x + 6
        arrows.append(f"{from_x},{p_y} {elbow},{p_y} {elbow},{s_y} {s_start},{s_y}")
    weeks = []
    day = first
    while day <= last:
        weeks.append((x_of(day), day.strftime("%d/%m")))
        day += dt.timedelta(days=7)
    today_x = x_of(today) if first <= today <= last else None
    return Chart(LABEL_WIDTH + CHART_WIDTH + 10, HEAD + len(placed) * ROW + 10, bars, arrows, weeks, today_x)
