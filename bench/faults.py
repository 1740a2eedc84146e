"""Faults on the running cluster (issue 18 point 3), called by `bench/load_test.py` once the cluster is up.

Each fault happens while users keep working with no think time, and is bounded in time:
- `server_killed`: every process of application server 1 (gunicorn master and workers) killed with SIGKILL;
  HAProxy's health check takes it out within about 2 s and re-sends a request whose connection failed.
  Expected: the requests in flight on that server fail, nothing else; the other server serves the rest.
- `worker_killed`: a backup started from server 1's page (a background job), followed from server 2's with the
  same session; the worker running it killed with SIGKILL mid-way.
  Expected: no archive under its final name from the killed run (it writes `.partiel` then renames), the
  job shown as interrupted once its heartbeat has stopped for PILOTE_JOBS_STALE_AFTER_S (the load test's
  cluster runs with 30 s), then started again from server 2's « Relancer » and finished by the other worker,
  its result shown on server 1.
- `postgresql_restarted`: `pg_ctlcluster … restart` (fast shutdown: sessions cut). A request whose query was
  running when its session was cut fails (in flight: the French 503 with Retry-After, core.errors, not a 500); a
  request that opens its connection while the server restarts waits for it (pilote/core/db/postgresql, up to
  PILOTE_DB_CONNECT_WAIT seconds) and is then served: expected, the in-flight requests only.
Server 1 is started again after its fault (the cluster script's command line), so each fault starts whole.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from bench.load_common import CSRF, PASSWORD

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "var/cluster"
PY = str(ROOT / ".venv/bin/python")
STALE_S = 30


def _pid(name: str) -> int:
    return int((DIR / f"{name}.pid").read_text())


def _tree(pid: int) -> list[int]:
    """The process and its descendants."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _kill_tree(pid: int) -> int:
    pids = _tree(pid)
    for each in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)
    return len(pids)


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/sante/", timeout=5) as response:  # noqa: S310 (local cluster)
            return response.status == 200
    except OSError:
        return False


def _manage(env: dict, code: str) -> str:
    env = {**env, "DATABASE_URL": env["CLUSTER_DATABASE_URL"]}
    command = [PY, "manage.py", "shell", "-v", "0", "-c", code]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def _restart_server1(env: dict, port: int) -> None:
    log_file = open(DIR / "server1.log", "a")  # noqa: SIM115 (kept open by the child)
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "pilote.wsgi", "--bind", f"127.0.0.1:{port + 1}", "--workers", "2",
         "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "10"],  # fmt: skip
        cwd=ROOT, env={**env, "DATABASE_URL": env["CLUSTER_DATABASE_URL"]}, stdout=log_file, stderr=log_file,
        start_new_session=True,
    )  # fmt: skip
    (DIR / "server1.pid").write_text(str(process.pid))


def server_killed(*, base: str, env: dict, locust, log) -> dict:
    killed: dict = {}

    def kill():
        killed["processes"] = _kill_tree(_pid("server1"))
        killed["at_s"] = 15
        log(f"server 1 killed ({killed['processes']} processes)")

    timer = threading.Timer(15, kill)
    timer.start()
    result = locust(12, 45, 0, "server killed at 15 s")
    timer.join()
    port = int(base.rsplit(":", 1)[1])
    _restart_server1(env, port)
    for _ in range(120):
        if _up(f"http://127.0.0.1:{port + 1}"):
            break
        time.sleep(0.5)
    return {**killed, "requests": result["requests"], "failures": result["failures"], "errors": result["errors"],
            "p95_ms": result["p95_ms"]}  # fmt: skip


