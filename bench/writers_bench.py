"""Concurrent writers bench, one database per process: `python -m bench.writers_bench --db postgresql`.

Eight writers at once on PostgreSQL, each in its own process (a process, not a thread: rendering a PDF holds
Python's GIL, which would slow the other writers for a reason that is not the database's): `--issuers`
processes issue invoices (3 lines each, the Factur-X PDF rendered and archived, the VT entry posted) while
`--posters` processes post small two-line entries (journal OD), one every `--period` ms each, until the
issuers are done. Each operation is timed from the call to the commit; the figures are the median, p95 and max
of every issue and every posting, and of the same operations alone (one writer, nobody else) for reference,
with the machine's load average (other work on the machine weighs on every figure). One invoice is issued, untimed,
before the writers are forked (`warm_up`), so that no writer's figures include a process's first PDF.

Issuing renders the PDF: while it held the ledger's chain lock, every posting waited for the PDF (issue 17
point 11: issue p95 11 s, a 10 ms posting up to 1.8 s). Targets: issue p95 under 1 s, posting p95 under
100 ms. SQLite takes one writer at a time for the whole database, so the bench measures PostgreSQL only.
bench/results.json keeps beside them (writers.postgresql_before_fix) the figures of the code that rendered
under the lock, measured the same way just before, under the same load.

DATABASE_URL must point at an empty database (bench/run.py prepares it). It prints progress on stderr and
one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import time
from decimal import Decimal

from bench import harness

ISSUE_P95_TARGET_MS = 1000
POSTING_P95_TARGET_MS = 100
STRUCTURE = {
    "type": "company",
    "legal_name": "Lumen Bureautique SAS",
    "legal_form": "SAS",
    "siren": "912345675",
    "siret": "91234567500017",
    "vat_number": "FR65912345675",
    "rcs_city": "Lyon",
    "share_capital": Decimal("50000.00"),
    "address_line1": "12 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
}


def setup(args, day: dt.date) -> None:
    """Migrate; the structure and its books, a customer, three articles, the drafts each issuer will issue."""
    from django.core.management import call_command

    from pilote.catalog.models import Product
    from pilote.contacts import services as contacts
    from pilote.core import services
    from pilote.core.roles import Role
    from pilote.ledger import services as ledger
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    call_command("migrate", interactive=False, verbosity=0)
    year = {"fiscal_year_start": day.replace(month=1, day=1), "fiscal_year_end": day.replace(month=12, day=31)}
    structure = services.create_structure(actor=None, **STRUCTURE, **year)
    ledger.initialise_books(structure=structure, actor=None)
    user = services.create_user(actor=None, username="commercial", role=Role.COMMERCIAL, password="x", validate=False)
    customer = contacts.create_contact(
        actor=user, kind="organisation", name="Boulangerie Martin", legal_form="SARL", is_customer=True,
        siren="732829320", vat_number="FR44732829320", address_line1="3 place du Marché", postal_code="38000",
        city="Grenoble",
    )  # fmt: skip
    products = [
        Product.objects.create(reference="CH-01", name="Chaise de bureau", unit_price=Decimal("149.90")),
        Product.objects.create(reference="BU-01", name="Bureau assis-debout", unit_price=Decimal("489.00")),
        Product.objects.create(reference="LA-01", name="Lampe de bureau", unit_price=Decimal("39.90")),
    ]
    lines = [LineSpec.from_product(product, Decimal(n + 1)) for n, product in enumerate(products)]
    for worker in range(args.issuers + 1):  # the last series is issued alone, for reference
        for _ in range(args.invoices):
            sales.create_invoice(actor=user, customer=customer, date=day, lines=lines, notes=f"w{worker}")
    sales.create_invoice(actor=user, customer=customer, date=day, lines=lines, notes="warm-up")


def warm_up() -> None:
    """Issue one invoice, untimed, in the process the writers are forked from: the first PDF of a process pays
    one-off costs (WeasyPrint's fonts and stylesheets, factur-x's schemas) that a server process pays once at its
    first invoice, not at each; forked after it, every writer starts warm, as gunicorn's preloaded workers do."""
    from pilote.core.models import User
    from pilote.sales import issuing
    from pilote.sales.models import Invoice

    draft = Invoice.objects.get(status="draft", notes="warm-up")
    issuing.issue_invoice(actor=User.objects.get(username="commercial"), invoice=draft)


def post_small_entry(actor, day: dt.date, n: int) -> None:
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    accounts = {a.code: a for a in Account.objects.filter(code__in=("512", "6064"))}
    ledger.create_entry(
        actor=actor,
        journal=Journal.objects.get(code="OD"),
        date=day,
        label=f"Fournitures {n}",
        lines=[
            ledger.LineInput(account=accounts["6064"], debit=Decimal("12.50"), credit=Decimal(0), label="Fournitures"),
            ledger.LineInput(account=accounts["512"], debit=Decimal(0), credit=Decimal("12.50"), label="Fournitures"),
        ],
        post=True,
    )


