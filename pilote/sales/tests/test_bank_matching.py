"""Customer payments from the bank statement: matched to the open invoice, recorded, reconciled —
from the sales page and from the ledger's own reconciliation page alike."""

from decimal import Decimal as D

from pilote.ledger import bank, bank_statements
from pilote.ledger.models import EntryLine
from pilote.sales import bank_matching, issuing, services
from pilote.sales.models import Payment
from pilote.sales.services import LineSpec

MAPPING = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")


def issued(shop, quantity):
    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(quantity))],
    )  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)


def statement(shop, rows: str):
    bank.import_statement(
        actor=shop["accountant"], bank_account=shop["bank"], data=f"Date;Libellé;Montant\n{rows}".encode(),
        filename="releve.csv", csv_mapping=MAPPING,
    )  # fmt: skip
    return list(shop["bank"].statement_lines.order_by("pk"))


def test_credit_matched_to_its_invoice_and_settled(shop):
    one, two = issued(shop, 1), issued(shop, 2)
    lines = statement(shop, f"20/03/2026;VIR BOULANGERIE MARTIN {two.number};359,76\n21/03/2026;FRAIS;-4,00\n")
    rows = bank_matching.candidates()
    assert [row.line.pk for row in rows] == [lines[0].pk]  # debits are not customer payments
    best, reasons = rows[0].invoices[0]
    assert best == two and "même montant" in reasons and f"n° {two.number} dans le libellé" in reasons
    assert one not in [inv for inv, _ in rows[0].invoices[:1]]
    payment = bank_matching.settle(actor=shop["accountant"], statement_line=lines[0], invoice=two)
    two.refresh_from_db()
    lines[0].refresh_from_db()
    assert two.balance_due == 0 and payment.statement_line == lines[0]
    assert lines[0].entry_line.entry_id == payment.entry_id
    assert bank_matching.candidates() == []


def test_ledger_reconciliation_of_an_invoice_records_the_sales_payment(shop):
    invoice = issued(shop, 1)
    (line,) = statement(shop, "25/03/2026;VIR CLIENT;179,88\n")
    customer_line = EntryLine.objects.get(entry_id=invoice.entry_id, account__code="411")
    bank.book_statement_line(actor=shop["accountant"], statement_line=line, account=customer_line.account,
                             settle=customer_line)  # fmt: skip
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert invoice.balance_due == 0 and payment.amount == D("179.88") and payment.statement_line_id == line.pk


def test_a_credit_already_in_the_books_is_not_offered_again(shop):
    from pilote.sales import payments

    issued(shop, 1)
    payments.record_payment(
        actor=shop["accountant"], customer=shop["customer"], date=shop["day"], amount=D("179.88"),
        method="transfer", bank_account=shop["bank"],
    )  # fmt: skip
    issued(shop, 1)  # another open invoice of the same amount: it must not be proposed for this credit
    (line,) = statement(shop, "05/03/2026;VIR BOULANGERIE MARTIN;179,88\n")
    (row,) = bank_matching.candidates()
    assert row.booked is not None and row.invoices == []  # reconcile it in the ledger, do not pay twice
