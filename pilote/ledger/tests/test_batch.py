import datetime as dt
from decimal import Decimal

import pytest

from pilote.ledger import services
from pilote.ledger.batch import EntrySpec, post_many
from pilote.ledger.exceptions import PostingError
from pilote.ledger.models import Entry
from pilote.ledger.queries import trial_balance
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all

L = services.LineInput


def _spec(books, amount, day, origin=""):
    a = books["a"]
    return EntrySpec(
        journal=books["j"]["VT"],
        date=day,
        label=f"Vente {amount}",
        piece_ref="B",
        origin=origin,
        lines=[
            L(a["411"], debit=Decimal(amount) * Decimal("1.2"), auxiliary=books["customer"]),
            L(a["707"], credit=Decimal(amount)),
            L(a["44571"], credit=Decimal(amount) * Decimal("0.2")),
        ],
    )


def test_batch_posting_keeps_numbers_chain_and_balances(books):
    sale(books)  # number 1 through the one-by-one path
    count = post_many(
        actor=books["actor"], specs=[_spec(books, f"{10 * i}.00", dt.date(2026, 2, i)) for i in range(1, 6)]
    )
    assert count == 5
    assert list(Entry.objects.filter(journal__code="VT").order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    sale(books)  # and the one-by-one path continues the same sequence and chain
    assert Entry.objects.filter(journal__code="VT").order_by("-number").first().number == 7
    assert all(not problems for problems in verify_all().values())
    rows = {r.code: r for r in trial_balance(books["year"])}
    assert rows["707"].credit == Decimal("100.00") + Decimal("150.00") + Decimal("100.00")


def test_one_bad_entry_writes_nothing(books):
    specs = [_spec(books, "10.00", dt.date(2026, 2, 1)), _spec(books, "10.00", dt.date(2027, 2, 1), origin="ligne 7")]
    with pytest.raises(PostingError, match="ligne 7 : aucun exercice ne couvre le 01/02/2027"):
        post_many(actor=books["actor"], specs=specs)
    assert not Entry.objects.exists()
