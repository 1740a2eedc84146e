"""The entries list pages by keyset (no OFFSET): walking « Suivante » then « Précédente » shows every entry once in
order for each sort; the count stops at a bound (« plus de … »); the filters users use (journal, period,
account, piece, amount, words) select the right entries; the page's queries do not grow with the entries."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse

from pilote.core import keyset
from pilote.ledger import batch, queries
from pilote.ledger.batch import EntrySpec
from pilote.ledger.models import Entry
from pilote.ledger.services import LineInput as L

pytestmark = pytest.mark.django_db


def _entries(books, count, start=dt.date(2026, 1, 5)):
    """`count` posted sales, two a day, amounts 1.00, 2.00, …, pieces FV-0001 …"""
    a = books["a"]
    specs = [
        EntrySpec(
            journal=books["j"]["VT" if n % 3 else "OD"], date=start + dt.timedelta(days=n // 2), label=f"Vente {n:04d}",
            piece_ref=f"FV-{n:04d}",
            lines=[L(a["411"], debit=Decimal(n), auxiliary=books["customer"]), L(a["707"], credit=Decimal(n))],
        )
        for n in range(1, count + 1)
    ]  # fmt: skip
    batch.post_many(actor=books["actor"], specs=specs)


def _labels(data, sort, per_page=7):
    """Every label in page order, read forward to the end then backward to the start."""
    forward, page = [], queries.entry_page(data, sort, per_page=per_page)
    pages = [page]
    while True:
        forward += [entry.label for entry in page.rows]
        if not page.next_token:
            break
        page = queries.entry_page(data, sort, after=page.next_token, per_page=per_page)
        pages.append(page)
    backward = [entry.label for entry in page.rows]
    while page.previous_token:
        page = queries.entry_page(data, sort, before=page.previous_token, per_page=per_page)
        backward = [entry.label for entry in page.rows] + backward
    return forward, backward, pages


@pytest.mark.parametrize("sort", ["-date", "date", "numero", "-numero", "libelle", "-libelle"])
def test_keyset_pages_show_every_entry_once_in_order(books, sort):
    _entries(books, 30)
    forward, backward, pages = _labels({}, sort)
    keys = {
        "date": lambda e: (e.date, e.pk),
        "numero": lambda e: (e.journal.code, e.number, e.pk),
        "libelle": lambda e: (e.label, e.pk),
    }[sort.lstrip("-")]
    everything = sorted(Entry.objects.select_related("journal"), key=keys, reverse=sort.startswith("-"))
    expected = [entry.label for entry in everything]
    assert forward == expected == backward
    assert len(pages) == 5 and all(p.count == 30 and not p.more for p in pages)


def test_count_stops_at_its_bound(books, monkeypatch):
    _entries(books, 12)
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 10)
    page = queries.entry_page({}, "")
    assert (page.count, page.more) == (10, True)
    page = queries.entry_page({"journal": books["j"]["OD"]}, "")
    assert (page.count, page.more) == (4, False)


def test_count_by_account_is_read_from_its_lines_up_to_the_bound(books, monkeypatch, django_assert_num_queries):
    """Filtered by account, the count reads at most twice the bound of the account's lines: exact below the bound
    (an entry with two lines on the account counted once), « more » above it, the count over the entries when the
    lines read are too few distinct entries (three lines an entry) or when another filter is chosen."""
    _entries(books, 12)  # 05/01 to 11/01
    a = books["a"]

    def entries_of(day, lines_on_411, count):
        lines = [L(a["411"], debit=Decimal("1"), auxiliary=books["customer"]) for _ in range(lines_on_411)]
        batch.post_many(actor=books["actor"], specs=[
            EntrySpec(journal=books["j"]["OD"], date=day, label=f"OD {n}", piece_ref=f"OD-{day:%d}-{n}",
                      lines=[*lines, L(a["707"], credit=Decimal(lines_on_411))]) for n in range(count)
        ])  # fmt: skip

    entries_of(dt.date(2026, 2, 1), 2, 3)
    entries_of(dt.date(2026, 2, 2), 3, 3)

    def count(**data):
        entries = queries.filter_entries(data)
        return queries.bounded_entry_count(entries, data)

    monkeypatch.setattr(keyset, "COUNT_LIMIT", 20)
    entries = queries.filter_entries({"compte": "411"})
    with django_assert_num_queries(2):  # the accounts, then at most 42 of their lines
        assert queries.bounded_entry_count(entries, {"compte": "411"}) == (18, False)
    assert count(compte="411", exercice=books["year"], du=None, q="") == (18, False)
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 10)
    with django_assert_num_queries(2):
        assert queries.bounded_entry_count(entries, {"compte": "411"}) == (10, True)
    assert count(compte="411", journal=books["j"]["OD"]) == (10, False)  # counted over the entries
    assert count(compte="411", journal=books["j"]["VT"]) == (8, False)
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 2)
    assert count(compte="411", du=dt.date(2026, 2, 1), au=dt.date(2026, 2, 1)) == (2, True)  # 6 lines, 3 entries
    # Three lines an entry: the 8 lines read (twice the bound of 3, plus 2) are 3 entries, not more than the
    # bound, and not every line of the day either: the distinct entries of the account's lines are read, up to
    # one more than the bound — never the semi-join of every entry with the lines (minutes on SQLite at 1M).
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 3)
    day = queries.filter_entries({"compte": "411", "du": dt.date(2026, 2, 2), "au": dt.date(2026, 2, 2)})
    with django_assert_num_queries(4):  # the accounts and the sample, the accounts and the distinct entries
        assert queries.bounded_entry_count(
            day, {"compte": "411", "du": dt.date(2026, 2, 2), "au": dt.date(2026, 2, 2)}
        ) == (3, False)
    assert count(compte="411", du=dt.date(2026, 2, 1)) == (3, True)


def test_filters_users_use(books):
    _entries(books, 30)

    def labels(**data):
        return sorted(entry.label for entry in queries.entry_page(data, "date", per_page=100).rows)

    assert labels(journal=books["j"]["OD"]) == [f"Vente {n:04d}" for n in (3, 6, 9, 12, 15, 18, 21, 24, 27, 30)]
    assert labels(du=dt.date(2026, 1, 6), au=dt.date(2026, 1, 6)) == ["Vente 0002", "Vente 0003"]
    assert labels(piece="FV-0017") == ["Vente 0017"]
    assert labels(montant=Decimal("17.00")) == ["Vente 0017"]
    assert labels(compte="70") == labels()
    assert labels(compte="512") == []
    assert labels(compte="411", exercice=books["year"], du=dt.date(2026, 1, 6), au=dt.date(2026, 1, 6)) == [
        "Vente 0002",
        "Vente 0003",
    ]
    assert labels(q="0029") == ["Vente 0029"]
    assert labels(journal=books["j"]["VT"], montant=Decimal("3.00")) == []


def test_list_page_queries_do_not_grow_and_tampered_tokens_are_ignored(client_as, books, django_assert_max_num_queries):
    client = client_as("comptable")
    url = reverse("ledger:entry-list")
    for count in (3, 120):
        _entries(books, count, start=dt.date(2026, 2, 1) if count == 3 else dt.date(2026, 3, 1))
        with django_assert_max_num_queries(12):
            response = client.get(url, {"montant": "2,00", "du": "01/01/2026"})
        assert response.status_code == 200
        with django_assert_max_num_queries(12):
            response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
    assert "123 résultats" in page
    token = unquote(re.search(r"apres=([^\"&]+)", page).group(1))
    second = client.get(url, {"apres": token}).content.decode()
    assert "Précédente" in second and "Vente 0120" not in second  # the newest entry is on the first page only
    tampered = client.get(url, {"apres": "x" + token}).content.decode()  # a tampered token: the first page
    assert "Précédente" not in tampered and "Vente 0120" in tampered


def test_an_entry_carries_its_amount_from_posting_and_a_draft_sums_its_lines(books):
    """The list reads a posted entry's amount from the entry (written at posting, by `post_entry` and by
    `post_many`), never from its lines; a draft has none stored and is summed; `verify_ledger` compares both."""
    from django.db import connection

    from pilote.ledger.tests.conftest import sale
    from pilote.ledger.tests.test_inalterability import lift_triggers
    from pilote.ledger.verify import verify_all

    _entries(books, 2)  # post_many
    posted = sale(books, amount="100.00", vat="20.00")  # post_entry
    draft = sale(books, amount="10.00", vat="2.00", post=False, label="Brouillon F-9")
    stored = dict(Entry.objects.values_list("label", "total_debit"))
    assert stored == {"Vente 0001": Decimal("1.00"), "Vente 0002": Decimal("2.00"), posted.label: Decimal("120.00"),
                      draft.label: None}  # fmt: skip
    amounts = {entry.label: entry.amount for entry in queries.entry_page({}, "date").rows}
    assert amounts == {"Vente 0001": Decimal("1.00"), "Vente 0002": Decimal("2.00"), posted.label: Decimal("120.00"),
                       draft.label: Decimal("12.00")}  # fmt: skip
    assert verify_all()["Équilibre des écritures"] == []
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entry SET total_debit = 99 WHERE id = %s", [posted.pk])
    assert verify_all()["Équilibre des écritures"] == [
        f"Écriture VT {posted.number} (Exercice 2026) : montant enregistré 0,99\u202f€, ses lignes font 120,00\u202f€ "
        "au débit."
    ]


def test_words_of_one_or_two_characters_are_refused_in_french_and_the_other_filters_still_apply(
    client_as, books, personas
):
    """One or two characters are in nearly every label or piece (no index serves them: the list read every entry
    of the books per keystroke): the page says so under the field and keeps the other filters; the API refuses
    them (422, French); three characters filter."""
    from pilote.core import services

    _entries(books, 12)
    client = client_as("comptable")
    url = reverse("ledger:entry-list")
    page = client.get(url, {"q": "FV", "journal": books["j"]["OD"].pk}).content.decode()
    assert "saisissez au moins 3 caractères" in page
    assert page.count("Vente 00") == 4  # the journal OD's entries 3, 6, 9 and 12, not filtered by « FV »
    page = client.get(url, {"q": " 011 "}).content.decode()
    assert "Vente 0011" in page and "Vente 0010" not in page and "au moins 3" not in page

    key = services.create_api_token(actor=personas["comptable"], name="test")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    refused = client.get("/api/v1/ecritures", {"q": "FV"}, **auth)
    assert refused.status_code == 422
    (field, messages), *others = refused.json()["erreurs"].items()
    assert field.endswith("q") and not others and "au moins 3 caractères" in messages[0]
    found = client.get("/api/v1/ecritures", {"q": "0011"}, **auth).json()
    assert [entry["label"] for entry in found["results"]] == ["Vente 0011"]


def test_words_found_in_more_posted_entries_than_the_bound_are_not_counted_again(books, monkeypatch):
    """Where no index counts the words (PostgreSQL; SQLite without FTS5), the count reads the matching entries up to
    the bound once; words found in more posted entries than that are noted, and the list then says « plus de … »
    without reading them (posted entries never change nor go). Drafts are not noted (they may change or go); a note
    taken under a lower bound does not hold for a higher one; a rarer word is counted each time, exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilote.ledger import entry_words, services
    from pilote.ledger.models import FrequentWords

    monkeypatch.setattr(entry_words, "count", lambda words, connection, limit: None)  # as on PostgreSQL
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 10)
    _entries(books, 8)
    a = books["a"]
    drafts = [
        services.create_entry(
            actor=books["actor"], journal=books["j"]["OD"], date=dt.date(2026, 3, 1), label=f"Vente brouillon {n}",
            lines=[L(a["512"], debit=Decimal("1.00")), L(a["707"], credit=Decimal("1.00"))], post=False,
        )
        for n in range(4)
    ]  # fmt: skip
    page = queries.entry_page({"q": "Vente"}, "")
    assert (page.count, page.more) == (10, True) and not FrequentWords.objects.exists()  # 8 posted, 4 drafts
    for draft in drafts:
        draft.delete()
    assert (queries.entry_page({"q": "Vente"}, "").count, FrequentWords.objects.count()) == (8, 0)
    _entries(books, 4, start=dt.date(2026, 6, 1))  # 12 posted
    page = queries.entry_page({"q": "Vente"}, "")
    assert (page.count, page.more) == (10, True)
    assert list(FrequentWords.objects.values_list("words", "posted")) == [("Vente", 11)]
    with CaptureQueriesContext(connection) as seen:
        page = queries.entry_page({"q": "Vente"}, "")
    assert (page.count, page.more, len(page.rows)) == (10, True, 12)
    assert not any("COUNT(" in query["sql"] for query in seen.captured_queries)  # the note, then the page's rows
    assert (queries.entry_page({"q": "0001"}, "").count, FrequentWords.objects.count()) == (2, 1)  # a rarer word
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 20)  # a higher bound: the note (11 found) says nothing, counted
    page = queries.entry_page({"q": "Vente"}, "")
    assert (page.count, page.more) == (12, False)
