import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.ledger import lettering, services
from pilote.ledger.tests.conftest import sale

L = services.LineInput


def _payment(books, amount, ref="F-1", day=dt.date(2026, 4, 1)):
    a = books["a"]
    return services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=day,
        label="Règlement",
        piece_ref=ref,
        post=True,
        lines=[L(a["512"], debit=Decimal(amount)), L(a["411"], credit=Decimal(amount), auxiliary=books["customer"])],
    )


def _customer_line(entry):
    return entry.lines.get(account__code="411")


def test_codes():
    assert [lettering.code_for(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_manual_full_and_partial_lettering(books):
    invoice = sale(books)  # 120.00 TTC
    first = _payment(books, "50.00")
    with pytest.raises(DomainError, match="écart 70,00\u202f€"):
        lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(first)])
    partial = lettering.letter_lines(
        actor=books["actor"], lines=[_customer_line(invoice), _customer_line(first)], partial=True
    )
    assert partial.code == "a" and partial.is_partial
    account, aux = books["a"]["411"], books["customer"].pk
    assert lettering.open_lines(account, aux).count() == 2  # still open until fully settled
    second = _payment(books, "70.00")
    full = lettering.letter_lines(
        actor=books["actor"], lines=[_customer_line(invoice), _customer_line(first), _customer_line(second)]
    )
    assert full.code == "B" and not full.is_partial
    assert lettering.open_lines(account, aux).count() == 0


def test_lines_of_different_accounts_or_already_lettered_are_refused(books):
    invoice = sale(books)
    payment = _payment(books, "120.00")
    with pytest.raises(DomainError, match="même compte"):
        lettering.letter_lines(
            actor=books["actor"], lines=[_customer_line(invoice), payment.lines.get(account__code="512")]
        )
    lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(payment)])
    with pytest.raises(DomainError, match="déjà lettrée"):
        lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(payment)])


def test_automatic_lettering_by_reference_and_amount(books):
    sale(books, label="Facture F-1")  # piece_ref "F-1"
    sale(books, label="Facture F-2", amount="200.00", vat="40.00")
    _payment(books, "120.00", ref="F-1")
    _payment(books, "100.00", ref="F-2")  # partial: not lettered automatically
    made = lettering.auto_letter(actor=books["actor"], account=books["a"]["411"])
    assert made == 1
    open_refs = sorted(line.entry.piece_ref for line in lettering.open_lines(books["a"]["411"], books["customer"].pk))
    assert open_refs == ["F-2", "F-2"]


def test_unlettering_only_while_the_period_is_open(books):
    invoice, payment = sale(books), _payment(books, "120.00")
    matching = lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(payment)])
    year = books["year"]
    year.locked_until = dt.date(2026, 3, 31)
    year.save()
    with pytest.raises(DomainError, match="verrouillée"):
        lettering.unletter(actor=books["actor"], matching=matching)
    year.locked_until = None
    year.save()
    lettering.unletter(actor=books["actor"], matching=matching)
    assert lettering.open_lines(books["a"]["411"], books["customer"].pk).count() == 2


def _second_customer_with_matching_items(books):
    """Another customer whose invoice and payment also share a reference and balance."""
    from pilote.ledger.models import AuxiliaryAccount

    other = AuxiliaryAccount.objects.create(code="C000002", label="Client B", control_account=books["a"]["411"])
    a = books["a"]
    for journal, lines in (
        ("VT", [L(a["411"], debit=Decimal("60.00"), auxiliary=other), L(a["707"], credit=Decimal("60.00"))]),
        ("BQ", [L(a["512"], debit=Decimal("60.00")), L(a["411"], credit=Decimal("60.00"), auxiliary=other)]),
    ):
        services.create_entry(
            actor=books["actor"], journal=books["j"][journal], date=dt.date(2026, 3, 20), label="B",
            piece_ref="F-9", post=True, lines=lines,
        )  # fmt: skip
    return other