def _login(base: str, username: str = "direction"):
    import requests

    session = requests.Session()
    page = session.get(base + "/connexion/", timeout=30)
    token = CSRF.search(page.text).group(1)
    session.post(base + "/connexion/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                 headers={"Referer": base + "/connexion/"}, timeout=30)  # fmt: skip
    return session


def _post(session, url: str):
    return session.post(url, data={"csrfmiddlewaretoken": session.cookies.get("csrftoken")},
                        headers={"Referer": url}, timeout=60)  # fmt: skip


def worker_killed(*, base: str, env: dict, locust, log) -> dict:
    """Started from server 1's page, followed and started again from server 2's: one session, two servers."""
    port = int(base.rsplit(":", 1)[1])
    server1, server2 = f"http://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port + 2}"
    session = _login(server1)
    _post(session, server1 + "/sauvegardes/lancer/")
    job_id = int(
        _manage(env, "from pilote.core.models import Job; print(Job.objects.filter(kind='core.backup').first().pk)")
    )
    log(f"backup job {job_id} started from server 1")
    worker = ""
    for _ in range(240):
        worker = _manage(env, (
            "from django_tasks_db.models import DBTaskResult;"
            "r = DBTaskResult.objects.filter(status='RUNNING').order_by('-enqueued_at').first();"
            "print(r.worker_ids[-1] if r else '')"
        ))  # fmt: skip
        if worker:
            break
        time.sleep(0.5)
    if not worker:
        raise RuntimeError("no worker took the backup job")
    followed_running = "en cours" in session.get(server2 + "/sauvegardes/", timeout=30).text
    time.sleep(3)  # mid-way: the backup of the load database takes minutes
    name = "worker1" if worker.endswith("1") else "worker2"
    killed = _kill_tree(_pid(name))
    log(f"{name} ({worker}) killed mid-job ({killed} processes)")
    backups = ROOT / "var/load/private/backups"
    finals_after_kill = sorted(p.name for p in backups.glob("pilote-*.tar.gz")) if backups.is_dir() else []
    interrupted_after = None
    started = time.monotonic()
    while time.monotonic() - started < STALE_S * 3:
        if "interrompue" in session.get(server2 + "/sauvegardes/", timeout=30).text:
            interrupted_after = round(time.monotonic() - started)
            break
        time.sleep(2)
    log(f"server 2 shows the job interrupted after {interrupted_after} s; « Relancer » from server 2")
    _post(session, f"{server2}/traitements/{job_id}/relancer/")
    started = time.monotonic()
    final = ""
    while time.monotonic() - started < 900:
        final = _manage(env, f"from pilote.core.models import Job; print(Job.objects.get(pk={job_id}).status)")
        if final not in ("queued", "running"):
            break
        time.sleep(5)
    shown_on_server1 = "écrite" in session.get(server1 + "/sauvegardes/", timeout=30).text
    finals = sorted(p.name for p in backups.glob("pilote-*.tar.gz")) if backups.is_dir() else []
    # The killed worker is started again for the next fault.
    log_file = open(DIR / f"{name}.log", "a")  # noqa: SIM115
    process = subprocess.Popen([PY, "manage.py", "db_worker", "--interval", "1", "--worker-id", worker],
                               cwd=ROOT, env={**env, "DATABASE_URL": env["CLUSTER_DATABASE_URL"]}, stdout=log_file,
                               stderr=log_file, start_new_session=True)  # fmt: skip
    (DIR / f"{name}.pid").write_text(str(process.pid))
    return {
        "job": job_id,
        "killed_worker": worker,
        "followed_running_on_server2": followed_running,
        "archives_under_final_name_after_kill": finals_after_kill,
        "shown_interrupted_on_server2_after_s": interrupted_after,
        "final_status": final,
        "retry_seconds": round(time.monotonic() - started),
        "result_shown_on_server1": shown_on_server1,
        "archives_at_end": finals,
        "ok": final == "done" and len(finals) == len(finals_after_kill) + 1 and shown_on_server1,
    }


def postgresql_restarted(*, base: str, env: dict, locust, log) -> dict:
    # The Debian cluster serving the load database: `main` (5432) unless PILOTE_FAULTS_PG_CLUSTER names another
    # (e.g. a cluster of its own on 5433, so that the restart does not cut other users of the machine's server).
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    name = os.environ.get("PILOTE_FAULTS_PG_CLUSTER", "main")
    timing: dict = {"cluster": f"{version}/{name}"}

    def restart():
        started = time.monotonic()
        subprocess.run(["pg_ctlcluster", version, name, "restart", "-m", "fast"], check=True)
        timing["restart_s"] = round(time.monotonic() - started, 1)
        log(f"PostgreSQL {version} restarted in {timing['restart_s']} s")

    timer = threading.Timer(15, restart)
    timer.start()
    result = locust(12, 45, 0, "PostgreSQL restarted at 15 s")
    timer.join()
    return {**timing, "requests": result["requests"], "failures": result["failures"], "errors": result["errors"],
            "up_after": _up(base)}  # fmt: skip


def run_all(*, base: str, env: dict, locust, log, only: list[str] | None = None) -> dict:
    out = {}
    for fault in (server_killed, worker_killed, postgresql_restarted):
        if only and fault.__name__ not in only:
            continue
        log(f"fault: {fault.__name__}")
        try:
            out[fault.__name__] = fault(base=base, env=env, locust=locust, log=log)
        except Exception as exc:  # a fault script that breaks is a finding, not a crash of the bench
            out[fault.__name__] = {"error": repr(exc)[:500]}
        log(f"{fault.__name__}: {out[fault.__name__]}")
    return out
