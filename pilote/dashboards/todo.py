"""Direction's to-do list: an alert per indicator past the threshold direction set on it."""

from __future__ import annotations

from pilote.core.registry import TodoItem
from pilote.dashboards import queries
from pilote.dashboards.services import thresholds
from pilote.lib.dates import local_today


def todo_items(user) -> list[TodoItem]:
    """The thresholds and figures are those the home page's tiles read (`queries.context_for`: once a page)."""
    today = local_today()
    limits = queries.context_for(user, today).shared("thresholds", thresholds)
    if not limits:
        return []
    from pilote.dashboards.alerts import open_alerts

    items = []
    opened = None
    for tile in queries.board(user, today, keys=set(limits)):
        if tile.alert:
            opened = open_alerts() if opened is None else opened  # read when an alert is shown only
            since = opened.get(tile.key)
            mailed = f", e-mail à la direction le {since.started_on:%d/%m/%Y}" if since and since.mailed_to else ""
            items.append(
                TodoItem(
                    f"Alerte : {tile.label} à {tile.tile.display} (seuil {tile.threshold_text}{mailed})",
                    tile.tile.url,
                    today,
                    "Alerte",
                    urgent=True,
                )
            )
    return items
