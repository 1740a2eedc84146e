"""A payment received after the invoice's fiscal year was closed: it is lettered with the invoice's
carried-forward items (detailed à-nouveaux), not refused because the invoice's own line is closed."""

import datetime as dt
from decimal import Decimal as D

from pilote.ledger import closing, lettering, vat
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, FiscalYear
from pilote.lib.dates import add_months
from pilote.sales import issuing, payments, services
from pilote.sales.services import LineSpec


def test_invoice_of_a_closed_year_paid_next_year_is_lettered_with_its_carried_items(shop):
    actor, accountant, customer = shop["actor"], shop["accountant"], shop["customer"]
    draft = services.create_invoice(
        actor=actor, customer=customer, date=dt.date(2026, 12, 10), payment_term="30",
        lines=[LineSpec.from_product(shop["p"]["chair"], D(4))],
    )  # fmt: skip
    invoice = issuing.issue_invoice(actor=actor, invoice=draft, render_pdf=False)
    half = (invoice.total_gross / 2).quantize(D("0.01"))
    pay = dict(actor=accountant, customer=customer, method="transfer", bank_account=shop["bank"])
    payments.record_payment(**pay, date=dt.date(2026, 12, 20), amount=half, allocations=[(invoice, half)])
    ledger.open_fiscal_year(actor=accountant, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31))
    for month in range(1, 13):  # a closing needs every VAT return of the year, and the year ended
        start = dt.date(2026, month, 1)
        vat.confirm_ca3(actor=accountant, start=start, end=add_months(start, 1) - dt.timedelta(days=1))
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    closing.close_fiscal_year(actor=accountant, year=year, today=dt.date(2027, 1, 15))

    invoice.refresh_from_db()
    rest = invoice.balance_due
    payments.record_payment(**pay, date=dt.date(2027, 1, 20), amount=rest, allocations=[(invoice, rest)])

    invoice.refresh_from_db()
    assert invoice.balance_due == 0 and invoice.paid_on == dt.date(2027, 1, 20)
    aux = ledger.auxiliary_for_contact(actor=accountant, contact=customer, control_code="411")
    assert not lettering.open_lines(Account.objects.get(code="411"), aux.pk).exists()
