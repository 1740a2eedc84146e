"""No junk in a form field or a query parameter of the ledger's, the purchases' and the finance pages gives a 500
(core/tests/junk.py)."""

import pytest

from pilote.core.tests.junk import GROUPS, fuzz

pytestmark = pytest.mark.django_db


def test_junk_in_every_field_of_the_ledger_pages(demo_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        failures, pages, sent = fuzz(GROUPS["ledger"])
    assert pages > 30 and sent > 200, (pages, sent)  # the walk reached the pages and their forms
    assert failures == [], "\n".join(map(str, failures))
