"""Tax receipts: one unbroken sequence, frozen once issued (service and trigger), cancelled and replaced with both
kept, yearly batch, estimated reduction, PDF, e-mail and the export command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from pilote.associations import rules
from pilote.associations.models import TaxReceipt
from pilote.associations.services import donations, receipts
from pilote.core.exceptions import DomainError


def _gift(books, donor, amount, day=None):
    return donations.record_donation(actor=books["actor"], donor=donor, date=day or books["day"],
                                     amount=Decimal(amount), method="cheque", bank_account=books["bank"])  # fmt: skip


def test_receipt_covers_the_donors_gifts_of_the_year(books, donor):
    _gift(books, donor, "100")
    _gift(books, donor, "50", dt.date(2026, 5, 4))
    receipt = receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))
    assert (receipt.number, receipt.total, receipt.rate) == (1, Decimal("150.00"), 66)
    assert receipt.donor_kind == "particulier" and "8 rue Neuve" in receipt.donor_address
    assert receipt.issuer["name"] == "Les Amis du Théâtre"
    with pytest.raises(DomainError, match="aucun don sans reçu"):
        receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))


def test_yearly_batch_numbers_follow_each_other(books, donor, company_donor):
    _gift(books, donor, "100")
    _gift(books, company_donor, "2500")
    _gift(books, donor, "30", dt.date(2026, 4, 1))
    issued = receipts.issue_yearly_receipts(actor=books["actor"], year=2026, issued_on=dt.date(2026, 12, 31))
    assert [(r.number, r.donor_name, r.total) for r in issued] == [
        (1, "Imprimerie Durand", Decimal("2500.00")),
        (2, "Léa Martin", Decimal("130.00")),
    ]
    assert issued[0].donor_kind == "entreprise" and issued[0].rate == 60


def test_cancel_and_replace_keeps_both(books, donor):
    _gift(books, donor, "100")
    first = receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))
    donor.address_line1 = "12 quai Rambaud"
    donor.save()
    second = receipts.cancel_receipt(actor=books["actor"], receipt=first, reason="Adresse erronée",
                                     on=dt.date(2026, 6, 2))  # fmt: skip
    first.refresh_from_db()
    assert first.status == "cancelled" and first.cancel_reason == "Adresse erronée"
    assert "8 rue Neuve" in first.donor_address  # the cancelled receipt still says what it said
    assert second.number == 2 and second.replaces == first and "12 quai Rambaud" in second.donor_address
    assert set(second.donations.values_list("pk", flat=True)) == set(donor.donations.values_list("pk", flat=True))
    with pytest.raises(DomainError, match="déjà annulé"):
        receipts.cancel_receipt(actor=books["actor"], receipt=first, reason="Encore")
    assert TaxReceipt.objects.count() == 2


def test_the_database_refuses_to_change_an_issued_receipt(books, donor):
    _gift(books, donor, "100")
    receipt = receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))
    for statement in (
        "UPDATE associations_taxreceipt SET total = 1 WHERE id = %s",
        "UPDATE associations_taxreceipt SET donor_name = 'X' WHERE id = %s",
        "DELETE FROM associations_taxreceipt WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="Reçu fiscal émis"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement, [receipt.pk])
    with connection.cursor() as cursor:  # sending it is not a change of what it says
        cursor.execute("UPDATE associations_taxreceipt SET sent_at = CURRENT_TIMESTAMP WHERE id = %s", [receipt.pk])
    receipts.cancel_receipt(actor=books["actor"], receipt=receipt, reason="Erreur", replace=False)
    # A cancelled receipt never comes back.
    with pytest.raises(IntegrityError, match="Reçu fiscal émis"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE associations_taxreceipt SET status = 'issued' WHERE id = %s", [receipt.pk])
    with pytest.raises(DomainError, match="ne se modifie pas"):
        receipts.refuse_change(receipt)


def test_estimated_reduction_regimes_and_ceilings():
    individual = rules.estimated_reduction(total=Decimal("1000"), company=False)
    assert individual.amount == Decimal("660.00")
    capped = rules.estimated_reduction(total=Decimal("1000"), company=False, taxable_income=Decimal("3000"))
    assert (capped.base_normal, capped.amount) == (Decimal("600.00"), Decimal("396.00"))
    in_need = rules.estimated_reduction(total=Decimal("2500"), company=False, help_in_need=True,
                                        last_gift_on=dt.date(2026, 3, 1))  # fmt: skip
    assert (in_need.base_high, in_need.base_normal, in_need.amount) == (
        Decimal("2000"),
        Decimal("500.00"),
        Decimal("1830.00"),
    )
    before = rules.estimated_reduction(total=Decimal("2500"), company=False, help_in_need=True,
                                       last_gift_on=dt.date(2025, 6, 1))  # fmt: skip
    assert before.base_high == Decimal("1000")
    small = rules.estimated_reduction(total=Decimal("50000"), company=True, revenue=Decimal("1000000"))
    assert (small.ceiling, small.amount) == (Decimal("20000"), Decimal("12000.00"))
    large = rules.estimated_reduction(total=Decimal("50000"), company=True, revenue=Decimal("8000000"))
    assert (large.ceiling, large.amount) == (Decimal("40000.00"), Decimal("24000.00"))


def test_amounts_in_words():
    assert rules.amount_in_words(Decimal("1280.50")) == "mille deux cent quatre-vingts euros et cinquante centimes"
    assert rules.amount_in_words(Decimal("71")) == "soixante et onze euros"
    assert rules.amount_in_words(Decimal("200")) == "deux cents euros"
    assert rules.amount_in_words(Decimal("280000")) == "deux cent quatre-vingt mille euros"
    assert rules.amount_in_words(Decimal("1")) == "un euro"
    assert rules.amount_in_words(Decimal("91.01")) == "quatre-vingt-onze euros et un centime"
    assert rules.amount_in_words(Decimal("2000000")) == "deux millions d'euros"


def test_pdf_email_and_command(books, donor, tmp_path):
    _gift(books, donor, "120")
    receipt = receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))
    receipts.send_receipt(actor=books["actor"], receipt=receipt)
    assert mail.outbox[0].to == ["lea.martin@example.org"]
    assert mail.outbox[0].attachments[0][0] == "recu-fiscal-000001.pdf"
    receipt.refresh_from_db()
    assert receipt.sent_at is not None
    target = tmp_path / "recu.pdf"
    call_command("export_receipt", "--latest", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    pages = PdfReader(target).pages  # a Cerfa form: one A4 portrait page, its signature line included
    assert len(pages) == 1 and pages[0].mediabox.width < pages[0].mediabox.height
    assert "Signature" in pages[0].extract_text()
    call_command("export_receipt", "1", "--output", str(target))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucun reçu fiscal n° 7"):
        call_command("export_receipt", "7", "--output", str(target))