def test_automatic_lettering_for_one_third_party_leaves_the_others(books):
    sale(books, label="Facture F-1")
    _payment(books, "120.00", ref="F-1")
    other = _second_customer_with_matching_items(books)
    account = books["a"]["411"]
    assert lettering.auto_letter(actor=books["actor"], account=account, auxiliary=books["customer"]) == 1
    assert lettering.open_lines(account, books["customer"].pk).count() == 0
    assert lettering.open_lines(account, other.pk).count() == 2  # the other customer is untouched
    with pytest.raises(DomainError, match="ne dépend pas du compte 401"):
        lettering.auto_letter(actor=books["actor"], account=books["a"]["401"], auxiliary=other)


def test_automatic_lettering_page_acts_on_its_customer_only(client_as, books):
    from django.urls import reverse

    sale(books, label="Facture F-1")
    _payment(books, "120.00", ref="F-1")
    other = _second_customer_with_matching_items(books)
    client = client_as("comptable")
    response = client.post(reverse("ledger:lettering-auto", args=[books["customer"].pk]), follow=True)
    assert "1 lettrage effectué pour C000001 Client A" in response.content.decode()
    account = books["a"]["411"]
    assert lettering.open_lines(account, books["customer"].pk).count() == 0
    assert lettering.open_lines(account, other.pk).count() == 2


def test_manual_lettering_page_ignores_lines_of_another_third_party(client_as, books):
    from django.urls import reverse

    invoice = sale(books, label="Facture F-1")
    other = _second_customer_with_matching_items(books)
    foreign = list(lettering.open_lines(books["a"]["411"], other.pk).values_list("pk", flat=True))
    mine = _customer_line(invoice).pk
    client = client_as("comptable")
    client.post(reverse("ledger:lettering-letter", args=[books["customer"].pk]), {"lignes": [mine, *foreign]})
    assert lettering.open_lines(books["a"]["411"], other.pk).count() == 2


def _open_partial_items(books, count):
    """`count` invoices of the customer, each half paid and partially lettered with its payment."""
    for n in range(count):
        invoice = sale(books, label=f"Facture F-{n:03d}")
        payment = _payment(books, "60.00", ref=f"F-{n:03d}")
        lettering.letter_lines(
            actor=books["actor"], lines=[_customer_line(invoice), _customer_line(payment)], partial=True
        )


@pytest.mark.parametrize("count", [1, 30])
def test_lettering_page_queries_do_not_grow_with_its_lines(client_as, books, count, django_assert_max_num_queries):
    _open_partial_items(books, count)
    client = client_as("comptable")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ledger:lettering", args=[books["customer"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('name="lignes"') == 2 * count
    assert ">a<" in page  # the partial matchings' codes are shown


def _flags(*entries):
    return [_customer_line(entry).is_lettered for entry in entries]


def _copies(*entries):
    return [(_customer_line(entry).lettering_code, _customer_line(entry).lettered_on) for entry in entries]


