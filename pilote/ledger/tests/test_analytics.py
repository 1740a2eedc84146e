"""Analytic distribution: explicit shares split to the cent, account and article defaults at posting (one by
one and in batch), later distribution of posted lines, and the aggregates always equal to a recomputation."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pilote.catalog.models import Product
from pilote.core.exceptions import DomainError
from pilote.ledger import analytics, services
from pilote.ledger.batch import EntrySpec, post_many
from pilote.ledger.models import AnalyticBalance, AnalyticLine
from pilote.ledger.services import LineInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes(books):
    actor = books["actor"]
    act = analytics.create_axis(actor=actor, code="act", label="Activité")
    site = analytics.create_axis(actor=actor, code="SITE", label="Site")
    s = {
        code: analytics.create_section(actor=actor, axis=axis, code=code, label=code.title())
        for axis, code in [(act, "CONSEIL"), (act, "FORMATION"), (site, "LYON"), (site, "PARIS")]
    }
    return act, site, s


def _purchase(books, amount, analytic=None, day=dt.date(2026, 3, 10)):
    a = books["a"]
    return services.create_entry(
        actor=books["actor"], journal=books["j"]["AC"], date=day, label="Achat", post=True,
        lines=[
            LineInput(account=a["606"], debit=amount, analytic=analytic),
            LineInput(account=a["401"], auxiliary=books["supplier"], credit=amount),
        ],
    )  # fmt: skip


def _balances(section):
    rows = AnalyticBalance.objects.filter(section=section)
    return sum((r.debit - r.credit for r in rows), D(0))


def test_explicit_shares_split_to_the_cent_and_move_the_aggregates(books, axes):
    act, site, s = axes
    _purchase(books, D("100.01"), analytic=[(s["CONSEIL"], D("60")), (s["FORMATION"], D("40"))])
    parts = dict(AnalyticLine.objects.values_list("section__code", "debit"))
    assert parts == {"CONSEIL": D("60.01"), "FORMATION": D("40.00")}
    assert _balances(s["CONSEIL"]) == D("60.01") and _balances(s["FORMATION"]) == D("40.00")
    assert analytics.stored_balances() == analytics.recompute_balances()


def test_account_defaults_apply_on_the_axes_a_line_leaves_out(books, axes):
    act, site, s = axes
    analytics.set_defaults(
        actor=books["actor"], axis=site, account=books["a"]["606"], shares=[(s["LYON"], D("75")), (s["PARIS"], D("25"))]
    )
    analytics.set_defaults(actor=books["actor"], axis=act, account=books["a"]["606"], shares=[(s["CONSEIL"], D("100"))])
    _purchase(books, D("200"), analytic=[(s["FORMATION"], D("1"))])
    parts = dict(AnalyticLine.objects.values_list("section__code", "debit"))
    # The line's own distribution on « act » wins; « site » comes from the account.
    assert parts == {"FORMATION": D("200"), "LYON": D("150"), "PARIS": D("50")}
    assert analytics.stored_balances() == analytics.recompute_balances()


def test_defaults_must_add_up_to_100_and_stay_on_their_axis(books, axes):
    act, site, s = axes
    with pytest.raises(DomainError, match="90\u202f% au lieu de 100 %"):
        analytics.set_defaults(
            actor=books["actor"], axis=site, account=books["a"]["606"],
            shares=[(s["LYON"], D("50")), (s["PARIS"], D("40"))],
        )  # fmt: skip
    with pytest.raises(DomainError, match="de l'axe SITE"):
        analytics.set_defaults(
            actor=books["actor"], axis=site, account=books["a"]["606"], shares=[(s["CONSEIL"], D(100))]
        )
    with pytest.raises(DomainError, match="charges \\(6\\) et de produits \\(7\\)"):
        analytics.set_defaults(actor=books["actor"], axis=site, account=books["a"]["512"], shares=[(s["LYON"], D(100))])


def test_a_balance_sheet_line_is_never_distributed(books, axes):
    act, site, s = axes
    a = books["a"]
    with pytest.raises(DomainError, match="se ventilent"):
        services.create_entry(
            actor=books["actor"], journal=books["j"]["OD"], date=dt.date(2026, 3, 1), label="x",
            lines=[LineInput(account=a["512"], debit=D(10), analytic=[(s["LYON"], D(100))]),
                   LineInput(account=a["530"], credit=D(10))],
        )  # fmt: skip


def test_batch_posting_distributes_like_one_by_one(books, axes):
    act, site, s = axes
    a = books["a"]
    analytics.set_defaults(actor=books["actor"], axis=site, account=a["607"], shares=[(s["PARIS"], D(100))])
    specs = [
        EntrySpec(
            journal=books["j"]["AC"], date=dt.date(2026, 4, day), label=f"Achat {day}",
            lines=[
                LineInput(account=a["607"], debit=D("33.33"), analytic=[(s["CONSEIL"], D(1)), (s["FORMATION"], D(2))]),
                LineInput(account=a["401"], auxiliary=books["supplier"], credit=D("33.33")),
            ],
        )
        for day in range(1, 4)
    ]  # fmt: skip
    post_many(actor=books["actor"], specs=specs)
    assert _balances(s["PARIS"]) == D("99.99")
    assert _balances(s["CONSEIL"]) + _balances(s["FORMATION"]) == D("99.99")
    assert _balances(s["CONSEIL"]) == D("33.33")  # 11.11 each time
    assert analytics.stored_balances() == analytics.recompute_balances()


def test_posted_line_distributed_later_and_defaults_applied_after_the_fact(books, axes):
    act, site, s = axes
    entry = _purchase(books, D("90"))
    assert not AnalyticLine.objects.exists()
    line = entry.lines.get(account=books["a"]["606"])
    analytics.distribute(actor=books["actor"], line=line, axis=act, shares=[(s["CONSEIL"], D(100))])
    analytics.distribute(
        actor=books["actor"], line=line, axis=act, shares=[(s["CONSEIL"], D("50")), (s["FORMATION"], D("50"))]
    )
    assert _balances(s["CONSEIL"]) == D(45) and _balances(s["FORMATION"]) == D(45)
    analytics.set_defaults(actor=books["actor"], axis=site, account=books["a"]["606"], shares=[(s["LYON"], D(100))])
    assert analytics.apply_defaults(actor=books["actor"], fiscal_year=books["year"]) == 1
    assert analytics.apply_defaults(actor=books["actor"], fiscal_year=books["year"]) == 0  # once only
    assert _balances(s["LYON"]) == D(90)
    assert analytics.stored_balances() == analytics.recompute_balances()


def test_reversal_carries_the_distribution_back(books, axes):
    act, site, s = axes
    entry = _purchase(books, D("80"), analytic=[(s["CONSEIL"], D("25")), (s["FORMATION"], D("75"))])
    services.reverse_entry(actor=books["actor"], entry=entry)
    assert _balances(s["CONSEIL"]) == 0 and _balances(s["FORMATION"]) == 0
    assert analytics.stored_balances() == analytics.recompute_balances()


def test_article_defaults_weighted_by_amount(books, axes):
    act, site, s = axes
    p1 = Product.objects.create(reference="A1", name="Audit", unit_price=D(1))
    p2 = Product.objects.create(reference="F1", name="Formation", unit_price=D(1))
    analytics.set_defaults(actor=books["actor"], axis=act, product=p1, shares=[(s["CONSEIL"], D(100))])
    analytics.set_defaults(actor=books["actor"], axis=act, product=p2, shares=[(s["FORMATION"], D(100))])
    shares = analytics.product_shares([(p1.pk, D("300")), (p2.pk, D("100"))])
    assert {sec.code: w for sec, w in shares} == {"CONSEIL": D(300), "FORMATION": D(100)}
    # An article without defaults on the axis: the axis is left to the account.
    p3 = Product.objects.create(reference="X", name="Divers", unit_price=D(1))
    assert analytics.product_shares([(p1.pk, D(1)), (p3.pk, D(1))]) == []
