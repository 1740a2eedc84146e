"""Reads on the monitoring: the items a user may read (direction and the assistant, who triage, see all; other
roles the items shared with them), filtered, sorted and exported; the sources with their last relevé."""

from __future__ import annotations

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.quality.models import WatchItem, WatchSource, WatchStatus

SORTS = {"date": ["published_at"], "titre": [french("title")], "source": ["source__name"], "etat": ["status"]}
DEFAULT_SORT = "-date"


def visible_items(user):
    items = WatchItem.objects.all()
    if user.can("quality.watch.edit"):
        return items
    # JSON « contains » is not on SQLite: the few shared items are matched on their text.
    return items.filter(shared_roles__icontains=f'"{user.role}"')


def filter_items(user, data: dict):
    items = visible_items(user)
    status = data.get("etat") or ""
    if status in WatchStatus.values:
        items = items.filter(status=status)
    elif status == "actifs":
        items = items.filter(status__in=[WatchStatus.TO_READ, WatchStatus.RELEVANT])
    if data.get("source"):
        items = items.filter(source=data["source"])
    if q := (data.get("q") or "").strip():
        items = items.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(note__icontains=q))
    return items


def with_list_relations(items):
    return items.select_related("source")


EXPORT_COLUMNS = [
    Column("Publié le", lambda i: i.published_at),
    Column("Source", lambda i: i.source.name),
    Column("Titre", lambda i: i.title),
    Column("Lien", lambda i: i.link),
    Column("Mots-clés trouvés", lambda i: ", ".join(i.matched)),
    Column("Tri", lambda i: i.get_status_display()),
    Column("Annotation", lambda i: i.note),
]


def export_rows(items):
    return with_list_relations(items).iterator(chunk_size=500)


def sources():
    return WatchSource.objects.annotate(
        n_items=Count("items"), n_to_read=Count("items", filter=Q(items__status=WatchStatus.TO_READ))
    ).order_by("name", "pk")
