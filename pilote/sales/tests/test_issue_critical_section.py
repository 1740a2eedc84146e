"""Issue 17 point 11: issuing renders its PDF before it takes the ledger's chain lock, so postings do not wait for
the PDF; and a failure to render still leaves nothing — no issued invoice, no number consumed, no entry."""

import threading
import time
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import connection, connections

from pilote.ledger import services as ledger
from pilote.ledger.models import Account, ChainHead, Entry, Journal
from pilote.sales import documents, issuing, services
from pilote.sales.models import Invoice, InvoiceFile, NumberSequence
from pilote.sales.services import LineSpec

RENDER_S = 3.0


def _draft(shop) -> Invoice:
    lines = [LineSpec.from_product(shop["p"]["chair"], D(2))]
    return services.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=lines)


def _small_entry(shop) -> Entry:
    accounts = {a.code: a for a in Account.objects.filter(code__in=("512", "6064"))}
    return ledger.create_entry(
        actor=shop["accountant"],
        journal=Journal.objects.get(code="OD"),
        date=shop["day"],
        label="Fournitures",
        lines=[
            ledger.LineInput(account=accounts["6064"], debit=D("12.50"), credit=D(0), label="Fournitures"),
            ledger.LineInput(account=accounts["512"], debit=D(0), credit=D("12.50"), label="Fournitures"),
        ],
        post=True,
    )


def test_a_render_failure_leaves_nothing(shop):
    issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop), render_pdf=False)  # F-2026-00001
    draft = _draft(shop)
    entries, head = Entry.objects.count(), ChainHead.objects.get(pk=1).last_index
    with (
        mock.patch.object(documents, "render_invoice", side_effect=RuntimeError("WeasyPrint en panne")),
        pytest.raises(RuntimeError),
    ):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    draft.refresh_from_db()
    assert draft.is_draft and draft.number is None and draft.entry_id is None
    assert NumberSequence.objects.get(series="F", year=2026).last_number == 1  # the number was given back
    assert Entry.objects.count() == entries and ChainHead.objects.get(pk=1).last_index == head
    assert not InvoiceFile.objects.filter(invoice=draft).exists()
    issued = issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    assert issued.number == "F-2026-00002" and InvoiceFile.objects.filter(invoice=issued).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_posting_does_not_wait_for_an_invoice_pdf(shop):
    issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop), render_pdf=False)  # the sub-ledger exists
    draft = _draft(shop)
    rendering, errors = threading.Event(), []
    real_render = documents.render_invoice

    def slow_render(invoice):
        rendering.set()
        time.sleep(RENDER_S)
        return real_render(invoice)

    def issue():
        try:
            issuing.issue_invoice(actor=shop["actor"], invoice=draft)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch.object(documents, "render_invoice", slow_render):
        issuer = threading.Thread(target=issue)
        issuer.start()
        assert rendering.wait(timeout=30)
        began = time.perf_counter()
        _small_entry(shop)
        posting_s = time.perf_counter() - began
        issuer.join(timeout=60)
    assert errors == []
    assert posting_s < 1.0, f"the posting waited {posting_s:.1f} s for the invoice's PDF"
    draft.refresh_from_db()
    assert draft.number == "F-2026-00002" and InvoiceFile.objects.filter(invoice=draft).exists()
