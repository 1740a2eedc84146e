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
