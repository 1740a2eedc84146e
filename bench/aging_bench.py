"""What the kept aged balances cost the writers: `python -m bench.aging_bench --db postgresql`.

Since session 19 every posting or lettering that moves a customer's or supplier's open items adds its delta to the
kept aged balances in the same transaction (`aging.record`, called by `open_items.apply`: one read of the state
row — FOR SHARE on PostgreSQL — and one upsert). This bench times a writer's three steps on one customer — a sale
posted 40 days ago (411 with its auxiliary, 706, 44571), its receipt today (512, 411) and the two lines lettered — from
the call to the commit, with `aging.record` as it is and replaced by a no-op, alternately block after block so that
the machine's load weighs on both alike. It reports each step's median and p95 both ways, the difference of the
medians, and the queries each step runs both ways.

DATABASE_URL must point at an empty database. It prints progress on stderr and one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from decimal import Decimal

from bench import harness

STEPS = ("sale", "receipt", "lettering")


def timed(step: str, func, timings: dict[str, list[float]]):
    began = time.perf_counter()
    result = func()
    timings[step].append(time.perf_counter() - began)
    return result


def counted(step: str, func, counts: dict[str, int]):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = func()
    counts[step] = sum(1 for query in captured.captured_queries if query["sql"] not in ("BEGIN", "COMMIT"))
    return result


def run_block(books, customer, day: dt.date, first: int, count: int, measure) -> None:
    """`count` sales, receipts and letterings of `customer`, each step passed to `measure(step, func)`."""
    from pilote.ledger import lettering
    from pilote.ledger import services as ledger

    accounts, journals, actor = books.accounts, books.journals, books.actor
    # Sold 40 days before it is paid: the invoice is in the « 1 to 30 days late » bucket, its receipt not due, so
    # the lettering moves two buckets (an upsert), as most letterings do.
    sold = day - dt.timedelta(days=40)
    for n in range(first, first + count):
        amount = Decimal(100 + n % 900) + Decimal(n % 100) / 100
        vat = (amount * Decimal("0.2")).quantize(Decimal("0.01"))
        sale = measure("sale", lambda n=n, amount=amount, vat=vat: ledger.create_entry(
            actor=actor, journal=journals["VT"], date=sold, label=f"Facture {n}", piece_ref=f"FA{n:07d}", post=True,
            lines=[
                ledger.LineInput(
                    account=accounts["411"], auxiliary=customer, debit=amount + vat, reference=f"FA{n:07d}"
                ),
                ledger.LineInput(account=accounts["706"], credit=amount),
                ledger.LineInput(account=accounts["44571"], credit=vat),
            ],
        ))  # fmt: skip
        receipt = measure("receipt", lambda n=n, amount=amount, vat=vat: ledger.create_entry(
            actor=actor, journal=journals["BQ"], date=day, label=f"Règlement {n}", piece_ref=f"RG{n:07d}", post=True,
            lines=[
                ledger.LineInput(account=accounts["512"], debit=amount + vat),
                ledger.LineInput(
                    account=accounts["411"], auxiliary=customer, credit=amount + vat, reference=f"FA{n:07d}"
                ),
            ],
        ))  # fmt: skip
        lines = [line for entry in (sale, receipt) for line in entry.lines.all() if line.auxiliary_id == customer.pk]
        measure("lettering", lambda lines=lines: lettering.letter_lines(actor=actor, lines=lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--blocks", type=int, default=10, help="blocks each way, alternated")
    parser.add_argument("--per-block", type=int, default=20, help="sales, receipts and letterings per block")
    args = parser.parse_args()
    result_stream = harness.start_django()

    import django

    from bench.ledger_bench import setup_books
    from pilote.ledger import aging
    from pilote.lib.dates import local_today

    harness.log(f"[aging/{args.db}] migrate, chart, years, auxiliary accounts")
    books = setup_books()
    day = local_today()
    customer = books.customers[0]
    kept = aging.record

    def without(_parties) -> None:
        return None

    aging.bring_to(day)  # the kept rows at today, as after the first aged balance of the day or the nightly task
    timings = {mode: {step: [] for step in STEPS} for mode in ("with", "without")}
    counts = {mode: {} for mode in ("with", "without")}
    number = 0
    for mode in ("with", "without"):  # warm-up, untimed; then the queries of each step, each way
        aging.record = kept if mode == "with" else without
        run_block(books, customer, day, number, 3, lambda step, func: func())
        run_block(books, customer, day, number + 3, 1, lambda step, func, mode=mode: counted(step, func, counts[mode]))
        number += 4
    load_before = round(os.getloadavg()[0], 2)
    for block in range(2 * args.blocks):
        mode = ("with", "without")[block % 2]
        aging.record = kept if mode == "with" else without
        run_block(books, customer, day, number, args.per_block,
                  lambda step, func, mode=mode: timed(step, func, timings[mode]))  # fmt: skip
        number += args.per_block
        harness.log(f"  block {block + 1}/{2 * args.blocks} ({mode})")
    aging.record = kept
    steps = {}
    for step in STEPS:
        with_, without_ = harness.summarise(timings["with"][step]), harness.summarise(timings["without"][step])
        steps[step] = {
            "with_record": with_,
            "without_record": without_,
            "median_cost_ms": round(with_["median_ms"] - without_["median_ms"], 2),
            "queries": {"with_record": counts["with"][step], "without_record": counts["without"][step]},
        }
    harness.emit(
        {
            "database": harness.database_info(),
            "django": django.get_version(),
            "params": {key: value for key, value in vars(args).items() if key != "db"},
            "load_average_1min": {"before": load_before, "after": round(os.getloadavg()[0], 2)},
            "steps": steps,
        },
        result_stream,
    )


if __name__ == "__main__":
    main()
