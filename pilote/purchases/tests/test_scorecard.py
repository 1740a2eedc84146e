"""Supplier scorecards: computed from receipts (promised vs received dates, conformity), matched invoices (price
drift), disputes and manual ratings; per quarter on the supplier's page; a ranking list, exportable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.core.models import User
from pilote.purchases import evaluation, orders, services
from pilote.purchases.queries import scorecard as queries
from pilote.purchases.scorecard import Facts, last_quarters, price_score, score
from pilote.sales.services import LineSpec

D = Decimal
DAY = dt.date(2026, 4, 6)


def test_the_score_of_known_facts():
    facts = Facts(receipts_promised=4, receipts_on_time=3, days_late=6, receipt_lines=5, lines_conform=4,
                  ordered_amount=D("1000"), invoiced_amount=D("1020"), invoices=4, disputed_invoices=1,
                  ratings=[4, 3])  # fmt: skip
    result = score(facts)
    assert result.rates == {"delivery": D("75.00"), "conformity": D("80.00"), "price": D("2.00"),
                            "disputes": D("75.00"), "rating": D("3.50"), "previous_orders": None}  # fmt: skip
    # 3,75 + 4 + (5 − 2) + 3,75 + 3,5 = 18 → 3,6 out of 5
    assert result.criteria == {"delivery": D("3.75"), "conformity": D("4.00"), "price": D("3.00"),
                               "disputes": D("3.75"), "rating": D("3.50")}  # fmt: skip
    assert result.overall == D("3.60") and result.average_delay == D("6.00")
    assert price_score(D("-3")) == D("5.00") and price_score(D("7.5")) == D("0.00")
    empty = score(Facts())
    assert empty.overall is None and set(empty.criteria.values()) == {None}
    assert score(Facts(ratings=[2])).overall == D("2.00")  # only what is known counts
    assert last_quarters(dt.date(2026, 2, 10), 3) == [(2025, 3), (2025, 4), (2026, 1)]


def _order(buy, supplier, promised, quantity="10", price="10"):
    line = LineSpec(description="Cartons", quantity=D(quantity), unit_price=D(price))
    order = orders.create_order(actor=buy["assistant"], supplier=supplier, date=DAY, lines=[line],
                                expected_delivery=promised)  # fmt: skip
    order = orders.submit_order(actor=buy["assistant"], order=order)
    if order.status == "to_approve":
        order = orders.approve_order(actor=User.objects.get(role="direction"), order=order)
    return orders.mark_order_sent(actor=buy["assistant"], order=order)


def _receive(buy, order, day, accepted, refused="0", quality="conform", reason=""):
    line = order.lines.get()
    orders.record_receipt(actor=buy["assistant"], order=order, date=day,
                          quantities={line.pk: (D(accepted), D(refused), quality, reason)})  # fmt: skip


@pytest.fixture
def history(buy):
    good = buy["supplier"]
    late = contacts.create_contact(actor=buy["assistant"], kind="organisation", name="Lent et Cher",
                                   is_supplier=True)  # fmt: skip
    # Atelier Pilote: on time, conform, invoiced at the ordered price.
    first = _order(buy, good, DAY + dt.timedelta(days=5))
    _receive(buy, first, DAY + dt.timedelta(days=4), "10")
    invoice = services.create_typed_invoice(
        actor=buy["assistant"], supplier=good, number="AP-1", date=DAY + dt.timedelta(days=5), order=first,
        lines=[LineSpec(description="Cartons", quantity=D(10), unit_price=D(10),
                        extra={"source_pk": first.lines.get().pk})],
    )  # fmt: skip
    # Lent et Cher: one receipt 3 days late with 2 damaged, the other on time; invoiced 5 % dearer, disputed.
    second = _order(buy, late, DAY + dt.timedelta(days=5))
    _receive(buy, second, DAY + dt.timedelta(days=8), "6", "2", "damaged", "Cartons écrasés")
    _receive(buy, second, DAY + dt.timedelta(days=4), "2")
    dear = services.create_typed_invoice(
        actor=buy["assistant"], supplier=late, number="LC-1", date=DAY + dt.timedelta(days=9), order=second,
        lines=[LineSpec(description="Cartons", quantity=D(8), unit_price=D("10.50"),
                        extra={"source_pk": second.lines.get().pk})],
    )  # fmt: skip
    services.dispute_invoice(actor=buy["accountant"], invoice=dear, reason="Prix non conforme au bon de commande")
    evaluation.rate_supplier(actor=buy["assistant"], supplier=late, score=2, rated_on=DAY, comment="Peu réactif")
    return {"good": good, "late": late, "invoice": invoice}


def test_facts_are_read_from_receipts_invoices_disputes_and_ratings(history):
    facts = queries.collect(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    late = facts[history["late"].pk]
    assert (late.receipts_promised, late.receipts_on_time, late.days_late) == (2, 1, 3)
    assert (late.receipt_lines, late.lines_conform) == (2, 1)
    assert (late.ordered_amount, late.invoiced_amount) == (D("80.00"), D("84.00"))
    assert (late.invoices, late.disputed_invoices, late.ratings) == (1, 1, [2])
    result = score(late)
    # delivery 2,5 · conformity 2,5 · price 5 % → 0 · disputes 0 · rating 2 → 7 / 5 = 1,4
    assert result.overall == D("1.40") and result.rates["price"] == D("5.00")
    assert score(facts[history["good"].pk]).overall == D("5.00")
    rows = queries.ranking(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [row.supplier.name for row in rows] == ["Atelier Pilote", "Lent et Cher"]


def test_a_rating_is_between_0_and_5(history, buy):
    with pytest.raises(DomainError, match="de 0 à 5"):
        evaluation.rate_supplier(actor=buy["assistant"], supplier=history["late"], score=6, rated_on=DAY)


def test_the_supplier_page_shows_its_scorecard_and_takes_a_rating(history, client_as):
    client = client_as("assistant")
    late = history["late"]
    page = client.get(reverse("contacts:detail", args=[late.pk])).content.decode()
    assert "data-scorecard" in page and "T2 2026" in page and "Peu réactif" in page
    response = client.post(reverse("purchases:supplier-rate", args=[late.pk]),
                           {"score": "4", "rated_on": "2026-04-20", "comment": "Mieux ce mois-ci"})  # fmt: skip
    assert response.status_code == 302 and late.supplier_ratings.count() == 2
    assert client_as("auditeur").post(reverse("purchases:supplier-rate", args=[late.pk]),
                                      {"score": "1", "rated_on": "2026-04-20"}).status_code == 403  # fmt: skip


def test_the_ranking_page_sorts_exports_in_bounded_queries(history, buy, client_as):
    client = client_as("comptable")
    url = reverse("purchases:ranking")
    params = {"start": "2026-01-01", "end": "2026-12-31"}
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, params)
    assert [row.supplier.name for row in response.context["rows"]] == ["Atelier Pilote", "Lent et Cher"]
    for n in range(3):
        other = contacts.create_contact(actor=buy["assistant"], kind="organisation", name=f"Fournisseur {n}",
                                        is_supplier=True)  # fmt: skip
        _receive(buy, _order(buy, other, DAY), DAY, "10")
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, params | {"tri": "fournisseur"})
    assert len(more) == len(few)
    assert response.context["rows"][0].supplier.name == "Atelier Pilote"
    response = client.get(url, params | {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Lent et Cher" in body and "Note globale (sur 5)" in body and "1,40" in body


def test_prices_of_articles_ordered_again_are_compared_with_the_previous_order(buy):
    from pilote.catalog.models import Product

    toner = Product.objects.create(reference="TON-1", name="Toner noir", unit_price=D("120"))
    supplier = buy["supplier"]
    for day, price in ((dt.date(2025, 11, 3), "80"), (DAY, "84"), (DAY + dt.timedelta(days=20), "88")):
        line = LineSpec(description="Toner noir", quantity=D(5), unit_price=D(price), product=toner)
        order = orders.create_order(actor=buy["assistant"], supplier=supplier, date=day, lines=[line])
        orders.submit_order(actor=User.objects.get(role="direction"), order=order)
    facts = queries.collect(dt.date(2026, 1, 1), dt.date(2026, 12, 31))[supplier.pk]
    # 5 × 84 = 420 against 5 × 80 = 400, then 5 × 88 = 440 against 5 × 84 = 420: 860 against 820
    assert (facts.previous_amount, facts.repeat_amount) == (D("820.00"), D("860.00"))
    assert score(facts).rates["previous_orders"] == D("4.88")
