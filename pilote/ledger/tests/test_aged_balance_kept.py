"""The aged balance at today reads the rows kept per third party (`aging`): after postings, letterings (full,
partial), an undo, an entry dated tomorrow, roll-overs of 1, 31 and 200 days (and every day over four months), a
year's closing, the page equals the full statement over the open items (`from_items=True`) row by row, sorted and
paged, with the same count and totals; the kept rows equal their recomputation (`verify_ledger`); the page at the
rows' day reads no open item."""

import datetime as dt
import multiprocessing
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.ledger import aging, lettering, queries, services, verify
from pilote.ledger.models import AuxiliaryAccount, OpenItemAging
from pilote.ledger.tests.test_aged_balance_open_items import _invoice, _line, _post, _receipt

L = services.LineInput
D = Decimal
BASE = dt.datetime(2026, 9, 15, 10, 0, tzinfo=dt.UTC)  # 15/09/2026, noon in Paris


class Clock:
    def __init__(self, monkeypatch):
        self.now = BASE
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def move(self, days: int) -> dt.date:
        self.now += dt.timedelta(days=days)
        return timezone.localdate()


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _bill(books, day, amount, due=None, ref="A"):
    a = books["a"]
    supplier = books["supplier"]
    return _post(books, "AC", day, ref, [L(a["606"], debit=D(amount)),
                                         L(a["401"], credit=D(amount), auxiliary=supplier, due_date=due)])  # fmt: skip


def _same(prefixes=("411", "401")):
    """The page at today from the kept rows equals the full statement: every sort both ways, paged; the rows
    brought to today and equal to their recomputation."""
    today = timezone.localdate()
    for prefix in prefixes:
        full = queries.aged_parties(prefix, today, from_items=True)
        assert queries.aged_parties(prefix, today) == full, (prefix, today)
        for order in ("compte", "-tiers", "total", "-age0", "age4"):
            for offset in (0, 2):
                kept = queries.aged_parties(prefix, today, order=order, limit=2, offset=offset)
                assert kept == queries.aged_parties(prefix, today, order=order, limit=2, offset=offset, from_items=True)
    assert aging.state_day() == today
    assert not aging.mismatch()
    return {row.code: row.buckets for row in queries.aged_balance("411", today)}


@pytest.fixture
def ledger(books, clock):
    """Customers and the supplier with items every few days of 2026 — no due date, due later, due before their
    date, dated after today —, some settled in full or in part."""
    a = books["a"]
    customers = [books["customer"]] + [
        AuxiliaryAccount.objects.create(code=f"C0000{n:02d}", label=f"Client {n}", control_account=a["411"])
        for n in range(2, 6)
    ]
    start = dt.date(2026, 1, 2)
    for n in range(0, 100):
        day = start + dt.timedelta(days=3 * n)  # up to 27/12: some after today (15/09)
        who = customers[n % len(customers)]
        due = [None, day + dt.timedelta(days=n % 45), day - dt.timedelta(days=n % 20), day][n % 4]
        sale = _invoice(books, who, day, f"{100 + n}.{n:02d}", due=due, ref=f"S{n}")
        if n % 5 == 0 and day < dt.date(2026, 9, 1):
            paid = _receipt(books, who, day + dt.timedelta(days=10), f"{100 + n}.{n:02d}", ref=f"S{n}")
            lettering.letter_lines(actor=books["actor"], lines=[_line(sale, "411"), _line(paid, "411")])
        elif n % 7 == 0 and day < dt.date(2026, 9, 1):
            part = _receipt(books, who, day + dt.timedelta(days=20), "50.00", ref=f"S{n}")
            lettering.letter_lines(actor=books["actor"], lines=[_line(sale, "411"), _line(part, "411")], partial=True)
        if n % 3 == 0:
            _bill(books, day, f"{20 + n}.00", due=day + dt.timedelta(days=60) if n % 2 else None, ref=f"A{n}")
    return {"customers": customers}