def test_lines_carry_their_lettering_and_the_triggers_let_it_alone_change(books, monkeypatch):
    """`is_lettered` follows full matchings (a partial one leaves it off, completing sets it, undoing clears it);
    `lettering_code` and `lettered_on` copy the code and Paris day of the matching a line is in, full or partial
    (what the FEC writes); they are the only columns of a posted line that may change; `verify_ledger` finds a copy
    that disagrees."""
    from django.db import DatabaseError, connection, transaction

    from pilote.ledger.models import EntryLine
    from pilote.ledger.triggers import LINE_FREE_COLUMNS, LINE_FROZEN_COLUMNS
    from pilote.ledger.verify import check_balances

    columns = sorted(f.column for f in EntryLine._meta.concrete_fields)
    assert sorted([*LINE_FROZEN_COLUMNS, *LINE_FREE_COLUMNS]) == columns
    invoice, first = sale(books), _payment(books, "50.00")
    from django.utils import timezone

    # 22:30 UTC on 31 March is already 1 April in Paris (summer time): the day written is Paris's.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC))
    partial = lettering.letter_lines(
        actor=books["actor"], lines=[_customer_line(invoice), _customer_line(first)], partial=True
    )
    assert _flags(invoice, first) == [False, False]
    assert _copies(invoice, first) == [(partial.code, dt.date(2026, 4, 1))] * 2 and partial.code.islower()
    second = _payment(books, "70.00")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))
    full = lettering.letter_lines(
        actor=books["actor"], lines=[_customer_line(invoice), _customer_line(first), _customer_line(second)]
    )
    assert _flags(invoice, first, second) == [True, True, True] and not full.is_partial and partial.pk
    assert _copies(invoice, first, second) == [(full.code, dt.date(2026, 4, 2))] * 3 and full.code.isupper()
    assert check_balances() == []
    lettering.unletter(actor=books["actor"], matching=full)
    assert _flags(invoice, first, second) == [False, False, False]
    assert _copies(invoice, first, second) == [(None, None)] * 3
    line = _customer_line(invoice)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entryline SET is_lettered = %s WHERE id = %s", [True, line.pk])  # allowed
        assert check_balances() == ["1 ligne(s) dont l'indicateur « lettrée » ne correspond pas à leur lettrage."]
        cursor.execute(
            "UPDATE ledger_entryline SET is_lettered = %s, lettering_code = 'Z' WHERE id = %s", [False, line.pk]
        )
        assert check_balances() == ["1 ligne(s) dont le code ou la date de lettrage ne correspond pas à leur lettrage."]
        for change in ("lettering_code = NULL, label = 'x'", "lettered_on = NULL, debit = debit + 1"):
            with pytest.raises(DatabaseError, match="Écriture validée"), transaction.atomic():
                cursor.execute(f"UPDATE ledger_entryline SET {change} WHERE id = %s", [line.pk])


def test_a_lettering_dated_at_another_moment_keeps_every_copy_of_its_time(books):
    """`date_lettering` (the FEC take-over's DateLet, the demo's books): the matching's time, its first date and span
    class, and its lines' code and day (the FEC's EcritureLet and DateLet) all follow the moment given; a matching
    given no moment keeps its own time; `verify_ledger` finds nothing to say."""
    from django.utils import timezone

    from pilote.ledger.models import Matching
    from pilote.ledger.verify import check_balances, check_derived_aggregates

    invoice, payment = sale(books), _payment(books, "120.00", day=dt.date(2026, 4, 20))
    other, other_payment = sale(books, label="Facture F-2"), _payment(books, "120.00", ref="F-2")
    pair = [_customer_line(invoice), _customer_line(payment)]
    dated, kept = (lettering.letter_lines(actor=books["actor"], lines=lines)
                   for lines in (pair, [_customer_line(other), _customer_line(other_payment)]))  # fmt: skip
    assert _copies(invoice, payment) == [(dated.code, timezone.localdate())] * 2  # lettered now
    now = Matching.objects.get(pk=kept.pk).created_at
    lettering.date_lettering([dated.pk, kept.pk], {lettering.noon(dt.date(2026, 4, 20)): [dated.pk]})
    dated, kept = Matching.objects.get(pk=dated.pk), Matching.objects.get(pk=kept.pk)
    assert dated.created_at == dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC)  # noon in Paris, summer time
    span = lettering.span_class(dt.date(2026, 3, 15), dt.date(2026, 4, 20))
    assert (dated.opened_on, dated.span_class) == (dt.date(2026, 3, 15), span)
    assert _copies(invoice, payment) == [(dated.code, dt.date(2026, 4, 20))] * 2
    assert _flags(invoice, payment) == [True, True]
    assert kept.created_at == now and _copies(other, other_payment) == [(kept.code, timezone.localdate(now))] * 2
    assert lettering.misdated_matchings() == 0 and check_balances() == [] and check_derived_aggregates() == []


