"""The aged balances read the open-items aggregate: on a hand-built ledger (due dates or none, partial and full
lettering, a lettering made after the date asked), every third party's buckets equal the straightforward
computation over the lines, to the cent, today and at past dates; the page's queries do not grow with the lines."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.ledger import lettering, queries, services
from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine, Matching

pytestmark = pytest.mark.django_db
L = services.LineInput
D = Decimal


def _post(books, journal, day, ref, lines):
    return services.create_entry(
        actor=books["actor"], journal=books["j"][journal], date=day, label=ref, piece_ref=ref, post=True, lines=lines
    )


def _invoice(books, aux, day, amount, due=None, ref="F"):
    a = books["a"]
    return _post(books, "VT", day, ref, [L(a["411"], debit=D(amount), auxiliary=aux, due_date=due),
                                         L(a["707"], credit=D(amount))])  # fmt: skip


def _receipt(books, aux, day, amount, ref="R"):
    a = books["a"]
    return _post(books, "BQ", day, ref, [L(a["512"], debit=D(amount)), L(a["411"], credit=D(amount), auxiliary=aux)])


def _purchase(books, day, amount, due=None):
    a = books["a"]
    aux = books["supplier"]
    return _post(books, "AC", day, "FA", [L(a["606"], debit=D(amount)),
                                          L(a["401"], credit=D(amount), auxiliary=aux, due_date=due)])  # fmt: skip


def _line(entry, prefix):
    return entry.lines.get(account__code__startswith=prefix)


def _letter(books, lines, *, partial=False, on=None):
    matching = lettering.letter_lines(actor=books["actor"], lines=lines, partial=partial)
    if on:  # lettered on that day (noon, Paris time)
        lettering.date_lettering([matching.pk], {lettering.noon(on): [matching.pk]})
    return matching


def _lines(prefix):
    return list(
        EntryLine.objects.filter(account__code__startswith=prefix, is_posted=True)
        .exclude(auxiliary=None)
        .select_related("auxiliary", "match__matching")
    )


def _straightforward(prefix, as_of, payment_days=30, every=None):
    """Buckets per auxiliary code, line by line: a line posted by `as_of` is open then unless it is in a full
    matching made by that day; it ages from its due date (else its date + payment days) — the lines of a partial
    matching from the earliest due date on the side of what is left. `every`: the account's lines (`_lines`)."""
    lines = [line for line in (every or _lines(prefix)) if line.date <= as_of]
    due = {line.pk: line.due_date or line.date + dt.timedelta(days=payment_days) for line in lines}
    groups = defaultdict(list)
    for line in lines:
        match = getattr(line, "match", None)
        if match and match.matching.is_partial:
            groups[match.matching_id].append(line)
    for group in groups.values():
        left = sum(line.debit - line.credit for line in group)
        side = [line for line in group if (line.debit - line.credit > 0) == (left > 0) and line.debit != line.credit]
        first = min(side or group, key=lambda line: (line.due_date or line.date, line.due_date is not None))
        for line in group:
            due[line.pk] = due[first.pk]
    sign = 1 if prefix.startswith("41") else -1
    out = defaultdict(lambda: [D(0)] * 5)
    for line in lines:
        match = getattr(line, "match", None)
        if match and not match.matching.is_partial and timezone.localdate(match.matching.created_at) <= as_of:
            continue
        late = (as_of - due[line.pk]).days
        bucket = 0 if late < 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
        out[line.auxiliary.code][bucket] += sign * (line.debit - line.credit)
    return {code: buckets for code, buckets in out.items() if sum(buckets)}


def _aged(prefix, as_of):
    return {row.code: row.buckets for row in queries.aged_balance(prefix, as_of)}


