"""Requests for quotes: sent to several suppliers, answers compared side by side, the chosen one becomes an order."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.purchases import rfq
from pilote.purchases.models import PurchaseOrder, QuoteRequest

D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def asked(buy):
    others = [contacts.create_contact(actor=buy["assistant"], kind="organisation", name=name, is_supplier=True,
                                      email=f"devis@{slug}.example") for name, slug in
              (("Bureau Plus", "bureauplus"), ("Papeterie Centrale", "centrale"))]  # fmt: skip
    lines = [rfq.RequestedLine("Ramettes papier A4", D(40)), rfq.RequestedLine("Toner noir", D(4))]
    request = rfq.create_request(actor=buy["assistant"], title="Fournitures du trimestre", date=DAY, lines=lines,
                                 suppliers=[buy["supplier"], *others], reply_by=DAY + dt.timedelta(7))  # fmt: skip
    return request


def _answer(request, name, paper, toner, delay=5):
    answer = request.answers.get(supplier__name=name)
    paper_line, toner_line = request.lines.order_by("position")
    prices = {paper_line.pk: (D(paper), "20.00"), toner_line.pk: (D(toner) if toner else None, "20.00")}
    return rfq.record_answer(actor=None, answer=answer, prices=prices, answered_on=DAY + dt.timedelta(2),
                             delay_days=delay, conditions="Franco de port")  # fmt: skip


def test_answers_are_compared_and_the_chosen_one_becomes_an_order(asked, buy):
    assert asked.number == "DP-2026-0001" and asked.answers.count() == 3
    _answer(asked, "Atelier Pilote", "21.50", "90")
    _answer(asked, "Bureau Plus", "20.90", "95", delay=10)
    _answer(asked, "Papeterie Centrale", "19.00", None)  # the toner not quoted
    table = rfq.comparison(asked)
    paper_row, toner_row = table["rows"]
    assert [cell.best for cell in paper_row["cells"]] == [False, False, True]
    assert [cell.best for cell in toner_row["cells"]] == [True, False, False]
    # The cheapest complete answer: 1 216 € against 1 220 € (Papeterie Centrale's 760 € leaves the toner out).
    assert table["cheapest"].supplier.name == "Bureau Plus"
    chosen = table["cheapest"]
    order = rfq.choose_answer(actor=buy["assistant"], answer=chosen, reason="Offre complète la moins chère")
    assert order.supplier == chosen.supplier and order.total_net == D("1216.00") and order.status == "draft"
    assert order.expected_delivery == DAY + dt.timedelta(2 + 10)
    asked.refresh_from_db()
    assert asked.status == "ordered" and asked.order == order and asked.chosen == chosen
    with pytest.raises(DomainError, match="Commandée"):
        rfq.choose_answer(actor=buy["assistant"], answer=chosen)


def test_refusals_write_nothing(asked, buy):
    answer = asked.answers.get(supplier=buy["supplier"])
    with pytest.raises(DomainError, match="n'a pas encore répondu"):
        rfq.choose_answer(actor=buy["assistant"], answer=answer)
    with pytest.raises(DomainError, match="Indiquez au moins un prix"):
        rfq.record_answer(actor=None, answer=answer, prices={}, answered_on=DAY)
    with pytest.raises(DomainError, match="précéder la demande"):
        _answer_at = dict.fromkeys(asked.lines.values_list("pk", flat=True), (D(1), "20.00"))
        rfq.record_answer(actor=None, answer=answer, prices=_answer_at, answered_on=DAY - dt.timedelta(1))
    with pytest.raises(DomainError, match="Consultez de 1 à 5"):
        rfq.create_request(actor=None, title="x", date=DAY, lines=[rfq.RequestedLine("a", D(1))], suppliers=[])
    assert QuoteRequest.objects.count() == 1 and not PurchaseOrder.objects.exists()


def test_the_pages_from_the_request_to_the_order(buy, client_as):
    client = client_as("assistant")
    url = reverse("purchases:rfq-create")
    assert client.get(url).status_code == 200
    data = {"title": "Toners", "date": "2026-03-02", "reply_by": "2026-03-09", "supplier_1": buy["supplier"].pk,
            "lignes-TOTAL_FORMS": "2", "lignes-INITIAL_FORMS": "0", "lignes-0-description": "Toner noir",
            "lignes-0-quantity": "4", "lignes-0-unit": "u", "lignes-1-unit": "u"}  # fmt: skip
    response = client.post(url, data)
    request = QuoteRequest.objects.get()
    assert response.status_code == 302 and request.lines.count() == 1
    answer = request.answers.get()
    response = client.post(reverse("purchases:rfq-send", args=[request.pk, answer.pk]),
                           {"to": "devis@atelier.example", "subject": "Demande", "body": "Ci-joint."})  # fmt: skip
    assert response.status_code == 302 and mail.outbox[0].attachments[0][0] == "Demande-de-prix-DP-2026-0001.pdf"
    line = request.lines.get()
    answer_url = reverse("purchases:rfq-answer", args=[request.pk, answer.pk])
    response = client.post(
        answer_url, {"answered_on": "2026-03-04", f"prix-{line.pk}": "-3", f"tva-{line.pk}": "20.00"}
    )
    assert response.status_code == 200 and not request.answers.filter(answered_on__isnull=False).exists()
    client.post(answer_url, {"answered_on": "2026-03-04", "delay_days": "3", f"prix-{line.pk}": "88,90",
                             f"tva-{line.pk}": "20.00"})  # fmt: skip
    page = html.unescape(client.get(reverse("purchases:rfq-detail", args=[request.pk])).content.decode())
    assert "355,60" in page and "88,90" in page
    response = client.post(reverse("purchases:rfq-choose", args=[request.pk, answer.pk]), {"reason": "Prix"})
    order = PurchaseOrder.objects.get()
    assert response.url == reverse("purchases:order-detail", args=[order.pk]) and order.total_net == D("355.60")
    listing = client.get(reverse("purchases:rfq-list"), {"export": "csv"})
    assert order.number in b"".join(listing.streaming_content).decode("utf-8-sig")


def test_the_supplier_page_shows_its_purchases(asked, buy, client_as):
    from pilote.purchases import orders
    from pilote.sales.services import LineSpec

    order = orders.create_order(actor=buy["assistant"], supplier=buy["supplier"], date=DAY,
                                lines=[LineSpec(description="Papier", quantity=D(2), unit_price=D(10))])  # fmt: skip
    page = client_as("assistant").get(reverse("contacts:detail", args=[buy["supplier"].pk])).content.decode()
    assert "Achats" in page and order.number in page and asked.number in page
    assert reverse("purchases:order-create") + f"?fournisseur={buy['supplier'].pk}" in page
