"""The FEC export's PostgreSQL path: outside any transaction, each chunk's lines are read with hash and merge joins
turned off (`SET LOCAL` in the chunk's own transaction), the lettering found by index lookups per line — the path
`manage.py fec_export` takes at a million lines. It must write the same bytes as the plain path (the one taken
inside a transaction, as in every other test) and as the golden file, lettering codes and days included."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pilote.ledger import fec
from pilote.ledger.tests.test_fec import GOLDEN, clock, small_books  # noqa: F401 - clock is a fixture

SETTING = "enable_hashjoin = off"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index-lookup path is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_index_lookup_path_writes_the_same_file_as_the_plain_path(books, clock):  # noqa: F811
    small_books(books, clock)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as lookups:
        by_index = fec.fec_bytes(books["year"])
    assert any(SETTING in query["sql"] for query in lookups.captured_queries)  # the path was taken
    with transaction.atomic(), CaptureQueriesContext(connection) as plain_queries:
        plain = fec.fec_bytes(books["year"])
    assert not any(SETTING in query["sql"] for query in plain_queries.captured_queries)
    assert by_index == plain == GOLDEN.read_bytes()
    text = by_index.decode(fec.ENCODING)
    assert text.count("|A|20260320|") == 2  # the lettering code and its Paris day, read through the index lookups
    with connection.cursor() as cursor:  # SET LOCAL ended with the chunk's transaction
        cursor.execute("SHOW enable_hashjoin")
        assert cursor.fetchone()[0] == "on"