@pytest.fixture
def ledger(books):
    """Two customers and a supplier over four months, settled in every way."""
    other = AuxiliaryAccount.objects.create(code="C000002", label="Client B", control_account=books["a"]["411"])
    me = books["customer"]
    jan = _invoice(books, me, dt.date(2026, 1, 10), "1200.00", due=dt.date(2026, 2, 9), ref="F1")
    feb = _invoice(books, me, dt.date(2026, 2, 5), "333.33", ref="F2")  # no due date: date + 30 days
    mar = _invoice(books, other, dt.date(2026, 3, 1), "99.99", due=dt.date(2026, 3, 1), ref="F3")  # due on receipt
    apr = _invoice(books, other, dt.date(2026, 4, 20), "450.00", due=dt.date(2026, 6, 19), ref="F4")
    # F1: 400.00 paid on 15/02, lettered partially on 20/02; completed on 10/05 (after the 30/04 asked below).
    first = _receipt(books, me, dt.date(2026, 2, 15), "400.00")
    _letter(books, [_line(jan, "411"), _line(first, "411")], partial=True, on=dt.date(2026, 2, 20))
    rest = _receipt(books, me, dt.date(2026, 4, 25), "800.00")
    _letter(books, [_line(jan, "411"), _line(first, "411"), _line(rest, "411")], on=dt.date(2026, 5, 10))
    # F3 paid and lettered on 15/03: closed at every date after.
    paid = _receipt(books, other, dt.date(2026, 3, 10), "99.99")
    _letter(books, [_line(mar, "411"), _line(paid, "411")], on=dt.date(2026, 3, 15))
    # F4 half paid, partial lettering today.
    half = _receipt(books, other, dt.date(2026, 4, 28), "225.00")
    _letter(books, [_line(apr, "411"), _line(half, "411")], partial=True)
    # An unallocated receipt of the second customer (a credit, no due date).
    _receipt(books, other, dt.date(2026, 4, 2), "10.01")
    # Supplier: one invoice settled after the date asked, one open.
    bill = _purchase(books, dt.date(2026, 1, 20), "720.50", due=dt.date(2026, 2, 28))
    _purchase(books, dt.date(2026, 3, 20), "88.88")
    paid_bill = _post(books, "BQ", dt.date(2026, 4, 29), "PF", [L(books["a"]["401"], debit=D("720.50"),
                      auxiliary=books["supplier"]), L(books["a"]["512"], credit=D("720.50"))])  # fmt: skip
    _letter(books, [_line(bill, "401"), _line(paid_bill, "401")], on=dt.date(2026, 5, 2))
    return {"feb": feb}


@pytest.mark.parametrize(
    "as_of", [dt.date(2026, 1, 31), dt.date(2026, 2, 17), dt.date(2026, 3, 12), dt.date(2026, 4, 30), None]
)
def test_aged_balances_equal_the_line_by_line_computation(ledger, as_of):
    as_of = as_of or timezone.localdate()
    for prefix in ("411", "401"):
        expected = _straightforward(prefix, as_of)
        assert _aged(prefix, as_of) == expected, (prefix, as_of)


def test_a_lettering_made_after_the_date_leaves_its_lines_open_at_that_date(ledger):
    on = dt.date(2026, 4, 30)
    customers = _aged("411", on)
    # F1 (1,200.00, due 09/02: 80 days late) paid 400.00 on 15/02 and 800.00 on 25/04, fully lettered on 10/05:
    # its three lines are still open on 30/04, each at its own date (receipts: date + 30 days); F2 333.33
    # (05/02 + 30 days = 07/03: 54 days late).
    assert customers["C000001"] == [D("-800.00"), D("0.00"), D("333.33") - D("400.00"), D("1200.00"), D("0.00")]
    assert sum(customers["C000001"]) == D("333.33")
    # F4 450.00 − 225.00 not yet due; the unallocated 10.01 received on 02/04 (due 02/05: not due either);
    # F3 lettered on 15/03: gone.
    assert customers["C000002"] == [D("214.99"), D("0.00"), D("0.00"), D("0.00"), D("0.00")]
    # The supplier's bill, settled on 29/04 but lettered on 02/05, is still owed on 30/04 in the books' lettering.
    # Payment of 29/04 (due 29/05) not due, the 88.88 bill of 20/03 (due 19/04) 11 days late, the 720.50 bill
    # due 28/02 61 days late.
    assert _aged("401", on)["F000001"] == [D("-720.50"), D("88.88"), D("0.00"), D("720.50"), D("0.00")]
    assert sum(_aged("401", dt.date(2026, 5, 3))["F000001"]) == D("88.88")