def test_lettering_page_pages_open_lines_and_shows_lettered_ones_on_demand(client_as, books, monkeypatch):
    from pilote.ledger.views import reports

    monkeypatch.setattr(reports, "LETTERING_PER_PAGE", 3)
    invoices = [sale(books, label=f"Facture F-{n}", day=dt.date(2026, 3, n)) for n in range(1, 6)]
    paid = _payment(books, "120.00", ref="F-1")
    lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoices[0]), _customer_line(paid)])
    client = client_as("comptable")
    url = reverse("ledger:lettering", args=[books["customer"].pk])
    first = client.get(url).content.decode()
    assert first.count('name="lignes"') == 3 and "Facture F-2" in first and "Facture F-1" not in first
    assert "4 résultats" in first
    token = unquote(re.search(r"apres=([^\"&]+)", first).group(1))
    second = client.get(url, {"apres": token}).content.decode()
    assert second.count('name="lignes"') == 1 and "Facture F-5" in second
    lettered = client.get(url, {"lettrees": "1"}).content.decode()
    assert "Facture F-1" in lettered and "Règlement" in lettered and 'name="lignes"' not in lettered
    assert "2 résultats" in lettered


@pytest.mark.parametrize("earlier_year_created_after", [False, True])
def test_lettered_lines_page_newest_first_across_open_years(books, earlier_year_created_after):
    """The lettered lines are read in the (date, id) order of their partial index, whichever order the open years
    were created in: newest first, every line once, « Suivante » then « Précédente »."""
    from pilote.core.keyset import keyset_page
    from pilote.ledger.models import EntryLine, FiscalYear

    other = dt.date(2025, 1, 1) if earlier_year_created_after else dt.date(2027, 1, 1)
    FiscalYear.objects.create(start_date=other, end_date=other.replace(month=12, day=31))
    days = [dt.date(2026, 3, 2), dt.date(2026, 6, 1), other.replace(month=2), other.replace(month=9)]
    for n, day in enumerate(days, start=1):
        invoice = sale(books, label=f"Facture F-{n}", day=day)
        paid = _payment(books, "120.00", ref=f"F-{n}", day=day)
        lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(paid)])
    sale(books, label="Facture F-9", day=dt.date(2026, 5, 1))  # open: not listed
    lines, keys = lettering.lettered_lines(books["a"]["411"], books["customer"].pk)
    assert [name for name, _ in keys] == ["date"]
    expected = [line.pk for line in EntryLine.objects.filter(is_lettered=True).order_by("-date", "-id")]
    page, forward = keyset_page(lines, keys, descending=True, per_page=3), []
    while True:
        forward += [line.pk for line in page.rows]
        if not page.next_token:
            break
        page = keyset_page(lines, keys, descending=True, per_page=3, after=page.next_token)
    backward = [line.pk for line in page.rows]
    while page.previous_token:
        page = keyset_page(lines, keys, descending=True, per_page=3, before=page.previous_token)
        backward = [line.pk for line in page.rows] + backward
    assert len(expected) == 8 and forward == expected == backward and (page.count, page.more) == (8, False)


