"""Backups and restore: one archive holds the whole instance, and restores it identically on SQLite or
PostgreSQL, whichever the archive came from.

The archive (`.tar.gz`) holds:

- `manifest.json`: the format, when and from which database it was made, the migrations applied, for each
  table its row count and the SHA-256 of its data, for every other member its size and SHA-256;
- `data/<app>.<model>.jsonl`: every row of every table, one JSON array per line in primary-key order. Values
  are kept exactly — timestamps to the microsecond, decimals as written, binary as base64 — because the
  ledger's and the invoices' chains are hashes over them: Django's `dumpdata` keeps only milliseconds of a
  timestamp and so breaks the chain (measured). This is what `restore` loads, on either database;
- `database.sqlite3` (SQLite's online backup API) or `database.pgdump` (`pg_dump` custom format): the
  database's own copy, for restoring with its own tools (`sqlite3`, `pg_restore`) in a disaster;
- `files/private/…` and `files/media/…`: the private files (tender documents, FEC uploads, e-invoice
  originals…) and the uploaded media, except the backups themselves and the work in progress (`pending/`).

`restore` reads the whole archive and checks every SHA-256 before it writes anything; it restores only into
an instance without data (a migrated database without a structure or a user) whose migrations are those of
the archive; it writes the rows in one transaction with the protection triggers lifted (the rows were
checked when they were first written: the posted entries' triggers would refuse to insert lines into a
posted entry), puts the triggers back, then recomputes every table's SHA-256 and compares it with the
manifest.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_string

from pilote.core import audit, dbtriggers, jobs, registry
from pilote.core.exceptions import DomainError
from pilote.core.storage import private_root
from pilote.lib.formats import format_number
from pilote.lib.french import plural

FORMAT = "pilote-backup/1"
JOB_KIND = "core.backup"
ARCHIVE_NAME = re.compile(r"pilote-\d{8}-\d{6}\.tar\.gz")
BATCH = 2000
SKIPPED_PRIVATE_DIRS = ("backups", "pending")  # never back up the backups nor the work in progress


class BackupError(Exception):
    """A backup or a restore refused, with a French message for the user."""


def backups_dir() -> Path:
    return private_root() / "backups"


# --- Rows --------------------------------------------------------------------------------------------------


def _models() -> list[type[models.Model]]:
    """Every table Django manages (auto-created many-to-many tables included), in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _columns(model) -> list[models.Field]:
    """The stored columns a backup carries: a generated column (sales.Invoice.is_open) is the database's own
    computation from the others — recomputed at restore, never written."""
    return [field for field in model._meta.concrete_fields if not field.generated]


def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decoder(field: models.Field) -> Callable:
    if isinstance(field, models.JSONField):
        return lambda value: value
    if isinstance(field, models.BinaryField):
        return lambda value: None if value is None else base64.b64decode(value)
    return lambda value: None if value is None else field.to_python(value)