def issuer(worker: int, results, start) -> None:
    from django.db import connections

    from pilote.core.models import User
    from pilote.sales import issuing
    from pilote.sales.models import Invoice

    connections.close_all()  # a connection of this process's own
    actor = User.objects.get(username="commercial")
    drafts = list(Invoice.objects.filter(status="draft", notes=f"w{worker}").order_by("pk"))
    start.wait()
    samples = []
    for draft in drafts:
        began = time.perf_counter()
        issuing.issue_invoice(actor=actor, invoice=draft)
        samples.append(time.perf_counter() - began)
    results.put(("issue", samples))
    connections.close_all()


def poster(worker: int, day: dt.date, results, start, done, minimum: int, period_s: float) -> None:
    from django.db import connections

    from pilote.core.models import User

    connections.close_all()
    actor = User.objects.get(username="commercial")
    start.wait()
    samples = []
    while not done.is_set() or len(samples) < minimum:
        began = time.perf_counter()
        post_small_entry(actor, day, worker * 100_000 + len(samples))
        samples.append(time.perf_counter() - began)
        # One posting per period (a user's or an import's pace): a loop posting as fast as it can would measure
        # how the machine's cores are shared, not how long a posting waits for the ledger's lock.
        time.sleep(max(0.0, period_s - (time.perf_counter() - began)))
    results.put(("posting", samples))
    connections.close_all()


def concurrent_run(args, day: dt.date) -> dict:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results, done = context.Queue(), context.Event()
    start = context.Barrier(args.issuers + args.posters)
    issuers = [context.Process(target=issuer, args=(n, results, start)) for n in range(args.issuers)]
    posters = [
        context.Process(target=poster, args=(n, day, results, start, done, args.postings, args.period / 1000))
        for n in range(args.posters)
    ]
    began = time.perf_counter()
    for process in issuers + posters:
        process.start()
    samples: dict[str, list[float]] = {"issue": [], "posting": []}
    for _ in issuers:
        kind, values = results.get(timeout=1800)
        samples[kind] += values
    done.set()
    for _ in posters:
        kind, values = results.get(timeout=600)
        samples[kind] += values
    for process in issuers + posters:
        process.join(timeout=60)
        if process.exitcode != 0:
            raise RuntimeError(f"a writer exited with {process.exitcode}")
    return {
        "wall_s": round(time.perf_counter() - began, 1),
        "issue": harness.summarise(samples["issue"]),
        "posting": harness.summarise(samples["posting"]),
    }


def alone(args, day: dt.date) -> dict:
    """The same operations one at a time, nobody else writing."""
    from pilote.core.models import User
    from pilote.sales import issuing
    from pilote.sales.models import Invoice

    actor = User.objects.get(username="commercial")
    issues, postings = [], []
    for draft in Invoice.objects.filter(status="draft", notes=f"w{args.issuers}").order_by("pk"):
        began = time.perf_counter()
        issuing.issue_invoice(actor=actor, invoice=draft)
        issues.append(time.perf_counter() - began)
    for n in range(args.postings):
        began = time.perf_counter()
        post_small_entry(actor, day, 900_000 + n)
        postings.append(time.perf_counter() - began)
    return {"issue": harness.summarise(issues), "posting": harness.summarise(postings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--issuers", type=int, default=4, help="processes issuing invoices")
    parser.add_argument("--posters", type=int, default=4, help="processes posting small entries")
    parser.add_argument("--invoices", type=int, default=10, help="invoices each issuer issues")
    parser.add_argument("--postings", type=int, default=20, help="at least this many postings per poster")
    parser.add_argument("--period", type=int, default=250, help="each poster posts once every PERIOD ms")
    args = parser.parse_args()
    result_stream = harness.start_django()

    import django
    from django.db import connection

    from pilote.lib.dates import local_today

    if connection.vendor != "postgresql":
        skipped = "SQLite n'admet qu'un écrivain à la fois : mesuré sur PostgreSQL seulement."
        harness.emit({"skipped": skipped}, result_stream)
        return
    day = local_today()
    harness.log(f"[writers/{args.db}] migrate, structure, books, drafts")
    setup(args, day)
    warm_up()
    load_before = round(os.getloadavg()[0], 1)  # other work on the machine weighs on every figure
    harness.log(f"[writers/{args.db}] {args.issuers} issuers × {args.invoices} invoices, {args.posters} posters")
    concurrent = concurrent_run(args, day)
    harness.log(f"[writers/{args.db}] the same operations alone")
    reference = alone(args, day)
    harness.emit(
        {
            "database": harness.database_info(),
            "django": django.get_version(),
            "params": {key: value for key, value in vars(args).items() if key != "db"},
            "targets": {"issue_p95_ms_below": ISSUE_P95_TARGET_MS, "posting_p95_ms_below": POSTING_P95_TARGET_MS},
            "load_average_1min": {"before": load_before, "after": round(os.getloadavg()[0], 1)},
            "concurrent": concurrent,
            "alone": reference,
            "met": concurrent["issue"]["p95_ms"] < ISSUE_P95_TARGET_MS
            and concurrent["posting"]["p95_ms"] < POSTING_P95_TARGET_MS,
        },
        result_stream,
    )


if __name__ == "__main__":
    main()