def test_aged_balance_page_queries_do_not_grow_with_the_lines(books, client_as, django_assert_max_num_queries):
    client = client_as("comptable")
    for count in (1, 40):
        for n in range(count):
            _invoice(books, books["customer"], dt.date(2026, 1, 1) + dt.timedelta(days=n), "10.00")
        for on in ("2026-03-01", ""):
            with django_assert_max_num_queries(12):
                response = client.get(reverse("ledger:aged-balance"), {"type": "411", "au": on} if on else {})
            assert response.status_code == 200


@pytest.mark.parametrize("on", [dt.date(2026, 4, 30), None])
def test_sql_sorts_pages_and_totals_equal_the_python_ones(ledger, books, on):
    """The third parties are sorted, paged and totalled in SQL: every sort, both ways, one party a page, gives the
    order Python gives over the whole list (ties by code), and the totals are the sums over every party."""
    from pilote.core.collation import french_key

    on = on or timezone.localdate()
    for n in range(3, 6):  # more customers, two with the same total (a tie)
        aux = AuxiliaryAccount.objects.create(
            code=f"C00000{n}", label=f"Élise {6 - n}", control_account=books["a"]["411"]
        )
        _invoice(books, aux, dt.date(2026, 1, 5 + n), "50.00" if n < 5 else "75.25", ref=f"G{n}")
    every = queries.aged_balance("411", on)
    assert len(every) == 5
    keys = {"compte": lambda r: r.code, "tiers": lambda r: french_key(r.label), "total": lambda r: r.total}
    keys |= {f"age{i}": (lambda r, i=i: r.buckets[i]) for i in range(5)}
    for name, key in keys.items():
        for order in (name, f"-{name}"):
            expected = sorted(every, key=lambda r: r.code)
            expected = sorted(expected, key=key, reverse=order.startswith("-"))
            pages = [queries.aged_parties("411", on, order=order, limit=2, offset=start) for start in (0, 2, 4)]
            assert [r.code for p in pages for r in p.rows] == [r.code for r in expected], order
            assert {p.count for p in pages} == {5}
            assert pages[0].totals == [sum((r.buckets[i] for r in every), D(0)) for i in range(5)]


def test_aged_balance_page_past_the_last_shows_the_last(ledger, client_as):
    client, url = client_as("comptable"), reverse("ledger:aged-balance")
    last = client.get(url, {"au": "2026-04-30", "page": "99"})
    assert last.context["page"].number == 1 and [r.code for r in last.context["page"]] == ["C000001", "C000002"]
    junk = client.get(url, {"au": "2026-04-30", "page": "deux", "tri": "n'importe"})
    assert junk.status_code == 200 and len(junk.context["page"]) == 2
    assert client.get(url, {"au": "2026-04-30", "type": "401"}).context["grand_total"] == D(
        "88.88"
    )  # 720.50 owed, 720.50 paid not lettered