def test_the_page_at_today_equals_the_full_statement_after_every_change(books, ledger, clock):
    me, other = ledger["customers"][0], ledger["customers"][1]
    today = timezone.localdate()
    before = _same()
    assert aging.state_day() == today and OpenItemAging.objects.exists()
    sale = _invoice(books, me, today - dt.timedelta(days=40), "77.70", ref="N1")  # 0 to 30 days late
    _same()
    paid = _receipt(books, me, today, "77.70", ref="N1")
    matching = lettering.letter_lines(actor=books["actor"], lines=[_line(sale, "411"), _line(paid, "411")])
    assert _same() == before
    lettering.unletter(actor=books["actor"], matching=matching)  # undone: both open again
    _same()
    big = _invoice(books, other, today - dt.timedelta(days=100), "1000.00", due=today - dt.timedelta(days=65))
    part = _receipt(books, other, today - dt.timedelta(days=2), "400.00", ref="P")
    lettering.letter_lines(actor=books["actor"], lines=[_line(big, "411"), _line(part, "411")], partial=True)
    buckets = _same()[other.code]
    assert buckets[3] >= D("600.00")  # what is left of the invoice, 61 to 90 days late, together with its receipt
    _bill(books, today, "12.34", due=today + dt.timedelta(days=30))
    _same()


def test_an_entry_dated_tomorrow_counts_from_tomorrow(books, ledger, clock):
    today = timezone.localdate()
    before = _same()
    _invoice(books, books["customer"], today + dt.timedelta(days=1), "500.00", due=today - dt.timedelta(days=10))
    assert _same() == before  # not open yet today
    clock.move(1)
    after = _same()
    code = books["customer"].code
    assert sum(after[code]) == sum(before[code]) + D("500.00")  # nothing else dated 16/09


@pytest.mark.parametrize("days", [1, 31, 200])
def test_a_roll_over_equals_the_full_statement(books, ledger, clock, monkeypatch, days):
    """1 and 31 days: the change of buckets only (no rebuild); 200 days (over the window): rebuilt."""
    _same()
    fills = []
    fill = aging._fill
    monkeypatch.setattr(aging, "_fill", lambda cursor, day: (fills.append(day), fill(cursor, day)))
    clock.move(days)
    _same()
    assert fills == ([timezone.localdate()] if days > aging.WINDOW else [])


def test_every_day_over_four_months_one_roll_over_a_day(books, ledger, clock):
    _same()
    for _n in range(130):
        clock.move(1)
        _same(("411",) if _n % 5 else ("411", "401"))


def test_the_swept_ranges_hold_every_item_whose_bucket_changes():
    start = dt.date(2026, 3, 1)
    for gap in (1, 2, 29, 30, 31, 59, 61, 89, 91, 119, 120):
        end = start + dt.timedelta(days=gap)
        ranges = aging.swept(start, end)
        for offset in range(-200, gap + 5):
            expected = start + dt.timedelta(days=offset)
            inside = any(low <= expected <= high for low, high in ranges)
            for has_due in (False, True):
                if aging.bucket_of(start, expected, has_due) != aging.bucket_of(end, expected, has_due):
                    assert inside, (gap, expected, has_due)


def test_a_year_closing_rebuilds_the_kept_rows(books, ledger, clock):
    from pilote.ledger import closing
    from pilote.ledger.models import Account
    from pilote.ledger.tests.test_closing import declare_vat_year

    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    Account.objects.create(code="129", label="Résultat de l'exercice - perte")
    declare_vat_year(books)
    clock.move(90)  # 14/12/2026
    _same()
    clock.move(32)  # 15/01/2027: the roll-over window, yet the year closes first
    closing.close_fiscal_year(actor=books["actor"], year=books["year"], today=timezone.localdate())
    assert aging.state_day() == timezone.localdate()
    _same()


def test_the_page_at_the_kept_day_reads_no_open_item(books, ledger, clock, client_as, django_assert_max_num_queries):
    client = client_as("comptable")
    client.get(reverse("ledger:aged-balance"))  # brings the rows to today
    assert aging.state_day() == timezone.localdate()
    for prefix in ("411", "401"):
        with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(8):
            response = client.get(reverse("ledger:aged-balance"), {"type": prefix})
        assert response.status_code == 200 and response.context["rows"]
        assert not [q["sql"] for q in captured.captured_queries if "ledger_openitemparty" in q["sql"]]
        assert [q["sql"] for q in captured.captured_queries if "ledger_openitemaging " in q["sql"] + " "]


