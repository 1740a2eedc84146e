"""Reverse charge (autoliquidation) on purchases, on a hand-built month: the AC entry owes the VAT on 4452x and
deducts it on 44566 / 44562 on the same base; the CA3 carries the bases on B2, A3, B4, the VAT in line 08 and 16,
line 17 for the intra-EU acquisitions, lines 19 and 20 for the deduction — nothing left to pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.ledger import vat
from pilote.ledger.models import EntryLine
from pilote.purchases import services
from pilote.sales.services import LineSpec

D = Decimal
DAY = dt.date(2026, 5, 12)
INTRA_EU = "Exonération de TVA, article 262 ter I du CGI"  # the supplier's mention: category K
REVERSE = "Autoliquidation"  # category AE


def supplier(buy, name, country):
    return contacts.create_contact(actor=buy["assistant"], kind="organisation", name=name, is_supplier=True,
                                   country=country)  # fmt: skip


def line(description, amount, mention):
    return LineSpec(description=description, quantity=D(1), unit_price=D(amount), vat_rate="0.00",
                    exemption_mention=mention)  # fmt: skip


def approve(buy, invoice, accounts):
    lines = list(invoice.lines.order_by("position"))
    services.set_line_accounts(actor=buy["accountant"], invoice=invoice,
                               accounts={ln.pk: code for ln, code in zip(lines, accounts, strict=True)})  # fmt: skip
    return services.approve_invoice(actor=buy["accountant"], invoice=invoice)


def movements(invoice) -> list[tuple]:
    rows = EntryLine.objects.filter(entry=invoice.entry).order_by("account__code", "vat_base")
    return [(r.account.code, r.debit, r.credit, r.vat_rate, r.vat_base) for r in rows.select_related("account")]


@pytest.fixture
def month(buy):
    german = supplier(buy, "Bürotechnik GmbH", "DE")
    belgian = supplier(buy, "Conseil Bruxelles SRL", "BE")
    american = supplier(buy, "Cloud Inc.", "US")
    goods = services.create_typed_invoice(
        actor=buy["assistant"], supplier=german, number="DE-2026-118", date=DAY,
        lines=[line("Papier A4, 100 cartons", "1000", INTRA_EU), line("Serveur de fichiers", "2000", INTRA_EU)],
    )  # fmt: skip
    advice = services.create_typed_invoice(actor=buy["assistant"], supplier=belgian, number="BE-77", date=DAY,
                                           lines=[line("Audit de sécurité", "500", REVERSE)])  # fmt: skip
    cloud = services.create_typed_invoice(actor=buy["assistant"], supplier=american, number="US-9", date=DAY,
                                          lines=[line("Hébergement mai", "300", REVERSE)])  # fmt: skip
    return {"goods": goods, "advice": advice, "cloud": cloud}


def test_the_ac_entries_owe_and_deduct_the_same_vat(buy, month):
    goods = approve(buy, month["goods"], ["6064", "2183"])
    assert goods.total_gross == D("3000.00") and goods.total_vat == 0  # the supplier charged no VAT
    assert movements(goods) == [
        ("2183", D("2000.00"), D("0"), None, None),
        ("401", D("0"), D("3000.00"), None, None),
        ("44521", D("0"), D("200.00"), D("20.00"), D("1000.00")),  # due, on the paper's base
        ("44521", D("0"), D("400.00"), D("20.00"), D("2000.00")),  # due, on the server's base
        ("44562", D("400.00"), D("0"), D("20.00"), D("2000.00")),  # deductible on a fixed asset (line 19)
        ("44566", D("200.00"), D("0"), D("20.00"), D("1000.00")),  # deductible, other goods (line 20)
        ("6064", D("1000.00"), D("0"), None, None),
    ]
    server = goods.lines.get(account="2183")  # the investment line entered the asset register
    asset = server.fixed_asset
    assert (asset.label, asset.cost, asset.account.code, asset.acquisition_date, asset.years, asset.method) == (
        "Serveur de fichiers",
        D("2000.00"),
        "2183",
        DAY,
        5,
        "linear",
    )
    assert asset.reference == f"FF{goods.pk}-2" and asset.depreciation_account.code == "28183"
    assert asset.supplier == "Bürotechnik GmbH" and goods.lines.get(account="6064").fixed_asset is None
    advice = approve(buy, month["advice"], ["6226"])
    assert movements(advice) == [
        ("401", D("0"), D("500.00"), None, None),
        ("44522", D("0"), D("100.00"), D("20.00"), D("500.00")),
        ("44566", D("100.00"), D("0"), D("20.00"), D("500.00")),
        ("6226", D("500.00"), D("0"), None, None),
    ]
    cloud = approve(buy, month["cloud"], ["6132"])
    assert [m[:3] for m in movements(cloud) if m[0].startswith("445")] == [
        ("44523", D("0"), D("60.00")),
        ("44566", D("60.00"), D("0")),
    ]


def test_the_ca3_shows_the_bases_and_the_vat_in_their_boxes(buy, month):
    approve(buy, month["goods"], ["6064", "2183"])
    approve(buy, month["advice"], ["6226"])
    approve(buy, month["cloud"], ["6132"])
    boxes = vat.compute_ca3(dt.date(2026, 5, 1), dt.date(2026, 5, 31), check_sequence=False).boxes()
    expected = {
        "A1": "0.00",  # no sale: the self-assessed bases are not sales
        "A3": "500.00",  # service from a taxable person established in Belgium (art. 283-2)
        "B2": "3000.00",  # intra-EU acquisitions of goods (paper and server)
        "B4": "300.00",  # service from a taxable person established outside the EU
        "08 base": "3800.00",
        "08 taxe": "760.00",
        "16": "760.00",
        "17": "600.00",  # of which VAT on intra-EU acquisitions
        "19": "400.00",
        "20": "360.00",  # 200 + 100 + 60
        "23": "760.00",
        "25": "0.00",
        "28": "0.00",
        "32": "0.00",
    }
    assert {key: boxes[key] for key in expected} == expected
    assert list(boxes)[:4] == ["A1", "A3", "B2", "B4"]  # the form's order
    assert vat.box_label("B2") == "Acquisitions intracommunautaires"
    assert vat.box_label("17") == "Dont TVA sur acquisitions intracommunautaires"


def test_a_declared_month_settles_the_self_assessed_vat(buy, month):
    approve(buy, month["advice"], ["6226"])
    returned = vat.confirm_ca3(actor=buy["accountant"], start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert returned.entry is None  # January: néant
    for first, last in ((dt.date(2026, m, 1), dt.date(2026, m + 1, 1) - dt.timedelta(days=1)) for m in (2, 3, 4)):
        vat.confirm_ca3(actor=buy["accountant"], start=first, end=last)
    may = vat.confirm_ca3(actor=buy["accountant"], start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in may.entry.lines.select_related("account")}
    assert lines == {("44522", D("100.00"), D("0")), ("44566", D("0"), D("100.00"))}
    assert may.boxes["A3"] == "500.00" and may.boxes["32"] == "0.00"


def test_the_invoice_page_tells_the_ca3_line_and_a_french_supplier_is_refused(buy, month, client_as):
    client = client_as("comptable")
    page = client.get(reverse("purchases:invoice-detail", args=[month["goods"].pk])).content.decode()
    assert "Autoliquidation, ligne B2 de la CA3" in page and "due au 44521" in page
    approve(buy, month["goods"], ["6064", "2183"])
    page = client.get(reverse("purchases:invoice-detail", args=[month["goods"].pk])).content.decode()
    assert "data-asset" in page
    french = supplier(buy, "Sous-traitant BTP", "FR")
    invoice = services.create_typed_invoice(actor=buy["assistant"], supplier=french, number="BTP-1", date=DAY,
                                            lines=[line("Gros œuvre", "800", REVERSE)])  # fmt: skip
    with pytest.raises(DomainError, match="283-2 nonies"):
        approve(buy, invoice, ["6226"])
