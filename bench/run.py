"""`make bench`: run each domain's bench on SQLite and PostgreSQL, merge the figures into bench/results.json.

Settings read DATABASE_URL once per process, so every (domain, database) pair runs in its own process
(`python -m bench.<domain>_bench --db <label>`), on a fresh database prepared here: the file
bench/bench.sqlite3 (git-ignored, kept afterwards for inspection) and the PostgreSQL database
`pilote_bench` on 127.0.0.1:5432 (created, then dropped; skipped with a note when the server does not
answer). Other top-level keys of results.json (other domains) are kept.

Options: --only sqlite|postgresql, --dry-run (do not write results.json); any other option
(e.g. --contacts 5000 --runs 5) is passed to the domain benches.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results.json"
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
PG_SERVER = os.environ.get("PILOTE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "pilote_bench"
DOMAINS = {"contacts": "bench.contacts_bench"}  # result key -> module run with `python -m`
DATABASES = ("sqlite", "postgresql")
CHILD_TIMEOUT_S = 900
LIST_BUDGET_MS = 150  # median of a list page at full size


@contextlib.contextmanager
def sqlite_database():
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    yield f"sqlite:///{SQLITE_PATH}"


@contextlib.contextmanager
def postgres_database():
    import psycopg
    from psycopg import sql

    def admin():
        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_NAME))
    with admin() as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_NAME)))
    try:
        yield f"{PG_SERVER}/{PG_NAME}"
    finally:
        with admin() as conn:
            conn.execute(drop)


def postgres_unreachable() -> str | None:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception as exc:
        return f"PostgreSQL injoignable sur {PG_SERVER} ({exc.__class__.__name__}) : mesures sautées."
    return None


def run_child(module: str, label: str, url: str, extra: list[str]) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SECRET_KEY="bench-only-not-a-secret", PYTHONHASHSEED="0")
    for name in ("DJANGO_DEBUG", "DJANGO_ENV", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    command = [sys.executable, "-m", module, "--db", label, *extra]
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=CHILD_TIMEOUT_S, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited with {completed.returncode}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine_info() -> dict:
    info = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return info


def load_results() -> dict:
    if not RESULTS.exists():
        return {}
    try:
        return json.loads(RESULTS.read_text())
    except json.JSONDecodeError as exc:  # never silently drop the other domains' figures
        raise SystemExit(f"{RESULTS} is not valid JSON ({exc}); fix or remove it, then run again.") from exc


def write_results(results: dict) -> None:
    with tempfile.NamedTemporaryFile("w", dir=BENCH_DIR, suffix=".tmp", delete=False, encoding="utf-8") as tmp:
        json.dump(results, tmp, ensure_ascii=False, indent=2)
        tmp.write("\n")
    Path(tmp.name).chmod(0o644)  # NamedTemporaryFile creates it private
    Path(tmp.name).replace(RESULTS)


def print_contacts_summary(section: dict) -> list[str]:
    """A table of the contacts figures; returns the warnings (budget exceeded, query counts growing)."""
    measured = {db: section[db] for db in DATABASES if db in section and "large" in section[db]}
    warnings = []
    if not measured:
        return warnings
    size = next(iter(measured.values()))["large"]["contacts"]
    small = next(iter(measured.values()))["small"]["contacts"]
    rows = [("", *measured)]
    pages = (
        ("list_default", "liste /contacts/"),
        ("list_filtered", "?q=lyon&tri=-cree&page=3"),
        ("list_search", "?q=dupont"),
    )
    for page, title in pages:
        rows.append(
            (
                f"{title} médiane / p95",
                *(f"{r['large'][page]['median_ms']} / {r['large'][page]['p95_ms']} ms" for r in measured.values()),
            )
        )
        rows.append(
            (
                f"  requêtes {small:,} → {size:,}",
                *(f"{r['small'][page]['queries']} → {r['large'][page]['queries']}" for r in measured.values()),
            )
        )
    for key, title in (("export_csv", "export CSV"), ("export_xlsx", "export XLSX")):
        rows.append((title, *(f"{r['large'][key]['median_ms'] / 1000:.2f} s" for r in measured.values())))
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    print(f"\ncontacts — {size:,} contacts")
    for row in rows:
        print("  " + "  ".join(str(cell).ljust(width[i]) for i, cell in enumerate(row)))
    for db, result in measured.items():
        for page, _ in pages:
            median = result["large"][page]["median_ms"]
            if median > LIST_BUDGET_MS:
                warnings.append(f"contacts/{db}: {page} median {median} ms > {LIST_BUDGET_MS} ms at {size:,} contacts")
        if not result["queries_constant"]:
            warnings.append(f"contacts/{db}: queries per list page grow with data: {result['queries_per_page']}")
    for db in DATABASES:
        if "skipped" in section.get(db, {}):
            print(f"  {db} : {section[db]['skipped']}")
    return warnings


def main() -> int:
    parser = argparse.ArgumentParser(description="Pilote benches; extra options go to the domain benches.")
    parser.add_argument("--only", choices=DATABASES)
    parser.add_argument("--dry-run", action="store_true", help="print the figures, do not write results.json")
    args, extra = parser.parse_known_args()
    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the benches' progress on stderr
    databases = [args.only] if args.only else list(DATABASES)
    pg_note = postgres_unreachable() if "postgresql" in databases else None
    if pg_note:
        print(pg_note)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    sections, failures = {}, []
    for key, module in DOMAINS.items():
        section = {}
        for db in databases:
            if db == "postgresql" and pg_note:
                section[db] = {"skipped": pg_note}
                continue
            try:
                with sqlite_database() if db == "sqlite" else postgres_database() as url:
                    section[db] = {"measured_at": now, **run_child(module, db, url, extra)}
            except Exception as exc:
                section[db] = {"error": str(exc)}
                failures.append(f"{key}/{db}: {exc}")
                print(f"ÉCHEC {key}/{db} : {exc}", file=sys.stderr)
        sections[key] = section

    warnings = print_contacts_summary(sections["contacts"])
    if not args.dry_run:
        results = load_results()
        for key, section in sections.items():  # with --only, the other database's figures are kept
            results[key] = {**results.get(key, {}), **section, "timestamp": now}
        results["machine"] = machine_info()
        results["timestamp"] = now
        write_results(results)
        print(f"\nRésultats écrits dans {os.path.relpath(RESULTS, ROOT)}")
    for warning in warnings:
        print(f"ATTENTION {warning}")
    for failure in failures:
        print(f"ÉCHEC {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
