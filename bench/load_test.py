"""Load and fault test of the cluster (issue 18 point 3): `make bench-load`, about 15 minutes.

1. The data: a PostgreSQL database `pilote_load` with the bench books (1,000,000 ledger lines, 100,000 invoices:
   `bench/load_data.py`), built once (about 30 minutes) and kept; `--rebuild` builds it again.
2. `make cluster` on it: two gunicorn application servers behind HAProxy, two workers, the scheduler.
3. locust headless (`bench/locustfile.py`): `--users` users (50) with a think time of about 5 s for
   `--duration` seconds, then the throughput ceiling: `--ceiling-users` users with no think time.
4. Faults, each while users keep working with no think time: an application server killed (every process of
   it), a background worker killed in the middle of a job, PostgreSQL restarted — errors counted, the job's
   fate read (`bench/faults.py`).
Figures (p50/p95/p99, requests per second, errors, per page and in all, the load average) go under "load" in
bench/results.json. Progress on stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402  (results.json helpers, machine facts)

PY = str(ROOT / ".venv/bin/python")
LOAD_DB = os.environ.get("PILOTE_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilote_load")
PG_ADMIN = LOAD_DB.rsplit("/", 1)[0] + "/postgres"  # the load database's server
BASE = f"http://127.0.0.1:{os.environ.get('CLUSTER_PORT', '8100')}"
P95_TARGET_MS = 150
# Users arriving per second: each signs in once (a password check, ~0.25 s of CPU by design) and keeps its session;
# an office does not sign its 50 people in within ten seconds, and the figures start once all have arrived.
SPAWN_RATE = 2


def log(message: str) -> None:
    print(f"[load {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def psql(sql: str) -> str:
    return subprocess.run(["psql", PG_ADMIN, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def cluster_env() -> dict:
    return {**os.environ, "CLUSTER_DATABASE_URL": LOAD_DB, "PILOTE_PRIVATE_ROOT": str(ROOT / "var/load/private"),
            "PILOTE_MEDIA_ROOT": str(ROOT / "var/load/media"), "PILOTE_JOBS_STALE_AFTER_S": "30"}  # fmt: skip


def ensure_data(rebuild: bool) -> dict:
    name = LOAD_DB.rsplit("/", 1)[1]
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    ready = exists and psql_in(name, "SELECT count(*) FROM sales_invoice") not in ("", "0")
    if rebuild or not ready:
        log(f"building {name} (bench/load_data.py; about 30 minutes)")
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"CREATE DATABASE {name}")
        env = {**cluster_env(), "DATABASE_URL": LOAD_DB}
        subprocess.run([PY, "-m", "bench.load_data"], cwd=ROOT, env=env, check=True)
    return {
        "ledger_lines": int(psql_in(name, "SELECT count(*) FROM ledger_entryline")),
        "invoices": int(psql_in(name, "SELECT count(*) FROM sales_invoice")),
    }


def psql_in(database: str, sql: str) -> str:
    url = LOAD_DB.rsplit("/", 1)[0] + "/" + database
    done = subprocess.run(["psql", url, "-tAc", sql], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def cluster(action: str) -> None:
    subprocess.run([str(ROOT / "bench/cluster.sh"), action], cwd=ROOT, env=cluster_env(), check=True, stdout=sys.stderr)


def healthy() -> bool:
    try:
        with urllib.request.urlopen(BASE + "/sante/", timeout=5) as response:  # noqa: S310 (local cluster)
            return response.status == 200
    except OSError:
        return False


def locust(users: int, seconds: int, think_s: float, label: str) -> dict:
    """One headless locust run; its aggregated and per-page figures."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "run"
        env = {**os.environ, "PILOTE_THINK_S": str(think_s)}
        command = [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(SPAWN_RATE),
            "-t",
            f"{seconds}s",
            "--host",
            BASE,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            "--reset-stats",
        ]  # fmt: skip (statistics start once every user has logged in)
        log(f"{label}: {users} users, think {think_s} s, {seconds} s")
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
            rows = list(csv.DictReader(stats))
        with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
            errors = [{"page": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
                      for r in csv.DictReader(failures)]  # fmt: skip

    def figures(row: dict) -> dict:
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "rps": round(float(row["Requests/s"]), 1),
        }

    total = next(row for row in rows if row["Name"] == "Aggregated")
    result = {
        "users": users,
        "think_s": think_s,
        "seconds": seconds,
        **figures(total),
        "pages": {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"},
        "errors": errors,
        "load_average": os.getloadavg(),
    }
    log(f"{label}: {result['requests']} requests, {result['failures']} failures, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, {result['rps']} req/s")  # fmt: skip
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--duration", type=int, default=180)
    parser.add_argument("--ceiling-users", type=int, default=16)
    parser.add_argument("--ceiling-duration", type=int, default=60)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--fault", action="append", help="only these faults (server_killed, worker_killed, "
                        "postgresql_restarted), without the journeys; repeatable")  # fmt: skip
    parser.add_argument("--rebuild", action="store_true", help="build the load database again")
    parser.add_argument("--dry-run", action="store_true", help="print the figures, do not write results.json")
    parser.add_argument("--save", action="store_true", help="with --fault: write those faults' figures under "
                        "load.faults in results.json (the journeys' figures are kept)")  # fmt: skip
    args = parser.parse_args()

    data = ensure_data(args.rebuild)
    log(f"data: {data}")
    try:
        cluster("start")
        locust(6, 20, 0, "warm-up")  # every server process's first pages (templates, connections)
        if args.fault:
            from bench import faults

            found = faults.run_all(base=BASE, env=cluster_env(), locust=locust, log=log, only=args.fault)
            print(json.dumps(found, ensure_ascii=False, indent=2))
            if args.save:  # each fault run replaces its own figures under load.faults, dated, with its data
                stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                results = run.load_results()
                kept = results.setdefault("load", {}).setdefault("faults", {})
                kept.update({name: {**figures, "measured_at": stamp, "data": data} for name, figures in found.items()})
                results["load"]["faults_at"] = stamp
                run.write_results(results)
            return 0
        result = {
            "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": run.machine_info(),
            "data": data,
            "target_p95_ms": P95_TARGET_MS,
            "journeys": locust(args.users, args.duration, args.think, "journeys"),
            "ceiling": locust(args.ceiling_users, args.ceiling_duration, 0, "ceiling"),
        }
        result["met"] = result["journeys"]["p95_ms"] < P95_TARGET_MS and result["journeys"]["failures"] == 0
        if not args.no_faults:
            from bench import faults

            result["faults"] = faults.run_all(base=BASE, env=cluster_env(), locust=locust, log=log)
    finally:
        cluster("stop")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.dry_run:
        results = run.load_results()
        previous = results.get("load", {})
        if "faults" not in result and "faults" in previous:  # --no-faults: the last faults run stays, dated
            dated = previous.get("faults_at") or previous.get("timestamp")
            result["faults"] = {**previous["faults"], "measured_at": dated}
        result["faults_at"] = result["faults"].get("measured_at", result["timestamp"]) if "faults" in result else None
        results["load"] = result
        run.write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
