"""Periodic schedules (core/schedule.py): due times in Paris local time, each due time run once however many
schedulers look, a missed run not made up hours later, and direction's Traitements page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pilote.core import schedule
from pilote.core.backup import backup_job
from pilote.core.models import Job, JobStatus, ScheduledRun

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_due_times_are_paris_times_daily_and_monthly():
    nightly = schedule.Schedule("x.nightly", "Nuit", backup_job, hour=2)
    assert nightly.cadence() == "chaque jour à 02:00"
    assert nightly.last_due(paris(2026, 12, 5, 1, 59)) == paris(2026, 12, 4, 2, 0)
    assert nightly.last_due(paris(2026, 12, 5, 2, 0)) == paris(2026, 12, 5, 2, 0)
    assert nightly.next_due(paris(2026, 12, 31, 23, 0)) == paris(2027, 1, 1, 2, 0)
    # Summer time: still 02:00… in Paris (00:00 UTC), not 01:00 UTC as in winter.
    assert nightly.last_due(paris(2026, 7, 14, 9, 0)).astimezone(dt.UTC).hour == 0
    monthly = schedule.Schedule("x.monthly", "Mois", backup_job, hour=6, minute=30, monthday=1)
    assert monthly.cadence() == "le 1er de chaque mois à 06:30"
    assert monthly.last_due(paris(2027, 1, 1, 6, 0)) == paris(2026, 12, 1, 6, 30)
    assert monthly.next_due(paris(2026, 12, 1, 6, 30)) == paris(2027, 1, 1, 6, 30)
    with pytest.raises(ValueError):
        schedule.register(schedule.Schedule("x.bad", "Mauvais", backup_job, hour=1, monthday=31))


def test_every_registered_schedule_names_a_declared_work():
    """Apps register their scheduled works by dotted name (imported when due, not at start-up): each name must be
    a function declared with @jobs.work, or its night would fail."""
    from pilote.core import jobs

    for planned in schedule.registered():
        assert jobs.declared(jobs.work_name(planned.work)), planned.name


def test_each_due_time_runs_once_and_a_missed_night_is_not_made_up(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    names = {s.name for s in schedule.registered()}
    assert {"core.backup", "ledger.verify"} <= names
    at_0320 = paris(2026, 12, 5, 3, 20).astimezone(dt.UTC)
    started = schedule.tick(at_0320)  # verification due 03:00 (20 min ago); the backup of 02:00 is 1 h 20 old
    assert [job.kind for job in started] == ["schedule.ledger.verify"]
    job = Job.objects.get(kind="schedule.ledger.verify")
    assert job.status == JobStatus.DONE and job.message.startswith("Toutes les vérifications sont réussies")
    assert schedule.tick(at_0320 + dt.timedelta(minutes=5)) == []  # a second scheduler finds it taken
    assert ScheduledRun.objects.filter(name="ledger.verify").count() == 1
    started = schedule.tick(paris(2026, 12, 6, 2, 0, 30).astimezone(dt.UTC))
    assert [job.kind for job in started] == ["schedule.core.backup"]
    assert Job.objects.get(kind="schedule.core.backup").status == JobStatus.DONE


def test_direction_sees_the_schedules_and_starts_a_failed_job_again(db, client_as):
    failed = Job.objects.create(
        kind="ledger.fec_import", status=JobStatus.FAILED, message="Fichier refusé.",
        payload={"work": "pilote.core.backup.backup_job"},
    )  # fmt: skip
    page = client_as("direction").get(reverse("core:jobs")).content.decode()
    assert "Sauvegarde de l&#x27;instance" in page and "chaque jour à 02:00" in page
    assert "Import d&#x27;un FEC" in page and "Relancer" in page
    response = client_as("direction").post(reverse("core:job-retry", args=[failed.pk]), follow=True)
    assert "Traitement relancé" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == JobStatus.DONE  # jobs run at once in tests
    again = client_as("direction").post(reverse("core:job-retry", args=[failed.pk]), follow=True)
    assert "ne peut pas être relancé" in again.content.decode()
