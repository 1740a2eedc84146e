"""The stakeholder map (power × interest grid) as server-side SVG: geometry and colours by CSS class only (the
CSP forbids inline styles), each stakeholder a dot with its name, the four quadrants named (Mendelow)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

SIZE, MARGIN = 600, 40
CELL = (SIZE - 2 * MARGIN) / 5


LINE = 14  # the dots of one cell are listed one under the other, each with its name


def _xy(interest: int, power: int, index: int) -> tuple[float, float]:
    rows = int(CELL // LINE) - 1
    return MARGIN + (interest - 1) * CELL + 8, SIZE - MARGIN - power * CELL + LINE + (index % rows) * LINE


def render(stakeholders) -> str:
    parts = [f'<svg class="stakeholder-map" viewBox="0 0 {SIZE} {SIZE}" role="img" '
             'aria-label="Carte des parties prenantes : pouvoir en ordonnée, intérêt en abscisse">']  # fmt: skip
    half, inner = SIZE / 2, SIZE - 2 * MARGIN
    for x, y, label in ((MARGIN, MARGIN, "Satisfaire"), (half, MARGIN, "Gérer étroitement"),
                        (MARGIN, half, "Surveiller"), (half, half, "Tenir informé")):  # fmt: skip
        parts.append(f'<rect class="quadrant" x="{x}" y="{y}" width="{inner / 2}" height="{inner / 2}"/>')
        parts.append(
            f'<text class="quadrant-label" x="{x + inner / 2 - 8}" y="{y + inner / 2 - 8}" '
            f'text-anchor="end">{label}</text>'
        )
    parts.append(f'<text class="axis" x="{half}" y="{SIZE - 10}" text-anchor="middle">Intérêt →</text>')
    parts.append(f'<text class="axis" x="14" y="{half}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {half})">Pouvoir →</text>')  # fmt: skip
    seen: dict[tuple[int, int], int] = {}
    for s in stakeholders:
        index = seen.get((s.interest, s.power), 0)
        seen[(s.interest, s.power)] = index + 1
        x, y = _xy(s.interest, s.power, index)
        name = escape(str(s.contact))
        parts.append(f'<g class="stakeholder {escape(s.kind)}"><title>{name} ({escape(s.get_kind_display())})</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
                     f'<text x="{x + 8:.1f}" y="{y + 4:.1f}">{escape(str(s.contact)[:14])}</text></g>')  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
