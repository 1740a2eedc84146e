"""General ledger: an account's à-nouveaux in one line, the pages after it, and the ledger up to a day (the
drill-down of a figure at a past date)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.ledger import queries, services
from pilote.ledger.models import AuxiliaryAccount, EntryLine
from pilote.ledger.tests.conftest import sale

JAN1 = dt.date(2026, 1, 1)


@pytest.fixture
def ledger(books, monkeypatch):
    """Sales on the à-nouveaux day before and after the à-nouveaux entry (ids on both sides of it), then
    through three months; the à-nouveaux carry open items of two customers."""
    monkeypatch.setattr(queries, "GL_PAGE", 3)
    a = books["a"]
    other = AuxiliaryAccount.objects.create(code="C000002", label="Client B", control_account=a["411"])
    sale(books, amount="1.00", vat="0.20", day=JAN1, label="Facture F-01")
    services.create_entry(
        actor=books["actor"], journal=books["j"]["AN"], date=JAN1, label="À-nouveaux", post=True,
        lines=[services.LineInput(a["411"], debit=Decimal("100.00"), auxiliary=books["customer"], label="F-2025-1"),
               services.LineInput(a["411"], debit=Decimal("250.00"), auxiliary=other, label="F-2025-2"),
               services.LineInput(a["411"], credit=Decimal("30.00"), auxiliary=other, label="Avoir A-2025-1"),
               services.LineInput(a["411"], debit=Decimal("80.00"), auxiliary=books["customer"], label="F-2025-3"),
               services.LineInput(a["101"], credit=Decimal("400.00"))],
    )  # fmt: skip
    days = [JAN1] + [dt.date(2026, 1, 5)] * 4 + [dt.date(2026, 2, 3), dt.date(2026, 2, 10)] + [dt.date(2026, 3, 9)] * 3
    for n, day in enumerate(days, start=2):
        sale(books, amount=f"{n}.00", vat="1.00", day=day, label=f"Facture F-{n:02d}")
    return books


def _scan(books, account, auxiliary=None, *, openings: bool, until=None):
    lines = EntryLine.objects.filter(account=account, fiscal_year=books["year"], is_posted=True)
    lines = lines.filter(auxiliary=auxiliary) if auxiliary else lines
    lines = lines.filter(date__lte=until) if until else lines
    lines = lines if openings else lines.exclude(entry__journal__code="AN")
    return list(lines.order_by("date", "id").values_list("id", "debit", "credit"))


def _assert_pages_equal_the_scan(books, account, auxiliary, expected, before, until=None):
    pages = max(1, -(-len(expected) // 3))
    for page in range(1, pages + 2):
        with CaptureQueriesContext(connection) as run:
            result = queries.general_ledger(books["year"], account, auxiliary, page, until)
        assert len(run) <= 9
        assert result.total == len(expected) and result.page == min(page, pages)
        start = (result.page - 1) * 3
        assert result.opening == before + sum((d - c for _, d, c in expected[:start]), Decimal(0))
        assert [line.pk for line in result.lines] == [pk for pk, _, _ in expected[start : start + 3]]
        running = result.opening
        for line, (_, debit, credit) in zip(result.lines, expected[start : start + 3], strict=True):
            running += debit - credit
            assert line.running_balance == running


def test_an_account_carries_its_a_nouveaux_in_one_line_and_its_pages_match_a_scan(ledger):
    account = ledger["a"]["411"]
    carried = queries.general_ledger(ledger["year"], account).carried
    assert (carried.date, carried.debit, carried.credit, carried.count) == (
        JAN1,
        Decimal("430.00"),
        Decimal("30.00"),
        4,
    )
    assert carried.label == "À-nouveaux (4 lignes)"
    expected = _scan(ledger, account, openings=False)
    assert len(expected) == 11  # the two sales of the à-nouveaux day are listed, on both sides of the entry
    _assert_pages_equal_the_scan(ledger, account, None, expected, Decimal("400.00"))


def test_a_third_party_ledger_lists_the_invoices_it_owed_at_opening(ledger):
    account, customer = ledger["a"]["411"], ledger["customer"]
    result = queries.general_ledger(ledger["year"], account, customer)
    assert result.carried is None
    expected = _scan(ledger, account, customer, openings=True)
    assert len(expected) == 13  # its two open items carried forward and its eleven sales
    _assert_pages_equal_the_scan(ledger, account, customer, expected, Decimal(0))


@pytest.mark.parametrize("until", [JAN1, dt.date(2026, 1, 5), dt.date(2026, 2, 9), dt.date(2026, 2, 10),
                                   dt.date(2026, 3, 31), dt.date(2026, 12, 31)])  # fmt: skip
def test_the_ledger_up_to_a_day_matches_a_scan_up_to_it(ledger, until):
    a, customer = ledger["a"], ledger["customer"]
    _assert_pages_equal_the_scan(ledger, a["411"], None, _scan(ledger, a["411"], openings=False, until=until),
                                 Decimal("400.00"), until)  # fmt: skip
    _assert_pages_equal_the_scan(ledger, a["411"], customer, _scan(ledger, a["411"], customer, openings=True,
                                 until=until), Decimal(0), until)  # fmt: skip
    _assert_pages_equal_the_scan(ledger, a["707"], None, _scan(ledger, a["707"], openings=True, until=until),
                                 Decimal(0), until)  # fmt: skip


def test_a_nouveaux_on_other_days_than_the_first_are_listed_like_any_line(books, monkeypatch):
    monkeypatch.setattr(queries, "GL_PAGE", 3)
    a = books["a"]
    services.create_entry(
        actor=books["actor"], journal=books["j"]["AN"], date=dt.date(2026, 1, 2), label="À-nouveaux", post=True,
        lines=[services.LineInput(a["512"], debit=Decimal("10.00")),
               services.LineInput(a["101"], credit=Decimal("10.00"))],
    )  # fmt: skip
    result = queries.general_ledger(books["year"], a["512"])
    assert result.carried is None and result.total == 1 and result.lines[0].debit == Decimal("10.00")


def test_the_page_shows_the_carried_line_and_the_ledger_up_to_a_day(ledger, client_as):
    client = client_as("comptable")
    url = reverse("ledger:general-ledger")
    page = client.get(url, {"compte": "411", "au": "2026-02-09"}).content.decode()
    assert "À-nouveaux (4 lignes)" in page and "400,00" in page
    assert "7 lignes après les à-nouveaux jusqu'au 09/02/2026" in page
    assert "F-07" not in page  # 10/02/2026: after the day asked (and on a later page anyway)
    outside = client.get(url, {"compte": "411", "au": "2025-06-30"}, follow=True).content.decode()
    assert "Le 30/06/2025 n&#x27;est pas dans l&#x27;exercice choisi (du 01/01/2026 au 31/12/2026)" in outside
    assert client.get(url, {"compte": "411", "au": "31/02/2026"}).status_code == 200  # refused with a message


def test_the_export_up_to_a_day_ends_on_the_balance_of_that_day(ledger, client_as):
    response = client_as("comptable").get(
        reverse("ledger:general-ledger-export"), {"compte": "411", "au": "2026-02-09", "export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][4] == "À-nouveaux (4 lignes)"
    expected = Decimal("400.00") + sum(
        (d - c for _, d, c in _scan(ledger, ledger["a"]["411"], openings=False, until=dt.date(2026, 2, 9))),
        Decimal(0),
    )
    assert len(rows) == 1 + 1 + 7 and rows[-1][7].replace("\u202f", "").replace(" ", "") == f"{expected}".replace(
        ".", ","
    )
