"""The home page's dunning to-do at a million ledger lines and 100,000 invoices: its reads keep to the indexes that
spare them the books' lines and the invoices (SQLite plans without statistics, here as in production). Measured with
`bench/page_costs.py direction / --todos` on the bench ledger: 330 ms → 4 ms (no customer on any sub-account), and
with 2,000 customers on their sub-accounts and 100,000 invoices 2.2 s → 41 ms of CPU."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core.collation import french
from pilote.receivables import dunning, ledger_items, todo

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner without statistics")


def _plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


@sqlite_only
@pytest.mark.django_db
def test_taken_over_invoices_are_found_through_the_open_documents_index():
    lines = ledger_items.open_lines(due_before=dt.date(2026, 12, 6), chased_only=True).order_by()  # as todo reads
    plan = _plan(*lines.values_list("auxiliary__contact_id", flat=True).distinct().query.sql_with_params())
    assert "ledger_entryline USING COVERING INDEX ledger_line_open_doc_idx" in plan, plan
    assert "SCAN ledger_entryline" not in plan, plan  # every line of the books, before


@sqlite_only
@pytest.mark.django_db
def test_credit_notes_of_overdue_invoices_are_read_through_their_own_index():
    with CaptureQueriesContext(connection) as queries:
        dunning.proposals(dt.date(2026, 12, 6), [1, 2])
    (sql,) = [q["sql"] for q in queries.captured_queries if '"credited_invoice_id" AS' in q["sql"]]
    plan = _plan(sql)
    assert "credited_invoice" in plan and "status_idx" not in plan, plan  # every issued invoice, before


@pytest.mark.django_db
def test_late_customers_come_in_the_french_order_of_the_sql_collation(structure):
    today = timezone.localdate()
    names = ["zoo", "Zèbre", "école du Parc", "Ecole Alpha", "Élan", "elan", "Architectes Part-Dieu",
             "Architectes des Alpes", "Œuvre", "oeuvre"]  # fmt: skip
    customers = Contact.objects.bulk_create(Contact(name=name, is_customer=True) for name in names)
    from pilote.sales.models import Invoice

    Invoice.objects.bulk_create(
        Invoice(
            customer=c,
            date=today - dt.timedelta(days=70),
            due_date=today - dt.timedelta(days=40),
            status="issued",
            number=f"F-T-{i:03d}",
            issued_at=timezone.now(),
            total_net=D("100"),
            total_vat=D("20"),
            total_gross=D("120"),
        )  # fmt: skip
        for i, c in enumerate(customers)
    )
    in_sql = list(Contact.objects.order_by(french("name"), "pk").values_list("pk", flat=True))
    assert todo.late_customers(today) == in_sql
    assert [Contact.objects.get(pk=pk).name for pk in in_sql][:2] == ["Architectes des Alpes", "Architectes Part-Dieu"]
