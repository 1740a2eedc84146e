"""Reads for the core pages."""

from __future__ import annotations

from dataclasses import dataclass

from pilote.core.registry import menu_for


@dataclass(frozen=True)
class Tile:
    label: str
    url_name: str
    section: str


def home_tiles(user, structure_type: str | None = None) -> list[Tile]:
    """The home page offers one tile per menu entry the user's role opens."""
    return [
        Tile(item.label, item.url_name, section.label)
        for section in menu_for(user, structure_type)
        for item in section.items
    ]
