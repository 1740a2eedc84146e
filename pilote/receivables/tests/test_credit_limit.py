"""Credit limit: open balance + open orders not yet invoiced + the new order against the limit."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pilote.core.exceptions import ConcurrentEditError
from pilote.receivables import credit, services
from pilote.sales import hooks, issuing
from pilote.sales import services as sales
from pilote.sales.services import LineSpec


def test_warning_counts_open_invoices_and_uninvoiced_orders(books, issue, pay):
    actor, martin = books["actor"], books["martin"]
    invoice = issue(martin, dt.date(2026, 3, 2), "1000")  # 1 200 TTC
    pay(martin, dt.date(2026, 3, 20), "300", invoice=invoice)  # 900 left
    line = LineSpec(description="Mobilier", quantity=D(1), unit_price=D("500"))
    order = sales.create_order(actor=actor, customer=martin, date=dt.date(2026, 3, 5), lines=[line])  # 600 TTC
    deposit = sales.deposit_invoice(actor=actor, order=order, date=dt.date(2026, 3, 6), percent=D(50))
    issuing.issue_invoice(actor=actor, invoice=deposit, render_pdf=False)  # 300 TTC, unpaid
    exposure = credit.exposure(martin)
    # 900 + 300 (deposit) still owed; 600 − 300 of the order not invoiced yet
    assert (exposure.open_balance, exposure.open_orders, exposure.total) == (D("1200.00"), D("300.00"), D("1500.00"))

    assert credit.credit_warning(martin, D("100")) is None  # no limit, no warning
    limit = services.set_credit_limit(actor=actor, customer=martin, amount=D("2000"))
    assert credit.credit_warning(martin, D("500")) is None  # 2 000 exactly: still within the limit
    message = credit.credit_warning(martin, D("500.01"))
    assert message.startswith("Encours autorisé dépassé pour Boulangerie Martin")
    assert "2\u202f000,01\u202f€" in message and "2\u202f000,00\u202f€" in message
    assert hooks.warnings_for_order(martin, D("500.01")) == [message]  # registered from ready()
    assert hooks.warnings_for_order(books["durand"], D("1000000")) == []

    with pytest.raises(ConcurrentEditError):
        services.set_credit_limit(actor=actor, customer=martin, amount=D("10"), version=limit.version + 1)
    services.set_credit_limit(actor=actor, customer=martin, amount=None, version=limit.version)
    assert credit.credit_warning(martin, D("1000000")) is None
