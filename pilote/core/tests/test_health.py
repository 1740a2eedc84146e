"""/sante/: up or down for a load balancer, nothing more to an anonymous caller; details for direction."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilote.core import health
from pilote.core.tasks import run_job


def test_anonymous_reads_only_up(client, structure):
    response = client.get("/sante/")
    assert response.status_code == 200 and response.content == b"ok"


def test_direction_reads_each_check(client_as):
    response = client_as("direction").get("/sante/")
    body = response.json()
    assert response.status_code == 200 and body["etat"] == "ok"
    assert [c["nom"] for c in body["controles"]] == [
        "Base de données",
        "Migrations",
        "Tâches de fond",
        "Espace disque",
    ]
    assert client_as("comptable").get("/sante/").content == b"ok"  # other roles: up or down only


def test_direction_sees_the_version_and_the_last_migration(client_as):
    import tomllib

    from django.conf import settings
    from django.db.migrations.recorder import MigrationRecorder

    version = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    last = MigrationRecorder.Migration.objects.order_by("-applied", "-id").first()
    body = client_as("direction").get("/sante/").json()
    assert body["version"] == version and body["derniere_migration"] == f"{last.app}.{last.name}"
    page = client_as("direction").get("/traitements/").content.decode()
    assert f"Pilote version {version}" in page and f"<code>{last.app}.{last.name}</code>" in page


def test_a_stalled_queue_or_a_full_disk_is_down_without_telling_why(client, client_as, settings, monkeypatch):
    settings.PILOTE_JOBS_SYNC = False
    result = run_job.enqueue(1, "pilote.core.backup.backup_job")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get("/sante/")
    assert response.status_code == 503 and response.content == b"indisponible"
    details = client_as("direction").get("/sante/").json()["controles"]
    assert [c["ok"] for c in details if c["nom"] == "Tâches de fond"] == [False]
    DBTaskResult.objects.all().delete()
    assert client.get("/sante/").status_code == 200

    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: Usage(100 * 2**30, 99.9 * 2**30, 0.1 * 2**30))
    assert client.get("/sante/").status_code == 503
