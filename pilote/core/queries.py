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


@dataclass
class TodoGroup:
    """The to-do items of one domain on the home page (or the urgent ones, whatever their domain), each with
    whether it is late (due before today) or urgent: those are shown in red."""

    label: str
    rows: list[tuple[object, bool]]  # (core.registry.TodoItem, late or urgent)
    urgent: bool = False

    @property
    def late(self) -> int:
        return sum(1 for _, late in self.rows if late)


def todo_groups(items: list, today) -> list[TodoGroup]:
    """`items` (sorted by `todos_for`: alerts first, then soonest due) grouped on the home page: the urgent ones
    together first (alerts, reminders: never folded away), then one group per domain, in the order of its most
    pressing item, items in their order."""
    urgent = TodoGroup("Urgent", [], urgent=True)
    groups: dict[str, TodoGroup] = {}
    for item in items:
        late = item.urgent or (item.due is not None and item.due < today)
        if item.urgent:
            urgent.rows.append((item, late))
        else:
            groups.setdefault(item.domain, TodoGroup(item.domain or "Autres", [])).rows.append((item, late))
    return ([urgent] if urgent.rows else []) + list(groups.values())


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
