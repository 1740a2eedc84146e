"""Backups and restore (core/backup.py): an instance with posted, chained entries and an issued invoice is
saved, emptied and restored identically — same rows to the microsecond, same files, `verify_ledger` clean,
protections back — on the suite's database, and across SQLite and PostgreSQL; a damaged archive is refused
before anything is written."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from pilote.core import backup, dbtriggers
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure, User
from pilote.core.storage import private_root

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def instance(settings, tmp_path, structure, personas):
    """A structure with its books, an issued and paid invoice (chained entries, a sealed invoice), a private file."""
    from pilote.contacts import services as contacts
    from pilote.sales import issuing, payments
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec
    from pilote.sales.tests.factories import make_books

    settings.MEDIA_ROOT = tmp_path / "media"
    bank = make_books(structure)
    actor = personas["comptable"]
    customer = contacts.create_contact(
        actor=actor, kind="organisation", name="Boulangerie Martin", is_customer=True, siren="732829320",
        address_line1="1 place du Marché", postal_code="38000", city="Grenoble",
    )  # fmt: skip
    line = LineSpec(description="Maintenance", quantity=Decimal(3), unit_price=Decimal("123.45"), reference="M-1")
    draft = sales.create_invoice(actor=actor, customer=customer, date=dt.date(2026, 3, 2), lines=[line])
    invoice = issuing.issue_invoice(actor=actor, invoice=draft, render_pdf=False)
    payments.record_payment(
        actor=actor, customer=customer, date=dt.date(2026, 3, 20), amount=invoice.total_gross, method="transfer",
        bank_account=bank, allocations=[(invoice, invoice.total_gross)],
    )  # fmt: skip
    document = private_root() / "tenders" / "1" / "mémoire technique.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.7 fake but kept byte for byte \x00\xff")
    (Path(settings.MEDIA_ROOT) / "logos").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "logos" / "logo.png").write_bytes(b"\x89PNG logo")
    (private_root() / "pending").mkdir()
    (private_root() / "pending" / "token").write_bytes(b"work in progress, not backed up")
    return {"invoice": invoice, "document": document}


def _wipe_instance():
    """Empty every table and the files, as a new instance would be (migrations kept)."""
    for trigger_set in dbtriggers.registered():
        trigger_set.uninstall(connection)
    with connection.cursor() as cursor:
        for model in reversed(backup._models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    for trigger_set in dbtriggers.registered():
        trigger_set.install(connection)
    for _, root in backup._file_roots():
        for path in sorted(root.rglob("*"), reverse=True) if root.exists() else []:
            path.unlink() if path.is_file() else path.rmdir()


def _verify_all_clean(head: str | None = None):
    from pilote.ledger import chain
    from pilote.ledger.verify import verify_all

    problems = verify_all(recorded=chain.parse_head(head) if head else None)
    assert all(not found for found in problems.values()), problems


def test_round_trip_gives_an_identical_instance(instance, tmp_path):
    from pilote.ledger import chain
    from pilote.sales.models import Invoice

    before = backup.table_digests()
    head = str(chain.current_head())
    result = backup.create_backup(tmp_path / "out" / "save.tar.gz")
    assert result.path.exists() and result.rows == sum(t["rows"] for t in before.values())
    assert result.files == 2  # the tender document and the logo; nothing of pending/
    with tarfile.open(result.path) as archive:
        names = archive.getnames()
    assert {"manifest.json", f"database.{'sqlite3' if connection.vendor == 'sqlite' else 'pgdump'}"} <= set(names)

    _wipe_instance()
    assert not Structure.objects.exists() and not instance["document"].exists()
    restored = backup.restore_backup(result.path)

    assert backup.table_digests() == before  # every row of every table, to the microsecond
    assert restored.rows == result.rows and restored.files == 2
    assert restored.facts == {"ledger.chain": head}  # the chain head written down outside the database
    assert instance["document"].read_bytes() == b"%PDF-1.7 fake but kept byte for byte \x00\xff"
    assert not (private_root() / "pending").exists()
    _verify_all_clean(head)
    assert User.objects.get(username="comptable").check_password("demo")
    # The protections are back: an issued invoice still refuses a change at the database.
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=instance["invoice"].pk).update(total_gross=Decimal("1.00"))


def _rewrite(source: Path, target: Path, change) -> None:
    with tarfile.open(source) as original, tarfile.open(target, "w:gz") as copy:
        for member in original:
            data = original.extractfile(member).read() if member.isfile() else b""
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_before_anything_is_written(instance, tmp_path):
    saved = backup.create_backup(tmp_path / "save.tar.gz").path
    _wipe_instance()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    altered = tmp_path / "altered.tar.gz"
    _rewrite(saved, altered, lambda name, data: data.replace(b"Boulangerie", b"Boulangerit"))
    missing = tmp_path / "missing.tar.gz"
    _rewrite(saved, missing, lambda name, data: None if name.startswith("files/") else data)
    foreign = tmp_path / "foreign.tar.gz"
    _rewrite(
        saved, foreign, lambda name, data: json.dumps({"format": "x"}).encode() if name == "manifest.json" else data
    )

    for archive, reason in (
        (truncated, "EOFError"),
        (altered, "empreinte SHA-256 différente"),
        (missing, "éléments manquants"),
        (foreign, "ce n'est pas une sauvegarde de Pilote"),
        (tmp_path / "absent.tar.gz", "Fichier introuvable"),
    ):
        with pytest.raises(backup.BackupError, match=reason):
            backup.restore_backup(archive)
        assert not Structure.objects.exists() and not any(private_root().rglob("*.pdf"))


def test_restore_refuses_an_instance_that_holds_data(instance, tmp_path):
    saved = backup.create_backup(tmp_path / "save.tar.gz").path
    with pytest.raises(backup.BackupError, match="contient déjà des données"):
        backup.restore_backup(saved)


def test_old_backups_are_pruned_most_recent_kept(settings, tmp_path):
    folder = backup.backups_dir()
    folder.mkdir(parents=True)
    for day in ("20261201-020000", "20261202-020000", "20261203-020000"):
        (folder / f"pilote-{day}.tar.gz").write_bytes(b"x")
    removed = backup.prune_backups(keep=2)
    assert [p.name for p in removed] == ["pilote-20261201-020000.tar.gz"]
    assert [name for name, _, _ in backup.list_backups()] == [
        "pilote-20261203-020000.tar.gz",
        "pilote-20261202-020000.tar.gz",
    ]


def _manage(*args, database_url: str, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PILOTE_PRIVATE_ROOT": str(tmp_path / "other-private"),
        "PILOTE_MEDIA_ROOT": str(tmp_path / "other-media"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the crossing needs the PostgreSQL suite")
def test_backups_cross_between_postgresql_and_sqlite(instance, tmp_path):
    """PostgreSQL → archive → a new SQLite instance (restore in another process: same digests, verify_ledger
    clean) → archive → back into an emptied PostgreSQL: the same rows as at the start. (The archives carry the
    rows as this test's transaction sees them: no commit, so no flush that would empty the database for the
    tests that follow.)"""
    before = backup.table_digests()
    from_pg = backup.create_backup(tmp_path / "pg.tar.gz").path
    sqlite_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    output = _manage("restore", str(from_pg), database_url=sqlite_url, tmp_path=tmp_path)
    assert "empreintes identiques à la sauvegarde" in output and "Chaînage d'inaltérabilité" in output
    assert "✗" not in output
    _manage("backup", "--output", str(tmp_path / "sqlite.tar.gz"), database_url=sqlite_url, tmp_path=tmp_path)
    with tarfile.open(tmp_path / "sqlite.tar.gz") as archive:
        assert "database.sqlite3" in archive.getnames()

    with transaction.atomic():
        _wipe_instance()
    backup.restore_backup(tmp_path / "sqlite.tar.gz")
    assert backup.table_digests() == before
    _verify_all_clean()


def test_direction_saves_now_and_downloads_the_archive(instance, client_as):
    from django.urls import reverse

    from pilote.core.models import AuditEvent

    client = client_as("direction")
    response = client.post(reverse("core:backup-create"), follow=True)  # jobs run at once in tests
    page = response.content.decode()
    assert "Sauvegarde lancée" in page and "écrite :" in page
    [(name, _, _)] = backup.list_backups()
    assert name in page
    download = client.get(reverse("core:backup-download", args=[name]))
    assert download.status_code == 200 and f'filename="{name}"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == (backup.backups_dir() / name).read_bytes()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"core.backup.created", "core.backup.downloaded"}
    assert client.get(reverse("core:backup-download", args=["..%2Fdb.sqlite3"])).status_code == 404
    assert client_as("comptable").get(reverse("core:backups")).status_code == 403


def test_a_second_backup_waits_for_the_running_one(db, personas, settings):
    from pilote.core.models import Job, JobStatus

    settings.PILOTE_JOBS_SYNC = False
    first = backup.start_backup(actor=personas["direction"])
    assert first.status == JobStatus.QUEUED
    with pytest.raises(DomainError, match="déjà en cours"):
        backup.start_backup(actor=personas["direction"])
    assert Job.objects.filter(kind=backup.JOB_KIND).count() == 1
    assert backup.archive_path("../db.sqlite3") is None and backup.archive_path("pilote-20261201-020000.tar.gz") is None
