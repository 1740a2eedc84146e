"""Grants: award (441 / 741), instalments (512 / 441), the action's actual from the tagged lines equals the
financial report's figures (Cerfa 15059), and an earmarked grant's unused part carried to dedicated funds at the
year end (6894 / 194) and used back the next year (194 / 7894), across the closing of the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pilote.associations.queries import grants as queries
from pilote.associations.services import books as books_services
from pilote.associations.services import grants as services
from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.ledger import services as ledger


@pytest.fixture
def grant(books):
    city = Contact.objects.create(name="Ville de Lyon")
    grant = services.create_grant(actor=books["actor"], funder=city, code="ville-26", title="Ateliers théâtre",
                                  amount_requested=Decimal("12000"), period_start=dt.date(2026, 9, 1),
                                  period_end=dt.date(2027, 6, 30))  # fmt: skip
    return services.award_grant(actor=books["actor"], grant=grant, amount=Decimal("10000"),
                                granted_on=dt.date(2026, 7, 1))  # fmt: skip


def _spend(books, grant, day, code, amount):
    account = books_services.account(code)
    return ledger.create_entry(
        actor=books["actor"], journal=books["bank"].journal, date=day, label="Dépense action", post=True,
        lines=[ledger.LineInput(account, debit=Decimal(amount), reference=grant.code),
               ledger.LineInput(books["bank"].account, credit=Decimal(amount))],
    )  # fmt: skip


def _lines(entry):
    return sorted((line.account.code, line.debit, line.credit) for line in entry.lines.all())


def test_award_and_instalments_post_receivable_and_income(books, grant):
    assert grant.code == "VILLE-26" and grant.funder.is_funder
    assert _lines(grant.award_entry) == [("441", Decimal("10000.00"), Decimal("0.00")),
                                         ("741", Decimal("0.00"), Decimal("10000.00"))]  # fmt: skip
    first = services.add_instalment(actor=books["actor"], grant=grant, label="Acompte 60 %",
                                    expected_on=dt.date(2026, 9, 15), amount=Decimal("6000"))  # fmt: skip
    with pytest.raises(DomainError, match="dépasseraient"):
        services.add_instalment(actor=books["actor"], grant=grant, label="Trop", expected_on=dt.date(2026, 9, 15),
                                amount=Decimal("4500"))  # fmt: skip
    received = services.receive_instalment(actor=books["actor"], instalment=first, received_on=dt.date(2026, 9, 20),
                                           bank_account=books["bank"])  # fmt: skip
    assert _lines(received.entry) == [("441", Decimal("0.00"), Decimal("6000.00")),
                                      ("512", Decimal("6000.00"), Decimal("0.00"))]  # fmt: skip


def test_financial_report_equals_the_tagged_actuals(books, grant):
    _spend(books, grant, dt.date(2026, 10, 1), "6064", "400")
    _spend(books, grant, dt.date(2026, 11, 1), "6226", "2600")
    _spend(books, grant, dt.date(2026, 11, 2), "6226", "0.50")
    services.set_budget_line(actor=books["actor"], grant=grant, nature="60", label="Achats", amount=Decimal("500"))
    services.set_budget_line(actor=books["actor"], grant=grant, nature="62", label="Intervenants",
                             amount=Decimal("3000"))  # fmt: skip
    services.set_budget_line(actor=books["actor"], grant=grant, nature="74", label="Subvention Ville",
                             amount=Decimal("10000"))  # fmt: skip
    report = queries.financial_report(grant)
    assert [(line.nature, line.budget, line.actual) for line in report["charges"]] == [
        ("60", Decimal("500.00"), Decimal("400.00")),
        ("62", Decimal("3000.00"), Decimal("2600.50")),
    ]
    assert [(line.nature, line.actual) for line in report["income"]] == [("74", Decimal("10000.00"))]
    assert report["charges_actual"] == queries.charges_through(grant, dt.date(2026, 12, 31)) == Decimal("3000.50")


def test_dedicated_funds_go_and_come_back_across_the_year_end(books, grant):
    _spend(books, grant, dt.date(2026, 10, 1), "6226", "3000")
    carried = services.carry_unused(actor=books["actor"], grant=grant, year_end=dt.date(2026, 12, 31))
    assert carried.amount == Decimal("7000.00")
    assert _lines(carried.entry) == [("194", Decimal("0.00"), Decimal("7000.00")),
                                     ("6894", Decimal("7000.00"), Decimal("0.00"))]  # fmt: skip
    with pytest.raises(DomainError, match="déjà reportée"):
        services.carry_unused(actor=books["actor"], grant=grant, year_end=dt.date(2026, 12, 31))
    ledger.open_fiscal_year(actor=books["actor"], start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31))
    _spend(books, grant, dt.date(2027, 3, 1), "6226", "5000")
    used = services.use_funds(actor=books["actor"], grant=grant, on=dt.date(2027, 6, 30))
    assert used.amount == Decimal("5000.00")
    assert _lines(used.entry) == [("194", Decimal("5000.00"), Decimal("0.00")),
                                  ("7894", Decimal("0.00"), Decimal("5000.00"))]  # fmt: skip
    assert queries.fund_balance(grant) == Decimal("2000.00")
    report = queries.financial_report(grant)  # the transfers are not the action's charges nor income
    assert {line.nature for line in report["charges"] + report["income"]} == {"62", "74"}


def test_financial_report_equals_the_ledgers_analytic_actuals(books, grant):
    """A shared expense distributed 60 / 40 on two grants' sections (axis SUBV, no code typed): each report's
    actual is its share, and equals the section's aggregate in the ledger's analytic balances."""
    from django.db.models import Sum

    from pilote.ledger.models_analytic import AnalyticBalance

    other = services.create_grant(actor=books["actor"], funder=grant.funder, code="FESTIVAL", title="Festival",
                                  amount_requested=Decimal("3000"), period_start=dt.date(2026, 1, 1),
                                  period_end=dt.date(2026, 12, 31))  # fmt: skip
    mine, theirs = queries.section_of(grant), queries.section_of(other)
    assert (mine.axis.code, mine.code, theirs.code) == ("SUBV", "VILLE-26", "FESTIVAL")
    ledger.create_entry(
        actor=books["actor"], journal=books["bank"].journal, date=dt.date(2026, 10, 3), label="Régie son", post=True,
        lines=[ledger.LineInput(books_services.account("6226"), debit=Decimal("1000.01"),
                                analytic=[(mine, Decimal("60")), (theirs, Decimal("40"))]),
               ledger.LineInput(books["bank"].account, credit=Decimal("1000.01"))],
    )  # fmt: skip
    _spend(books, grant, dt.date(2026, 10, 4), "6064", "250")  # tagged with the code only
    actual = queries.actual_by_nature(grant)
    mine_62 = AnalyticBalance.objects.filter(section=mine, account__code__startswith="62").aggregate(
        d=Sum("debit"), c=Sum("credit"))  # fmt: skip
    assert actual["62"] == mine_62["d"] - mine_62["c"] == Decimal("600.01")
    assert actual["60"] == Decimal("250.00") and actual["74"] == Decimal("10000.00")  # the award is on the section
    assert queries.actual_by_nature(other) == {"62": Decimal("400.00")}
    assert queries.charges_through(grant, dt.date(2026, 12, 31)) == Decimal("850.01")
