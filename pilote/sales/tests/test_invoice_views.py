"""Invoices in the web UI: a draft typed with the line editor, issued, downloaded as Factur-X, e-mailed,
corrected by a credit note, paid — and what each role may do."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from pilote.sales import issuing, services
from pilote.sales.facturx_pdf import extract_xml
from pilote.sales.models import Invoice, InvoiceStatus
from pilote.sales.services import LineSpec

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def line_post(prefix="lignes", rows=()):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def chair_row(shop, quantity="3"):
    return {
        "product": str(shop["p"]["chair"].pk),
        "description": "Chaise de bureau",
        "quantity": quantity,
        "unit": "u",
        "unit_price": "149,90",
        "discount_percent": "10",
        "vat_rate": "20.00",
        "kind": "goods",
    }


def test_draft_issue_pdf_send(shop, client_as):
    client = client_as("commercial")
    response = client.post(
        reverse("sales:invoice-create"),
        {
            "customer": shop["customer"].pk,
            "date": "2026-03-02",
            "payment_term": "45fdm",
            "customer_reference": "PO-42",
            **line_post(rows=[chair_row(shop)]),
        },
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sales:invoice-detail", args=[invoice.pk])
    # 3 × 149.90 less 10 % = 3 × 134.91 = 404.73; VAT 80.95 (404.73 × 20 % = 80.946)
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("404.73"), D("80.95"), D("485.68"))
    assert invoice.number is None

    response = client.post(reverse("sales:invoice-issue", args=[invoice.pk]), {"confirm": "on"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number == "F-2026-00001"
    assert invoice.due_date == dt.date(2026, 5, 15)  # 31 March + 45 days

    pdf = client.get(reverse("sales:invoice-pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    for mention in ("F-2026-00001", "732 829 320", "40,00", "pénalités", "Livraison de biens", "PO-42"):
        assert mention in text, mention
    xml = etree.fromstring(extract_xml(body))
    assert xml.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == "F-2026-00001"
    assert xml.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "485.68"

    response = client.post(
        reverse("sales:invoice-send", args=[invoice.pk]),
        {"to": "compta@boulangerie-martin.fr", "subject": "Facture F-2026-00001", "body": "Bonjour"},
    )
    assert response.status_code == 302
    assert mail.outbox[0].attachments[0][0].endswith("F-2026-00001.pdf")
    assert mail.outbox[0].attachments[0][1] == body
    invoice.refresh_from_db()
    assert invoice.sent_at is not None


def test_issued_invoice_cannot_be_edited_or_deleted(shop, client_as):
    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    client = client_as("commercial")
    response = client.post(reverse("sales:invoice-delete", args=[invoice.pk]), follow=True)
    assert "ne se supprime jamais" in response.content.decode()
    response = client.get(reverse("sales:invoice-edit", args=[invoice.pk]), follow=True)
    assert "ne se modifie plus" in response.content.decode()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_issue_refused_without_customer_siren(shop, client_as):
    customer = shop["customer"]
    type(customer).objects.filter(pk=customer.pk).update(siren="", siret="", vat_number="")
    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=customer,
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )
    response = client_as("commercial").post(
        reverse("sales:invoice-issue", args=[invoice.pk]), {"confirm": "on"}, follow=True
    )
    assert "SIREN de Boulangerie Martin est obligatoire" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.is_draft and invoice.number is None


def test_bad_lines_are_refused_in_french(shop, client_as):
    row = chair_row(shop, quantity="-2")
    response = client_as("commercial").post(
        reverse("sales:invoice-create"),
        {"customer": shop["customer"].pk, "date": "2026-02-30", "payment_term": "30", **line_post(rows=[row])},
    )
    assert response.status_code == 200
    assert "Saisissez une date valide" in response.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("comptable", 403), ("salarie", 403), ("auditeur", 403)])
def test_only_sales_staff_create_invoices(shop, client_as, role, status):
    response = client_as(role).post(reverse("sales:invoice-create"), {"customer": shop["customer"].pk})
    assert response.status_code == status


def test_payment_form_allocates_and_letters(shop, client_as):
    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(2))],
    )
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    client = client_as("comptable")
    url = reverse("sales:payment-create", args=[shop["customer"].pk])
    response = client.post(
        url,
        {
            "date": "2026-03-20",
            "amount": "200,00",
            "method": "cheque",
            "bank_account": shop["bank"].pk,
            "reference": "CHQ 1234567",
            f"a-{invoice.pk}": "200,00",
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("200.00") and invoice.balance_due == D("159.76")
    response = client.post(
        url,
        {
            "date": "2026-03-21",
            "amount": "500,00",
            "method": "cheque",
            "bank_account": shop["bank"].pk,
            f"a-{invoice.pk}": "500,00",
        },
    )
    assert "dépasse le reste dû" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("200.00")


def test_invoice_list_filters_and_exports(shop, client_as):
    for quantity in (1, 2):
        invoice = services.create_invoice(
            actor=shop["actor"],
            customer=shop["customer"],
            date=shop["day"],
            lines=[LineSpec.from_product(shop["p"]["chair"], D(quantity))],
        )
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    client = client_as("comptable")
    page = client.get(reverse("sales:invoice-list"), {"state": "draft"}).content.decode()
    assert page.count("Brouillon</a>") == 1
    csv = client.get(reverse("sales:invoice-list"), {"state": "unpaid", "export": "csv"})
    content = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "F-2026-00001" in content and "359,76" in content


def test_customer_page_shows_its_sales(shop, client_as):
    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=dt.date(2026, 1, 5),
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    page = client_as("comptable").get(reverse("contacts:detail", args=[shop["customer"].pk])).content.decode()
    assert "Reste dû : <strong>179,88" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "1 facture en retard" in page and "F-2026-00001" in page
    assert "Nouvelle facture" not in page  # the accountant does not type invoices
    rh_page = client_as("rh").get(reverse("contacts:detail", args=[shop["customer"].pk])).content.decode()
    assert 'id="ventes"' not in rh_page  # HR reads contacts, not sales


def test_agreed_due_date_within_the_legal_limits(shop, client_as):
    client = client_as("commercial")
    base = {"customer": shop["customer"].pk, "date": "2026-03-02", "payment_term": "30",
            **line_post(rows=[chair_row(shop)])}  # fmt: skip
    # 2 March + 60 days = 1 May; 31 March + 45 days = 15 May: the latest legal date is 15 May.
    refused = client.post(reverse("sales:invoice-create"), {**base, "due_date": "2026-05-16"})
    assert "15/05/2026 au plus tard" in refused.content.decode() and not Invoice.objects.exists()
    client.post(reverse("sales:invoice-create"), {**base, "due_date": "2026-05-15"})
    invoice = Invoice.objects.get()
    client.post(reverse("sales:invoice-issue", args=[invoice.pk]), {"confirm": "on"})
    invoice.refresh_from_db()
    assert invoice.number and invoice.due_date == dt.date(2026, 5, 15)


def test_sending_is_logged_in_the_customer_history(shop, client_as):
    from pilote.contacts.models import Interaction

    invoice = services.create_invoice(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["book"], D(1))],
    )  # fmt: skip
    issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    client_as("commercial").post(
        reverse("sales:invoice-send", args=[invoice.pk]), {"to": "a@b.fr", "subject": "Facture", "body": "Bonjour"}
    )
    exchange = Interaction.objects.get(contact=shop["customer"])
    assert exchange.kind == "email" and "F-2026-00001" in exchange.subject and "a@b.fr" in exchange.body
    # The invoice's history names who sent it as people know them, not by login.
    from pilote.core.models import User

    sender = User.objects.get(username="commercial")
    detail = client_as("commercial").get(reverse("sales:invoice-detail", args=[invoice.pk])).content.decode()
    assert f"{sender.get_full_name()} : " in detail
    assert "— commercial :" not in detail


def test_invoice_and_payment_lists_do_not_grow_with_the_data(shop, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilote.sales import payments

    client = client_as("comptable")

    def add(count):
        for _ in range(count):
            invoice = services.create_invoice(
                actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                lines=[LineSpec.from_product(shop["p"]["book"], D(1))],
            )  # fmt: skip
            invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
            payments.record_payment(
                actor=shop["accountant"], customer=shop["customer"], date=shop["day"], amount=D("10.00"),
                method="cheque", bank_account=shop["bank"], allocations=[(invoice, D("10.00"))],
            )  # fmt: skip

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    small = [queries(reverse("sales:invoice-list")), queries(reverse("sales:payment-list"))]
    add(12)
    assert [queries(reverse("sales:invoice-list")), queries(reverse("sales:payment-list"))] == small


def test_payment_form_lists_the_oldest_open_invoices_and_the_one_asked_for(shop, client_as, monkeypatch):
    """A customer with many open invoices: the form lists the oldest (settled first when no amount is typed) and
    the invoice the user came from; an amount typed against that one is allocated to it."""
    from pilote.sales.views import payments as views

    monkeypatch.setattr(views, "INVOICES_SHOWN", 1)
    invoices = []
    for days in (0, 1, 2):
        draft = services.create_invoice(actor=shop["actor"], customer=shop["customer"],
                                        date=shop["day"] + dt.timedelta(days=days),
                                        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))])  # fmt: skip
        invoices.append(issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=False))
    client = client_as("comptable")
    url = reverse("sales:payment-create", args=[shop["customer"].pk])
    page = client.get(url, {"facture": invoices[2].pk})
    assert page.context["open_invoices"] == [invoices[0], invoices[2]] and page.context["not_shown"] == 1
    assert "1 autre facture ouverte" in page.content.decode()
    response = client.post(f"{url}?facture={invoices[2].pk}", {
        "date": (shop["day"] + dt.timedelta(days=3)).isoformat(), "amount": "50,00", "method": "cheque",
        "bank_account": shop["bank"].pk, f"a-{invoices[2].pk}": "50,00",
    })  # fmt: skip
    assert response.status_code == 302
    for invoice in invoices:
        invoice.refresh_from_db()
    assert [i.amount_paid for i in invoices] == [D("0"), D("0"), D("50.00")]
