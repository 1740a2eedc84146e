"""The aged balance before and after its oldest bucket came from each third party's open total, in one process on a
ledger the ledger bench left (`DATABASE_URL` pointing at it, migrated): `python -m bench.aged_before_after --db
sqlite`. « Before » is the former statement (copied here: every open item of the open years bucketed), « after »
`queries.aged_parties`; the pages (`/comptabilite/balance-agee/`, customers and suppliers, today and at 30/06 of
the last year) run alternately with one or the other, so the machine's load weighs the same on both. Both give the
same rows, count and totals for every sort (checked first). Also: the rows each statement has to read (the index
ranges it walks, counted) and its plan (PostgreSQL: EXPLAIN ANALYZE BUFFERS; SQLite: EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from bench import harness


def former_aged_parties(control_prefix, as_of, *, order="compte", limit=None, offset=0, payment_days=30):
    """`queries.aged_parties` as it was (ledger 0034): every `OpenItemParty` row of the accounts' open years dated by
    `as_of` bucketed, plus the straddling matchings' lines at a past date."""
    from django.db import connection
    from django.utils import timezone

    from pilote.ledger.models import Account
    from pilote.ledger.queries import (
        AGE_BUCKETS,
        AGED_ORDER,
        ZERO,
        AgedParties,
        AgedRow,
        _aged_bucket_sql,
        _straddling_matchings,
        from_cents,
    )

    postgres = connection.vendor == "postgresql"

    def day(value):
        return value if postgres else value.isoformat()

    sign = 1 if control_prefix.startswith("41") else -1
    accounts = list(Account.objects.filter(code__startswith=control_prefix).values_list("pk", flat=True))
    if not accounts:
        return AgedParties([], 0, [ZERO] * len(AGE_BUCKETS))
    marks = ", ".join(["%s"] * len(accounts))
    open_years = "SELECT id FROM ledger_fiscalyear WHERE status = 'open'"
    bucket, bucket_params = _aged_bucket_sql(as_of, payment_days, "o.expected", "o.has_due_date", day)
    parts = [
        f"SELECT o.aux_key AS aux, {bucket} AS bucket, o.debit - o.credit AS amount "  # noqa: S608
        "FROM ledger_openitemparty o "
        f"WHERE o.account_id IN ({marks}) AND o.aux_key > 0 AND o.date <= %s AND o.fiscal_year_id IN ({open_years})"
    ]
    params = [*bucket_params, *accounts, day(as_of)]
    if as_of < timezone.localdate():
        straddling, straddling_params = _straddling_matchings(as_of, accounts, day)
        bucket, bucket_params = _aged_bucket_sql(
            as_of, payment_days, "COALESCE(l.due_date, l.date)", "l.due_date IS NOT NULL", day
        )
        parts.append(
            f"SELECT l.auxiliary_id, {bucket}, l.debit - l.credit FROM ({straddling}) m "  # noqa: S608
            "JOIN ledger_matchedline ml ON ml.matching_id = m.id JOIN ledger_entryline l ON l.id = ml.line_id "
            f"WHERE l.date <= %s AND l.auxiliary_id IS NOT NULL AND l.fiscal_year_id IN ({open_years})"
        )
        params += [*bucket_params, *straddling_params, day(as_of)]
    sums = ", ".join(f"SUM(CASE WHEN bucket = {i} THEN amount ELSE 0 END) AS b{i}" for i in range(len(AGE_BUCKETS)))
    buckets = ", ".join(f"p.b{i}" for i in range(len(AGE_BUCKETS)))
    windows = ", ".join(f"SUM(p.b{i}) OVER ()" for i in range(len(AGE_BUCKETS)))
    requested = order if order.lstrip("-") in AGED_ORDER else "compte"
    direction = " DESC" if requested.startswith("-") else ""
    sort = AGED_ORDER[requested.lstrip("-")]
    page = " LIMIT %s OFFSET %s" if limit is not None else ""
    sql = (
        f"SELECT p.aux, a.code, a.label, {buckets}, COUNT(*) OVER (), {windows} FROM ("  # noqa: S608
        f"SELECT aux, {sums}, SUM(amount) AS total FROM ("  # noqa: S608
        f"SELECT aux, bucket, SUM(amount) AS amount FROM ({' UNION ALL '.join(parts)}) i GROUP BY aux, bucket"
        ") g GROUP BY aux HAVING SUM(amount) <> 0"
        f") p JOIN ledger_auxiliaryaccount a ON a.id = p.aux ORDER BY {sort}{direction}, a.code{page}"
    )
    if limit is not None:
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    n = len(AGE_BUCKETS)
    if not found:
        return AgedParties([], 0, [ZERO] * n)
    rows = [AgedRow(row[1], row[2], [from_cents(sign * int(c)) for c in row[3 : 3 + n]], row[0]) for row in found]
    return AgedParties(rows, found[0][3 + n], [from_cents(sign * int(c)) for c in found[0][4 + n :]])


def _same(prefix: str, as_of: dt.date) -> None:
    """Both statements give the same page, count and totals for every sort, and the same whole list."""
    from pilote.ledger import queries

    for order in ("compte", "-compte", "tiers", "total", "-total", "age0", "-age3", "age4", "-age4"):
        for offset in (0, 100):
            old = former_aged_parties(prefix, as_of, order=order, limit=100, offset=offset)
            new = queries.aged_parties(prefix, as_of, order=order, limit=100, offset=offset)
            assert (old.count, old.totals) == (new.count, new.totals), (prefix, as_of, order)
            assert [(r.code, r.buckets) for r in old.rows] == [(r.code, r.buckets) for r in new.rows], (prefix, order)
    old = former_aged_parties(prefix, as_of).rows
    assert [(r.code, r.buckets) for r in old] == [(r.code, r.buckets) for r in queries.aged_balance(prefix, as_of)]


