"""Messages built in code agree with what they speak of: « Avoir … émis » (masculine) but « Facture …
émise »; « Règlement d'Agence … » (elision); a deposit per VAT rate says « TVA 5,5 % », never « 5.5 »."""

import datetime as dt
import html
from decimal import Decimal as D

from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.sales import issuing, services
from pilote.sales.services import LineSpec


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_credit_note_messages_are_masculine(shop, client_as):
    client = client_as("commercial")
    line = LineSpec.from_product(shop["p"]["chair"], D(1))
    invoice = services.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=[line])
    response = client.post(reverse("sales:invoice-issue", args=[invoice.pk]), {"confirm": "on"}, follow=True)
    assert any("émise, comptabilisée et archivée" in m for m in _messages(response))
    invoice.refresh_from_db()
    note = services.credit_note_for(actor=shop["actor"], invoice=invoice, date=shop["day"])
    response = client.post(reverse("sales:invoice-issue", args=[note.pk]), {"confirm": "on"}, follow=True)
    issued = [m for m in _messages(response) if m.startswith("Avoir")]
    assert issued and "émis, comptabilisé et archivé au format" in issued[0], _messages(response)
    note.refresh_from_db()
    assert note.status_label == "Émis" and invoice.status_label == "Émise"
    response = client.get(reverse("sales:invoice-edit", args=[note.pk]), follow=True)
    assert any(m.endswith("est émis : il ne se modifie plus.") for m in _messages(response))


def test_payment_page_elides_de_before_a_vowel(shop, client_as):
    agency = Contact.objects.create(name="Agence Lumière", is_customer=True)
    page = html.unescape(client_as("comptable").get(reverse("sales:payment-create", args=[agency.pk])).content.decode())
    assert "Règlement d'Agence Lumière" in page and "Règlement de Agence" not in page
    page = client_as("comptable").get(reverse("sales:payment-create", args=[shop["customer"].pk])).content.decode()
    assert "Règlement de Boulangerie Martin" in page


def test_deposit_lines_print_french_rates(shop):
    lines = [LineSpec.from_product(shop["p"]["chair"], D(1)), LineSpec.from_product(shop["p"]["book"], D(2))]
    order = services.create_order(actor=shop["actor"], customer=shop["customer"], date=shop["day"], lines=lines)
    deposit = services.deposit_invoice(actor=shop["actor"], order=order, date=dt.date(2026, 3, 3), percent=D("30"))
    descriptions = [line.description for line in deposit.lines.all()]
    assert any("(TVA 5,5\u202f%)" in d for d in descriptions), descriptions
    assert all("5.5" not in d and "30\u202f%" in d for d in descriptions), descriptions
    issuing.issue_invoice(actor=shop["actor"], invoice=deposit, render_pdf=False)
