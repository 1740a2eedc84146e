"""Fiscal years for tests dated from today: the fixtures' structures open 2026 only, and a test run after that year
(make test-future, or simply next January) posts on days no open year covers. Shared by the apps' fixtures."""

from __future__ import annotations

import datetime as dt


def open_years_to_today() -> None:
    """Open the fiscal years following the last one, twelve months each, until one holds the Paris today."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import FiscalYear
    from pilote.lib.dates import add_months, local_today

    last = FiscalYear.objects.order_by("-end_date").first()
    while last is not None and last.end_date < local_today():
        start = last.end_date + dt.timedelta(days=1)
        last = ledger.open_fiscal_year(actor=None, start_date=start, end_date=add_months(start, 12) - dt.timedelta(1))


def year_from(start: dt.date, end: dt.date):
    """The fiscal year from `start` to `end`: the one a fixture already opened up to today, else opened here."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import FiscalYear

    found = FiscalYear.objects.filter(start_date=start, end_date=end).first()
    return found or ledger.open_fiscal_year(actor=None, start_date=start, end_date=end)
