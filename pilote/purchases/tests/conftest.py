import datetime as dt

import pytest

from pilote.purchases.tests import factories


@pytest.fixture
def buy(structure, personas):
    """The test structure's books, its assistant and accountant, and the supplier of the sample invoices; its fiscal
    years run to the local today (tests dated from today, run after the structure's 2026 year: make test-future)."""
    made = factories.make_purchases(structure, personas)
    _open_years_to_today()
    return made


def _open_years_to_today() -> None:
    from pilote.ledger import services as ledger
    from pilote.ledger.models import FiscalYear
    from pilote.lib.dates import add_months, local_today

    last = FiscalYear.objects.order_by("-end_date").first()
    while last is not None and last.end_date < local_today():
        start = last.end_date + dt.timedelta(days=1)
        last = ledger.open_fiscal_year(actor=None, start_date=start, end_date=add_months(start, 12) - dt.timedelta(1))
