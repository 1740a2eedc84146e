"""The big lists stay fast whatever the data size and the words typed (core.listing): words under 3 characters are
refused under the field (the other filters still apply), the count stops at the bound (« plus de 10 000 ») and the
totals are not summed over a selection beyond it. The bound is lowered to 1 here, so the demo's lists are « big »:
one test per family of lists (credit notes are the invoices list's « Type »: the same page and queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.core import keyset
from pilote.core.listing import WORDS_MIN, WordsField, words_refusal
from pilote.ledger.queries import WORDS_HINT, WORDS_LABEL

pytestmark = pytest.mark.django_db

REFUSED = f"saisissez au moins {WORDS_MIN} caractères"
OVER_TOTALS = "affinez le filtre pour voir les totaux"

# (family, URL name, filters, the totals' own words when it shows totals, ceiling of queries of the page)
FAMILIES = [
    ("sales-invoices", "sales:invoice-list", {}, "reste à encaisser", 14),
    ("sales-invoices-issued", "sales:invoice-list", {"kind": "invoice", "state": "paid"}, "reste à encaisser", 14),
    ("sales-quotes", "sales:quote-list", {}, "HT ·", 14),
    ("sales-orders", "sales:order-list", {}, "HT ·", 14),
    ("sales-deliveries", "sales:delivery-list", {}, None, 14),
    ("sales-payments", "sales:payment-list", {}, None, 14),
    ("purchases-invoices", "purchases:invoice-list", {}, "TTC</p>", 14),
    ("purchases-orders", "purchases:order-list", {}, "HT ·", 14),
    ("contacts", "contacts:list", {}, None, 14),
    ("hr-employees", "hr:employee-list", {}, None, 14),
    ("audit-log", "core:audit-log", {}, None, 14),
    ("stock-moves", "operations:moves", {}, None, 14),
]


def _get(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def test_the_one_rule_of_words():
    assert words_refusal("") is None and words_refusal("abc") is None and words_refusal(" abc ") is None
    assert words_refusal(" ab ") == f"Recherche : {REFUSED}."
    # The ledger's entries say it as they did, from the shared rule.
    assert words_refusal("FV", WORDS_LABEL, WORDS_HINT) == (
        "Libellé ou pièce : saisissez au moins 3 caractères (ou le numéro de pièce exact dans « N° de pièce exact »)."
    )
    field = WordsField(label="Client ou numéro")
    assert field.clean(" Mar ") == "Mar"
    with pytest.raises(Exception, match="Client ou numéro : saisissez au moins 3 caractères"):
        field.clean("Ma")


@pytest.mark.parametrize(("family", "name", "params", "totals", "ceiling"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_a_big_list_says_plus_de_and_sums_nothing_beyond_the_bound(
    family, name, params, totals, ceiling, demo_loaded, client, monkeypatch
):
    client.force_login(demo_loaded["direction"])
    url = reverse(name)
    within, _ = _get(client, url, params)
    if totals:
        assert totals in within and OVER_TOTALS not in within  # under the bound: the totals as before
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 1)
    page, queries = _get(client, url, params)
    assert "plus de 1 résultats" in page, family
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and "LIMIT 2" in sql.upper()]
    assert counts, f"{family}: the list's count is not bounded"
    if totals:
        assert OVER_TOTALS in page and totals not in page, family
        assert not [sql for sql in queries if "SUM(" in sql.upper()], f"{family}: totals summed beyond the bound"
    assert len(queries) <= ceiling, f"{family}: {len(queries)} queries"
    # The last page reachable is the bound's: its OFFSET never goes past it.
    last, queries = _get(client, url, {**params, "page": 999999})
    assert not [sql for sql in queries if " OFFSET " in sql.upper() and "OFFSET 0" not in sql.upper()]


@pytest.mark.parametrize(("family", "name", "params", "totals", "ceiling"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_two_characters_are_refused_under_the_field_and_the_other_filters_kept(
    family, name, params, totals, ceiling, demo_loaded, client
):
    client.force_login(demo_loaded["direction"])
    url = reverse(name)
    plain, _ = _get(client, url, params)
    refused, _ = _get(client, url, {**params, "q": "zq"})  # would match no row if it filtered
    assert REFUSED in refused, family
    assert refused.count("<tr") == plain.count("<tr"), f"{family}: the list is filtered by refused words"
