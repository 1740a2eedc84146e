"""The open-items aggregate always equals its recomputation from the lines and matchings: after posting one by
one and in batch, partial and full lettering, completing a partial matching, automatic lettering and undoing;
and the cash plan reads the same flows from it as from the lines (the instalment of a partial matching never
comes back as a movement — finance/tests/test_forecast.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.ledger import lettering, open_items, services
from pilote.ledger.batch import EntrySpec, post_many
from pilote.ledger.models import OpenItemBalance
from pilote.ledger.tests.conftest import sale

pytestmark = pytest.mark.django_db
L = services.LineInput


def _check():
    assert open_items.stored() == open_items.recompute()


def _payment(books, amount, ref="F-1", day=dt.date(2026, 4, 1)):
    a = books["a"]
    return services.create_entry(
        actor=books["actor"], journal=books["j"]["BQ"], date=day, label="Règlement", piece_ref=ref, post=True,
        lines=[L(a["512"], debit=Decimal(amount)), L(a["411"], credit=Decimal(amount), auxiliary=books["customer"])],
    )  # fmt: skip


def _line(entry):
    return entry.lines.get(account__code="411")


def test_posting_partial_full_and_undo_keep_the_aggregate_exact(books):
    invoice = sale(books)  # 120.00, due date set by the helper or none
    _check()
    first = _payment(books, "50.00")
    _check()
    partial = lettering.letter_lines(actor=books["actor"], lines=[_line(invoice), _line(first)], partial=True)
    _check()
    # One expected date for the pair, 70.00 left.
    rows = OpenItemBalance.objects.filter(account__code="411")
    assert len({r.expected for r in rows}) == 1
    assert sum(r.debit - r.credit for r in rows) == Decimal("70.00")
    lettering.unletter(actor=books["actor"], matching=partial)
    _check()
    lettering.letter_lines(actor=books["actor"], lines=[_line(invoice), _line(first)], partial=True)
    second = _payment(books, "70.00")
    full = lettering.letter_lines(actor=books["actor"], lines=[_line(invoice), _line(first), _line(second)])
    _check()
    assert not OpenItemBalance.objects.filter(account__code="411").exists()
    lettering.unletter(actor=books["actor"], matching=full)
    _check()
    assert lettering.auto_letter(actor=books["actor"], account=books["a"]["411"]) >= 1
    _check()


def test_batch_posting_adds_its_open_items(books):
    a = books["a"]
    specs = [
        EntrySpec(
            journal=books["j"]["VT"], date=dt.date(2026, 5, day), label=f"Facture {day}", piece_ref=f"F{day}",
            lines=[L(a["411"], debit=Decimal("12.00"), auxiliary=books["customer"], due_date=dt.date(2026, 6, day)),
                   L(a["707"], credit=Decimal("10.00")), L(a["44571"], credit=Decimal("2.00"))],
        )
        for day in range(1, 11)
    ]  # fmt: skip
    post_many(actor=books["actor"], specs=specs)
    _check()
    assert OpenItemBalance.objects.filter(account__code="411").count() == 10
