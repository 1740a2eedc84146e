"""Health of an application server, for load balancers and for direction: the database answers, every
migration is applied, the background queue moves, the disk has room. A load balancer reads only up or down
(`/sante/`: 200 « ok » or 503 « indisponible »); the details (which check, why) go to direction only."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pilote.core.storage import private_root
from pilote.lib.formats import format_number

QUEUE_STALLED_AFTER = dt.timedelta(minutes=10)
MIN_FREE_BYTES = 500 * 1024 * 1024
_migrations_checked = False  # once every migration is applied, this process never checks again


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("Base de données", True, f"{connection.vendor} répond")
    except DatabaseError:
        return Check("Base de données", False, "la base ne répond pas")


def _migrations() -> Check:
    global _migrations_checked
    if not _migrations_checked:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return Check("Migrations", False, f"{len(pending)} migration(s) à appliquer (manage.py migrate)")
        _migrations_checked = True
    return Check("Migrations", True, "toutes appliquées")


def _queue() -> Check:
    from django_tasks_db.models import DBTaskResult

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    if oldest is not None and timezone.now() - oldest > QUEUE_STALLED_AFTER:
        waited = int((timezone.now() - oldest).total_seconds() // 60)
        return Check("Tâches de fond", False, f"une tâche attend depuis {waited} min : aucun worker ne tourne ?")
    return Check("Tâches de fond", True, "la file avance")


def _disk() -> Check:
    root = private_root()
    root.mkdir(parents=True, exist_ok=True)
    usage = shutil.disk_usage(root)
    ok = usage.free >= MIN_FREE_BYTES and usage.free / usage.total >= 0.02
    return Check("Espace disque", ok, f"{format_number(usage.free / 1024**3, 1)} Go libres")


def checks() -> list[Check]:
    found = [_database()]
    if found[0].ok:
        found += [_migrations(), _queue()]
    return found + [_disk()]


@dataclass(frozen=True)
class Release:
    version: str
    last_migration: str  # « app.0012_name »
    migrated_at: dt.datetime | None


def release() -> Release:
    """The version of Pilote running (pyproject.toml) and the last migration applied to its database."""
    import tomllib

    from django.conf import settings
    from django.db.migrations.recorder import MigrationRecorder

    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
            version = tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "inconnue"
    last = MigrationRecorder.Migration.objects.order_by("-applied", "-id").first()
    if last is None:
        return Release(version, "aucune", None)
    return Release(version, f"{last.app}.{last.name}", timezone.localtime(last.applied))