def _rows(model) -> Iterator[bytes]:
    """The table's rows as canonical JSON lines (nested JSON keys sorted: PostgreSQL's jsonb reorders them)."""
    attnames = [field.attname for field in _columns(model)]
    rows = model._base_manager.order_by("pk").values_list(*attnames)
    for row in rows.iterator(chunk_size=BATCH):
        line = json.dumps([_encode(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        yield line.encode() + b"\n"


def table_digests() -> dict[str, dict]:
    """Row count and SHA-256 of each table's data, as the archive writes it (what a restore is compared with)."""
    digests = {}
    for model in _models():
        digest, count = hashlib.sha256(), 0
        for line in _rows(model):
            digest.update(line)
            count += 1
        digests[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
    return digests


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- Backup ------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _native_copy(work: Path) -> Path:
    """The database's own copy: SQLite's online backup API, or pg_dump's custom format."""
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        import sqlite3

        copy = sqlite3.connect(target)
        try:
            if connection.in_atomic_block:
                # Inside a transaction (a test, a caller's atomic block) the backup API waits for ever on the
                # connection's own write lock: take the pages as this connection sees them.
                copy.deserialize(connection.connection.serialize())
            else:
                connection.connection.backup(copy)  # SQLite's online backup API
        finally:
            copy.close()
        return target
    if connection.vendor == "postgresql":
        target = work / "database.pgdump"
        params = connection.get_connection_params()
        env = {**os.environ}
        if params.get("password"):
            env["PGPASSWORD"] = str(params["password"])
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", params["dbname"]]
        for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
            if params.get(key):
                command += [option, str(params[key])]
        if shutil.which("pg_dump") is None:
            raise BackupError(
                "Sauvegarde impossible : l'outil pg_dump de PostgreSQL n'est pas installé sur ce serveur."
            )
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603 — fixed argv
        if result.returncode != 0:
            raise BackupError(f"Sauvegarde impossible : pg_dump a échoué ({result.stderr.strip()[:300]}).")
        return target
    raise BackupError(f"Sauvegarde impossible : base {connection.vendor} non prise en charge.")


def _file_roots() -> list[tuple[str, Path]]:
    return [("private", private_root()), ("media", Path(settings.MEDIA_ROOT))]


def _files() -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of every private and media file, backups and work in progress left out."""
    for label, root in _file_roots():
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if label == "private" and relative.parts[0] in SKIPPED_PRIVATE_DIRS:
                continue
            if path.is_file() and not path.is_symlink():
                yield f"files/{label}/{relative.as_posix()}", path


def default_archive_name(now: dt.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"pilote-{local:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(output: Path | None = None, progress: Callable[[str], None] | None = None) -> BackupResult:
    """Write the archive of the whole instance (see the module's docstring) and return where it is."""
    say = progress or (lambda message: None)
    output = Path(output) if output else backups_dir() / default_archive_name()
    output.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, dict] = {}
    tables: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pilote-backup-") as tmp:
        work = Path(tmp)
        (work / "data").mkdir()
        # One snapshot for every table: a repeatable read on PostgreSQL, one read transaction on SQLite.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            migrations = applied_migrations()
            facts = {key: read() for key, read in sorted(registry.backup_facts.items())}
            for model in _models():
                label = model._meta.label_lower
                path = work / "data" / f"{label}.jsonl"
                digest, count = hashlib.sha256(), 0
                with path.open("wb") as handle:
                    for line in _rows(model):
                        handle.write(line)
                        digest.update(line)
                        count += 1
                tables[label] = {"table": model._meta.db_table, "rows": count, "sha256": digest.hexdigest()}
                members[f"data/{label}.jsonl"] = {"size": path.stat().st_size, "sha256": digest.hexdigest()}
            say(f"{sum(t['rows'] for t in tables.values())} lignes lues dans {len(tables)} tables.")
        native = _native_copy(work)
        members[native.name] = {"size": native.stat().st_size, "sha256": _sha256_file(native)}
        files = list(_files())
        for name, path in files:
            members[name] = {"size": path.stat().st_size, "sha256": _sha256_file(path)}
        say(f"{len(files)} fichiers joints.")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "facts": facts,
            "tables": tables,
            "members": members,
        }
        partial = output.with_name(output.name + ".partiel")
        with tarfile.open(partial, "w:gz") as archive:
            payload = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(payload), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(payload))
            for label in tables:
                archive.add(work / "data" / f"{label}.jsonl", arcname=f"data/{label}.jsonl")
            archive.add(native, arcname=native.name)
            for name, path in files:
                archive.add(path, arcname=name)
        partial.replace(output)  # never a half-written archive under the final name
    return BackupResult(
        path=output,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(files),
        size=output.stat().st_size,
    )


def prune_backups(keep: int) -> list[Path]:
    """Delete all but the `keep` most recent archives of the backups folder; return the deleted ones."""
    archives = sorted(backups_dir().glob("pilote-*.tar.gz"), key=lambda p: p.name, reverse=True)
    removed = archives[keep:] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


def list_backups() -> list[tuple[str, int, dt.datetime]]:
    """(name, size, modified) of the archives, most recent first."""
    if not backups_dir().is_dir():
        return []
    archives = sorted(backups_dir().glob("pilote-*.tar.gz"), key=lambda p: p.name, reverse=True)
    return [(p.name, p.stat().st_size, dt.datetime.fromtimestamp(p.stat().st_mtime, tz=dt.UTC)) for p in archives]


@jobs.work
def backup_job(job, progress) -> str:
    """A backup as a background job (the Sauvegardes page, the nightly schedule); the nightly one keeps the
    PILOTE_BACKUP_KEEP most recent archives (14 by default)."""
    result = create_backup()
    removed = []
    if job.kind.startswith("schedule."):
        removed = prune_backups(int(getattr(settings, "PILOTE_BACKUP_KEEP", 14)))
    audit.record(job.created_by, "core.backup.created", after={"archive": result.path.name, "rows": result.rows})
    pruned = f" Supprimées (les plus anciennes) : {plural(len(removed), 'sauvegarde')}." if removed else ""
    return (
        f"Sauvegarde {result.path.name} écrite : {result.tables} tables, {format_number(result.rows, 0)} lignes, "
        f"{plural(result.files, 'fichier')}.{pruned}"
    )


def start_backup(*, actor):
    """Queue a backup for `actor` (one at a time: a second one waits for the first to end)."""
    from pilote.core.models import Job, JobStatus

    running = Job.objects.filter(kind=JOB_KIND, status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
    if any(not jobs.is_stale(job) for job in running):
        raise DomainError("Une sauvegarde est déjà en cours : attendez qu'elle se termine.")
    job = Job.objects.create(kind=JOB_KIND, created_by=actor)
    jobs.start(job, backup_job)
    return job


def archive_path(name: str) -> Path | None:
    """The archive of that name in the backups folder, or None (a name of another shape is never a path)."""
    path = backups_dir() / name
    return path if ARCHIVE_NAME.fullmatch(name) and path.is_file() else None


# --- Restore -----------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    facts: dict


def _member_name_is_safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_and_check(archive_path: Path, work: Path) -> dict:
    """Extract the archive into `work` after checking it member by member; refuse anything damaged."""
    damaged = "Archive endommagée ou incomplète : restauration refusée, rien n'a été écrit"
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest = None
            seen: set[str] = set()
            for member in archive:
                if not _member_name_is_safe(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(f"{damaged} (élément inattendu « {member.name} »).")
                if member.isdir():
                    continue
                handle = archive.extractfile(member)
                if member.name == "manifest.json":
                    try:
                        manifest = json.loads(handle.read())
                    except ValueError as error:
                        raise BackupError(f"{damaged} (manifeste illisible).") from error
                    continue
                target = work / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                seen.add(member.name)
                (work / (member.name + ".sha256")).write_text(digest.hexdigest())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{damaged} ({type(error).__name__}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{damaged} (ce n'est pas une sauvegarde de Pilote au format {FORMAT}).")
    expected = manifest.get("members", {})
    if set(expected) != seen:
        missing = sorted(set(expected) - seen)[:3]
        raise BackupError(f"{damaged} (éléments manquants ou en trop : {', '.join(missing) or 'en trop'}).")
    for name, facts in expected.items():
        if (work / (name + ".sha256")).read_text() != facts.get("sha256"):
            raise BackupError(f"{damaged} (empreinte SHA-256 différente pour « {name} »).")
    return manifest


def _instance_is_empty() -> bool:
    from pilote.core.models import Structure, User

    return not Structure.objects.exists() and not User.objects.exists()


def restore_backup(archive_path: Path, progress: Callable[[str], None] | None = None) -> RestoreResult:
    say = progress or (lambda message: None)
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Fichier introuvable : {archive_path}.")
    with tempfile.TemporaryDirectory(prefix="pilote-restore-") as tmp:
        work = Path(tmp)
        manifest = _read_and_check(archive_path, work)
        say("Archive vérifiée : toutes les empreintes SHA-256 correspondent.")
        if manifest["migrations"] != applied_migrations():
            raise BackupError(
                "Restauration refusée : la sauvegarde a été faite avec une autre version de Pilote (migrations "
                "différentes). Restaurez-la avec la version qui l'a produite."
            )
        if not _instance_is_empty():
            raise BackupError(
                "Restauration refusée : cette instance contient déjà des données (une structure ou des "
                "utilisateurs). Restaurez dans une instance neuve : base vide, `manage.py migrate`, puis `restore`."
            )
        by_label = {model._meta.label_lower: model for model in _models()}
        unknown = sorted(set(manifest["tables"]) - set(by_label))
        if unknown:
            raise BackupError(f"Restauration refusée : tables inconnues de cette version ({', '.join(unknown[:3])}).")
        rows = _load_rows(manifest, by_label, work, say)
        files = _restore_files(manifest, work)
        say(f"{files} fichiers restaurés.")
    found = table_digests()
    different = [
        label
        for label, facts in manifest["tables"].items()
        if found.get(label) != {"rows": facts["rows"], "sha256": facts["sha256"]}
    ]
    if different:
        raise BackupError(
            f"Restauration incomplète : les données de {len(different)} tables diffèrent de la sauvegarde "
            f"({', '.join(different[:3])})."
        )
    return RestoreResult(tables=len(manifest["tables"]), rows=rows, files=files, facts=manifest.get("facts", {}))


def _load_rows(manifest: dict, by_label: dict, work: Path, say: Callable[[str], None]) -> int:
    total = 0
    with transaction.atomic():
        trigger_sets = dbtriggers.registered()
        for trigger_set in trigger_sets:
            trigger_set.uninstall(connection)
        # What `migrate` wrote (content types, permissions) gives way to the archive's rows: generic relations
        # point at the archive's content type ids.
        with connection.cursor() as cursor:
            for model in reversed(list(by_label.values())):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 — model tables
        for label in manifest["tables"]:
            total += _insert_table(by_label[label], work / "data" / f"{label}.jsonl")
        say(f"{total} lignes écrites.")
        sequences = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
        for trigger_set in trigger_sets:
            trigger_set.install(connection)
        if connection.vendor == "sqlite":
            connection.check_constraints()
    return total


def _insert_table(model, path: Path) -> int:
    """Insert the rows as they were: plain INSERTs, so that no `auto_now` or `save()` rewrites a value."""
    fields = _columns(model)
    decoders = [_decoder(field) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — the model's table and columns
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    count, batch = 0, []
    with path.open("rb") as handle, connection.cursor() as cursor:
        for line in handle:
            values = json.loads(line)
            if len(values) != len(fields):
                raise BackupError(f"Restauration refusée : colonnes différentes pour {model._meta.label_lower}.")
            batch.append(
                [
                    field.get_db_prep_save(decode(value), connection)
                    for field, decode, value in zip(fields, decoders, values, strict=True)
                ]
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _restore_files(manifest: dict, work: Path) -> int:
    roots = dict(_file_roots())
    count = 0
    for name in manifest["members"]:
        parts = PurePosixPath(name).parts
        if parts[0] != "files" or len(parts) < 3 or parts[1] not in roots:
            continue
        target = roots[parts[1]].joinpath(*parts[2:])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / name, target)
        count += 1
    return count