def _count(sql: str, params: list) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def rows_read(prefix: str, as_of: dt.date) -> dict:
    """The open-item rows each statement walks (its index ranges, counted): before, every row of the accounts'
    third parties (the index on (account, party, …) read whole, the years and dates filtered on the way); after,
    the parties' totals of the open years, the items expected from the edge on, and those of the partial index
    (expected before their date) dated after `as_of`."""
    from django.db import connection

    from pilote.ledger.models import Account
    from pilote.ledger.queries import _oldest_edge

    def day(value):
        return value if connection.vendor == "postgresql" else value.isoformat()

    accounts = list(Account.objects.filter(code__startswith=prefix).values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(accounts))
    years = "SELECT id FROM ledger_fiscalyear WHERE status = 'open'"
    edge = _oldest_edge(as_of, 30)
    party = f"SELECT COUNT(*) FROM ledger_openitemparty WHERE account_id IN ({marks}) AND aux_key > 0"  # noqa: S608
    return {
        "before_index_range": _count(party, accounts),
        "before_kept": _count(f"{party} AND date <= %s AND fiscal_year_id IN ({years})", [*accounts, day(as_of)]),
        "after_totals": _count(
            f"SELECT COUNT(*) FROM ledger_openitempartytotal WHERE account_id IN ({marks}) AND aux_key > 0 "  # noqa: S608
            f"AND fiscal_year_id IN ({years})",
            accounts,
        ),
        "after_from_edge": _count(f"{party} AND expected >= %s", [*accounts, day(edge)]),
        "after_due_first_dated_after": _count(
            f"{party} AND expected < date AND date > %s", [*accounts, day(as_of)]
        ),  # fmt: skip
        "edge": edge.isoformat(),
    }


def plans(prefix: str, as_of: dt.date) -> dict:
    from pilote.ledger import queries

    out = {}
    for side, func in (("before", former_aged_parties), ("after", queries.aged_parties)):
        _, captured = harness.capture_call(lambda func=func: func(prefix, as_of, limit=100))
        main = max(captured, key=lambda q: len(q["sql"]))
        out[side] = {"ms": main["ms"], "plan": harness.explain(main["sql"])}
    return out


def _server_cpu_s() -> float:
    """CPU seconds used so far by this connection's server process (PostgreSQL on this machine; 0 on SQLite, whose
    work is in this process's own CPU time): a figure the load of the machine does not inflate as it does the wall
    clock. Clock ticks of /proc, so summed over many runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: PTH123, SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def page_pair(client, url: str, *, runs: int) -> dict:
    """The page with the former statement and with the new one, alternately (warm: one of each first): wall clock,
    and CPU per page of this process (view, template, SQLite's queries) and of PostgreSQL's server process."""
    from pilote.ledger import queries

    current = queries.aged_parties
    samples: dict[str, list[float]] = {"before": [], "after": []}
    cpu = {"before": [0.0, 0.0], "after": [0.0, 0.0]}
    try:
        for run in range(runs + 1):
            for side, func in (("before", former_aged_parties), ("after", current)):
                queries.aged_parties = func
                server, own = _server_cpu_s(), time.process_time()
                started = time.perf_counter()
                harness.fetch(client, url)
                if run:
                    samples[side].append(time.perf_counter() - started)
                    cpu[side][0] += time.process_time() - own
                    cpu[side][1] += _server_cpu_s() - server
        out = {}
        for side, func in (("before", former_aged_parties), ("after", current)):
            queries.aged_parties = func
            captured = harness.capture_queries(client, url)
            out[side] = {
                **harness.summarise(samples[side]),
                "cpu_ms_per_page": round(cpu[side][0] / runs * 1000, 1),
                "server_cpu_ms_per_page": round(cpu[side][1] / runs * 1000, 1),
                "queries": len(captured),
                "sql_ms": round(sum(q["ms"] for q in captured), 1),
            }
    finally:
        queries.aged_parties = current
    harness.log(f"  {url}: {out}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    stream = harness.start_django()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from pilote.core.models import User
    from pilote.ledger.models import EntryLine, FiscalYear

    year = FiscalYear.objects.order_by("-start_date").first()
    today, past = timezone.localdate(), dt.date(year.start_date.year, 6, 30)
    for prefix in ("411", "401"):
        for as_of in (today, past):
            _same(prefix, as_of)
    harness.log("  same rows, counts and totals before and after, every sort, today and at the past date")
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="comptable"))
    aged = reverse("ledger:aged-balance")
    result = {
        "database": harness.database_info(),
        "lines": EntryLine.objects.count(),
        "today": today.isoformat(),
        "load_average_before": os.getloadavg(),
        "pages": {
            name: page_pair(client, url, runs=args.runs)
            for name, url in {
                "aged_customers_today": f"{aged}?type=411",
                "aged_customers_past_date": f"{aged}?type=411&au={past:%Y-%m-%d}",
                "aged_suppliers_today": f"{aged}?type=401",
                "aged_suppliers_past_date": f"{aged}?type=401&au={past:%Y-%m-%d}",
            }.items()
        },
        "load_average_after": os.getloadavg(),
        "rows_read": {
            "customers_today": rows_read("411", today),
            "customers_past_date": rows_read("411", past),
        },
        "plans": {"customers_today": plans("411", today), "customers_past_date": plans("411", past)},
    }
    harness.emit(result, stream)


if __name__ == "__main__":
    main()
