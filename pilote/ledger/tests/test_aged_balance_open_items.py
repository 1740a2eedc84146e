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
from pilote.ledger.models import AuxiliaryAccount, EntryLine, Matching

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
        when = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
        Matching.objects.filter(pk=matching.pk).update(created_at=when)
        lettering.date_matchings([matching.pk])
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
