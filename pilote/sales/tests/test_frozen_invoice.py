"""Issue 17 point 3: every field an issued invoice or credit note shows is frozen by the database itself (raw
SQL, as a database administrator would write it), on SQLite and PostgreSQL; only operational fields move."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from pilote.sales import issuing, services, triggers
from pilote.sales.models import Invoice, InvoiceFile, InvoiceLine
from pilote.sales.services import LineSpec

REFUSED = IntegrityError if connection.vendor == "postgresql" else Exception


@pytest.fixture
def issued(shop):
    """An issued invoice (with its archived PDF) and the credit note that corrects part of it."""
    actor = shop["actor"]
    lines = [LineSpec.from_product(shop["p"]["chair"], D(2))]
    invoice = services.create_invoice(
        actor=actor, customer=shop["customer"], date=shop["day"], lines=lines, customer_reference="BC-2026-118",
        delivery_date=shop["day"], notes="Livraison au 2e étage.",
    )  # fmt: skip
    invoice = issuing.issue_invoice(actor=actor, invoice=invoice)
    note = services.credit_note_for(actor=actor, invoice=invoice, date=shop["day"])
    note = issuing.issue_invoice(actor=actor, invoice=note, render_pdf=False)
    return invoice, note


def _other_value(field, column: str):
    """A SQL expression and its parameters giving `column` a different value (foreign keys are checked after
    the BEFORE triggers, so any id will do)."""
    kind = field.get_internal_type()
    if kind in ("DateField",):
        return "%s", [dt.date(2026, 7, 14)]
    if kind == "DateTimeField":
        return "%s", [dt.datetime(2026, 7, 14, 12, tzinfo=dt.UTC)]
    if kind == "BooleanField":
        return f"NOT {column}", []
    if kind == "JSONField":
        return ("%s::jsonb" if connection.vendor == "postgresql" else "%s"), ['{"name": "Autre client"}']
    if kind in ("CharField", "TextField"):
        return "'y'", []  # no stored value is « y », and it fits every length
    return f"COALESCE({column}, 0) + 977", []  # integers, ids, amounts in cents, decimals


def _refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except REFUSED as exc:
        assert triggers.MESSAGE in str(exc)
        return True
    return False


def test_every_column_is_frozen_or_operational():
    columns = {field.column for field in Invoice._meta.concrete_fields}
    assert set(triggers.FROZEN) | set(triggers.OPERATIONAL) == columns
    assert not set(triggers.FROZEN) & set(triggers.OPERATIONAL)


@pytest.mark.parametrize("document", ["invoice", "credit_note"])
def test_raw_update_of_each_legal_field_is_refused(issued, document):
    target = issued[0] if document == "invoice" else issued[1]
    fields = {field.column: field for field in Invoice._meta.concrete_fields}
    accepted = [
        column
        for column in fields
        if column not in triggers.OPERATIONAL
        and not _refused(
            f"UPDATE sales_invoice SET {column} = {_other_value(fields[column], column)[0]} WHERE id = %s",
            [*_other_value(fields[column], column)[1], target.pk],
        )
    ]
    assert accepted == []
    line_fields = {field.column: field for field in InvoiceLine._meta.concrete_fields}
    line = InvoiceLine.objects.filter(invoice=target).first()
    accepted = [
        column
        for column, field in line_fields.items()
        if not _refused(
            f"UPDATE sales_invoiceline SET {column} = {_other_value(field, column)[0]} WHERE id = %s",
            [*_other_value(field, column)[1], line.pk],
        )
    ]
    assert accepted == []
    assert _refused("DELETE FROM sales_invoice WHERE id = %s", [target.pk])
    assert _refused("DELETE FROM sales_invoiceline WHERE id = %s", [line.pk])
    target.refresh_from_db()
    assert target.number and target.status == "issued"


def test_the_archived_pdf_is_frozen(issued):
    stored = InvoiceFile.objects.get(invoice=issued[0])
    assert _refused("UPDATE sales_invoicefile SET pdf = %s WHERE id = %s", [b"%PDF-1.7 autre", stored.pk])
    assert _refused("UPDATE sales_invoicefile SET sha256 = %s WHERE id = %s", ["0" * 64, stored.pk])
    assert _refused("DELETE FROM sales_invoicefile WHERE id = %s", [stored.pk])


def test_operational_fields_still_move(issued):
    invoice = issued[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sales_invoice SET amount_paid = 100, paid_on = %s, sent_at = %s, version = version + 1, "
            "delivery_address_id = NULL WHERE id = %s",
            [dt.date(2026, 4, 1), dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC), invoice.pk],
        )
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("1.00") and invoice.paid_on == dt.date(2026, 4, 1)


def test_what_the_issue_reported_is_refused(issued):
    """UPDATE … SET notes, customer_reference, delivery_date was accepted and export_invoice then showed it."""
    invoice = issued[0]
    assert _refused("UPDATE sales_invoice SET notes = 'Remise exceptionnelle' WHERE id = %s", [invoice.pk])
    assert _refused("UPDATE sales_invoice SET customer_reference = 'BC-FAUX' WHERE id = %s", [invoice.pk])
    assert _refused("UPDATE sales_invoice SET delivery_date = %s WHERE id = %s", [dt.date(2025, 1, 1), invoice.pk])
    invoice.refresh_from_db()
    assert (invoice.notes, invoice.customer_reference) == ("Livraison au 2e étage.", "BC-2026-118")
