"""Helpers shared by the per-domain benches: Django start-up, timings, query capture, query plans.

A domain bench runs in its own process (`python -m bench.<domain>_bench --db sqlite`) because settings
read DATABASE_URL once; it prints progress on stderr and one JSON document on stdout.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable

SLOW_QUERY_PLANS = 2  # query plans kept for the slowest queries of each measured page


def start_django():
    """Configure Django from the environment; stdout is kept for the JSON result only."""
    result_stream = sys.stdout
    sys.stdout = sys.stderr  # migrate, print() and friends must not pollute the JSON on stdout
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilote.settings")
    import django

    django.setup()
    return result_stream


def emit(result: dict, stream) -> None:
    stream.write(json.dumps(result, ensure_ascii=False))
    stream.write("\n")
    stream.flush()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summarise(samples_s: list[float]) -> dict:
    """Median and p95 (nearest rank) in milliseconds."""
    ordered = sorted(samples_s)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def fetch(client, url: str) -> tuple[float, bytes, object]:
    """GET `url` and read the whole body (streamed or not); returns (seconds, body, response)."""
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return time.perf_counter() - started, body, response


def time_page(client, url: str, *, warmup: int, runs: int, check: Callable[[bytes], None] | None = None) -> dict:
    """Wall-clock median and p95, and the median CPU time of this process (`cpu_median_ms`: view, template and, on
    SQLite, the queries; on PostgreSQL the server's share is not in it) — the figure that a loaded machine shared
    with other work does not inflate as it does the wall clock."""
    for _ in range(warmup):
        _, body, _ = fetch(client, url)
        if check:
            check(body)
    walls, cpus = [], []
    for _ in range(runs):
        cpu = time.process_time()
        walls.append(fetch(client, url)[0])
        cpus.append(time.process_time() - cpu)
    return {**summarise(walls), "cpu_median_ms": round(sorted(cpus)[len(cpus) // 2] * 1000, 1)}


def capture_queries(client, url: str) -> list[dict]:
    """The SQL run by one GET of `url` (body consumed), with each query's time measured around the driver call
    (CaptureQueriesContext gives the SQL with its parameters, but its times are rounded to the millisecond)."""
    return capture_call(lambda: fetch(client, url))[1]


def capture_call(func: Callable[[], object]) -> tuple[object, list[dict]]:
    """Call `func` and return its result with the SQL it ran, each query timed around the driver call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append(time.perf_counter() - started)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        result = func()
    # Django logs BEGIN, COMMIT and ROLLBACK among the queries too (a page's own transaction: the aged balance's
    # statement on PostgreSQL); they go through no cursor, so no wrapper timed them: left out.
    executed = [query for query in captured.captured_queries if query["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")]
    return result, [
        {"ms": round(seconds * 1000, 2), "sql": query["sql"]}
        for seconds, query in zip(durations, executed, strict=True)
    ]


def explain(sql: str) -> list[str]:
    """The plan of an already-interpolated SELECT, as the database reports it (PostgreSQL: with actual rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [f"{row[0]}|{row[1]}| {row[3]}" for row in cursor.fetchall()]


def slowest_with_plans(queries: list[dict], keep: int = SLOW_QUERY_PLANS) -> list[dict]:
    slowest = sorted(queries, key=lambda q: q["ms"], reverse=True)[:keep]
    out = []
    for query in slowest:
        entry = {"ms": query["ms"], "sql": query["sql"]}
        if query["sql"].lstrip().upper().startswith("SELECT"):
            try:
                entry["plan"] = explain(query["sql"])
            except Exception as exc:  # a plan is a diagnostic: never fail the bench for it
                entry["plan_error"] = str(exc)
        out.append(entry)
    return out


def database_info() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version}


def max_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
