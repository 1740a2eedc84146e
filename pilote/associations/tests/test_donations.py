"""Donations post to 754x through the ledger's services (ANC 2018-06 accounts)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilote.associations.services import donations as services
from pilote.core.exceptions import DomainError


def _lines(donation):
    return sorted((line.account.code, line.debit, line.credit) for line in donation.entry.lines.all())


def test_a_cheque_posts_bank_to_gifts(books, donor):
    gift = services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("150"),
                                    method="cheque", bank_account=books["bank"])  # fmt: skip
    assert gift.entry.status == "posted" and gift.entry.journal == books["bank"].journal
    assert _lines(gift) == [("512", Decimal("150.00"), Decimal("0.00")), ("75411", Decimal("0.00"), Decimal("150.00"))]


def test_cash_opens_the_cash_journal(books, donor):
    gift = services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("20"),
                                    method="especes")  # fmt: skip
    assert gift.entry.journal.kind == "cash"
    assert _lines(gift) == [("530", Decimal("20.00"), Decimal("0.00")), ("75411", Decimal("0.00"), Decimal("20.00"))]


def test_waived_expenses_and_gifts_in_kind(books, donor):
    waived = services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("84.60"),
                                      kind="abandon_frais", description="Trajets Lyon-Vienne, 200 km")  # fmt: skip
    assert _lines(waived) == [("6251", Decimal("84.60"), Decimal("0.00")), ("75412", Decimal("0.00"), Decimal("84.60"))]
    goods = services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("300"),
                                     kind="nature", description="Projecteur")  # fmt: skip
    assert _lines(goods) == [("6068", Decimal("300.00"), Decimal("0.00")),
                             ("75411", Decimal("0.00"), Decimal("300.00"))]  # fmt: skip


def test_refusals_are_french_and_write_nothing(books, donor):
    from pilote.associations.models import Donation

    with pytest.raises(DomainError, match="compte bancaire"):
        services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("10"),
                                 method="virement")  # fmt: skip
    with pytest.raises(DomainError, match="positif"):
        services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("0"),
                                 method="especes")  # fmt: skip
    with pytest.raises(DomainError, match="Décrivez"):
        services.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("5"),
                                 kind="nature")  # fmt: skip
    assert not Donation.objects.exists()