def test_at_every_past_date_the_matchings_lettered_after_it_are_open(books):
    """Invoices lettered with their receipt from the same day to 200 days later, across the bounds of the span
    classes an aged balance at a past date reads them by (`Matching.span_class`: 1, 2, 3, 4, 7, 8, 15, 16 days …),
    one lettered before its receipt's date: on every day of the year the aged balance equals the line-by-line one."""
    aux = [books["customer"]] + [
        AuxiliaryAccount.objects.create(code=f"C00001{n}", label=f"Client {n}", control_account=books["a"]["411"])
        for n in range(3)
    ]
    start = dt.date(2026, 1, 5)
    for n, lag in enumerate([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 64, 65, 129, 200]):
        day = start + dt.timedelta(days=7 * n)
        who = aux[n % len(aux)]
        sale = _invoice(books, who, day, f"{100 + n}.{n:02d}", due=day + dt.timedelta(days=n), ref=f"S{n}")
        paid_on = day + dt.timedelta(days=lag // 2)
        receipt = _receipt(books, who, paid_on, f"{100 + n}.{n:02d}", ref=f"S{n}")
        _letter(books, [_line(sale, "411"), _line(receipt, "411")], on=day + dt.timedelta(days=lag))
    early = _invoice(books, aux[1], dt.date(2026, 6, 1), "50.00", ref="E")
    late = _receipt(books, aux[1], dt.date(2026, 6, 30), "50.00", ref="E")
    _letter(books, [_line(early, "411"), _line(late, "411")], on=dt.date(2026, 6, 10))  # before its receipt's date
    _invoice(books, aux[2], dt.date(2026, 2, 1), "42.00", ref="O")  # never lettered
    assert set(Matching.objects.values_list("span_class", flat=True)) == set(range(9))
    every = _lines("411")
    for offset in range(0, 300):
        as_of = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        assert _aged("411", as_of) == _straightforward("411", as_of, every=every), as_of


def test_verification_finds_a_matching_whose_dates_were_not_kept(ledger):
    from pilote.ledger import verify

    assert lettering.misdated_matchings() == 0
    assert not verify.check_derived_aggregates()
    matching = Matching.objects.filter(is_partial=False).order_by("pk").first()
    Matching.objects.filter(pk=matching.pk).update(created_at=matching.created_at + dt.timedelta(days=400))
    assert lettering.misdated_matchings() == 1
    assert verify.check_derived_aggregates() == [
        "Date de première pièce ou délai de lettrage faux pour 1 lettrage (réparation : "
        "ledger.lettering.date_matchings)."
    ]
    lettering.date_matchings()
    assert lettering.misdated_matchings() == 0


# --- The oldest bucket from each third party's open total (only the newer items read) -------------------------


def _edge_books(books):
    """Items around the oldest bucket's edge at 30/06/2026 (as_of − 120 days = 02/03, the first expected date read
    with 30 days of payment; due before as_of − 90 = 01/04: the oldest bucket), with and without due dates, and due
    dates before the entry's own date: some dated after 30/06, expected long before."""
    me, a = books["customer"], books["a"]
    other = AuxiliaryAccount.objects.create(code="C000002", label="Client B", control_account=a["411"])
    third = AuxiliaryAccount.objects.create(code="C000003", label="Client C", control_account=a["411"])
    items = [
        (me, dt.date(2026, 2, 28), None),  # expected 28/02, due 30/03: 92 days late, oldest
        (me, dt.date(2026, 3, 1), None),  # expected 01/03 (the day before the edge), due 31/03: 91 days, oldest
        (me, dt.date(2026, 3, 2), None),  # expected 02/03 (the edge), due 01/04: 90 days late, 61 to 90
        (other, dt.date(2026, 1, 5), dt.date(2026, 3, 30)),  # due 30/03: 92 days, oldest (read: after the edge)
        (other, dt.date(2026, 1, 6), dt.date(2026, 3, 31)),  # due 31/03: 91 days, oldest
        (other, dt.date(2026, 1, 7), dt.date(2026, 4, 1)),  # due 01/04: 90 days, 61 to 90
        (other, dt.date(2026, 1, 8), dt.date(2026, 2, 28)),  # due before the edge, dated before: oldest, not read
        (third, dt.date(2026, 7, 15), dt.date(2026, 1, 15)),  # dated after 30/06, due long before: not open then
        (third, dt.date(2026, 7, 1), dt.date(2026, 6, 20)),  # dated the day after, due before: not open then
        (third, dt.date(2026, 6, 30), dt.date(2026, 1, 10)),  # dated 30/06, due long before: oldest
        (third, dt.date(2026, 5, 2), dt.date(2026, 4, 2)),  # due a month before its date: 89 days, 61 to 90
        (third, dt.date(2026, 8, 3), None),  # dated after 30/06
        (me, dt.date(2026, 6, 30), dt.date(2026, 7, 30)),  # not due
        (me, dt.date(2026, 6, 30), dt.date(2026, 6, 30)),  # due that day: 0 days late, 0 to 30
    ]
    for n, (who, day, due) in enumerate(items):
        _invoice(books, who, day, f"{10 + n}.{n:02d}", due=due, ref=f"E{n}")
    return {"me": me, "other": other, "third": third}


def test_the_oldest_buckets_edge_is_exact_to_the_day(books):
    """At 30/06 with 30 days of payment: the items expected on the edge (02/03) or after are bucketed one by one,
    those before it are the total less them — an edge a day later would put 12.02 (expected 02/03) in the oldest
    bucket; other terms of payment move the edge with them."""
    _edge_books(books)
    on = dt.date(2026, 6, 30)
    aged = _aged("411", on)
    assert aged == _straightforward("411", on)
    assert aged["C000001"] == [D("22.12"), D("23.13"), D("0"), D("12.02"), D("10.00") + D("11.01")]
    assert aged["C000002"] == [D("0"), D("0"), D("0"), D("15.05"), D("13.03") + D("14.04") + D("16.06")]
    # Due dates before the entry's date: 17.07 and 18.08 dated after 30/06 not open then, 19.09 (dated 30/06, due
    # 10/01) the oldest, 20.10 (dated 02/05, due 02/04) 89 days late; 21.11 dated after.
    assert aged["C000003"] == [D("0"), D("0"), D("0"), D("20.10"), D("19.09")]
    for payment_days in (0, 45, 91):
        for day in (dt.date(2026, 6, 29), on, dt.date(2026, 7, 1), dt.date(2026, 7, 31)):
            expected = _straightforward("411", day, payment_days=payment_days)
            got = {r.code: r.buckets for r in queries.aged_parties("411", day, payment_days=payment_days).rows}
            assert got == expected, (day, payment_days)


def test_every_day_a_due_date_before_the_entry_date_counts_from_its_date(books):
    """Items due before their own date, some far before (the edge's index never reaches them): on every day of
    the year each counts from the day it is dated, never before — today and at every past date."""
    _edge_books(books)
    every = _lines("411")
    for offset in range(0, 260):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        assert _aged("411", day) == _straightforward("411", day, every=every), day
    today = timezone.localdate()
    assert _aged("411", today) == _straightforward("411", today, every=every)


def test_an_entry_dated_after_today_but_due_long_ago_is_not_in_todays_balance(books):
    today = timezone.localdate()
    _invoice(books, books["customer"], today + dt.timedelta(days=3), "70.00", due=today - dt.timedelta(days=200))
    _invoice(books, books["customer"], today - dt.timedelta(days=300), "5.00")
    assert _aged("411", today) == {"C000001": [D("0")] * 4 + [D("5.00")]}
    assert _aged("411", today + dt.timedelta(days=3)) == {"C000001": [D("0")] * 4 + [D("75.00")]}


def test_the_oldest_bucket_sorts_and_pages_exactly(books):
    """Third parties whose oldest bucket comes from items never read (before the edge), less newer ones, more
    items lettered after the date: sorted by it both ways, one party a page, as Python sorts the whole list."""
    a = books["a"]
    customers = [books["customer"]] + [
        AuxiliaryAccount.objects.create(code=f"C0000{n:02d}", label=f"Client {n}", control_account=a["411"])
        for n in range(2, 8)
    ]
    for n, who in enumerate(customers):
        _invoice(books, who, dt.date(2026, 1, 10 + n), f"{100 * (n % 4) + 7}.00", ref=f"O{n}")  # oldest at 30/06
        _invoice(books, who, dt.date(2026, 6, 1), f"{n}.50", due=dt.date(2026, 6, 20), ref=f"N{n}")  # 10 days late
        if n % 3 == 0:  # a credit note old enough for the oldest bucket: it nets there
            _receipt(books, who, dt.date(2026, 2, 1), "50.00", ref=f"A{n}")
        if n % 2:  # an old invoice paid and lettered after 30/06: still open then, the oldest bucket
            sale = _invoice(books, who, dt.date(2026, 1, 20), "33.00", ref=f"L{n}")
            paid = _receipt(books, who, dt.date(2026, 7, 5), "33.00", ref=f"L{n}")
            _letter(books, [_line(sale, "411"), _line(paid, "411")], on=dt.date(2026, 7, 6))
    on = dt.date(2026, 6, 30)
    every = queries.aged_balance("411", on)
    assert {r.code: r.buckets for r in every} == _straightforward("411", on)
    assert len({r.buckets[4] for r in every}) > 3  # distinct oldest buckets (and some ties, broken by code)
    for order in ("age4", "-age4", "total", "-total"):
        key = (lambda r: r.buckets[4]) if "age4" in order else (lambda r: r.total)
        expected = sorted(sorted(every, key=lambda r: r.code), key=key, reverse=order.startswith("-"))
        pages = [queries.aged_parties("411", on, order=order, limit=1, offset=start) for start in range(len(every))]
        assert [r.code for p in pages for r in p.rows] == [r.code for r in expected], order
        assert {p.count for p in pages} == {len(every)}
        assert pages[0].totals == [sum((r.buckets[i] for r in every), D(0)) for i in range(5)]


def test_a_closed_years_open_items_age_from_their_a_nouveaux(books):
    """FY 2025 closed: its open items carried into 2026 one by one (à-nouveaux dated 01/01/2026 with their due
    dates of 2025, so expected before their own date), one paid in 2026 and lettered with its à-nouveaux line later;
    the closed year's own lines never counted. On every day from 31/12/2025 the aged balance equals the
    line-by-line one over the open year's lines, and the parties' totals are the open year's alone."""
    from pilote.ledger import closing, open_items
    from pilote.ledger.models import FiscalYear, FiscalYearStatus

    a, me = books["a"], books["customer"]
    Account.objects.get_or_create(code="120", defaults={"label": "Résultat de l'exercice - bénéfice"})
    previous = FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    old = _invoice(books, me, dt.date(2025, 3, 10), "400.00", due=dt.date(2025, 4, 9), ref="P1")  # carried
    _invoice(books, me, dt.date(2025, 11, 20), "60.00", ref="P2")  # carried, no due date
    paid = _invoice(books, me, dt.date(2025, 6, 1), "90.00", ref="P3")  # settled in 2025: not carried
    _letter(books, [_line(paid, "411"), _line(_receipt(books, me, dt.date(2025, 7, 1), "90.00", ref="P3"), "411")])
    assert old.fiscal_year_id == previous.pk
    opening = services.create_entry(
        actor=books["actor"], journal=books["j"]["AN"], date=dt.date(2026, 1, 1), label="À-nouveaux 2026",
        piece_ref="AN2026", post=True, lines=closing.carry_forward_lines(previous),
    )  # fmt: skip
    FiscalYear.objects.filter(pk=previous.pk).update(status=FiscalYearStatus.CLOSED)
    carried = opening.lines.get(account__code="411", reference="P1")
    receipt = _receipt(books, me, dt.date(2026, 2, 10), "400.00", ref="P1")
    _letter(books, [carried, _line(receipt, "411")], on=dt.date(2026, 3, 1))
    _invoice(books, me, dt.date(2026, 5, 5), "25.00", due=dt.date(2026, 6, 4), ref="N1")
    stored = open_items.stored()
    assert stored == open_items.recompute()
    # The closed year's total is kept (its own items), the open year's holds only its lines.
    assert stored[("party", books["year"].pk, a["411"].pk, me.pk)][2] == 2  # P2 carried, N1
    every = [line for line in _lines("411") if line.fiscal_year_id == books["year"].pk]
    for offset in range(-1, 200):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        assert _aged("411", day) == _straightforward("411", day, every=every), day
    assert _aged("411", dt.date(2025, 12, 31)) == {}
    # On 20/02 the 400.00 carried (due 09/04/2025) is still open, with P2 (60.00 from 01/01/2026 + 30 days).
    # On 20/02 the 400.00 carried (due 09/04/2025) and its receipt of 10/02 (lettered on 01/03) are both open, with
    # P2 (60.00, from 01/01/2026 + 30 days: 20 days late).
    assert _aged("411", dt.date(2026, 2, 20))["C000001"] == [D("-400.00"), D("60.00"), D("0"), D("0"), D("400.00")]


@pytest.mark.django_db(transaction=True)
def test_a_page_outside_a_transaction_is_planned_serially_and_the_setting_does_not_outlive_it(books):
    """PostgreSQL: the statement runs in a transaction of its own with parallel workers off (`SET LOCAL`); the
    connection keeps its setting after it. Same rows either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _edge_books(books)
    on = dt.date(2026, 6, 30)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as captured:
        aged = _aged("411", on)
    assert aged == _straightforward("411", on)
    serial = [q["sql"] for q in captured.captured_queries if "max_parallel_workers_per_gather" in q["sql"]]
    assert len(serial) == (1 if connection.vendor == "postgresql" else 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] != "0"
