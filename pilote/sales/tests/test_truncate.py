"""PostgreSQL's TRUNCATE skips row triggers: it is refused on the tables of issued invoices."""

from decimal import Decimal as D

import pytest
from django.db import DatabaseError, connection, transaction

from pilote.sales import issuing, services
from pilote.sales.services import LineSpec


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    ["TRUNCATE sales_invoiceline", "TRUNCATE sales_invoicefile", "TRUNCATE sales_invoice CASCADE"],
)
def test_truncate_of_issued_invoices_is_refused(shop, statement):
    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    with pytest.raises(DatabaseError, match="Facture émise"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred key checks
        cursor.execute(statement)
