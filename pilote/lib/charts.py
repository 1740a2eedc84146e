"""Server-rendered charts as inline SVG: no JavaScript, no CDN, readable on a phone.

Each chart is one <svg> scaled by its viewBox to the width of its container, with role="img", an
aria-label and a <title> (the chart's name), French numbers on the axis (1 234 €) and a <title> on each
bar or point giving its exact value (shown as a tooltip by browsers and read by screen readers). The
pages show the same figures in a table next to the chart. Geometry uses Decimal like the amounts.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pilote.lib.formats import format_number

PALETTE = ("#2f6db5", "#b9c7da", "#d9822b", "#3a9a5b", "#8e5bb5")
DANGER = "#b3261e"  # the stylesheet's --danger: an alert threshold and what falls under it
FONT = 'font-family="system-ui, sans-serif"'
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def _n(value: Decimal) -> str:
    """A coordinate: one decimal, no exponent."""
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def format_value(value: Decimal, unit: str = "€", places: int = 2) -> str:
    text = format_number(value, places)
    return f"{text}\u202f{unit}" if unit else text


def nice_ticks(low: Decimal, high: Decimal, count: int = 4) -> list[Decimal]:
    """Round ticks (1, 2 or 5 × 10ⁿ apart) covering [low, high], zero included."""
    low, high = min(Decimal(low), Decimal(0)), max(Decimal(high), Decimal(0))
    span = high - low
    if span <= 0:
        return [Decimal(0), Decimal(1)]
    raw = span / count
    magnitude = Decimal(10) ** (raw.adjusted())
    step = next(m * magnitude for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if m * magnitude >= raw)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks, tick = [], first
    while tick <= last:
        ticks.append(tick)
        tick += step
    return ticks


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    # Every text that reaches the SVG (title, labels, tooltips) went through escape(); the rest is numbers.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{label}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _tick_label(value: Decimal, unit: str) -> str:
    return escape(format_value(value, unit, 0))


def bar_chart(items: list[tuple[str, Decimal]], *, title: str, unit: str = "€") -> SafeString:
    """Horizontal bars, one row per item (long labels such as customer names stay readable)."""
    width, label_w, right, row, top = 400, 130, 10, 22, 8
    height = top + row * max(len(items), 1) + 24
    values = [Decimal(v) for _, v in items] or [Decimal(0)]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    plot = Decimal(width - label_w - right)

    def x(value: Decimal) -> Decimal:
        return label_w + (Decimal(value) - low) / (high - low) * plot

    body = []
    for tick in ticks:
        body.append(f'<line x1="{_n(x(tick))}" x2="{_n(x(tick))}" y1="{top}" y2="{height - 20}" stroke="#e3e7ee"/>')
    shown = (ticks[0], ticks[len(ticks) // 2], ticks[-1]) if len(ticks) > 2 else ticks
    for tick in shown:
        anchor = "end" if tick == ticks[-1] else "start" if tick == ticks[0] else "middle"
        body.append(
            f'<text x="{_n(x(tick))}" y="{height - 6}" font-size="10" text-anchor="{anchor}" fill="#555">'
            f"{_tick_label(tick, unit)}</text>"
        )
    for index, (label, value) in enumerate(items):
        y = top + index * row
        start, end = sorted((x(Decimal(0)), x(Decimal(value))))
        short = label if len(label) <= 19 else label[:18] + "…"
        tip = escape(f"{label} : {format_value(Decimal(value), unit)}")
        body.append(
            f'<text x="{label_w - 6}" y="{_n(y + Decimal(row) / 2 + 4)}" font-size="10.5" text-anchor="end" '
            f'fill="#222">{escape(short)}</text>'
            f'<rect x="{_n(start)}" y="{y + 3}" width="{_n(max(end - start, Decimal("0.5")))}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"><title>{tip}</title></rect>'
        )
    return _svg(width, height, title, body)


def _vertical_frame(categories: list[str], values: list[Decimal], unit: str, width: int, height: int):
    left, right, top, bottom = 62, 8, 10, 34
    ticks = nice_ticks(min(values, default=Decimal(0)), max(values, default=Decimal(0)))
    low, high = ticks[0], ticks[-1]
    plot_h = Decimal(height - top - bottom)
    band = Decimal(width - left - right) / max(len(categories), 1)

    def y(value: Decimal) -> Decimal:
        return top + (high - Decimal(value)) / (high - low) * plot_h

    body = []
    for tick in ticks:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_n(y(tick))}" y2="{_n(y(tick))}" stroke="#e3e7ee"/>'
            f'<text x="{left - 4}" y="{_n(y(tick) + 3)}" font-size="10" text-anchor="end" fill="#555">'
            f"{_tick_label(tick, unit)}</text>"
        )
    for index, category in enumerate(categories):
        cx = left + band * index + band / 2
        first, _, second = category.partition("\n")  # a second line (e.g. the year) under the label
        lines = f'<tspan x="{_n(cx)}" dy="12">{escape(second)}</tspan>' if second else ""
        body.append(
            f'<text x="{_n(cx)}" y="{height - 12}" font-size="10" text-anchor="middle" fill="#333">'
            f"{escape(first)}{lines}</text>"
        )
    return body, y, left, band


def _legend(series_names: list[str], width: int) -> list[str]:
    parts, x = [], Decimal(70)
    for index, name in enumerate(series_names):
        parts.append(
            f'<rect x="{_n(x)}" y="2" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{_n(x + 14)}" y="11" font-size="11" fill="#222">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return parts


def grouped_bar_chart(
    categories: list[str], series: list[tuple[str, list[Decimal]]], *, title: str, unit: str = "€"
) -> SafeString:
    """Vertical bars grouped by category, one colour per series (e.g. this year and the year before)."""
    width, height = 480, 250
    values = [Decimal(v) for _, vs in series for v in vs]
    body, y, left, band = _vertical_frame(categories, values, unit, width, height - 16)
    body = [f'<g transform="translate(0 16)">{"".join(body)}'] + []
    gap = band * Decimal("0.15")
    bar = (band - 2 * gap) / max(len(series), 1)
    for s_index, (name, vs) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for c_index, value in enumerate(vs):
            top, bottom = sorted((y(Decimal(value)), y(Decimal(0))))
            bx = left + band * c_index + gap + bar * s_index
            tip = escape(f"{categories[c_index].replace(chr(10), ' ')} — {name} : {format_value(Decimal(value), unit)}")
            body.append(
                f'<rect x="{_n(bx)}" y="{_n(top)}" width="{_n(bar)}" height="{_n(max(bottom - top, Decimal("0.5")))}" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
    body.append("</g>")
    return _svg(width, height, title, _legend([name for name, _ in series], width) + body)


def line_chart(
    categories: list[str],
    series: list[tuple[str, list[Decimal]]],
    *,
    title: str,
    unit: str = "€",
    reference: tuple[str, Decimal] | None = None,
) -> SafeString:
    """One polyline per series with a dot per category (values in <title> on each dot). `reference` (name, value):
    a dashed red horizontal line at that value (an alert threshold), in the legend, the dots under it red."""
    width, height = 480, 250
    values = [Decimal(v) for _, vs in series for v in vs]
    body, y, left, band = _vertical_frame(categories, values + ([Decimal(reference[1])] if reference else []), unit,
                                          width, height - 16)  # fmt: skip
    body = [f'<g transform="translate(0 16)">{"".join(body)}']
    if reference:
        name, level = reference[0], Decimal(reference[1])
        ry = _n(y(level))
        tip = escape(f"{name} : {format_value(level, unit)}")
        body.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{ry}" y2="{ry}" stroke="{DANGER}" stroke-width="1.5" '
            f'stroke-dasharray="6 4"><title>{tip}</title></line>'
        )
    for s_index, (name, vs) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)] if s_index else PALETTE[0]
        points = [(left + band * i + band / 2, y(Decimal(v))) for i, v in enumerate(vs)]
        path = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (px, py), category, value in zip(points, categories, vs, strict=False):
            under = reference is not None and Decimal(value) < Decimal(reference[1])
            tip = escape(f"{category.replace(chr(10), ' ')} — {name} : {format_value(Decimal(value), unit)}"
                         + (f" (sous le {reference[0].lower()})" if under else ""))  # fmt: skip
            body.append(f'<circle cx="{_n(px)}" cy="{_n(py)}" r="{"4.5" if under else "3.5"}" '
                        f'fill="{DANGER if under else colour}"><title>{tip}</title></circle>')  # fmt: skip
    body.append("</g>")
    legend = _legend([name for name, _ in series], width)
    if reference:
        x = Decimal(70) + sum(24 + 7 * len(name) for name, _ in series)
        legend.append(
            f'<line x1="{_n(x)}" x2="{_n(x + 14)}" y1="7" y2="7" stroke="{DANGER}" stroke-width="1.5" '
            f'stroke-dasharray="4 2"/><text x="{_n(x + 18)}" y="11" font-size="11" fill="#222">'
            f"{escape(reference[0])}</text>"
        )
    return _svg(width, height, title, legend + body)
