"""Receivables over the API (apisales): dunning proposals and letters, SEPA mandates and collection runs — the
services' refusals hold (a RUM twice, a collection without ICS or on a past date, a letter posted twice)."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.api.tests.days import ago, day
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(structure, personas):
    """An issued invoice of 75 days ago, due 30 days later: overdue today (early in the year, in last year's books,
    opened for it)."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import FiscalYear
    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.sales.tests.factories import make_shop

    shop = make_shop(structure, personas)
    issued_on = local_today() - dt.timedelta(days=75)
    if not FiscalYear.objects.filter(start_date__lte=issued_on).exists():
        ledger.open_fiscal_year(actor=None, start_date=day(1, 1, years=-1), end_date=day(12, 31, years=-1))
    invoice = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=issued_on,
                                   lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(1))])  # fmt: skip
    return shop, issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)


def test_dunning_proposals_then_the_letter_sent_once(call, overdue):
    from django.core import mail

    shop, invoice = overdue
    proposals = call("comptable", "get", "/api/v1/relances/propositions").json()
    assert proposals["count"] == 1
    proposal = proposals["results"][0]
    assert proposal["customer_id"] == shop["customer"].pk and proposal["total_due"] == "179.88"
    assert proposal["invoices"][0]["invoice_number"] == invoice.number and proposal["invoices"][0]["days_overdue"] > 0
    assert call("auditeur", "get", "/api/v1/relances/propositions").status_code == 403
    sent = call("comptable", "post", "/api/v1/relances/envoi", {"customers": [shop["customer"].pk, 999999]})
    assert sent.status_code == 200, sent.content
    first, unknown = sent.json()
    assert first["letter_id"] and not first["error"] and unknown["error"] == "Client introuvable."
    assert mail.outbox and invoice.number in mail.outbox[-1].body
    again = call("comptable", "post", "/api/v1/relances/envoi", {"customers": [shop["customer"].pk]}).json()
    assert again[0]["letter_id"] is None and again[0]["error"]
    letters = call("auditeur", "get", f"/api/v1/relances?client={shop['customer'].pk}").json()
    assert letters["count"] == 1 and letters["results"][0]["total_due"] == "179.88"
    emailed = call("comptable", "post", f"/api/v1/relances/{first['letter_id']}/postee")
    assert emailed.status_code == 409 and "déjà" in emailed.json()["detail"]


def test_mandate_and_collection_run_follow_the_direct_debit_rules(call, overdue, personas):
    from pilote.lib.dates import local_today
    from pilote.receivables import direct_debit

    shop, invoice = overdue
    mandate = {"customer": shop["customer"].pk, "reference": "RUM-7", "signed_on": ago(1),
               "iban": "FR7630006000011234567890188"}  # fmt: skip
    bad = call("comptable", "post", "/api/v1/mandats", mandate)
    assert bad.status_code in (409, 422) and "IBAN" in bad.content.decode()
    made = call("comptable", "post", "/api/v1/mandats", {**mandate, "iban": "FR7630006000011234567890189"})
    assert made.status_code == 201 and made.json()["status"] == "active", made.content
    twice = call("comptable", "post", "/api/v1/mandats", {**mandate, "iban": "FR7630006000011234567890189"})
    assert twice.status_code == 409 and "RUM-7" in twice.json()["detail"]
    assert call("commercial", "post", "/api/v1/mandats", mandate).status_code == 403
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    run = {"bank_account": shop["bank"].pk, "collection_date": tomorrow, "invoices": [invoice.pk]}
    no_ics = call("comptable", "post", "/api/v1/prelevements", run)
    assert no_ics.status_code == 409 and "ICS" in no_ics.json()["detail"]
    direct_debit.set_creditor_id(actor=personas["comptable"], value="FR72ZZZ123456")
    past = call("comptable", "post", "/api/v1/prelevements", {**run, "collection_date": local_today().isoformat()})
    assert past.status_code == 409 and "postérieure à aujourd'hui" in past.json()["detail"]
    made_run = call("comptable", "post", "/api/v1/prelevements", run)
    assert made_run.status_code == 201 and made_run.json()["total"] == "179.88", made_run.content
    assert made_run.json()["items"][0]["sequence"] == "FRST"
    pk = made_run.json()["id"]
    xml = call("comptable", "get", f"/api/v1/prelevements/{pk}/fichier")
    assert xml.status_code == 200 and b"FR72ZZZ123456" in xml.content
    cancelled = call("comptable", "post", f"/api/v1/prelevements/{pk}/etape", {"action": "cancel"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert call("comptable", "get", f"/api/v1/prelevements/{pk}/fichier").status_code == 409
    listed = call("auditeur", "get", "/api/v1/mandats?q=rum-7").json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == "RUM-7"
