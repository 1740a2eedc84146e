"""CA3 from the ledger: boxes per rate, deductible VAT, credit brought forward, settlement entry."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import services, vat
from pilote.ledger.models import AccountBalance, VatReturn
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all
from pilote.lib.dates import add_months

L = services.LineInput
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _january_and_february_declared(books):
    """The books start on 01/01/2026 and returns follow each other: January and February are declared
    (« néant ») before the March figures these tests check."""
    for month in (1, 2):
        start = dt.date(2026, month, 1)
        vat.confirm_ca3(actor=books["actor"], start=start, end=add_months(start, 1) - dt.timedelta(days=1))


def _purchase(books, net, rate="20.00", day=dt.date(2026, 3, 20), asset=False):
    a = books["a"]
    tax = (Decimal(net) * Decimal(rate) / 100).quantize(Decimal("0.01"))
    account, vat_account = (a["2183"], a["44562"]) if asset else (a["606"], a["44566"])
    return services.create_entry(
        actor=books["actor"],
        journal=books["j"]["AC"],
        date=day,
        label="Achat",
        post=True,
        lines=[
            L(account, debit=Decimal(net)),
            L(vat_account, debit=tax, vat_rate=Decimal(rate), vat_base=Decimal(net)),
            L(a["401"], credit=Decimal(net) + tax, auxiliary=books["supplier"]),
        ],
    )


def _sale_at(books, net, rate, day=dt.date(2026, 3, 10)):
    a = books["a"]
    tax = (Decimal(net) * Decimal(rate) / 100).quantize(Decimal("0.01"))
    return services.create_entry(
        actor=books["actor"],
        journal=books["j"]["VT"],
        date=day,
        label="Vente",
        post=True,
        lines=[
            L(a["411"], debit=Decimal(net) + tax, auxiliary=books["customer"]),
            L(a["706"], credit=Decimal(net)),
            L(a["44571"], credit=tax, vat_rate=Decimal(rate), vat_base=Decimal(net)),
        ],
    )


def test_boxes_per_rate_and_net_due(books):
    _sale_at(books, "1000.00", "20.00")
    _sale_at(books, "500.00", "10.00")
    _sale_at(books, "200.00", "5.50")
    _sale_at(books, "100.00", "20.00", day=dt.date(2026, 4, 2))  # next period: not counted
    _purchase(books, "300.00")
    _purchase(books, "1000.00", asset=True)
    ca3 = vat.compute_ca3(*MARCH)
    assert ca3.bases == {"08": Decimal("1000.00"), "9B": Decimal("500.00"), "09": Decimal("200.00")}
    assert ca3.taxes == {"08": Decimal("200.00"), "9B": Decimal("50.00"), "09": Decimal("11.00")}
    assert ca3.box16 == Decimal("261.00")
    assert ca3.deductible == {"19": Decimal("200.00"), "20": Decimal("60.00")}
    assert ca3.net_due == Decimal("1.00") and ca3.credit == 0
    boxes = ca3.boxes()
    assert boxes["A1"] == "1700.00" and boxes["28"] == "1.00" and boxes["32"] == "1.00"


def test_confirmation_posts_the_settlement_and_carries_a_credit(books):
    _sale_at(books, "100.00", "20.00")
    _purchase(books, "500.00")  # 100 deductible > 20 collected: credit of 80
    ret = vat.confirm_ca3(actor=books["actor"], start=MARCH[0], end=MARCH[1])
    assert ret.boxes["25"] == "80.00" and ret.boxes["28"] == "0.00"
    lines = {(line.account.code, line.debit, line.credit) for line in ret.entry.lines.select_related("account")}
    assert lines == {("44571", Decimal("20.00"), 0), ("44566", 0, Decimal("100.00")), ("44567", Decimal("80.00"), 0)}
    # VAT accounts of March are settled to zero.
    for code in ("44571", "44566"):
        rows = AccountBalance.objects.filter(account__code=code, aux_key=0)
        assert sum(r.debit - r.credit for r in rows) == 0
    # April: the 80 credit is brought forward (box 22) and used.
    _sale_at(books, "1000.00", "20.00", day=dt.date(2026, 4, 5))
    april = vat.compute_ca3(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert april.credit_brought_forward == Decimal("80.00") and april.net_due == Decimal("120.00")
    vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    assert all(not problems for problems in verify_all().values())
    with pytest.raises(DomainError, match="couvre déjà"):
        vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 4, 15), end=dt.date(2026, 5, 15))


def test_credit_note_reduces_the_base(books):
    invoice = _sale_at(books, "1000.00", "20.00")
    services.reverse_entry(actor=books["actor"], entry=invoice, date=dt.date(2026, 3, 25))
    sale(books, day=dt.date(2026, 3, 26))  # 100 + 20
    ca3 = vat.compute_ca3(*MARCH)
    assert ca3.bases["08"] == Decimal("100.00") and ca3.taxes["08"] == Decimal("20.00")


def test_vat_page_and_confirmation(client_as, books):
    from django.urls import reverse

    _sale_at(books, "1000.00", "20.00")
    client = client_as("comptable")
    page = client.get(reverse("ledger:vat-return"), {"du": "2026-03-01", "au": "2026-03-31"})
    assert ("08 taxe", "Taux normal 20 % : taxe due", "200.00") in page.context["rows"]
    response = client.post(reverse("ledger:vat-return-confirm"), {"du": "2026-03-01", "au": "2026-03-31"})
    assert response.status_code == 302
    assert (
        client_as("auditeur")
        .post(reverse("ledger:vat-return-confirm"), {"du": "2026-04-01", "au": "2026-04-30"})
        .status_code
        == 403
    )


def test_nil_return_without_entry(books):
    january = VatReturn.objects.get(period_start=dt.date(2026, 1, 1))
    assert january.entry is None and january.boxes["16"] == "0.00" and january.boxes["32"] == "0.00"


def test_returns_follow_each_other(books):
    _sale_at(books, "100.00", "20.00", day=dt.date(2026, 11, 5))
    _sale_at(books, "200.00", "20.00", day=dt.date(2026, 12, 5))
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    refused = "déclarez d'abord la période du 01/03/2026 au 31/03/2026"
    with pytest.raises(DomainError, match=refused):
        vat.compute_ca3(*december)
    with pytest.raises(DomainError, match=refused):
        vat.confirm_ca3(actor=books["actor"], start=december[0], end=december[1])
    assert vat.next_period() == MARCH
    for month in range(3, 11):  # March to October, then November: December may follow
        start = dt.date(2026, month, 1)
        vat.confirm_ca3(actor=books["actor"], start=start, end=add_months(start, 1) - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="déclarez d'abord la période du 01/11/2026 au 30/11/2026"):
        vat.compute_ca3(*december)
    vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert vat.compute_ca3(*december).taxes["08"] == Decimal("40.00")
    assert vat.confirm_ca3(actor=books["actor"], start=december[0], end=december[1]).boxes["32"] == "40.00"


def test_a_return_covers_a_whole_month_or_quarter(books):
    for start, end in ((dt.date(2026, 3, 1), dt.date(2026, 3, 15)), (dt.date(2026, 3, 1), dt.date(2026, 4, 30))):
        with pytest.raises(DomainError, match="mois civil .* ou un trimestre civil"):
            vat.compute_ca3(start, end)
    with pytest.raises(DomainError, match="commence le 01/01/2026"):
        vat.compute_ca3(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    # Quarterly: March closes the first quarter; the next period offered is then a quarter.
    VatReturn.objects.all().delete()
    vat.confirm_ca3(actor=books["actor"], start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    assert vat.next_period() == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_vat_page_refuses_a_period_out_of_sequence(client_as, books):
    from django.urls import reverse

    client = client_as("comptable")
    page = client.get(reverse("ledger:vat-return"), {"du": "2026-12-01", "au": "2026-12-31"})
    text = page.content.decode()
    assert page.context["figures"] is None and "déclarez d&#x27;abord la période du 01/03/2026" in text
    assert "?du=2026-03-01&amp;au=2026-03-31" in text
    assert client.get(reverse("ledger:vat-return")).context["period"] == {"du": MARCH[0], "au": MARCH[1]}
    client.post(reverse("ledger:vat-return-confirm"), {"du": "2026-12-01", "au": "2026-12-31"})
    assert not VatReturn.objects.filter(period_start=dt.date(2026, 12, 1)).exists()
