"""Reads for the core pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from pilote.core.collation import french
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


# --- users (direction's list; the page and the API share it) ------------------------------------------------------
USER_SORTS = {
    "nom": [french("last_name"), french("first_name")],
    "identifiant": ["username"],
    "role": ["role"],
    "connexion": ["last_login"],
}
USER_DEFAULT_SORT = "nom"


def filter_users(data: dict):
    """Users matching the list's filters: `q` (username, names, e-mail), `role`, `actif` (« 1 » or « 0 »)."""
    from pilote.core.models import User

    users = User.objects.all()
    if data.get("q"):
        words = data["q"]
        users = users.filter(
            Q(username__icontains=words)
            | Q(last_name__icontains=words)
            | Q(first_name__icontains=words)
            | Q(email__icontains=words)
        )
    if data.get("role"):
        users = users.filter(role=data["role"])
    if data.get("actif"):
        users = users.filter(is_active=data["actif"] == "1")
    return users
