"""What one page costs the server, for each role: `python -m bench.page_costs ROLE PATH [PATH…]` with DATABASE_URL
at a copy of the load database (`bench/load_data.py`). Through django.test.Client signed in with force_login (no
password hashing), after `--warmup` runs, the median of `--runs` runs of: the wall time, this process's CPU time
(view, templates, the driver's share of the queries; on PostgreSQL the server's own work is not in it), the number
of queries and their SQL time (CaptureQueriesContext). `--todos` also times each to-do provider and home panel of
the role apart; `--prof` prints the cProfile of one more run (`--sort`, `--top`). `--post k=v` POSTs the form
instead (each run a new write, in a transaction rolled back unless `--keep`), the redirect not followed. One JSON
document on stdout with the load average; progress and profiles on stderr. The machine may be shared: read the CPU
figure before the wall clock.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from bench import harness


class Rollback(Exception):
    pass


def measure(call, runs: int, warmup: int, *, rollback: bool) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def once():
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                if rollback:
                    with transaction.atomic():
                        result = call()
                        raise Rollback
                result = call()
            except Rollback:
                result = None
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sql = sum(float(q["time"]) for q in queries.captured_queries)
        return wall, cpu, len(queries.captured_queries), sql, result

    for _ in range(warmup):
        once()
    samples = [once() for _ in range(runs)]
    med = statistics.median
    return {
        "wall_ms": round(med(s[0] for s in samples) * 1000, 1),
        "cpu_ms": round(med(s[1] for s in samples) * 1000, 1),
        "queries": int(med(s[2] for s in samples)),
        "sql_ms": round(med(s[3] for s in samples) * 1000, 1),
    }


def profile(call, *, sort: str, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    harness.log(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("role", help="username signed in (direction, comptable, commercial…)")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--post", action="append", default=[], metavar="FIELD=VALUE")
    parser.add_argument("--keep", action="store_true", help="POST: commit each write (default: rolled back)")
    parser.add_argument("--todos", action="store_true", help="also each to-do provider and home panel apart")
    parser.add_argument("--prof", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print the queries of one run on stderr")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    stdout = harness.start_django()

    from django.test import Client

    from pilote.core.models import User

    user = User.objects.get(username=args.role)
    client = Client()
    client.force_login(user)
    data = dict(item.split("=", 1) for item in args.post)
    result = {"role": args.role, "pages": {}}
    for path in args.paths:
        rollback = bool(data) and not args.keep

        def call(path=path):
            response = client.post(path, data) if data else client.get(path)
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{path} answered {response.status_code}")
            if data and response.status_code == 200:
                raise RuntimeError(f"{path}: the form came back (refused)")
            return response

        def once(call=call, rollback=rollback):  # the --sql and --prof runs, rolled back as the measured ones
            from django.db import transaction

            try:
                with transaction.atomic():
                    call()
                    if rollback:
                        raise Rollback
            except Rollback:
                pass

        result["pages"][path] = measure(call, args.runs, args.warmup, rollback=rollback)
        harness.log(f"{args.role} {path}: {result['pages'][path]}")
        if args.sql:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                once()
            for q in queries.captured_queries:
                harness.log(f"{q['time']} {q['sql'][:400]}")
        if args.prof:
            profile(once, sort=args.sort, top=args.top)
    if args.todos:
        result["todos"] = providers(user, args)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    harness.emit(result, stdout)


def providers(user, args) -> dict:
    """Each to-do provider and home panel the user's role runs, apart (in a request made for the panels)."""
    from django.test import RequestFactory

    from pilote.core import registry
    from pilote.core.models import Structure

    request = RequestFactory().get("/")
    request.user, request.structure, request.session = user, Structure.objects.first(), {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    figures = {}
    for provider in registry._todo_providers:
        if user.can(provider.perm):
            name = getattr(provider.items, "path", None) or getattr(provider.items, "__module__", "?")
            figures[f"todo {name}"] = measure(lambda p=provider: p.items(user), args.runs, args.warmup, rollback=False)
    for panel in registry._home_panels:
        if user.can(panel.perm):
            name = getattr(panel.render, "path", None) or repr(panel.render)
            figures[f"panel {name}"] = measure(lambda p=panel: p.render(request), args.runs, args.warmup, rollback=0)
    for name, figure in sorted(figures.items(), key=lambda kv: -kv[1]["cpu_ms"]):
        harness.log(f"  {name}: {figure}")
    return figures


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