def test_lettered_pages_across_the_year_boundary_lose_and_repeat_no_line(client_as, books, monkeypatch):
    """The page's « Suivante » and « Précédente » links walk the lettered lines newest first across the end of a year:
    several lines on 31/12 and on 01/01, the ids not following the dates (the new year's lines written first), pages
    cut inside a day; every line of the open years once, in (date, id) order both ways, a closed year's none."""
    from pilote.ledger.models import EntryLine, FiscalYear
    from pilote.ledger.views import reports

    monkeypatch.setattr(reports, "LETTERING_PER_PAGE", 4)
    closed = FiscalYear.objects.create(start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31))
    FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    days = [dt.date(2026, 1, 1)] * 3 + [dt.date(2026, 2, 1), dt.date(2025, 6, 1)] + [dt.date(2025, 12, 31)] * 3
    days += [dt.date(2024, 12, 31)]
    for n, day in enumerate(days, start=10):
        invoice = sale(books, label=f"Facture S{n}", day=day)
        paid = _payment(books, "120.00", ref=f"P{n}", day=day)
        lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(paid)])
    sale(books, label="Facture S99", day=dt.date(2025, 12, 31))  # open: not listed
    FiscalYear.objects.filter(pk=closed.pk).update(status="closed")
    listed = EntryLine.objects.filter(is_lettered=True, fiscal_year__status="open").order_by("-date", "-id")
    expected = [line.entry.piece_ref for line in listed.select_related("entry")]
    assert len(expected) == 16 and not {"S18", "P18"} & set(expected)  # 2024's pair left out
    client, url = client_as("comptable"), reverse("ledger:lettering", args=[books["customer"].pk])

    def read(**params):
        page = client.get(url, {"lettrees": "1", **params}).content.decode()
        pieces = re.findall(r'<td data-label="Pièce">([^<]*)</td>', page)
        links = {
            name: unquote(found.group(1).replace("&amp;", "&")) if found else None
            for name in ("apres", "avant")
            for found in [re.search(rf"[?&]{name}=([^\"&]+)", page)]
        }
        return pieces, links

    pieces, links = read()
    forward, pages = list(pieces), 1
    while links["apres"]:
        pieces, links = read(apres=links["apres"])
        forward += pieces
        pages += 1
    backward = list(pieces)
    while links["avant"]:
        pieces, links = read(avant=links["avant"])
        backward = pieces + backward
    assert pages == 4 and forward == expected == backward


def test_lettered_count_comes_from_the_aggregates_and_equals_the_lines(books):
    """The lettered-lines page counts from the aggregates (posted lines less open items): the same number as the
    lines themselves after full, partial and undone letterings, with a draft and a closed year left out."""
    from pilote.ledger.models import EntryLine, FiscalYear

    account, customer = books["a"]["411"], books["customer"]

    def direct() -> int:
        return EntryLine.objects.filter(
            account=account, auxiliary=customer, is_posted=True, is_lettered=True, fiscal_year__status="open"
        ).count()

    assert lettering.lettered_count(account, customer.pk) == (0, False)
    matchings = []
    for n in range(1, 4):
        invoice = sale(books, label=f"Facture F-{n}", day=dt.date(2026, 3, n))
        paid = _payment(books, "120.00", ref=f"F-{n}", day=dt.date(2026, 4, n))
        lines = [_customer_line(invoice), _customer_line(paid)]
        matchings.append(lettering.letter_lines(actor=books["actor"], lines=lines))
    invoice = sale(books, label="Facture F-4", day=dt.date(2026, 5, 4))
    part = _payment(books, "50.00", ref="F-4", day=dt.date(2026, 5, 20))
    lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoice), _customer_line(part)], partial=True)
    sale(books, label="Facture F-5 brouillon", day=dt.date(2026, 6, 1), post=False)
    assert lettering.lettered_count(account, customer.pk) == (direct(), False) == (6, False)
    lettering.unletter(actor=books["actor"], matching=matchings[0])
    assert lettering.lettered_count(account, customer.pk) == (direct(), False) == (4, False)
    FiscalYear.objects.filter(pk=books["year"].pk).update(status="closed")
    assert lettering.lettered_count(account, customer.pk) == (direct(), False) == (0, False)
    assert lettering.lettered_count(books["a"]["512"], customer.pk) is None  # no open items kept: the page counts


