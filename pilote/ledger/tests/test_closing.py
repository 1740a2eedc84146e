import datetime as dt
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import closing, services
from pilote.ledger.models import Account, Entry, FiscalYear
from pilote.ledger.queries import trial_balance
from pilote.ledger.tests.conftest import sale

L = services.LineInput


def test_closing_carries_balances_and_determines_the_result(books):
    a = books["a"]
    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    Account.objects.create(code="129", label="Résultat de l'exercice - perte")
    sale(books)  # 411 120 / 707 100 / 44571 20
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["AC"],
        date=dt.date(2026, 5, 1),
        label="Achat",
        post=True,
        lines=[L(a["606"], debit=Decimal("30.00")), L(a["401"], credit=Decimal("30.00"), auxiliary=books["supplier"])],
    )
    opening = closing.close_fiscal_year(actor=books["actor"], year=books["year"])
    year = FiscalYear.objects.get(pk=books["year"].pk)
    assert year.status == "closed" and year.locked_until == dt.date(2026, 12, 31)
    following = FiscalYear.objects.get(start_date=dt.date(2027, 1, 1))
    assert opening.journal.code == "AN" and opening.date == dt.date(2027, 1, 1) and opening.is_posted
    lines = {
        (line.account.code, line.auxiliary.code if line.auxiliary else "", line.debit, line.credit)
        for line in opening.lines.select_related("account", "auxiliary")
    }
    assert lines == {
        ("411", "C000001", Decimal("120.00"), 0),
        ("44571", "", 0, Decimal("20.00")),
        ("401", "F000001", 0, Decimal("30.00")),
        ("120", "", 0, Decimal("70.00")),
    }
    rows = {r.code: r for r in trial_balance(following)}
    assert rows["120"].opening_credit == Decimal("70.00") and "707" not in rows
    # The closed year still shows its income statement, and refuses new entries.
    assert {r.code for r in trial_balance(year)} >= {"606", "707"}
    with pytest.raises(DomainError):
        sale(books, day=dt.date(2026, 6, 1))


def test_closing_refused_with_drafts_or_unbalanced_suspense(books):
    sale(books, post=False)
    with pytest.raises(DomainError, match="brouillard"):
        closing.close_fiscal_year(actor=books["actor"], year=books["year"])
    Entry.objects.filter(status="draft").delete()
    a = books["a"]
    suspense = Account.objects.create(code="471", label="Compte d'attente")
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["OD"],
        date=dt.date(2026, 2, 1),
        label="?",
        post=True,
        lines=[L(suspense, debit=Decimal("5.00")), L(a["512"], credit=Decimal("5.00"))],
    )
    assert any("attente 471" in p for p in closing.closing_problems(books["year"]))


def test_open_items_are_carried_one_by_one_and_lettered_next_year(books):
    from pilote.ledger import lettering
    from pilote.ledger.queries import aged_balance

    a = books["a"]
    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    sale(books, label="Facture F-7")  # 120.00, piece F-7
    sale(books, label="Facture F-8", amount="50.00", vat="10.00")  # 60.00, piece F-8
    opening = closing.close_fiscal_year(actor=books["actor"], year=books["year"])
    carried = {(line.reference, line.debit) for line in opening.lines.filter(account__code="411")}
    assert carried == {("F-7", Decimal("120.00")), ("F-8", Decimal("60.00"))}
    assert sum(r.total for r in aged_balance("411", dt.date(2027, 1, 31))) == Decimal("180.00")  # not 360
    following = FiscalYear.objects.get(start_date=dt.date(2027, 1, 1))
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2027, 1, 20),
        label="Règlement",
        piece_ref="F-7",
        post=True,
        lines=[
            L(a["512"], debit=Decimal("120.00")),
            L(a["411"], credit=Decimal("120.00"), auxiliary=books["customer"]),
        ],
    )
    assert lettering.auto_letter(actor=books["actor"], account=a["411"]) == 1
    still_open = lettering.open_lines(a["411"], books["customer"].pk)
    assert [(line.reference, line.fiscal_year_id) for line in still_open] == [("F-8", following.pk)]