def test_verification_finds_a_kept_row_changed_and_the_rebuild_repairs_it(books, ledger, clock):
    _same()
    assert not verify.check_derived_aggregates()
    row = OpenItemAging.objects.filter(aux_key=books["customer"].pk).first()
    OpenItemAging.objects.filter(pk=row.pk).update(b2=row.b2 + 1)
    assert aging.mismatch()
    assert verify.check_derived_aggregates() == [
        "La balance âgée des tiers tenue à jour ne correspond plus aux pièces non lettrées (réparation : "
        "ledger.aging.rebuild)."
    ]
    aging.rebuild()
    assert not verify.check_derived_aggregates()
    OpenItemAging.objects.filter(aux_key=books["customer"].pk).delete()  # a row missing
    assert aging.mismatch()
    aging.rebuild()
    OpenItemAging.objects.create(account=books["a"]["411"], aux_key=books["customer"].pk + 999, b0=5)  # one too many
    assert aging.mismatch()
    aging.rebuild()
    _same()


def test_the_nightly_work_brings_the_rows_to_today(books, ledger, clock):
    from pilote.core.models import Job

    _same()
    today = clock.move(3)
    message = aging.nightly(Job.objects.create(kind="schedule.ledger.aging"), None)
    assert aging.state_day() == today and message == f"Balance âgée des tiers portée au {today:%d/%m/%Y}."
    _same()


# --- PostgreSQL: writers and roll-overs at once -------------------------------------------------------------------


def _roll_in_child(day: dt.date, barrier) -> None:
    connections.close_all()
    barrier.wait(timeout=30)
    aging.bring_to(day)
    connections.close_all()


def _post_in_child(day: dt.date, barrier) -> None:
    import time

    from django.db import transaction

    from pilote.core.models import User
    from pilote.ledger.models import Account, Journal

    connections.close_all()
    a = {account.code: account for account in Account.objects.all()}
    actor, journal = User.objects.get(username="comptable"), Journal.objects.get(code="VT")
    customer = AuxiliaryAccount.objects.get(code="C000001")
    with transaction.atomic():
        services.create_entry(actor=actor, journal=journal, date=day, label="X", post=True, lines=[
            L(a["411"], debit=D("9.99"), auxiliary=customer, due_date=day - dt.timedelta(days=31)),
            L(a["707"], credit=D("9.99"))])  # fmt: skip
        barrier.wait(timeout=30)  # the roll-over starts while this posting holds the state row for share
        time.sleep(0.5)
    connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_roll_overs_apply_once_and_wait_for_the_writers(books):
    start = dt.date(2026, 6, 1)
    for n in range(30):
        day = start - dt.timedelta(days=4 * n)
        _invoice(books, books["customer"], day, f"{10 + n}.00", due=day + dt.timedelta(days=n), ref=f"C{n}")
    aging.rebuild(start)
    context = multiprocessing.get_context("fork")
    connections.close_all()
    target = start + dt.timedelta(days=5)
    barrier = context.Barrier(2)
    workers = [context.Process(target=_roll_in_child, args=(target, barrier)) for _n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert aging.state_day() == target and not aging.mismatch()
    # A posting dated in the days a roll-over crosses, committed while the roll-over waits for it.
    later = target + dt.timedelta(days=3)
    barrier = context.Barrier(2)
    connections.close_all()  # the child closes what it inherits: never this process's connection
    poster = context.Process(target=_post_in_child, args=(target + dt.timedelta(days=2), barrier))
    poster.start()
    barrier.wait(timeout=30)
    aging.bring_to(later)
    poster.join(timeout=60)
    assert poster.exitcode == 0
    connections.close_all()
    assert aging.state_day() == later and not aging.mismatch()
    total = sum(OpenItemAging.objects.values_list("b2", flat=True))
    assert total >= 999  # the 9.99 due 31 days before its date: 31 to 60 days late
