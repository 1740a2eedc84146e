"""The association demo (`load_demo --type association`): its books are the consequence of its operations and
agree with them; its pages answer every role; the company demo is untouched (core/tests/test_demo_books.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from pilote.associations.models import (
    DedicatedFundMove,
    Donation,
    Grant,
    InKindContribution,
    Member,
    TaxReceipt,
    VolunteerHours,
)
from pilote.associations.queries import grants as grant_queries
from pilote.core.models import Structure, User
from pilote.ledger.models import EntryLine, FiscalYear, FiscalYearStatus
from pilote.ledger.verify import verify_all
from pilote.lib.dates import local_today
from pilote.lib.money import ZERO

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--type", "association", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Structure.objects.get()


def _balance(prefix: str) -> Decimal:
    """Today's balance: a balance-sheet account (classes 1–5) from the open year's lines — its à-nouveaux carry the
    closed year —, an income or expense account (or 8) over both years."""
    lines = EntryLine.objects.filter(account__code__startswith=prefix, is_posted=True)
    if prefix[0] in "12345":
        lines = lines.filter(fiscal_year=FiscalYear.objects.order_by("start_date").last())
    sums = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or ZERO) - (sums["c"] or ZERO)


def test_the_association_demo_books_agree_with_its_operations(demo):
    assert demo.type == "association" and demo.legal_name == "Théâtre des Pentes"
    assert Member.objects.count() == 150
    numbers = sorted(TaxReceipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 30
    assert TaxReceipt.objects.filter(status="cancelled").count() == 1
    gifts = Donation.objects.aggregate(t=Sum("amount"))["t"]
    assert -_balance("754") == gifts  # every donation is in 754x, and nothing else is
    assert Grant.objects.count() == 3
    earmarked = Grant.objects.get(earmarked=True)
    carried = DedicatedFundMove.objects.get(grant=earmarked, kind="carried")
    assert Decimal("0") < carried.amount < earmarked.amount_granted
    assert -_balance("194") == grant_queries.fund_balance(earmarked) > 0
    assert _balance("512") > 0
    # the festival (May–October of the demo's second year): its budget, its grant received, its charges tagged
    festival = Grant.objects.get(code__startswith="FONDATION-")
    assert festival.budget.count() == 5
    spent = {dt.date(festival.period_start.year, 6, 12): "1850", dt.date(festival.period_start.year, 7, 3): "2900",
             dt.date(festival.period_start.year, 7, 10): "4800"}  # fmt: skip
    expected = sum((Decimal(amount) for day, amount in spent.items() if day <= local_today()), Decimal("0"))
    assert grant_queries.charges_through(festival, festival.period_end) == expected
    if festival.instalments.get().expected_on + dt.timedelta(days=3) <= local_today():
        assert festival.instalments.get().received_on is not None
    # volunteering: every month over is posted once, 864 = the posted hours' value, 86 and 87 balance
    posted = VolunteerHours.objects.filter(posting__isnull=False).aggregate(v=Sum("value"))["v"]
    assert posted > 0 and _balance("864") == posted == -_balance("875")
    assert _balance("86") == -_balance("87") == posted + InKindContribution.objects.aggregate(t=Sum("amount"))["t"]
    assert not VolunteerHours.objects.filter(posting__isnull=True, date__lt=local_today().replace(day=1)).exists()
    assert_first_year_closed_into_the_second(carried.amount)
    assert all(not problems for problems in verify_all().values())


def _net(lines, prefix: str = "") -> Decimal:
    sums = lines.filter(account__code__startswith=prefix).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or ZERO) - (sums["c"] or ZERO)


def assert_first_year_closed_into_the_second(dedicated: Decimal | None) -> None:
    """The first year is closed by the real year-end closing: the second opens with à-nouveaux carrying classes
    1–5 as they stood on the last day (the dedicated funds of 194 among them) and the year's result on 120/129."""
    first = FiscalYear.objects.order_by("start_date").first()
    assert first.status == FiscalYearStatus.CLOSED
    year_lines = EntryLine.objects.filter(is_posted=True, fiscal_year=first)
    opening = EntryLine.objects.filter(is_posted=True, entry__piece_ref=f"AN{first.end_date.year + 1}")
    assert opening.exists() and {line.date for line in opening} == {first.end_date + dt.timedelta(days=1)}
    for prefix in ("512", "411", "441", "194"):
        assert _net(opening, prefix) == _net(year_lines, prefix), prefix
    if dedicated is not None:
        assert -_net(opening, "194") == dedicated
    result = -_net(year_lines.filter(account__code__regex=r"^[67]"))  # 86/87 balance each other, outside
    assert -_net(opening, "12") == result != ZERO
    assert _net(opening) == ZERO
    if dt.date(first.end_date.year + 1, 6, 20) <= local_today():  # the general meeting allotted it
        assert _balance("12") == ZERO and -_balance("11") == result


def test_the_association_demo_pages_answer_every_role(demo):
    names = ["home", "member-list", "dues", "member-register", "assembly", "membership-types", "donation-list",
             "receipt-list", "receipt-batch", "receipt-totals", "grant-list", "volunteer-list", "hours-list",
             "volunteer-activities", "volunteer-postings", "volunteer-annex", "in-kind-list"]  # fmt: skip
    grant = Grant.objects.get(earmarked=True)
    receipt = TaxReceipt.objects.order_by("number").first()
    for user in User.objects.all():
        client = Client()
        client.force_login(user)
        for name in names:
            assert client.get(reverse(f"associations:{name}")).status_code in (200, 403), (user.username, name)
        if user.can("associations.view"):
            assert client.get(reverse("associations:grant-detail", args=[grant.pk])).status_code == 200
            assert client.get(reverse("associations:receipt-detail", args=[receipt.pk])).status_code == 200
            home = client.get(reverse("core:home")).content.decode()
            assert "Subventions" in home and "Reçus fiscaux" in home
    pdf = Client()
    pdf.force_login(User.objects.get(username="comptable"))
    assert pdf.get(reverse("associations:grant-report-pdf", args=[grant.pk])).content.startswith(b"%PDF")
