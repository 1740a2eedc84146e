"""The FEC export reads each line's lettering (EcritureLet, DateLet) from the line itself (`lettering_code`,
`lettered_on`, kept by `lettering.mark_lettered`), never joining the lettering tables: at ten million lines that
join was most of the server's time. Outside a transaction (the path `manage.py fec_export` takes) as inside one,
the file is the golden one, lettering codes and their Paris day included."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pilote.ledger import fec
from pilote.ledger.tests.test_fec import GOLDEN, clock, small_books  # noqa: F401 - clock is a fixture


@pytest.mark.django_db(transaction=True)
def test_the_export_reads_the_lettering_from_the_lines_alone(books, clock):  # noqa: F811
    small_books(books, clock)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as outside:
        alone = fec.fec_bytes(books["year"])
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        within = fec.fec_bytes(books["year"])
    assert alone == within == GOLDEN.read_bytes()
    queries = [query["sql"] for query in [*outside.captured_queries, *inside.captured_queries]]
    assert not [sql for sql in queries if "ledger_matchedline" in sql or "ledger_matching" in sql]
    assert alone.decode(fec.ENCODING).count("|A|20260320|") == 2  # the code and its Paris day, from the lines
