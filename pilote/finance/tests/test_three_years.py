"""N, N−1 and N−2 side by side: the diagnosis pages and their exports carry the year before the year before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.finance import queries, reports
from pilote.finance.tests.test_pages import _post, books  # noqa: F401  (fixture)
from pilote.ledger.models import FiscalYear

D = Decimal


@pytest.fixture
def three_years(books, personas):  # noqa: F811
    FiscalYear.objects.create(start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31))
    _post(personas["comptable"], dt.date(2024, 6, 1), ("512", "4000", "0"), ("706", "0", "4000"))
    return books


def test_rows_and_exports_carry_n_minus_2(three_years, client_as):
    current = queries.diagnosis(queries.Period(three_years, three_years.end_date))
    previous = queries.diagnosis(queries.previous_period(current.period))
    earlier = queries.diagnosis(queries.previous_period(previous.period))
    assert earlier.period.year.start_date == dt.date(2024, 1, 1)
    net = reports.sig_rows(current, previous, {}, earlier)[-1]  # the cascade ends on the net result
    assert (net.current, net.previous, net.earlier) == (D(6400), D(3000), D(4000))
    sheet = reports.sheet_rows(current, previous, {}, earlier)
    assert sheet[-1].earlier == 0  # TN − (FRNG − BFR) in 2024 too
    client = client_as("comptable")
    page = client.get(reverse("finance:diagnosis") + f"?exercice={three_years.pk}").content.decode()
    assert "2024" in page and "4\u202f000,00\u202f€" in page
    export = client.get(reverse("finance:ratios") + f"?exercice={three_years.pk}&export=csv")
    header = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
    # Today's date inside 2026 gives « Exercice 2026 au … » and the same stretch of the years before.
    columns = header.split(";")
    # Famille, Ratio, N, Unité, N−1, Variation (since N−1, as in the SIG's export), N−2, Formule.
    assert [columns[i][:13] for i in (2, 4, 5, 6)] == ["Exercice 2026", "Exercice 2025", "Variation", "Exercice 2024"]
    export = client.get(reverse("finance:balance-sheet") + f"?exercice={three_years.pk}&export=csv")
    assert "Exercice 2024" in b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
