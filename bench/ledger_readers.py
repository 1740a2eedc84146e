"""Concurrent readers of the books (issue 19 point 8): `python -m bench.ledger_readers --clients 10 --clients 30`.

On the database of DATABASE_URL (a generated ledger: `bench/load_data.py` or `ledger_bench`), as the accountant
(password PILOTE_LOAD_PASSWORD, default « charge-2026 »):

1. where a request's time goes, in this process through the test client, page by page: CPU of the whole request
   (`cpu_ms`), the queries as the driver saw them (`sql_ms`), the template rendering (`template_ms`, SQL run from
   the template included) and what is left for the view and the middleware (`python_ms` = CPU − template CPU,
   SQLite's queries included since they run in the process);
2. then gunicorn with two workers (one thread each) on --port, and each --clients count of threads that log in
   and read the common ledger pages in turn, without pause, for --seconds: requests/s, median and p95 latency.

Bounded: a fixed duration per level, the server stopped at the end (its own process only). One JSON document on
stdout with the load average at each step: on a shared machine the wall-clock figures depend on it, the CPU split
does not.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("PILOTE_LOAD_PASSWORD", "charge-2026")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGES = (
    "/comptabilite/ecritures/",
    "/comptabilite/balance/",
    "/comptabilite/balance-agee/?type=411",
    "/comptabilite/balance-agee/?type=401",
    "/comptabilite/grand-livre/?compte=512",
    "/comptabilite/ecritures/?montant=120,00",
    "/recherche/?q=4457",
)


def split_times(runs: int) -> dict:
    """Per page: medians of CPU, SQL, template and the rest (see the module's docstring)."""
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    from pilote.core.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="comptable"))
    spent = {"sql": 0.0, "template": 0.0}
    depth = [0]  # a form's widgets render through templates inside the page's: only the outermost is timed
    render = Template.render

    def timed_render(self, *args, **kwargs):
        depth[0] += 1
        started = time.process_time()
        try:
            return render(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                spent["template"] += time.process_time() - started

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    out = {}
    Template.render = timed_render
    try:
        with connection.execute_wrapper(timer):
            for page in PAGES:
                client.get(page)  # warm
                samples = []
                for _ in range(runs):
                    spent.update(sql=0.0, template=0.0)
                    started = time.process_time()
                    response = client.get(page)
                    cpu = time.process_time() - started
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {page} answered {response.status_code}")
                    samples.append((cpu, spent["sql"], spent["template"]))
                median = [statistics.median(values) * 1000 for values in zip(*samples, strict=True)]
                out[page] = {
                    "cpu_ms": round(median[0], 1),
                    "sql_ms": round(median[1], 1),
                    "template_ms": round(median[2], 1),
                    "python_ms": round(median[0] - median[2], 1),
                }
                harness.log(f"  {page}: {out[page]}")
    finally:
        Template.render = render
    return out


def _session(base: str):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/connexion/", timeout=600).read().decode()
    token = CSRF.search(page).group(1)
    data = urllib.parse.urlencode({"username": "comptable", "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(  # noqa: S310 - our own server over http
        f"{base}/connexion/", data=data.encode(), headers={"Referer": f"{base}/"}
    )
    if "/connexion/" in opener.open(request, timeout=600).geturl():
        raise RuntimeError("login refused for comptable")
    return opener


def readers(base: str, clients: int, seconds: float) -> dict:
    """`clients` threads reading PAGES in turn for `seconds`: throughput and latencies."""
    openers = [_session(base) for _ in range(clients)]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def read(opener, offset: int) -> None:
        index = offset
        while time.perf_counter() < deadline:
            page = PAGES[index % len(PAGES)]
            index += 1
            started = time.perf_counter()
            try:
                opener.open(f"{base}{page}", timeout=120).read()
            except (urllib.error.URLError, TimeoutError):
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=read, args=(opener, n)) for n, opener in enumerate(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(ordered),
        "errors": errors[0],
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1) if ordered else None,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, action="append", help="concurrent readers (repeatable; 10 and 30)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=5, help="requests per page for the in-process split")
    parser.add_argument("--port", type=int, default=8104)
    args = parser.parse_args()
    stream = harness.start_django()
    result = {"load_average_before": os.getloadavg(), "split": split_times(args.runs)}
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, constant arguments
        [str(Path(sys.executable).parent / "gunicorn"), "pilote.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", "2", "--threads", "1", "--timeout", "120"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/connexion/", timeout=60).read()  # noqa: S310 - our own server
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # booting, or its first page loading
                time.sleep(0.5)
        result["readers"] = [readers(base, clients, args.seconds) for clients in (args.clients or [10, 30])]
        for level in result["readers"]:
            harness.log(f"  {level}")
    finally:
        server.terminate()
        server.wait(timeout=600)
    harness.emit(result, stream)


if __name__ == "__main__":
    main()
