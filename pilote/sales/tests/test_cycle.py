"""The sales cycle, narrated: quote → order → partial delivery → deposit and invoices → final invoice
deducting the deposit → credit note → payments → lettering; amounts, entries and numbering asserted."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import verify
from pilote.ledger.models import EntryLine, MatchedLine
from pilote.sales import documents, einvoice, issuing, payments, services
from pilote.sales.models import InvoiceKind, InvoiceLine, OrderStatus, QuoteStatus
from pilote.sales.services import LineSpec
from pilote.sales.tests.test_einvoice import assert_valid

RENDER = False  # the Factur-X PDF is covered by test_invoice_pdf


def lines_of(entry):
    """{(account, aux code or ''): signed amount (debit positive)} of a posted entry."""
    out = {}
    for line in EntryLine.objects.filter(entry=entry).select_related("account", "auxiliary"):
        key = (line.account.code, line.auxiliary.code if line.auxiliary else "")
        out[key] = out.get(key, D(0)) + line.debit - line.credit
    return out


def test_prospect_to_cash(shop):
    actor, customer, p = shop["actor"], shop["customer"], shop["p"]
    # 1. The quote: 10 chairs, 4 hours of installation, 10 books at 5.5 %.
    quote = services.create_quote(
        actor=actor,
        customer=customer,
        date=dt.date(2026, 3, 2),
        valid_until=dt.date(2026, 4, 1),
        lines=[
            LineSpec.from_product(p["chair"], D(10)),
            LineSpec.from_product(p["install"], D(4)),
            LineSpec.from_product(p["book"], D(10)),
        ],
    )
    assert quote.number == "D-2026-0001"
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (D("1964.00"), D("357.28"), D("2321.28"))
    services.mark_quote_sent(actor=actor, quote=quote)

    # 2. Accepted and converted to an order in one step.
    order = services.convert_quote(actor=actor, quote=quote, date=dt.date(2026, 3, 5), customer_reference="BC-778")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    assert order.number == "CC-2026-0001" and order.total_gross == D("2321.28")
    chair, install, book = order.lines.order_by("position")

    # 3. A 30 % deposit invoice, issued: VT entry 411 / 4191 / 44571 per rate.
    deposit = services.deposit_invoice(actor=actor, order=order, date=dt.date(2026, 3, 5), percent=D(30))
    assert (deposit.total_net, deposit.total_vat, deposit.total_gross) == (D("589.20"), D("107.18"), D("696.38"))
    deposit = issuing.issue_invoice(actor=actor, invoice=deposit, render_pdf=RENDER)
    assert deposit.number == "F-2026-00001"
    assert deposit.due_date == dt.date(2026, 3, 5)  # « à réception »
    assert lines_of(deposit.entry) == {
        ("411", f"C{customer.pk:06d}"): D("696.38"),
        ("4191", ""): D("-589.20"),
        ("44571", ""): D("-107.18"),
    }

    # 4. Partial delivery, then the invoice of what was delivered.
    services.deliver(actor=actor, order=order, date=dt.date(2026, 3, 12), quantities={chair.pk: D(6), book.pk: D(10)})
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    with pytest.raises(DomainError, match="il n'en reste que"):
        services.deliver(actor=actor, order=order, date=dt.date(2026, 3, 12), quantities={chair.pk: D(5)})
    first = services.invoice_order(actor=actor, order=order, date=dt.date(2026, 3, 12))
    assert (first.total_net, first.total_vat, first.total_gross) == (D("1144.40"), D("193.36"), D("1337.76"))
    assert not first.lines.filter(deposit_invoice__isnull=False).exists()  # deposits wait for the final invoice
    first = issuing.issue_invoice(actor=actor, invoice=first, render_pdf=RENDER)
    assert first.number == "F-2026-00002"
    assert first.due_date == dt.date(2026, 4, 11)  # 30 days

    # 5. The rest delivered; the final invoice deducts the deposit, rate by rate.
    services.deliver(actor=actor, order=order, date=dt.date(2026, 3, 20), quantities={chair.pk: D(4), install.pk: D(4)})
    final = services.invoice_order(actor=actor, order=order, date=dt.date(2026, 3, 20))
    deductions = final.lines.filter(deposit_invoice=deposit)
    assert sorted(line.net_amount for line in deductions) == [D("-515.70"), D("-73.50")]
    assert (final.total_net, final.total_vat, final.total_gross) == (D("230.40"), D("56.74"), D("287.14"))
    final = issuing.issue_invoice(actor=actor, invoice=final, render_pdf=RENDER)
    assert deposit.total_gross + first.total_gross + final.total_gross == quote.total_gross
    assert lines_of(final.entry) == {
        ("411", f"C{customer.pk:06d}"): D("287.14"),
        ("4191", ""): D("589.20"),
        ("706", ""): D("-220.00"),
        ("707", ""): D("-599.60"),
        ("44571", ""): D("-56.74"),
    }
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED

    # 6. A credit note for one chair of the first invoice.
    note = services.credit_note_for(actor=actor, invoice=first, date=dt.date(2026, 3, 25))
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.total_gross == first.total_gross
    services.update_invoice_draft(
        actor=actor,
        invoice=note,
        version=note.version,
        date=note.date,
        payment_term="reception",
        lines=[LineSpec.copy_of(first.lines.get(reference="CH-01"), D(1))],
    )
    note = issuing.issue_invoice(actor=actor, invoice=issuing.Invoice.objects.get(pk=note.pk), render_pdf=RENDER)
    assert note.number == "AV-2026-00001" and note.total_gross == D("179.88")
    assert lines_of(note.entry) == {
        ("411", f"C{customer.pk:06d}"): D("-179.88"),
        ("707", ""): D("149.90"),
        ("44571", ""): D("29.98"),
    }
    first.refresh_from_db()
    assert first.balance_due == D("1157.88")

    # 7. Payments: the deposit, then the rest in one transfer allocated oldest first.
    payments.record_payment(
        actor=shop["accountant"],
        customer=customer,
        date=dt.date(2026, 3, 10),
        amount=D("696.38"),
        method="transfer",
        bank_account=shop["bank"],
        reference="VIR 1",
    )
    payment = payments.record_payment(
        actor=shop["accountant"],
        customer=customer,
        date=dt.date(2026, 4, 15),
        amount=D("1445.02"),
        method="transfer",
        bank_account=shop["bank"],
        reference="VIR 2",
    )
    assert [(a.invoice.number, a.amount) for a in payment.allocations.order_by("invoice__number")] == [
        ("F-2026-00002", D("1157.88")),
        ("F-2026-00003", D("287.14")),
    ]
    for invoice in (deposit, first, final):
        invoice.refresh_from_db()
        assert invoice.balance_due == 0 and invoice.paid_on is not None
    # 8. Every customer line is lettered (fully), and the books are sound.
    customer_lines = EntryLine.objects.filter(account__code="411", auxiliary__contact=customer)
    assert customer_lines.count() == 7
    matched = MatchedLine.objects.filter(line__in=customer_lines).select_related("matching")
    assert matched.count() == 7 and not any(m.matching.is_partial for m in matched)
    assert not any(verify.verify_all().values())
    # 9. Every issued document is a valid EN 16931 / French CTC e-invoice (XSD + official schematrons).
    for document in (deposit, first, final, note):
        document.refresh_from_db()
        assert_valid(einvoice.build_cii_xml(documents.invoice_data(document)))
    assert documents.invoice_data(final).business_process == "M4"  # goods and services, final invoice after a deposit


def test_issued_invoice_is_frozen(shop):
    actor = shop["actor"]
    invoice = services.create_invoice(
        actor=actor,
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )
    invoice = issuing.issue_invoice(actor=actor, invoice=invoice, render_pdf=RENDER)
    with pytest.raises(DomainError, match="émise"):
        services.delete_invoice_draft(actor=actor, invoice=invoice)
    with pytest.raises(DomainError, match="émise"):
        services.update_invoice_draft(
            actor=actor, invoice=invoice, version=invoice.version, date=invoice.date, payment_term="30", lines=[]
        )
    with pytest.raises(DomainError, match="déjà émise"):
        issuing.issue_invoice(actor=actor, invoice=invoice, render_pdf=RENDER)
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 1


def test_database_refuses_changing_an_issued_invoice(shop):
    from django.db import IntegrityError, connection, transaction

    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    statements = [
        ("UPDATE sales_invoice SET total_gross = 1 WHERE id = %s", [invoice.pk]),
        ("UPDATE sales_invoice SET number = 'F-2026-99999' WHERE id = %s", [invoice.pk]),
        ("DELETE FROM sales_invoice WHERE id = %s", [invoice.pk]),
        ("UPDATE sales_invoiceline SET unit_price = 1 WHERE invoice_id = %s", [invoice.pk]),
        ("DELETE FROM sales_invoiceline WHERE invoice_id = %s", [invoice.pk]),
    ]
    for sql, params in statements:
        expected = IntegrityError if connection.vendor == "postgresql" else Exception
        with pytest.raises(expected, match="Facture émise"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # Settlement fields stay writable: a payment updates them.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sales_invoice SET amount_paid = 100 WHERE id = %s", [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("1.00") and invoice.number == "F-2026-00001"


def test_vat_on_receipts_waits_for_payment(shop):
    """« TVA sur les encaissements »: a service's VAT waits on 44588 and moves to 44571 as it is paid.
    (Each month's figures are read out of sequence: no return is declared here.)"""
    from pilote.core.models import Structure
    from pilote.ledger import vat

    Structure.objects.update(vat_regime="encaissements")
    actor = shop["actor"]
    invoice = services.create_invoice(
        actor=actor,
        customer=shop["customer"],
        date=dt.date(2026, 3, 2),
        lines=[LineSpec.from_product(shop["p"]["install"], D(10)), LineSpec.from_product(shop["p"]["chair"], D(2))],
    )
    invoice = issuing.issue_invoice(actor=actor, invoice=invoice, render_pdf=RENDER)
    assert invoice.vat_on_receipts and not invoice.vat_on_debits
    # 550.00 of services and 299.80 of goods at 20 %: VAT 169.96 split 110.00 / 59.96.
    assert lines_of(invoice.entry)[("44588", "")] == D("-110.00")
    assert lines_of(invoice.entry)[("44571", "")] == D("-59.96")
    payments.record_payment(
        actor=actor, customer=shop["customer"], date=dt.date(2026, 4, 10), amount=D("509.88"),
        method="transfer", bank_account=shop["bank"],
    )  # fmt: skip
    april = vat.compute_ca3(dt.date(2026, 4, 1), dt.date(2026, 4, 30), check_sequence=False)
    assert april.taxes["08"] == D("55.00") and april.bases["08"] == D("275.00")  # half paid → half the VAT
    payments.record_payment(
        actor=actor, customer=shop["customer"], date=dt.date(2026, 5, 10), amount=D("509.88"),
        method="transfer", bank_account=shop["bank"],
    )  # fmt: skip
    pending = EntryLine.objects.filter(account__code="44588")
    assert sum(line.credit - line.debit for line in pending) == 0
    may = vat.compute_ca3(dt.date(2026, 5, 1), dt.date(2026, 5, 31), check_sequence=False)
    assert may.taxes["08"] == D("55.00") and may.bases["08"] == D("275.00")
    march = vat.compute_ca3(dt.date(2026, 3, 1), dt.date(2026, 3, 31), check_sequence=False)
    assert march.taxes["08"] == D("59.96") and march.bases["08"] == D("299.80")  # the goods, due at invoice


def test_accepting_a_quote_wins_its_opportunity(shop):
    from pilote.pipeline import services as pipeline
    from pilote.pipeline.stages import Stage

    opportunity = pipeline.create_opportunity(actor=shop["actor"], contact=shop["customer"], title="Équipement")
    quote = services.create_quote(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"], valid_until=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(10))], opportunity=opportunity,
    )  # fmt: skip
    services.accept_quote(actor=shop["actor"], quote=quote, on=shop["day"], note="Signé par M. Martin")
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON and opportunity.amount == D("1499.00")


def test_verification_reports_missing_invoice_triggers(shop):
    from django.db import connection

    from pilote.sales import triggers

    triggers.uninstall(connection)
    try:
        problems = verify.check_triggers()
    finally:
        triggers.install(connection)
    assert len(problems) == len(triggers.expected(connection)) and all("sales_" in p for p in problems)
    assert verify.check_triggers() == []


def test_an_order_invoice_edited_above_the_ordered_quantity_is_refused_in_french(shop):
    """Issue 8 point 2, the whole class: issuing raised IntegrityError (sales_orderline_not_overinvoiced)."""
    actor, p = shop["actor"], shop["p"]
    order = services.create_order(
        actor=actor,
        customer=shop["customer"],
        date=dt.date(2026, 3, 2),
        lines=[LineSpec.from_product(p["install"], D(4))],
    )
    draft = services.invoice_order(actor=actor, order=order, date=dt.date(2026, 3, 3))
    line = draft.lines.get()
    specs = [LineSpec.copy_of(line, D(6), source_pk=line.pk)]
    draft = services.update_invoice_draft(
        actor=actor, invoice=draft, version=draft.version, date=draft.date, lines=specs, payment_term="30"
    )
    assert draft.lines.get().order_line_id == order.lines.get().pk
    with pytest.raises(DomainError, match="« Installation sur site » : 6 facturé\\(s\\), mais il n'en reste que 4"):
        issuing.issue_invoice(actor=actor, invoice=draft, render_pdf=RENDER)
    assert order.lines.get().invoiced_quantity == 0
