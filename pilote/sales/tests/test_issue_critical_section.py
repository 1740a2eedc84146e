"""Issue 17 point 11: issuing renders its PDF with no lock held — the number is reserved in a short transaction
before, the entry posted and the invoice sealed in a short transaction after — so neither postings nor other issuers
wait for a PDF; a failure after the reservation posts nothing and leaves the draft holding its number for the retry,
which the numbering verification counts as held, not as a gap."""

import datetime as dt
import threading
import time
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import connection, connections
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, ChainHead, Entry, Journal
from pilote.sales import documents, issuing, sealing, services
from pilote.sales.models import Invoice, InvoiceFile, NumberReservation, NumberSequence
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


def test_a_render_failure_posts_nothing_and_the_draft_keeps_its_number_for_the_retry(shop, client_as):
    issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop), render_pdf=False)  # F-2026-00001
    draft = _draft(shop)
    entries, head = Entry.objects.count(), ChainHead.objects.get(pk=1).last_index
    with (
        mock.patch.object(documents, "render_invoice", side_effect=RuntimeError("WeasyPrint en panne")),
        pytest.raises(RuntimeError),
    ):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    draft.refresh_from_db()
    # Nothing issued, posted, archived or sealed…
    assert draft.is_draft and draft.number is None and draft.entry_id is None
    assert Entry.objects.count() == entries and ChainHead.objects.get(pk=1).last_index == head
    assert not InvoiceFile.objects.filter(invoice=draft).exists()
    # …but the number taken is held by the draft: the series has no gap, the verification says so.
    assert NumberSequence.objects.get(series="F", year=2026).last_number == 2
    assert draft.number_reservation.number == "F-2026-00002"
    assert sealing.check_chain() == []
    # The draft can be neither deleted nor moved to another date, and its page says what happened.
    with pytest.raises(DomainError, match="F-2026-00002"):
        services.delete_invoice_draft(actor=shop["actor"], invoice=draft)
    page = client_as("direction").get(reverse("sales:invoice-detail", args=[draft.pk])).content.decode()
    assert "Émission interrompue" in page and "F-2026-00002" in page and "Supprimer le brouillon" not in page

    # Another invoice issued meanwhile takes the next number; the interrupted one then takes its own.
    later = issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop))
    assert later.number == "F-2026-00003"
    issued = issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    assert issued.number == "F-2026-00002" and InvoiceFile.objects.filter(invoice=issued).exists()
    assert not NumberReservation.objects.exists() and sealing.check_chain() == []


def test_a_reserved_number_is_not_a_gap_but_a_lost_one_is(shop):
    draft = _draft(shop)
    with mock.patch.object(issuing, "_complete", side_effect=RuntimeError("coupure")), pytest.raises(RuntimeError):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    assert sealing.check_chain() == []  # F-2026-00001 reserved, not missing
    NumberReservation.objects.all().delete()  # as a database administrator could
    assert any("trou ou doublon" in problem for problem in sealing.check_chain())


def test_a_draft_holding_a_number_keeps_its_date(shop):
    draft = _draft(shop)
    with mock.patch.object(issuing, "_complete", side_effect=RuntimeError("coupure")), pytest.raises(RuntimeError):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    draft.refresh_from_db()
    lines = [LineSpec.from_product(shop["p"]["chair"], D(3))]
    with pytest.raises(DomainError, match="réservé"):
        services.update_invoice_draft(
            actor=shop["actor"], invoice=draft, version=draft.version, date=shop["day"] + dt.timedelta(days=1),
            lines=lines, payment_term=draft.payment_term,
        )  # fmt: skip
    # Edited at its own date it issues under its number, with the new lines.
    services.update_invoice_draft(
        actor=shop["actor"], invoice=draft, version=draft.version, date=shop["day"], lines=lines,
        payment_term=draft.payment_term,
    )  # fmt: skip
    issued = issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=False)
    assert issued.number == "F-2026-00001" and issued.lines.get().quantity == 3


