"""Ledger bench, one database per process: `python -m bench.ledger_bench --db sqlite [--lines 50000]`.

DATABASE_URL must point at an empty database (bench/run.py prepares it). The process migrates, installs the
PCG, opens the fiscal years 2024, 2025 and 2026, creates 2,000 customer (411) and 300 supplier (401)
auxiliary accounts, then generates `--lines` posted lines deterministically, day by day, through
`pilote.ledger.batch.post_many` in batches of `--batch` entries (numbering, hash chain and aggregates kept
as in production): sales invoices and credit notes (411 aux / 706-707 / 44571), purchases (6xx / 44566 /
401 aux), customer receipts and supplier payments (512 / 411-401 aux), one payroll OD per employee and
month (641 / 645 / 421 / 431) with the salary and URSSAF transfers, the monthly VAT return and its
payment, rent and bank fees, and an à-nouveaux entry opening each year (the carry forward of the previous
year from 2025 on). Business grows by 10 % a year, so the last year is the biggest: every measure is
taken on it.

Then, on a warm process, medians and p95 of `--runs` calls: the trial balance (`queries.trial_balance`),
general-ledger pages (`queries.general_ledger`) of the biggest account at its first, middle and last page,
of a small account and of the biggest auxiliary account; the FEC export of the year streamed
(`fec.iter_fec_bytes`, when pilote/ledger/fec.py is importable); the FEC import of that export into an
empty database, for the à-nouveaux entry alone (the largest entry), for half of the entries and for the
whole year, each in its own process (`bench/fec_import_bench.py`: lines/s and peak memory, which must not
grow with the number of entries; `--no-fec-import` skips it); after the lettering, the pages of issue 11 as
direction (home page and its tiles, dashboard, diagnosis, functional balance sheet, break-even, 13-week and
12-month cash plans: wall and CPU time, queries, SQL time); the checks of `verify_ledger`
(informative, `--verify-runs` runs). With `--tools`, the same ledger is written as a plain-text journal
read by both ledger-cli and hledger, and `ledger balance` / `hledger balance` of the year are timed (the
figures then go under "tools" and are compared with the trial balance by bench/run.py).

`--measure-only --commands-only` times `manage.py trial_balance` (`--runs` times) and `manage.py fec_export` alone on
a ledger generated earlier, as whole processes: wall clock and the child's CPU time (what a loaded machine does not
inflate), the export's SHA-256 (compared before and after a change).

`--finance-pages-only` times the pages of issue 11 alone (`measure_finance_pages`) on any database that already holds
books — the load database `bench/load_data.py` builds, or a copy of it —, without generating, lettering nor vacuuming:
a minute instead of the whole run; `--save` merges the figures into bench/results.json under `finance_pages`.

PostgreSQL is measured after VACUUM ANALYZE (autovacuum's steady state after a load); SQLite as Pilote
leaves it in production, without ANALYZE statistics. Progress goes to stderr, one JSON document to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import heapq
import io
import itertools
import json
import math
import os
import pstats
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench import harness
from bench.contacts_bench import ACTIVITIES, FORMS, LAST_NAMES, PLACES

SEED = 20261201
YEARS = (2024, 2025, 2026)
FIRST_DAY, LAST_DAY = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
CUSTOMERS, SUPPLIERS, EMPLOYEES = 2000, 300, 120
TREND = {2024: 0.9, 2025: 1.0, 2026: 1.1}  # activity per year: the last year is the biggest
MONTH_FACTOR = (0.9, 0.95, 1.05, 1.0, 0.95, 1.05, 0.9, 0.55, 1.05, 1.1, 1.1, 1.2)
SALES_SHARE, CREDIT_NOTE_SHARE = 0.78, 0.02
VAT_RATES = ((2000, 0.9), (1000, 0.07), (550, 0.03))  # basis points, weight
EXPENSES = (
    ("607", 40),
    ("606", 8),
    ("6061", 6),
    ("6063", 6),
    ("6064", 8),
    ("615", 6),
    ("616", 2),
    ("6226", 6),
    ("625", 10),
    ("626", 8),
)
ACCOUNT_CODES = sorted(
    {code for code, _ in EXPENSES}
    | {"101", "106", "120", "129", "164", "2183", "401", "411", "421", "431", "44551", "44566", "44567", "44571"}
    | {"512", "613", "627", "641", "645", "706", "707"}
)
TARGET_TB_MS = 100
TARGET_FINANCE_MS = 100  # issue 11: finance pages and the dashboard under 100 ms on the bench ledger
TARGET_GL_MS = 100
TARGET_FEC_LINES_S = 200_000
TARGET_FEC_IMPORT_LINES_S = 20_000
TARGET_PAGE_MS = 100  # issue 19: aged balances, entries list, lettering page under 100 ms at any size
TARGET_SEARCH_MS = 50  # issue 19: the global search finds accounts, third parties, pieces and amounts
# FEC import: the year's file cut after this share of its entries — the largest entry (the à-nouveaux,
# first in the file) always kept —, so memory is compared at the same largest entry, different entry counts.
IMPORT_ENTRY_SHARES = (0.0, 0.5, 1.0)
MEMORY_MEASURE = (
    "peak resident memory (VmHWM, reset through /proc/self/clear_refs) of the import process above its RSS "
    "before validate_fec, one process per file"
)
JOURNAL_COMMODITY = "EUR"


def eur(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclass
class YearStart:
    """Marker yielded on 1 January of the second and later years: the caller posts the carry forward."""

    year: int


@dataclass
class Books:
    accounts: dict
    journals: dict
    customers: list
    suppliers: list
    years: dict
    actor: object


def setup_books() -> Books:
    """Migrate, the structure, an accountant, the PCG, the fiscal years and the auxiliary accounts."""
    from django.core.management import call_command

    from pilote.core import services as core_services
    from pilote.core.demo import DEMO_STRUCTURE
    from pilote.core.roles import Role
    from pilote.ledger import services
    from pilote.ledger.models import Account, AuxiliaryAccount, Journal

    call_command("migrate", interactive=False, verbosity=0)
    structure = {**DEMO_STRUCTURE, "fiscal_year_start": FIRST_DAY, "fiscal_year_end": dt.date(YEARS[0], 12, 31)}
    core_services.create_structure(actor=None, **structure)
    actor = core_services.create_user(
        actor=None,
        username="comptable",
        role=Role.COMPTABLE,
        password="bench-comptable-2026",
        validate=False,
        first_name="Paul",
        last_name="Garnier",
    )
    services.install_chart(actor=actor, kind="company")
    years = {
        year: services.open_fiscal_year(actor=actor, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31))
        for year in YEARS
    }
    accounts = {a.code: a for a in Account.objects.filter(code__in=ACCOUNT_CODES)}
    missing = set(ACCOUNT_CODES) - set(accounts)
    if missing:
        raise RuntimeError(f"accounts missing from the chart: {sorted(missing)}")
    names = random.Random(SEED - 1)

    def name() -> str:
        if names.random() < 0.5:
            return f"{names.choice(ACTIVITIES)} {names.choice(LAST_NAMES)} {names.choice(FORMS)}"
        return f"{names.choice(ACTIVITIES)} {names.choice(PLACES)}"

    AuxiliaryAccount.objects.bulk_create(
        [
            *(
                AuxiliaryAccount(code=f"C{n:06d}", label=name(), control_account=accounts["411"])
                for n in range(1, 1 + CUSTOMERS)
            ),
            *(
                AuxiliaryAccount(code=f"F{n:06d}", label=name(), control_account=accounts["401"])
                for n in range(1, 1 + SUPPLIERS)
            ),
        ]
    )
    auxiliaries = list(AuxiliaryAccount.objects.order_by("code"))
    return Books(
        accounts=accounts,
        journals={journal.code: journal for journal in Journal.objects.all()},
        customers=[aux for aux in auxiliaries if aux.code.startswith("C")],
        suppliers=[aux for aux in auxiliaries if aux.code.startswith("F")],
        years=years,
        actor=actor,
    )


def load_books() -> Books:
    """The books of a database this bench generated earlier (`--measure-only`)."""
    from pilote.core.models import User
    from pilote.ledger.models import Account, AuxiliaryAccount, FiscalYear, Journal

    auxiliaries = list(AuxiliaryAccount.objects.order_by("code"))
    return Books(
        accounts={a.code: a for a in Account.objects.filter(code__in=ACCOUNT_CODES)},
        journals={journal.code: journal for journal in Journal.objects.all()},
        customers=[aux for aux in auxiliaries if aux.code.startswith("C")],
        suppliers=[aux for aux in auxiliaries if aux.code.startswith("F")],
        years={year.start_date.year: year for year in FiscalYear.objects.all()},
        actor=User.objects.get(username="comptable"),
    )


def measure_only(args) -> dict:
    """On a ledger generated earlier: letter what settles (unless done), then the pages and commands of issue 19
    (`--commands-only`: the commands alone, as whole processes, without lettering nor verify_ledger)."""
    from pilote.ledger.models import EntryLine, Matching

    books = load_books()
    year = books.years[YEARS[-1]]
    result = {"database": harness.database_info(), "generated": {"lines": EntryLine.objects.count()}}
    if args.commands_only:
        result["commands"] = measure_commands(year, runs=args.runs, verify=False)
        return result
    if not Matching.objects.exists():
        result["lettering"] = letter_settled(books)
    result["pages"] = measure_pages(books, year, warmup=args.warmup, runs=args.runs)
    result["finance_pages"] = measure_finance_pages(warmup=args.warmup, runs=args.runs)
    result["load_average"] = os.getloadavg()
    result["commands"] = measure_commands(year, runs=max(3, args.runs // 2), verify=args.verify_runs > 0)
    return result


def finance_pages_only(args) -> dict:
    """The pages of issue 11 alone on the books already in the database (`--finance-pages-only`), with what the
    figures were taken on: the database, its lines and invoices, the load average before and after; merged into
    bench/results.json under `finance_pages` with `--save`."""
    import django
    from django.db import connection

    from pilote.ledger.models import EntryLine
    from pilote.sales.models import Invoice

    before = [round(x, 2) for x in os.getloadavg()]
    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": harness.database_info(),
        "django": django.get_version(),
        "data": {
            "name": connection.settings_dict["NAME"],
            "lines": EntryLine.objects.count(),
            "invoices": Invoice.objects.count(),
        },
        "params": {"warmup": args.warmup, "runs": args.runs},
        "load_average_before": before,
        **measure_finance_pages(warmup=args.warmup, runs=args.runs),
    }
    result["load_average"] = [round(x, 2) for x in result["load_average"]]
    if args.save:
        path = Path(__file__).resolve().parent / "results.json"
        results = json.loads(path.read_text(encoding="utf-8"))
        results["finance_pages"] = result
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        harness.log(f"finance_pages written to {path}")
    return result


class LedgerGenerator:
    """Entries in date order, deterministic from the seed, about `total_lines` lines in all.

    Every business day gets a share of the lines (seasonality, yearly growth, noise); invoices are drawn
    until the running count of lines — payments scheduled for later days included, fixed monthly entries
    and à-nouveaux too (`lines` is updated by the caller for those) — reaches the day's cumulative target.
    """

    def __init__(self, rng: random.Random, books: Books, total_lines: int):
        from pilote.ledger.services import LineInput

        self.L = LineInput
        self.rng, self.books, self.total = rng, books, total_lines
        self.a, self.j = books.accounts, books.journals
        self.lines = 0
        self.pending: list[tuple[dt.date, int, object]] = []  # heap of (date, sequence, EntrySpec)
        self.sequence = itertools.count()
        self.vat: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])  # month -> collected, deductible cents
        self.invoice_numbers: dict[tuple[str, int], int] = defaultdict(int)
        self.customer_weights = list(itertools.accumulate(1 / (rank + 10) ** 0.9 for rank in range(CUSTOMERS)))
        self.supplier_weights = list(itertools.accumulate(1 / (rank + 5) for rank in range(SUPPLIERS - 1)))
        self.landlord, self.suppliers = books.suppliers[0], books.suppliers[1:]
        self.expense_codes = [code for code, _ in EXPENSES]
        self.expense_weights = list(itertools.accumulate(weight for _, weight in EXPENSES))
        self.vat_rates = [rate for rate, _ in VAT_RATES]
        self.vat_weights = list(itertools.accumulate(weight for _, weight in VAT_RATES))
        self.targets = self._targets()

    def _targets(self) -> dict[dt.date, float]:
        weights, day = {}, FIRST_DAY
        while day <= LAST_DAY:
            if day.weekday() < 5:
                weights[day] = TREND[day.year] * MONTH_FACTOR[day.month - 1] * self.rng.uniform(0.75, 1.25)
            day += dt.timedelta(days=1)
        total, running, targets = sum(weights.values()), 0.0, {}
        for day, weight in weights.items():
            running += weight
            targets[day] = self.total * running / total
        return targets

    def _spec(self, journal: str, day: dt.date, label: str, ref: str, lines: list):
        from pilote.ledger.batch import EntrySpec

        return EntrySpec(journal=self.j[journal], date=day, label=label, piece_ref=ref, piece_date=day, lines=lines)

    def _later(self, day: dt.date, spec) -> None:
        """Schedule a payment; one past the last fiscal year is not made (the invoice stays open)."""
        if spec.date <= LAST_DAY:
            heapq.heappush(self.pending, (spec.date, next(self.sequence), spec))
            self.lines += len(spec.lines)

    def _now(self, spec):
        self.lines += len(spec.lines)
        return spec

    def _number(self, prefix: str, day: dt.date) -> str:
        self.invoice_numbers[(prefix, day.year)] += 1
        return f"{prefix}{day.year}-{self.invoice_numbers[(prefix, day.year)]:06d}"

    def _amount(self, median_eur: float, sigma: float) -> int:
        return max(500, min(25_000_000, int(self.rng.lognormvariate(math.log(median_eur * 100), sigma))))

    def specs(self):
        day = FIRST_DAY
        while day <= LAST_DAY:
            if day == FIRST_DAY:
                yield self._now(self.initial_opening(day))
            elif day.month == 1 and day.day == 1:
                yield YearStart(day.year)
            yield from self._monthly(day)
            target = self.targets.get(day)
            while target is not None and self.lines < target:
                roll = self.rng.random()
                if roll < SALES_SHARE * CREDIT_NOTE_SHARE:
                    yield self._now(self.credit_note(day))
                elif roll < SALES_SHARE:
                    yield self._now(self.sale(day))
                else:
                    yield self._now(self.purchase(day))
            while self.pending and self.pending[0][0] == day:
                yield heapq.heappop(self.pending)[2]
            day += dt.timedelta(days=1)

    def initial_opening(self, day: dt.date):
        """The books' first à-nouveaux: fixed assets, bank, capital, a loan, and the customers' and suppliers'
        open invoices of the previous year (settled in the first weeks)."""
        a, L, rng = self.a, self.L, self.rng
        lines = [L(a["2183"], debit=eur(8_500_000), label="Report à nouveau")]
        lines.append(L(a["512"], debit=eur(120_000_000), label="Report à nouveau"))
        receivable = payable = 0
        for customer in rng.sample(self.books.customers, 300):
            cents = self._amount(900, 1.0)
            receivable += cents
            lines.append(L(a["411"], auxiliary=customer, debit=eur(cents), label="Report à nouveau"))
            paid = day + dt.timedelta(days=rng.randint(5, 50))
            self._later(day, self._receipt(paid, customer, cents, f"AN{day.year}-{customer.code}"))
        for supplier in rng.sample(self.suppliers, 80):
            cents = self._amount(2500, 1.0)
            payable += cents
            lines.append(L(a["401"], auxiliary=supplier, credit=eur(cents), label="Report à nouveau"))
            paid = day + dt.timedelta(days=rng.randint(5, 45))
            self._later(day, self._payment(paid, supplier, cents, f"AN{day.year}-{supplier.code}"))
        lines.append(L(a["101"], credit=eur(50_000_000), label="Report à nouveau"))
        lines.append(L(a["164"], credit=eur(40_000_000), label="Report à nouveau"))
        reserves = 8_500_000 + 120_000_000 + receivable - payable - 90_000_000
        lines.append(L(a["106"], credit=eur(reserves), label="Report à nouveau"))
        return self._spec("AN", day, f"À-nouveaux {day.year}", f"AN{day.year}", lines)

    def _receipt(self, day: dt.date, customer, cents: int, ref: str):
        a, L = self.a, self.L
        lines = [L(a["512"], debit=eur(cents)), L(a["411"], auxiliary=customer, credit=eur(cents))]
        return self._spec("BQ", day, f"Virement reçu {customer.label} {ref}", ref, lines)

    def _payment(self, day: dt.date, supplier, cents: int, ref: str):
        a, L = self.a, self.L
        lines = [L(a["401"], auxiliary=supplier, debit=eur(cents)), L(a["512"], credit=eur(cents))]
        return self._spec("BQ", day, f"Règlement {supplier.label} {ref}", ref, lines)

    def _vat(self, net: int) -> int:
        rate = self.rng.choices(self.vat_rates, cum_weights=self.vat_weights)[0]
        return (net * rate + 5000) // 10_000

    def sale(self, day: dt.date):
        a, L, rng = self.a, self.L, self.rng
        customer = rng.choices(self.books.customers, cum_weights=self.customer_weights)[0]
        net = self._amount(600, 1.1)
        vat = self._vat(net)
        total = net + vat
        self.vat[day.replace(day=1)][0] += vat
        ref = self._number("F", day)
        lines = [L(a["411"], auxiliary=customer, debit=eur(total), due_date=day + dt.timedelta(days=30))]
        if rng.random() < 0.2:  # goods and services on the same invoice
            goods = net * rng.randint(20, 80) // 100
            lines += [L(a["707"], credit=eur(goods)), L(a["706"], credit=eur(net - goods))]
        else:
            lines.append(L(a["706" if rng.random() < 0.55 else "707"], credit=eur(net)))
        lines.append(L(a["44571"], credit=eur(vat), label="TVA collectée"))
        roll = rng.random()
        if roll < 0.05:  # instalments
            first = total * rng.randint(30, 60) // 100
            self._later(day, self._receipt(day + dt.timedelta(days=rng.randint(10, 40)), customer, first, ref))
            self._later(day, self._receipt(day + dt.timedelta(days=rng.randint(45, 90)), customer, total - first, ref))
        elif roll < 0.94:  # the rest stays unpaid (disputes, bad debts)
            self._later(day, self._receipt(day + dt.timedelta(days=rng.randint(8, 75)), customer, total, ref))
        return self._spec("VT", day, f"Facture {ref} {customer.label}", ref, lines)

    def credit_note(self, day: dt.date):
        a, L, rng = self.a, self.L, self.rng
        customer = rng.choices(self.books.customers, cum_weights=self.customer_weights)[0]
        net = self._amount(250, 0.9)
        vat = (net * 2000 + 5000) // 10_000
        self.vat[day.replace(day=1)][0] -= vat
        ref = self._number("AV", day)
        lines = [
            L(a["706"], debit=eur(net)),
            L(a["44571"], debit=eur(vat), label="TVA collectée"),
            L(a["411"], auxiliary=customer, credit=eur(net + vat)),
        ]
        return self._spec("VT", day, f"Avoir {ref} {customer.label}", ref, lines)

    def purchase(self, day: dt.date):
        a, L, rng = self.a, self.L, self.rng
        supplier = rng.choices(self.suppliers, cum_weights=self.supplier_weights)[0]
        expense = rng.choices(self.expense_codes, cum_weights=self.expense_weights)[0]
        net = self._amount(1800, 1.0)
        vat = (net * 2000 + 5000) // 10_000
        self.vat[day.replace(day=1)][1] += vat
        ref = f"{supplier.code}-{rng.randint(10_000, 99_999)}"
        lines = [
            L(a[expense], debit=eur(net)),
            L(a["44566"], debit=eur(vat), label="TVA déductible"),
            L(a["401"], auxiliary=supplier, credit=eur(net + vat), due_date=day + dt.timedelta(days=45)),
        ]
        if rng.random() < 0.97:
            self._later(day, self._payment(day + dt.timedelta(days=rng.choice((30, 45, 60))), supplier, net + vat, ref))
        return self._spec("AC", day, f"Facture {supplier.label} {ref}", ref, lines)

    def _monthly(self, day: dt.date):
        """Rent on the 1st, the VAT return of the previous month on the 15th, payroll and bank fees on the 28th."""
        a, L, rng = self.a, self.L, self.rng
        if day.day == 1:
            ref = f"LOY{day:%Y%m}"
            lines = [
                L(a["613"], debit=eur(1_800_000)),
                L(a["44566"], debit=eur(360_000), label="TVA déductible"),
                L(a["401"], auxiliary=self.landlord, credit=eur(2_160_000)),
            ]
            self.vat[day][1] += 360_000
            yield self._now(self._spec("AC", day, f"Loyer {day:%m/%Y}", ref, lines))
            self._later(day, self._payment(day + dt.timedelta(days=4), self.landlord, 2_160_000, ref))
        if day.day == 15 and day > FIRST_DAY + dt.timedelta(days=31):
            month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            collected, deductible = self.vat.pop(month, [0, 0])
            net, ref = collected - deductible, f"TVA{month:%Y%m}"
            lines = [L(a["44571"], debit=eur(collected)), L(a["44566"], credit=eur(deductible))]
            if net >= 0:
                lines.append(L(a["44551"], credit=eur(net)))
            else:
                lines.append(L(a["44567"], debit=eur(-net)))
            yield self._now(self._spec("OD", day, f"Déclaration de TVA {month:%m/%Y}", ref, lines))
            if net > 0:
                pay = [L(a["44551"], debit=eur(net)), L(a["512"], credit=eur(net))]
                self._later(day, self._spec("BQ", day + dt.timedelta(days=4), f"Paiement TVA {month:%m/%Y}", ref, pay))
        if day.day == 28:
            ref, net_total, social_total = f"PAIE{day:%Y%m}", 0, 0
            for employee in range(1, EMPLOYEES + 1):
                gross = rng.randint(210_000, 650_000)
                employee_share = gross * 22 // 100
                employer = gross * 42 // 100
                net_total += gross - employee_share
                social_total += employee_share + employer
                lines = [
                    L(a["641"], debit=eur(gross)),
                    L(a["645"], debit=eur(employer)),
                    L(a["421"], credit=eur(gross - employee_share)),
                    L(a["431"], credit=eur(employee_share + employer)),
                ]
                label = f"Salaire {day:%m/%Y} matricule {employee:04d}"
                yield self._now(self._spec("OD", day, label, ref, lines))
            wages = [L(a["421"], debit=eur(net_total)), L(a["512"], credit=eur(net_total))]
            self._later(
                day, self._spec("BQ", day + dt.timedelta(days=2), f"Virement des salaires {day:%m/%Y}", ref, wages)
            )
            social = [L(a["431"], debit=eur(social_total)), L(a["512"], credit=eur(social_total))]
            urssaf = day + dt.timedelta(days=17)
            self._later(day, self._spec("BQ", urssaf, f"Cotisations sociales {day:%m/%Y}", ref, social))
            fee = eur(rng.randint(8_000, 40_000))
            fees = [L(a["627"], debit=fee), L(a["512"], credit=fee)]
            yield self._now(self._spec("BQ", day, f"Frais bancaires {day:%m/%Y}", f"FRAIS{day:%Y%m}", fees))


def carry_forward(books: Books, year: int):
    from pilote.ledger.batch import EntrySpec
    from pilote.ledger.closing import carry_forward_lines

    day = dt.date(year, 1, 1)
    lines = carry_forward_lines(books.years[year - 1])
    return EntrySpec(
        journal=books.journals["AN"], date=day, label=f"À-nouveaux {year}", piece_ref=f"AN{year}", lines=lines
    )


def generate(books: Books, total_lines: int, batch_size: int, profile: bool) -> dict:
    """Post the whole ledger through `post_many`; returns counts, timings and where the time went."""
    from django.db import connection

    from pilote.ledger.batch import post_many

    generator = LedgerGenerator(random.Random(SEED), books, total_lines)
    counts = {"entries": 0, "lines": 0, "batches": 0}
    sql = {"queries": 0, "seconds": 0.0}
    post_s = 0.0
    next_report = total_lines / 10

    def sql_timer(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql["seconds"] += time.perf_counter() - started
            sql["queries"] += 1

    def flush(batch: list) -> None:
        nonlocal post_s, next_report
        if not batch:
            return
        started = time.perf_counter()
        post_many(actor=books.actor, specs=batch)
        post_s += time.perf_counter() - started
        counts["entries"] += len(batch)
        counts["lines"] += sum(1 for spec in batch for line in spec.lines if line.debit or line.credit)
        counts["batches"] += 1
        if counts["lines"] >= next_report:
            elapsed = time.perf_counter() - began
            harness.log(
                f"  {counts['lines']:,} lines, {counts['entries']:,} entries in {elapsed:.0f} s "
                f"({counts['lines'] / elapsed:,.0f} lines/s); up to {batch[-1].date}"
            )
            next_report += total_lines / 10
        batch.clear()

    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    with connection.execute_wrapper(sql_timer):
        if profiler:
            profiler.enable()
        batch: list = []
        for item in generator.specs():
            if isinstance(item, YearStart):
                flush(batch)
                opening = carry_forward(books, item.year)
                generator.lines += len(opening.lines)
                batch.append(opening)
                flush(batch)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush(batch)
        flush(batch)
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - began
    result = {
        **counts,
        "batch_entries": batch_size,
        "seconds": round(seconds, 1),
        "lines_per_s": round(counts["lines"] / seconds),
        "entries_per_s": round(counts["entries"] / seconds),
        "breakdown_s": {
            "building_specs": round(seconds - post_s, 1),
            "post_many": round(post_s, 1),
            "post_many_sql": round(sql["seconds"], 1),
            "post_many_python": round(post_s - sql["seconds"], 1),
        },
        "queries": sql["queries"],
        "queries_per_batch": round(sql["queries"] / max(1, counts["batches"]), 1),
    }
    if profiler:
        result["profile_top"] = profile_lines(profiler)
    return result


def profile_lines(profiler: cProfile.Profile, count: int = 25) -> dict[str, list[str]]:
    """The functions where generation spends its time, by cumulative and by own time."""
    out = {}
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(count)
        harness.log(text.getvalue())
        body = text.getvalue().split("ncalls", 1)[-1].splitlines()[1:]
        out[order] = [re.sub(r"\s+", " ", line.strip()) for line in body if line.strip()]
    return out


def vacuum_analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def timed(func, *, warmup: int, runs: int) -> dict:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return harness.summarise(samples)


def measured_call(label: str, func, *, warmup: int, runs: int, target_ms: float, plans: bool = True) -> dict:
    timing = timed(func, warmup=warmup, runs=runs)
    _, queries = harness.capture_call(func)
    entry = {**timing, "queries": len(queries), "sql_ms": round(sum(q["ms"] for q in queries), 1)}
    entry["target_ms"], entry["met"] = target_ms, timing["median_ms"] < target_ms
    if plans:
        entry["slowest_queries"] = harness.slowest_with_plans(queries)
    harness.log(
        f"  {label}: median {timing['median_ms']} ms, p95 {timing['p95_ms']} ms, {len(queries)} queries "
        f"({entry['sql_ms']} ms SQL){'' if entry['met'] else f' — over {target_ms} ms'}"
    )
    return entry


def measure_trial_balance(year, *, warmup: int, runs: int) -> dict:
    from pilote.ledger import queries

    rows = queries.trial_balance(year)
    entry = measured_call(
        "trial balance", lambda: queries.trial_balance(year), warmup=warmup, runs=runs, target_ms=TARGET_TB_MS
    )
    totals = queries.trial_balance_totals(rows)
    return {
        "year": year.start_date.year,
        "accounts": len(rows),
        "balanced": totals["debit"] == totals["credit"],
        **entry,
    }


def measure_finance(year, *, warmup: int, runs: int) -> dict:
    """The financial diagnosis (SIG, CAF, functional balance sheet, ratios) at a date inside a month — the
    aggregates plus that month's lines — and direction's dashboard tiles at the same date (the diagnosis of
    N and N−1, the 13-week plan's open items from the open-items aggregate, the budget), each under
    TARGET_FINANCE_MS."""
    from pilote.core.models import User
    from pilote.dashboards import queries as dashboards
    from pilote.finance import queries
    from pilote.ledger.models import OpenItemBalance

    day = (year.end_date - dt.timedelta(days=40)).replace(day=15)
    period = queries.Period(year, day)
    direction = User(username="bench", role="direction", is_active=True)

    def board():
        direction.__dict__.pop("_pilote_kpis", None)  # a fresh request each time
        return dashboards.board(direction, day)

    return {
        "day": day.isoformat(),
        "diagnosis": measured_call(
            "financial diagnosis", lambda: queries.diagnosis(period), warmup=warmup, runs=runs,
            target_ms=TARGET_FINANCE_MS,
        ),
        "dashboard": measured_call(
            "dashboard tiles", board, warmup=warmup, runs=runs, target_ms=TARGET_FINANCE_MS
        ),
        "treasury_plan": measured_call(
            "13-week cash plan (open-items aggregate)", lambda: queries.treasury_plan(day), warmup=warmup, runs=runs,
            target_ms=TARGET_FINANCE_MS,
        ),
        "treasury_12_months": measured_call(
            "12-month cash plan (open items, budget, loans, hr pay)", lambda: queries.treasury_inputs(day).monthly(),
            warmup=warmup, runs=runs, target_ms=TARGET_FINANCE_MS,
        ),
        "open_item_rows": OpenItemBalance.objects.count(),
        "open_item_lines": sum(OpenItemBalance.objects.values_list("line_count", flat=True)),
        "tiles": len(board()),
    }  # fmt: skip


def measure_general_ledger(year, *, warmup: int, runs: int) -> dict:
    from django.db.models import Count

    from pilote.ledger import queries
    from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine

    per_account = (
        EntryLine.objects.filter(fiscal_year=year)
        .values("account_id")
        .annotate(n=Count("id"))
        .order_by("-n", "account_id")
    )
    counts = [(row["account_id"], row["n"]) for row in per_account]
    biggest_id, biggest_n = counts[0]
    small_id, small_n = next((pk, n) for pk, n in reversed(counts) if n >= 2 * queries.GL_PAGE)
    aux_row = (
        EntryLine.objects.filter(fiscal_year=year, auxiliary__isnull=False)
        .values("auxiliary_id")
        .annotate(n=Count("id"))
        .order_by("-n", "auxiliary_id")
        .first()
    )
    biggest, small = Account.objects.get(pk=biggest_id), Account.objects.get(pk=small_id)
    auxiliary = AuxiliaryAccount.objects.select_related("control_account").get(pk=aux_row["auxiliary_id"])
    # Pages of what the page lists: an account's à-nouveaux are one line (queries.general_ledger).
    listed = queries.general_ledger(year, biggest).total
    pages = -(-listed // queries.GL_PAGE)
    out = {
        "year": year.start_date.year,
        "page_size": queries.GL_PAGE,
        "biggest_account": {"code": biggest.code, "lines": biggest_n, "listed_lines": listed, "pages": pages},
        "small_account": {"code": small.code, "lines": small_n},
        "biggest_auxiliary": {"code": auxiliary.code, "account": auxiliary.control_account.code, "lines": aux_row["n"]},
    }
    mid_year = year.start_date.replace(month=6, day=15)  # a figure at a past date drills down to here
    cases = (
        ("page_1", biggest, None, 1, None),
        ("page_middle", biggest, None, max(1, pages // 2), None),
        ("page_last", biggest, None, pages, None),
        ("page_last_until_mid_june", biggest, None, 10**9, mid_year),
        ("small_account_page_1", small, None, 1, None),
        ("auxiliary_page_1", auxiliary.control_account, auxiliary, 1, None),
    )
    for label, account, aux, page, until in cases:

        def call(account=account, aux=aux, page=page, until=until):
            result = queries.general_ledger(year, account, auxiliary=aux, page=page, until=until)
            if not result.lines:
                raise RuntimeError(f"general ledger {account.code} page {page} is empty")
            return result

        name = f"general ledger {account.code}{f' {aux.code}' if aux else ''} page {page}"
        name += f" up to {until:%d/%m}" if until else ""
        timed = measured_call(name, call, warmup=warmup, runs=runs, target_ms=TARGET_GL_MS)
        out[label] = {"page": page, **({"until": until.isoformat()} if until else {}), **timed}
    return out


def measure_fec(year, *, warmup: int, runs: int) -> dict:
    try:
        from pilote.ledger import fec
    except ImportError as exc:
        return {"available": False, "note": f"fec: not available ({exc})"}
    if not hasattr(fec, "iter_fec_bytes"):
        return {"available": False, "note": "fec: not available (no iter_fec_bytes)"}

    def export() -> tuple[int, int]:
        records = size = 0
        for block in fec.iter_fec_bytes(year):
            size += len(block)
            records += block.count(b"\r\n")
        return records - 1, size  # minus the header

    lines, size = export()
    timing = timed(export, warmup=max(0, warmup - 1), runs=runs)
    lines_per_s = round(lines / (timing["median_ms"] / 1000)) if timing["median_ms"] else None
    entry = {
        "available": True,
        "source_sha256": hashlib.sha256(Path(fec.__file__).read_bytes()).hexdigest()[:16],  # fec.py is evolving
        "year": year.start_date.year,
        "lines": lines,
        "bytes": size,
        **timing,
        "lines_per_s": lines_per_s,
        "target_lines_per_s": TARGET_FEC_LINES_S,
        "met": bool(lines_per_s and lines_per_s >= TARGET_FEC_LINES_S),
    }
    harness.log(
        f"  FEC {year}: {lines:,} lines, {size / 1e6:.1f} MB, median {timing['median_ms']} ms → {lines_per_s:,} lines/s"
    )
    return entry


FLAG_LETTERED = {  # the lines' lettering copied from their matching, as lettering.mark_lettered keeps it
    "postgresql": "UPDATE ledger_entryline l SET is_lettered = NOT m.is_partial, lettering_code = m.code, "
    "lettered_on = (m.created_at AT TIME ZONE 'Europe/Paris')::date "
    "FROM ledger_matchedline ml JOIN ledger_matching m ON m.id = ml.matching_id WHERE l.id = ml.line_id",
}


LETTERING_TABLES = ("ledger_matching", "ledger_matchedline", "ledger_entryline", "ledger_openitemparty",
                    "ledger_openitembalance")  # fmt: skip


def letter_settled(books: Books) -> dict:
    """Letter what an accountant's automatic lettering would (`lettering.auto_letter`): per fiscal year, third
    party and reference (the line's own, else its entry's piece), the customer and supplier lines whose debits
    and credits balance — the invoice and its receipts. Bulk writes (Matching, MatchedLine), then the open-items
    aggregate rebuilt from the lines (`open_items.rebuild`): the ledger a lettered PME keeps."""
    from django.db import connection

    from pilote.ledger import lettering, open_items
    from pilote.ledger.models import MatchedLine, Matching

    started = time.perf_counter()
    groups: dict[tuple, list] = {}
    codes = tuple(books.accounts[code].pk for code in ("411", "401"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.fiscal_year_id, l.account_id, l.auxiliary_id, "
            "COALESCE(NULLIF(l.reference, ''), e.piece_ref), l.debit - l.credit "
            "FROM ledger_entryline l JOIN ledger_entry e ON e.id = l.entry_id "
            "WHERE l.account_id IN (%s, %s) AND l.auxiliary_id IS NOT NULL",
            list(codes),
        )
        while rows := cursor.fetchmany(20_000):
            for line_id, year_id, account_id, aux_id, ref, net in rows:
                group = groups.setdefault((year_id, account_id, aux_id, ref), [0, []])
                group[0] += net
                group[1].append(line_id)
    numbers: dict[tuple, int] = defaultdict(int)
    matchings, members = [], []
    for (_year, account_id, aux_id, _ref), (net, ids) in groups.items():
        if net == 0 and len(ids) >= 2:
            numbers[(account_id, aux_id)] += 1
            code = lettering.code_for(numbers[(account_id, aux_id)])
            matchings.append(Matching(code=code, account_id=account_id, aux_key=aux_id, created_by=books.actor))
            members.append(ids)
    groups.clear()
    created = 0
    for start in range(0, len(matchings), 5000):  # by slices: a 10M ledger has millions of lettered lines
        made = Matching.objects.bulk_create(matchings[start : start + 5000])
        rows = [MatchedLine(line_id=pk, matching_id=m.pk) for m, ids in zip(made, members[start:], strict=False)
                for pk in ids]  # fmt: skip
        MatchedLine.objects.bulk_create(rows, batch_size=5000)
        created += len(made)
    # Lettered when the last of its lines was booked (noon), as an accountant keeps up: an aged balance at a past
    # date then reads back only what was lettered since, not the whole history.
    lettered_on = {
        "postgresql": "(SELECT MAX(l.date) FROM ledger_matchedline ml JOIN ledger_entryline l ON l.id = ml.line_id "
        "WHERE ml.matching_id = ledger_matching.id) + interval '12 hours'",
        "sqlite": "(SELECT datetime(MAX(l.date), '+12 hours') FROM ledger_matchedline ml JOIN ledger_entryline l "
        "ON l.id = ml.line_id WHERE ml.matching_id = ledger_matching.id)",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE ledger_matching SET created_at = {lettered_on}")  # noqa: S608 - constant text
    if connection.vendor in FLAG_LETTERED:  # one join (millions of lines at 10M)
        with connection.cursor() as cursor:
            cursor.execute(FLAG_LETTERED[connection.vendor])
    else:  # SQLite has no time zones: the Paris day through Django's function
        lettering.mark_lettered(None)
    lettering.date_matchings()  # their first line's date and how long after it they were lettered
    open_items.rebuild()
    if connection.vendor == "postgresql":  # autovacuum's steady state: the planner knows the matchings just made
        with connection.cursor() as cursor:  # (before, it read a party's every matching to list its newest 50)
            # VACUUM too: the flags' UPDATE left a dead tuple per lettered line (5M at 10M lines), which slowed
            # every index scan of the lines until autovacuum came by
            cursor.execute(f"VACUUM ANALYZE {', '.join(LETTERING_TABLES)}")
    from pilote.ledger.models import OpenItemBalance, OpenItemParty

    result = {
        "matchings": created,
        "lettered_lines": sum(len(ids) for ids in members),
        "open_item_rows": OpenItemBalance.objects.count(),
        "open_item_party_rows": OpenItemParty.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    harness.log(f"  lettering: {result}")
    return result


def measure_pages(books: Books, year, *, warmup: int, runs: int) -> dict:
    """The pages of issue 19, through the test client as the accountant (whole request: view, queries, template):
    the lettering page of the third party with the most open lines, the aged balances of customers and suppliers
    today and at a past date (lines lettered since read back), the entries list (first and second page, the
    filters users use) and the global search (an account, a third party, a piece, an amount), each with its
    query count and the plans of its slowest queries."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from pilote.ledger.models import AuxiliaryAccount, Entry, OpenItemParty

    client = Client(HTTP_HOST="localhost")
    client.force_login(books.actor)
    busiest = (
        OpenItemParty.objects.filter(aux_key__gt=0).values("aux_key").annotate(n=Count("id")).order_by("-n").first()
    )
    auxiliary = AuxiliaryAccount.objects.get(pk=busiest["aux_key"])
    past = dt.date(year.start_date.year, 6, 30)
    aged = reverse("ledger:aged-balance")
    entries, search = reverse("ledger:entry-list"), reverse("core:search")
    journal = books.journals["VT"].pk
    piece = (
        Entry.objects.filter(fiscal_year=year, journal__code="VT")
        .order_by("-pk")
        .values_list("piece_ref", flat=True)[0]
    )
    cases = {
        "entries_first_page": entries,
        "entries_second_page": None,  # the « Suivante » link of the first page
        "entries_journal_period": f"{entries}?journal={journal}&du=01/03/{past.year}&au=31/03/{past.year}",
        "entries_year_account": f"{entries}?exercice={year.pk}&compte=401",
        "entries_piece": f"{entries}?piece={piece}",
        "entries_amount": f"{entries}?montant=120,00",
        "entries_words": f"{entries}?q=Virement",
        "entries_rare_words": f"{entries}?q=zzqx",  # found nowhere: the trigram indexes, not a walk of every entry
        "search_account": f"{search}?q=4457",
        "search_third_party": f"{search}?q={books.customers[0].label.split()[0]}",
        "search_piece": f"{search}?q={piece}",
        "search_amount": f"{search}?q=120,00",
        "lettering_biggest_customer": reverse("ledger:lettering", args=[auxiliary.pk]),
        "lettering_biggest_customer_lettered": reverse("ledger:lettering", args=[auxiliary.pk]) + "?lettrees=1",
        "aged_customers_today": f"{aged}?type=411",
        "aged_suppliers_today": f"{aged}?type=401",
        "aged_customers_past_date": f"{aged}?type=411&au={past:%Y-%m-%d}",
        "aged_suppliers_past_date": f"{aged}?type=401&au={past:%Y-%m-%d}",
    }
    out: dict = {"lettering_auxiliary": auxiliary.code}
    for label, url in cases.items():
        if label == "entries_second_page":
            first = harness.fetch(client, entries)[1].decode()
            url = entries + "?" + re.search(r'href="\?(apres=[^"]+)"', first).group(1).replace("&amp;", "&")
        timing = harness.time_page(client, url, warmup=warmup, runs=runs)
        queries = harness.capture_queries(client, url)
        out[label] = {
            "url": url,
            **timing,
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "target_ms": TARGET_SEARCH_MS if label.startswith("search") else TARGET_PAGE_MS,
            "met": timing["median_ms"] < (TARGET_SEARCH_MS if label.startswith("search") else TARGET_PAGE_MS),
            "slowest_queries": harness.slowest_with_plans(queries),
        }
        harness.log(f"  {label}: median {timing['median_ms']} ms, p95 {timing['p95_ms']} ms, {len(queries)} queries")
    return out


FINANCE_PAGES = {  # issue 11: what direction opens, each read from the aggregates
    "home": "core:home",
    "dashboard": "dashboards:dashboard",
    "diagnosis": "finance:diagnosis",
    "balance_sheet": "finance:balance-sheet",
    "break_even": "finance:break-even",
    "treasury_13_weeks": "finance:treasury",
    "treasury_12_months": "finance:treasury",
}


def measure_finance_pages(*, warmup: int, runs: int) -> dict:
    """The pages of issue 11 through the test client as direction (whole request: view, queries, template), on
    the lettered ledger, today: the home page with its tiles, the dashboard, the diagnosis (SIG, CAF), the
    functional balance sheet, the break-even page, the 13-week and 12-month cash plans — wall time, the process'
    CPU time (what the page costs on a shared machine), query count and SQL time, each under TARGET_FINANCE_MS."""
    from django.test import Client
    from django.urls import reverse

    from pilote.core import services as core_services
    from pilote.core.models import User
    from pilote.core.roles import Role

    direction = User.objects.filter(username="direction").first() or core_services.create_user(
        actor=None, username="direction", role=Role.DIRECTION, password="bench-direction-2026", validate=False,
        first_name="Claire", last_name="Martin",
    )  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    client.force_login(direction)
    out: dict = {}
    for label, name in FINANCE_PAGES.items():
        url = reverse(name) + ("?horizon=mois" if label == "treasury_12_months" else "")
        timing = harness.time_page(client, url, warmup=warmup, runs=runs)  # wall and CPU medians
        queries = harness.capture_queries(client, url)
        cpu_ms = timing["cpu_median_ms"]
        out[label] = {
            "url": url,
            **timing,
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "target_ms": TARGET_FINANCE_MS,
            "met": timing["median_ms"] < TARGET_FINANCE_MS,
            "slowest_queries": harness.slowest_with_plans(queries),
        }
        harness.log(
            f"  {label}: median {timing['median_ms']} ms (CPU {cpu_ms} ms), {len(queries)} queries "
            f"({out[label]['sql_ms']} ms SQL)"
        )
    out["load_average"] = os.getloadavg()
    return out


def _import_database(suffix: str):
    """A fresh, empty database next to the bench's own (same server), as a DATABASE_URL; and its cleanup."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(f"{settings['NAME']}-{suffix}")
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: [Path(f"{path}{e}").unlink(missing_ok=True) for e in ("", "-wal", "-shm")]
    import psycopg
    from psycopg import sql

    name = f"{settings['NAME']}_{suffix}"
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]  # the same server, user and password

    def admin():
        return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin() as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def cleanup():
        with admin() as conn:
            conn.execute(drop)

    return f"{server}/{name}", cleanup


def _cut_after_entries(source: Path, target: Path, share: float) -> dict:
    """The first `share` of the entries of a FEC (at least up to its largest entry), written to `target`."""
    with source.open("rb") as whole:
        records = whole.read().split(b"\r\n")[:-1]
    header, body = records[0], records[1:]
    number = lambda record: record.split(b"|", 3)[:3]  # noqa: E731 - JournalCode, JournalLib, EcritureNum
    ends, sizes = [], []  # per entry: the index after its last record, its lines
    for index, record in enumerate(body):
        if index and number(record) == number(body[index - 1]):
            sizes[-1] += 1
            ends[-1] = index + 1
        else:
            sizes.append(1)
            ends.append(index + 1)
    largest = max(range(len(sizes)), key=sizes.__getitem__)
    kept = max(largest + 1, round(len(sizes) * share))
    target.write_bytes(b"\r\n".join([header, *body[: ends[kept - 1]]]) + b"\r\n")
    return {"entries": kept, "records": ends[kept - 1], "largest_entry_lines": sizes[largest]}


def measure_fec_import(year, label: str) -> dict:
    """FEC import of the year's export into an empty database (`bench/fec_import_bench.py`, one process per
    file, so the memory figures are the import's own), at two file sizes: throughput and peak memory."""
    import subprocess
    import sys

    from pilote.core.models import Structure
    from pilote.ledger import fec

    directory = Path(tempfile.mkdtemp(prefix="pilote-fec-import-"))
    name = fec.fec_filename(Structure.objects.get().siren, year.end_date)
    try:
        whole = directory / name
        records = fec.write_fec(year, whole)
        runs = []
        for share in IMPORT_ENTRY_SHARES:
            (directory / f"part-{share}").mkdir()
            path = directory / f"part-{share}" / name
            cut = _cut_after_entries(whole, path, share)
            url, cleanup = _import_database("import")
            try:
                command = [
                    sys.executable, "-m", "bench.fec_import_bench", "--db", label, "--file", str(path),
                    "--start", year.start_date.isoformat(), "--end", year.end_date.isoformat(),
                ]  # fmt: skip
                completed = subprocess.run(  # noqa: S603 - our own interpreter and module
                    command,
                    cwd=Path(__file__).resolve().parent.parent,
                    env={**os.environ, "DATABASE_URL": url},
                    stdout=subprocess.PIPE,
                    text=True,
                    timeout=3600,
                    check=True,
                )
            finally:
                cleanup()
            run = json.loads(completed.stdout.strip().splitlines()[-1])
            if (run["entries"], run["records"]) != (cut["entries"], cut["records"]):
                raise RuntimeError(f"the import of {cut} read {run['entries']} entries, {run['records']} records")
            runs.append({"entry_share": share, "largest_entry_lines": cut["largest_entry_lines"], **run})
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    full = runs[-1]
    small = runs[0]
    ratio = lambda key: round(full[key] / small[key], 2) if small.get(key) else None  # noqa: E731
    entry = {
        "year": year.start_date.year,
        "records": records,
        "sizes": runs,
        "lines_per_s": full["lines_per_s"],
        "target_lines_per_s": TARGET_FEC_IMPORT_LINES_S,
        "met": full["lines_per_s"] >= TARGET_FEC_IMPORT_LINES_S,
        "peak_growth_mb": {str(run["lines"]): run["peak_growth_mb"] for run in runs},
        "memory": {
            "measure": MEMORY_MEASURE,
            "largest_entry_lines": full["largest_entry_lines"],
            "peak_growth_mb_by_entries": {str(run["entries"]): run["peak_growth_mb"] for run in runs},
            "entries_ratio": ratio("entries"),
            "peak_growth_ratio": ratio("peak_growth_mb"),
        },
    }
    harness.log(
        f"  FEC import: {full['lines']:,} lines at {full['lines_per_s']:,} lines/s; peak memory "
        + ", ".join(f"+{r['peak_growth_mb']} MB at {r['entries']:,} entries ({r['lines']:,} lines)" for r in runs)
        + f", the largest entry having {full['largest_entry_lines']:,} lines"
    )
    return entry


def measure_commands(year, *, runs: int, verify: bool = True) -> dict:
    """Whole processes, as a user types them (start-up, queries, output): `manage.py trial_balance` (`runs` times:
    median and best), `manage.py fec_export` of the year (lines/s including the start-up and the write) and
    `manage.py verify_ledger`, each with its peak resident memory (VmHWM of the child)."""
    import sys

    from pilote.ledger.models import EntryLine

    manage = [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py")]
    label = str(year.end_date.year)
    for warm_up in (["trial_balance", "--year", label, "--format", "csv"], ["fec_export", "--help"]):
        _run_timed([*manage, *warm_up], 300)  # untimed: each command's modules compiled to bytecode once
    samples = [_run_timed([*manage, "trial_balance", "--year", label, "--format", "csv"], 300) for _ in range(runs)]
    seconds = sorted(s for s, _, _ in samples)
    cpu = sorted(c for _, c, _ in samples)
    out = {
        "load_average": os.getloadavg(),
        "trial_balance": {
            "runs": runs,
            "median_s": round(seconds[len(seconds) // 2], 3),
            "min_s": round(seconds[0], 3),
            "cpu_median_s": round(cpu[len(cpu) // 2], 3),  # the child's user + system time: what load does not inflate
            "cpu_min_s": round(cpu[0], 3),
            "peak_rss_mb": max((m for _, _, m in samples if m), default=None),
            "target_s": 0.4,
            "met": seconds[len(seconds) // 2] < 0.4,
            # On a machine loaded by other work the wall clock waits for the cores; the process's own CPU time is
            # what it would take alone (SQLite: all of it; PostgreSQL: the server's share is not in it).
            "cpu_met": cpu[len(cpu) // 2] < 0.4,
        },
    }
    fec_runs = []  # three runs: one is at the mercy of whatever else the machine does for those few seconds
    with tempfile.TemporaryDirectory() as directory:
        for _ in range(3):
            fec_runs.append(_run_timed([*manage, "fec_export", "--year", label, "--output", directory], 3600))
        fec_sha256 = hashlib.sha256(next(Path(directory).iterdir()).read_bytes()).hexdigest()
    fec_s, fec_cpu, fec_mb = sorted(fec_runs)[1]  # the median run
    lines = EntryLine.objects.filter(fiscal_year=year, is_posted=True).count()
    out["fec_export"] = {
        "lines": lines,
        "runs_s": [round(run[0], 2) for run in fec_runs],
        "seconds": round(fec_s, 2),
        "lines_per_s": round(lines / fec_s),
        "best_lines_per_s": round(lines / min(run[0] for run in fec_runs)),
        "cpu_s": round(fec_cpu, 2),
        "lines_per_cpu_s": round(lines / fec_cpu),  # the export process alone (the database server's CPU not in it)
        "peak_rss_mb": fec_mb,
        "target_lines_per_s": TARGET_FEC_LINES_S,
        "met": lines / fec_s >= TARGET_FEC_LINES_S,
        "cpu_met": lines / fec_cpu >= TARGET_FEC_LINES_S,
        "sha256": fec_sha256,  # the same ledger gives the same file: compared before and after a change
    }
    if not verify:
        harness.log(f"  commands (whole process): {out}")
        return out
    # Timed even when it finds anomalies (exit 1): a ledger copied from another install fails the chain check
    # (its chain key stayed there) and still costs what a verification costs.
    verify_s, verify_cpu, verify_mb = _run_timed([*manage, "verify_ledger"], 7200, allowed_exit=(0, 1))
    out["verify_ledger"] = {
        "seconds": round(verify_s, 1),
        "cpu_s": round(verify_cpu, 1),
        "peak_rss_mb": verify_mb,
        "anomalies_found": _run_timed.last_exit == 1,
    }
    harness.log(f"  commands (whole process): {out}")
    return out


def measure_verify(runs: int) -> dict:
    from pilote.ledger import verify

    checks = {
        "chain": verify.check_chain,
        "balanced": verify.check_balanced,
        "numbering": verify.check_numbering,
        "balances": verify.check_balances,
    }
    totals, per_check, problems = [], defaultdict(list), {}
    for _ in range(runs):
        total = 0.0
        for name, check in checks.items():
            started = time.perf_counter()
            problems[name] = len(check())
            seconds = time.perf_counter() - started
            per_check[name].append(seconds)
            total += seconds
        totals.append(total)
    entry = {
        "runs": runs,
        "total_s": round(sorted(totals)[len(totals) // 2], 2),
        "per_check_s": {name: round(sorted(s)[len(s) // 2], 2) for name, s in per_check.items()},
        "problems": problems,
    }
    harness.log(f"  verify_ledger: {entry['total_s']} s {entry['per_check_s']}, problems {problems}")
    if any(problems.values()):
        raise RuntimeError(f"verify_ledger finds problems in the generated ledger: {problems}")
    return entry


def ledger_fingerprint(books: Books) -> str:
    """A digest of every year's trial balance: equal on both databases when the generated ledgers are."""
    from pilote.ledger import queries
    from pilote.lib.money import to_cents

    digest = hashlib.sha256()
    for year in YEARS:
        for row in queries.trial_balance(books.years[year]):
            values = (row.opening_debit, row.opening_credit, row.debit, row.credit)
            digest.update(f"{year}|{row.code}|{'|'.join(str(to_cents(v)) for v in values)}\n".encode())
    return digest.hexdigest()


# --- Plain-text accounting tools ------------------------------------------------------------------


def _amount_text(cents: int) -> str:
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}{cents // 100}.{cents % 100:02d} {JOURNAL_COMMODITY}"


def write_journals(directory: Path, year: int) -> dict:
    """The posted ledger as one journal for all years and one for `year` (ledger-cli and hledger syntax)."""
    from django.db.models import BigIntegerField, ExpressionWrapper, F

    from pilote.ledger.models import EntryLine

    debit = ExpressionWrapper(F("debit"), output_field=BigIntegerField())
    credit = ExpressionWrapper(F("credit"), output_field=BigIntegerField())
    rows = (
        EntryLine.objects.filter(entry__status="posted")
        .order_by("entry__chain_index", "position", "id")
        .values_list(
            "entry_id",
            "entry__date",
            "entry__journal__code",
            "entry__number",
            "entry__label",
            "account__code",
            "auxiliary__code",
            debit,
            credit,
        )
    )
    paths = {"all": directory / "pilote-all.journal", "year": directory / f"pilote-{year}.journal"}
    started, postings, current = time.perf_counter(), 0, None
    with paths["all"].open("w", encoding="utf-8") as all_years, paths["year"].open("w", encoding="utf-8") as one_year:
        outputs: tuple = ()
        for entry_id, day, journal, number, label, account, auxiliary, debit_cents, credit_cents in rows.iterator(
            chunk_size=20_000
        ):
            if entry_id != current:
                current = entry_id
                outputs = (all_years, one_year) if day.year == year else (all_years,)
                clean = " ".join(label.replace(";", ",").split())
                header = f"\n{day:%Y-%m-%d} ({journal}{day.year}-{number:06d}) {clean}\n"
                for out in outputs:
                    out.write(header)
            name = f"{account}:{auxiliary}" if auxiliary else account
            posting = f"    {name}  {_amount_text(debit_cents - credit_cents)}\n"
            for out in outputs:
                out.write(posting)
            postings += 1
    return {
        "postings": postings,
        "bytes_all_years": paths["all"].stat().st_size,
        "sha256_all_years": hashlib.sha256(paths["all"].read_bytes()).hexdigest(),
        "seconds": round(time.perf_counter() - started, 1),
        "paths": paths,
    }


def _peak_rss_mb(pid: int) -> float | None:
    """The process's resident-memory high-water mark (VmHWM), read while it runs: the rusage of a child
    forked from this process would count this process's own memory too."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _run_tool(command: list[str], timeout_s: float) -> tuple[float, float | None]:
    """Run a command to completion, its output discarded; returns (seconds, peak RSS in MB)."""
    seconds, _cpu, peak = _run_timed(command, timeout_s)
    return seconds, peak


def _run_timed(
    command: list[str], timeout_s: float, *, allowed_exit: tuple[int, ...] = (0,)
) -> tuple[float, float, float | None]:
    """Run a command to completion, its output discarded; returns (seconds, CPU seconds of the child — user and
    system, from wait4's resource usage — and peak RSS in MB). An exit code outside `allowed_exit` raises.

    The child writes its bytecode (PYTHONDONTWRITEBYTECODE dropped from its environment, as `make bench` does:
    with it, every command compiled some 170 modules again, 0.1 s of CPU). Its exit is awaited in wait4, and its
    memory read every 20 ms by a thread: the former 2 ms polling loop took a share of the two cores from the
    command it measured (the FEC export runs four busy processes: two writers and their database backends)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child cannot fill it and block
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)  # noqa: S603
        peak: list[float | None] = [None]
        timed_out, finished = threading.Event(), threading.Event()

        def watch() -> None:
            while not finished.wait(0.02):
                peak[0] = _peak_rss_mb(process.pid) or peak[0]
                if time.perf_counter() - started > timeout_s:
                    timed_out.set()
                    process.kill()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        finished.set()
        watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if timed_out.is_set():
            raise TimeoutError(f"{' '.join(command)} still running after {timeout_s:.0f} s")
        if process.returncode not in allowed_exit:
            errors.seek(0)
            error = errors.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}: {error}")
    _run_timed.last_exit = process.returncode
    return seconds, usage.ru_utime + usage.ru_stime, peak[0]


_BALANCE_LINE = re.compile(rf"^\s*(-?[\d,]+\.\d\d) {JOURNAL_COMMODITY}\s+(\S.*?)\s*$")


def _tool_balances(output: str) -> dict[str, int]:
    """Per general account (auxiliary sub-accounts added up), in cents, from a flat `balance` report."""
    totals: dict[str, int] = defaultdict(int)
    for line in output.splitlines():
        match = _BALANCE_LINE.match(line)
        if match:
            totals[match.group(2).split(":")[0]] += round(Decimal(match.group(1).replace(",", "")) * 100)
    return {code: cents for code, cents in totals.items() if cents}


def measure_tools(books: Books, year: int, *, runs: int, timeout_s: float) -> dict:
    """ledger-cli and hledger `balance` of one year, on the whole journal (-b/-e) and on the year's file."""
    from pilote.ledger import queries
    from pilote.lib.money import to_cents

    binaries = {"ledger_cli": shutil.which("ledger"), "hledger": shutil.which("hledger")}
    if not any(binaries.values()):
        return {"available": False, "note": "ledger and hledger: not available"}
    expected = {
        row.code: to_cents(row.balance) for row in queries.trial_balance(books.years[year]) if to_cents(row.balance)
    }
    begin, end = f"{year}-01-01", f"{year + 1}-01-01"
    directory = Path(tempfile.mkdtemp(prefix="pilote-ledger-bench-"))
    try:
        journal = write_journals(directory, year)
        paths = journal.pop("paths")
        harness.log(f"  journal: {journal['postings']:,} postings, {journal['bytes_all_years'] / 1e6:.1f} MB")
        out = {"available": True, "year": year, "journal": journal, "runs": runs}
        for tool, binary in binaries.items():
            if not binary:
                out[tool] = {"available": False, "note": f"{tool}: not available"}
                continue
            version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
            flat = ["--flat", "--no-total"] if tool == "ledger_cli" else ["--flat", "-N"]
            entry = {"available": True, "binary": binary, "version": version.stdout.strip().splitlines()[0]}
            for variant, path, dates in (
                ("all_years_file", paths["all"], ["-b", begin, "-e", end]),
                ("one_year_file", paths["year"], []),
            ):
                command = [binary, "-f", str(path), "balance", *dates]
                check = subprocess.run(  # noqa: S603
                    [*command, *flat], capture_output=True, text=True, check=True, timeout=timeout_s
                )
                matches = _tool_balances(check.stdout) == expected
                samples, peaks = [], []
                for _ in range(runs + 1):  # the first run warms the page cache
                    seconds, peak = _run_tool(command, timeout_s)
                    samples.append(seconds)
                    peaks.append(peak or 0.0)
                rss = max(peaks)
                stats = harness.summarise(samples[1:])
                entry[variant] = {
                    "command": " ".join([Path(binary).name, "-f", path.name, *command[3:]]),
                    **stats,
                    "max_rss_mb": rss,
                    "matches_pilote": matches,
                }
                harness.log(
                    f"  {tool} {variant}: median {stats['median_ms'] / 1000:.2f} s, {rss:.0f} MB, "
                    f"balances {'match' if matches else 'DIFFER from'} Pilote's"
                )
            out[tool] = entry
        return out
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = build_parser()
    args = parser.parse_args()
    result_stream = harness.start_django()
    if args.finance_pages_only:
        harness.emit(finance_pages_only(args), result_stream)
        return
    if args.measure_only:
        harness.emit(measure_only(args), result_stream)
        return

    import django
    from django.db import connection

    from pilote.ledger.models import AccountBalance, Entry, EntryLine

    harness.log(f"[ledger/{args.db}] migrate, chart, fiscal years {YEARS[0]}-{YEARS[-1]}, auxiliary accounts")
    started = time.perf_counter()
    books = setup_books()
    setup_s = time.perf_counter() - started

    harness.log(f"[ledger/{args.db}] generating {args.lines:,} lines in batches of {args.batch:,} entries")
    generation = generate(books, args.lines, args.batch, args.profile)
    harness.log(
        f"[ledger/{args.db}] {generation['lines']:,} lines, {generation['entries']:,} entries in "
        f"{generation['seconds']} s ({generation['lines_per_s']:,} lines/s) {generation['breakdown_s']}"
    )
    started = time.perf_counter()
    vacuum_analyze()
    analyze_s = time.perf_counter() - started
    year = books.years[YEARS[-1]]
    per_year = {
        str(y): {
            "entries": Entry.objects.filter(fiscal_year=books.years[y]).count(),
            "lines": EntryLine.objects.filter(fiscal_year=books.years[y]).count(),
        }
        for y in YEARS
    }
    generated = {
        "lines": EntryLine.objects.count(),
        "entries": Entry.objects.count(),
        "per_year": per_year,
        "customers": len(books.customers),
        "suppliers": len(books.suppliers),
        "employees": EMPLOYEES,
        "account_balance_rows": AccountBalance.objects.count(),
        "fingerprint": ledger_fingerprint(books),
    }
    if generated["lines"] != generation["lines"]:
        raise RuntimeError(f"{generated['lines']} lines stored, {generation['lines']} posted")

    harness.log(f"[ledger/{args.db}] measuring on {year} (warm, {args.runs} runs after {args.warmup} warm-up)")
    result = {
        "database": harness.database_info(),
        "django": django.get_version(),
        "seed": SEED,
        "params": {key: value for key, value in vars(args).items() if key != "db"},
        "setup_s": round(setup_s, 1),
        "generated": generated,
        "generation": generation,
        "vacuum_analyze_s": round(analyze_s, 1) if connection.vendor == "postgresql" else None,
        "trial_balance": measure_trial_balance(year, warmup=args.warmup, runs=args.runs),
        "general_ledger": measure_general_ledger(year, warmup=args.warmup, runs=args.runs),
        "fec": measure_fec(year, warmup=args.warmup, runs=args.fec_runs),
        "finance": measure_finance(year, warmup=args.warmup, runs=args.runs),
    }
    if args.pages:
        harness.log(f"[ledger/{args.db}] lettering what settles, then the pages of issue 19")
        result["lettering"] = letter_settled(books)
        result["pages"] = measure_pages(books, year, warmup=args.warmup, runs=args.runs)
        result["finance_pages"] = measure_finance_pages(warmup=args.warmup, runs=args.runs)
        result["commands"] = measure_commands(year, runs=max(3, args.runs // 2), verify=args.verify_runs > 0)
        result["load_average"] = os.getloadavg()
    if args.fec_import:
        harness.log(f"[ledger/{args.db}] FEC import into an empty database")
        result["fec_import"] = measure_fec_import(year, args.db)
    if args.verify_runs:
        harness.log(f"[ledger/{args.db}] verify_ledger")
        result["verify_ledger"] = measure_verify(args.verify_runs)
    if args.tools:
        harness.log(f"[ledger/{args.db}] ledger-cli and hledger")
        result["tools"] = measure_tools(books, YEARS[-1], runs=args.tool_runs, timeout_s=args.tool_timeout)
    result["max_rss_mb"] = harness.max_rss_mb()
    harness.emit(result, result_stream)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True, help="label of the database (sqlite, postgresql)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines to generate over the three years")
    parser.add_argument("--batch", type=int, default=2000, help="entries per post_many call")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fec-runs", type=int, default=20)
    parser.add_argument("--verify-runs", type=int, default=1, help="0 skips verify_ledger (its whole-process run too)")
    parser.add_argument(
        "--fec-import", action=argparse.BooleanOptionalAction, default=True, help="time the FEC import (default)"
    )
    parser.add_argument("--tools", action="store_true", help="also time ledger-cli and hledger on the same ledger")
    parser.add_argument("--tool-runs", type=int, default=5)
    parser.add_argument("--tool-timeout", type=float, default=900, help="seconds allowed to one tool run")
    parser.add_argument(
        "--pages", action=argparse.BooleanOptionalAction, default=True,
        help="letter, then time the pages of issues 19 and 11 (finance, dashboards)",
    )  # fmt: skip
    parser.add_argument(
        "--measure-only", action="store_true", help="measure the pages and commands on a ledger generated earlier"
    )
    parser.add_argument(
        "--commands-only", action="store_true",
        help="with --measure-only: time trial_balance (--runs times) and fec_export as whole processes only",
    )  # fmt: skip
    parser.add_argument(
        "--finance-pages-only", action="store_true",
        help="time the pages of issue 11 alone on the books already in the database (e.g. the load database)",
    )  # fmt: skip
    parser.add_argument("--save", action="store_true", help="with --finance-pages-only: merge into bench/results.json")
    parser.add_argument("--profile", action="store_true", help="profile the generation with cProfile (slower)")
    return parser


if __name__ == "__main__":
    main()
