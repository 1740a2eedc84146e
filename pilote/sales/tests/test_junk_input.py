"""No junk in a form field or a query parameter of the sales and receivables pages gives a 500: a payment
allocated « NaN », a dunning run told total=abc… (core/tests/junk.py)."""

import pytest

from pilote.core.tests.junk import GROUPS, fuzz

pytestmark = pytest.mark.django_db


def test_junk_in_every_field_of_the_sales_pages(demo_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        failures, pages, sent = fuzz(GROUPS["sales"])
    assert pages > 30 and sent > 300, (pages, sent)  # the walk reached the pages and their forms
    assert failures == [], "\n".join(map(str, failures))
