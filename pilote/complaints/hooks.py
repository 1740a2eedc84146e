"""Extension points other apps plug into from their AppConfig.ready() (complaints never imports them).

`complaint_panels`: sections another domain adds to a complaint's page — quality shows the non-conformities
opened from the complaint and offers to open one. Each panel names the permission that reads it and renders
(request, complaint) -> HTML (empty when it has nothing to say).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ComplaintPanel:
    perm: str
    order: int
    render: Callable[[object, object], str]


complaint_panels: list[ComplaintPanel] = []


def register_complaint_panel(panel: ComplaintPanel) -> None:
    if panel not in complaint_panels:
        complaint_panels.append(panel)


def panels_for(request, complaint) -> list[str]:
    panels = sorted((p for p in complaint_panels if request.user.can(p.perm)), key=lambda p: p.order)
    return [html for panel in panels if (html := panel.render(request, complaint))]