@pytest.mark.parametrize("earlier_year_created_after", [False, True])
def test_open_lines_page_oldest_first_across_open_years_counted_from_the_aggregates(books, earlier_year_created_after):
    """The open lines are read in the (date, id) order of their partial index across the open years, whichever order
    the years were created in (the ids not following the dates): every open line once, « Suivante » then
    « Précédente »; a closed year's lines, lettered lines and drafts left out; the count is the open items' aggregate
    and equals the lines at each step (full, partial and undone letterings)."""
    from pilote.core.keyset import keyset_page
    from pilote.ledger.models import EntryLine, FiscalYear

    account, customer = books["a"]["411"], books["customer"]
    other = dt.date(2025, 1, 1) if earlier_year_created_after else dt.date(2027, 1, 1)
    FiscalYear.objects.create(start_date=other, end_date=other.replace(month=12, day=31))

    def direct() -> list[int]:
        lines = EntryLine.objects.filter(account=account, auxiliary=customer, is_posted=True, is_lettered=False)
        return [line.pk for line in lines.filter(fiscal_year__status="open").order_by("date", "id")]

    def walked() -> tuple[list[int], list[int], tuple]:
        lines, keys = lettering.open_lines(account, customer.pk), [("date", None)]
        count = lettering.open_count(account, customer.pk)
        page, forward = keyset_page(lines, keys, descending=False, per_page=3, count=count), []
        while True:
            forward += [line.pk for line in page.rows]
            if not page.next_token:
                break
            page = keyset_page(lines, keys, descending=False, per_page=3, after=page.next_token, count=count)
        backward = [line.pk for line in page.rows]
        while page.previous_token:
            page = keyset_page(lines, keys, descending=False, per_page=3, before=page.previous_token, count=count)
            backward = [line.pk for line in page.rows] + backward
        return forward, backward, count

    days = [other.replace(month=9), dt.date(2026, 6, 1), other.replace(month=2), dt.date(2026, 3, 2)] * 2
    invoices = [sale(books, label=f"Facture F-{n}", day=day) for n, day in enumerate(days, start=1)]
    paid = _payment(books, "120.00", ref="F-1", day=days[0])
    full = lettering.letter_lines(actor=books["actor"], lines=[_customer_line(invoices[0]), _customer_line(paid)])
    part = _payment(books, "50.00", ref="F-2", day=days[1])
    lettering.letter_lines(
        actor=books["actor"], lines=[_customer_line(invoices[1]), _customer_line(part)], partial=True
    )
    sale(books, label="Facture F-9 brouillon", day=dt.date(2026, 7, 1), post=False)
    forward, backward, count = walked()
    assert len(forward) == 8 and forward == direct() == backward and count == (8, False)  # 7 invoices + instalment
    lettering.unletter(actor=books["actor"], matching=full)
    forward, backward, count = walked()
    assert len(forward) == 10 and forward == direct() == backward and count == (10, False)
    FiscalYear.objects.filter(start_date=other).update(status="closed")
    forward, backward, count = walked()
    assert forward == direct() == backward and count == (len(forward), False) and len(forward) < 10


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan: PostgreSQL's depends on its statistics")
@pytest.mark.parametrize("lettered", [False, True])
def test_a_lettering_page_is_read_in_index_order_without_a_sort(books, lettered):
    """The page of open (or lettered) lines is walked in the order of its partial index, across the open years,
    and left at the page's end: no sort of the party's every line (the year before the date in the index made
    SQLite read, join and sort all of them for each page)."""
    from django.test.utils import CaptureQueriesContext

    from pilote.core.keyset import keyset_page
    from pilote.ledger.models import FiscalYear

    FiscalYear.objects.create(start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31))
    account, party = books["a"]["411"], books["customer"].pk
    if lettered:
        lines, keys = lettering.lettered_lines(account, party)
    else:
        lines, keys = lettering.open_lines(account, party).select_related("match__matching"), [("date", None)]
    with CaptureQueriesContext(connection) as queries:
        keyset_page(lines, keys, descending=lettered, per_page=200, ids_first=lettered, count=(0, False))
    index = "ledger_line_lettered_idx" if lettered else "ledger_line_open_idx"
    (sql,) = [q["sql"] for q in queries.captured_queries if "ledger_entryline" in q["sql"] and "LIMIT" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert index in plan and "TEMP B-TREE" not in plan, plan
