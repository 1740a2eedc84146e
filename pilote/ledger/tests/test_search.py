"""The global search finds the books: accounts by code or name, third parties' accounts, entries by piece number and
by the amount of a line (typed the French way), in a fixed number of queries; roles without the ledger see none."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.ledger import search
from pilote.ledger.tests.conftest import sale

pytestmark = pytest.mark.django_db


def _labels(query, limit=10):
    return [hit.label for hit in search.search_books(None, query, limit)]


def test_amounts_are_read_the_french_way():
    assert search.parse_amount("1 234,56") == Decimal("1234.56")
    assert search.parse_amount("1234.5 €") == Decimal("1234.5")
    assert search.parse_amount("80") == Decimal("80")
    for not_amount in ("FV-12", "1,234,56", "0", "12,345", ""):
        assert search.parse_amount(not_amount) is None, not_amount


def test_accounts_third_parties_pieces_and_amounts(books, django_assert_max_num_queries):
    sale(books, amount="1000.00", vat="200.00", day=dt.date(2026, 3, 1), label="Facture F-7")  # piece « F-7 »
    sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 3, 2), label="Facture F-8")
    assert _labels("4457") == ["Compte 44571"]  # and no entry has a line of 4 457,00
    assert "Compte auxiliaire C000001" in _labels("client a")
    assert _labels("F-7") == ["Écriture VT 1 — Facture F-7"]
    assert _labels("1 200,00") == ["Écriture VT 1 — Facture F-7"]  # the customer's line
    assert _labels("200") == ["Écriture VT 1 — Facture F-7"]  # its VAT line
    assert _labels("60,00 €") == ["Écriture VT 2 — Facture F-8"]
    with django_assert_max_num_queries(4):  # accounts, third parties, the lines of that amount, their entries
        hits = search.search_books(None, "1 200,00", 10)
    assert hits[0].url.startswith(reverse("ledger:entry-list"))  # the entry's page


def test_the_search_page_shows_the_books_to_the_ledger_roles_only(client_as, books):
    sale(books, label="Facture F-9")
    page = client_as("comptable").get(reverse("core:search"), {"q": "F-9"}).content.decode()
    assert "Comptabilité" in page and "Facture F-9" in page
    page = client_as("commercial").get(reverse("core:search"), {"q": "F-9"}).content.decode()
    assert "Facture F-9" not in page
