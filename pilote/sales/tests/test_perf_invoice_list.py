"""The invoice list's totals, now summed in one pass with the credit notes' share filtered, against a
hand-computed case."""

import datetime as dt
from decimal import Decimal as D

from pilote.sales import issuing, services
from pilote.sales.models import Invoice
from pilote.sales.queries import invoices as invoice_queries
from pilote.sales.services import LineSpec


def test_list_totals_one_pass_matches_hand_computed(shop):
    actor, customer, day = shop["actor"], shop["customer"], shop["day"]
    # 2 × 24,50 at 5,5 % = 49,00 HT + 2,70 TVA = 51,70 TTC
    first = services.create_invoice(
        actor=actor, customer=customer, date=day, lines=[LineSpec.from_product(shop["p"]["book"], D(2))]
    )
    first = issuing.issue_invoice(actor=actor, invoice=first, render_pdf=False)
    # 1 × 24,50 = 24,50 HT + 1,35 TVA = 25,85 TTC
    second = services.create_invoice(
        actor=actor, customer=customer, date=day, lines=[LineSpec.from_product(shop["p"]["book"], D(1))]
    )
    issuing.issue_invoice(actor=actor, invoice=second, render_pdf=False)
    note = services.credit_note_for(actor=actor, invoice=first, date=day + dt.timedelta(days=1))
    issuing.issue_invoice(actor=actor, invoice=note, render_pdf=False)  # the whole first invoice: 51,70 TTC
    services.create_invoice(  # a draft counts for nothing
        actor=actor, customer=customer, date=day, lines=[LineSpec.from_product(shop["p"]["book"], D(9))]
    )
    totals = invoice_queries.list_totals(Invoice.objects.all())
    # net: 49 + 24,50 − 49 = 24,50; gross: 51,70 + 25,85 − 51,70 = 25,85; due: what the second still owes
    assert totals == {"net": D("24.50"), "gross": D("25.85"), "due": D("25.85")}
    assert invoice_queries.list_totals(Invoice.objects.none()) == {"net": D("0"), "gross": D("0"), "due": D("0")}