def test_a_draft_edited_while_its_pdf_renders_is_not_issued(shop):
    draft = _draft(shop)
    real_render = documents.render_invoice

    def render_then_edit(invoice):
        pdf = real_render(invoice)
        current = Invoice.objects.get(pk=draft.pk)
        services.update_invoice_draft(
            actor=shop["actor"], invoice=current, version=current.version, date=current.date,
            lines=[LineSpec.from_product(shop["p"]["chair"], D(5))], payment_term=current.payment_term,
        )  # fmt: skip
        return pdf

    with (
        mock.patch.object(documents, "render_invoice", render_then_edit),
        pytest.raises(DomainError, match="modifiée pendant son émission"),
    ):
        issuing.issue_invoice(actor=shop["actor"], invoice=draft)
    issued = issuing.issue_invoice(actor=shop["actor"], invoice=draft)  # the PDF now shows 5 chairs
    assert issued.number == "F-2026-00001" and issued.lines.get().quantity == 5


def _while_rendering_slowly(shop, slow: Invoice, action) -> float:
    """Issue `slow` in another thread whose PDF takes RENDER_S seconds; while it renders, time `action()`."""
    rendering, errors = threading.Event(), []
    real_render = documents.render_invoice

    def render(invoice):
        if invoice.pk == slow.pk:
            rendering.set()
            time.sleep(RENDER_S)
        return real_render(invoice)

    def issue():
        try:
            issuing.issue_invoice(actor=shop["actor"], invoice=slow)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch.object(documents, "render_invoice", render):
        issuer = threading.Thread(target=issue)
        issuer.start()
        assert rendering.wait(timeout=30)
        began = time.perf_counter()
        action()
        elapsed = time.perf_counter() - began
        issuer.join(timeout=60)
    assert errors == []
    slow.refresh_from_db()
    return elapsed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_posting_does_not_wait_for_an_invoice_pdf(shop):
    issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop), render_pdf=False)  # the sub-ledger exists
    draft = _draft(shop)
    posting_s = _while_rendering_slowly(shop, draft, lambda: _small_entry(shop))
    assert posting_s < 1.0, f"the posting waited {posting_s:.1f} s for the invoice's PDF"
    assert draft.number == "F-2026-00002" and InvoiceFile.objects.filter(invoice=draft).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_issuer_does_not_wait_for_another_ones_pdf(shop, settings):
    settings.PILOTE_PDF_RENDER_SLOTS = 2  # a free render slot: nothing else to wait for (the series' lock is not held)
    issuing.issue_invoice(actor=shop["actor"], invoice=_draft(shop), render_pdf=False)  # the sub-ledger exists
    slow, fast = _draft(shop), _draft(shop)
    issue_s = _while_rendering_slowly(shop, slow, lambda: issuing.issue_invoice(actor=shop["actor"], invoice=fast))
    assert issue_s < RENDER_S / 2, f"the second issue waited {issue_s:.1f} s for the first one's PDF"
    fast.refresh_from_db()
    # The slow one took its number first and keeps it: the numbers follow the order of the issues' starts.
    assert (slow.number, fast.number) == ("F-2026-00002", "F-2026-00003")
    assert sealing.check_chain() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="render slots are PostgreSQL advisory locks")
@pytest.mark.django_db(transaction=True)
def test_no_more_pdfs_render_at_once_than_there_are_slots(settings):
    settings.PILOTE_PDF_RENDER_SLOTS = 1
    holding = threading.Event()

    def render_elsewhere():
        try:
            with issuing.render_slot():
                holding.set()
                time.sleep(1.0)
        finally:
            connections.close_all()

    other = threading.Thread(target=render_elsewhere)
    other.start()
    assert holding.wait(timeout=30)
    began = time.perf_counter()
    with issuing.render_slot():  # free only once the other render is done
        waited = time.perf_counter() - began
    other.join(timeout=30)
    assert waited > 0.5
