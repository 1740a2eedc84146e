"""Orders and deliveries in the web UI: the whole click path quote → e-mail → order → partial delivery →
deposit → invoice, direct orders, French refusals with nothing written, the bon de livraison PDF, the
list (filters, exports, bounded queries) and the accountant's read-only access."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse

from pilote.contacts.models import Address
from pilote.sales import hooks, issuing, services
from pilote.sales.models import Delivery, Invoice, InvoiceKind, Order, OrderStatus, Quote, QuoteStatus
from pilote.sales.services import LineSpec
from pilote.sales.tests.test_quote_views import line_post, make_other, page_text, pdf_text, quote_post, row


def invoice_url(pk: int) -> str:
    return reverse("sales:invoice-detail", args=[pk])


def make_order(shop, day=dt.date(2026, 3, 5), customer=None, chairs=D(10)) -> Order:
    return services.create_order(
        actor=shop["actor"],
        customer=customer or shop["customer"],
        date=day,
        lines=[LineSpec.from_product(shop["p"]["chair"], chairs), LineSpec.from_product(shop["p"]["book"], D(10))],
    )


def deliver_post(order, date="2026-03-12", **quantities):
    """quantities by product reference: {"CH-01": "6"}; lines not named are sent empty (nothing delivered)."""
    data = {"date": date, "notes": ""}
    for line in order.lines.all():
        data[f"q{line.pk}"] = quantities.get(line.reference.replace("-", "_"), "")
    return data


def test_the_whole_click_path(shop, client_as):
    client = client_as("commercial")
    # A quote typed with the line editor, then sent with its PDF.
    client.post(reverse("sales:quote-create"), quote_post(shop))
    quote = Quote.objects.get()
    send = {"to": "contact@boulangerie-martin.fr", "subject": "Devis D-2026-0001", "body": "Bonjour"}
    client.post(reverse("sales:quote-send", args=[quote.pk]), send)
    assert mail.outbox[0].attachments[0][0] == "Devis-D-2026-0001.pdf"
    assert "D-2026-0001" in pdf_text(mail.outbox[0].attachments[0][1])

    # Converted in one click.
    response = client.post(
        reverse("sales:quote-convert", args=[quote.pk]),
        {"date": "2026-03-05", "customer_reference": "BC-778", "payment_term": "30"},
    )
    order = Order.objects.get()
    assert response["Location"] == reverse("sales:order-detail", args=[order.pk])
    assert Quote.objects.get().status == QuoteStatus.ACCEPTED

    # A partial delivery: the form proposes what remains; 6 chairs of 10 leave now, the books wait.
    url = reverse("sales:order-deliver", args=[order.pk])
    page = page_text(client.get(url))
    chair, book = order.lines.order_by("position")
    assert f'name="q{chair.pk}" value="10"' in page and f'name="q{book.pk}" value="10"' in page
    response = client.post(url, deliver_post(order, CH_01="6"))
    delivery = Delivery.objects.get()
    assert response["Location"] == reverse("sales:delivery-detail", args=[delivery.pk])
    assert delivery.number == "BL-2026-0001" and [(dl.order_line, dl.quantity) for dl in delivery.lines.all()] == [
        (chair, D(6))
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    page = page_text(client.get(reverse("sales:delivery-detail", args=[delivery.pk])))
    assert "Bon de livraison BL-2026-0001" in page and "Chaise de bureau" in page
    pdf = client.get(reverse("sales:delivery-pdf", args=[delivery.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content).replace("\u202f", " ")
    for mention in (
        "BL-2026-0001",
        "CC-2026-0001",
        "BC-778",
        "Boulangerie Martin",
        "3 place du Marché",
        "Chaise de bureau",
    ):
        assert mention in text, mention
    assert "149,90" not in text and "Total" not in text  # no prices on a delivery note

    # The remaining quantity only is proposed next time; more than what remains is refused.
    page = page_text(client.get(url))
    assert f'name="q{chair.pk}" value="4"' in page
    response = client.post(url, deliver_post(order, CH_01="5"))
    assert "« Chaise de bureau » : 5 à livrer, mais il n&#x27;en reste que 4." in page_text(response)
    assert Delivery.objects.count() == 1

    # A 30 % deposit, then the invoice of what was delivered: drafts finished on the invoice pages.
    response = client.post(reverse("sales:order-deposit", args=[order.pk]), {"percent": "30", "date": "2026-03-05"})
    deposit = Invoice.objects.get(kind=InvoiceKind.DEPOSIT)
    assert response["Location"] == invoice_url(deposit.pk)
    assert deposit.total_gross == D("617.18")  # 30 % of 2 057,28 € (per rate: 449,70 + 73,50 HT)
    response = client.post(reverse("sales:order-invoice", args=[order.pk]), {"date": "2026-03-12"})
    assert "Une facture brouillon existe déjà pour la commande CC-2026-0001" in page_text(response)
    issuing.issue_invoice(actor=shop["actor"], invoice=deposit, render_pdf=False)  # the invoice pages' business
    response = client.post(reverse("sales:order-invoice", args=[order.pk]), {"date": "2026-03-12"})
    invoice = Invoice.objects.get(kind=InvoiceKind.INVOICE)
    assert response["Location"] == invoice_url(invoice.pk)
    assert invoice.total_net == D("899.40") and invoice.deliveries.get() == delivery

    page = page_text(client.get(reverse("sales:order-detail", args=[order.pk])))
    for text in ("Livrée en partie", "BL-2026-0001", "F-2026-00001", "Émise", "Brouillon", "BC-778", "D-2026-0001"):
        assert text in page, text
    assert response.status_code == 302


def test_create_an_order_directly(shop, client_as, monkeypatch):
    monkeypatch.setattr(hooks, "order_warnings", [lambda customer, amount: f"Plafond de crédit : {amount} €"])
    client = client_as("commercial")
    depot = Address.objects.create(contact=shop["customer"], label="Dépôt", line1="5 rue du Four", postal_code="38100",
                                   city="Grenoble")  # fmt: skip
    elsewhere = Address.objects.create(contact=make_other(shop), line1="1 rue B", postal_code="69001", city="Lyon")
    page = page_text(client.get(reverse("sales:order-create")))
    assert "data-line-editor" in page and "Dépôt" not in page and "1 rue B" not in page  # never every address
    page = page_text(client.get(reverse("sales:order-create"), {"client": shop["customer"].pk}))
    assert "Dépôt" in page and "1 rue B" not in page
    assert 'hx-get="/ventes/commandes/adresses/"' in page  # the select follows the customer picker
    options = page_text(client.get(reverse("sales:order-addresses"), {"customer": shop["customer"].pk}))
    assert "Adresse de facturation du client" in options and f'value="{depot.pk}"' in options
    assert "1 rue B" not in options
    rows = [row(shop["p"]["install"], quantity="4", vat="20.00", kind="service", unit="h")]
    data = {"customer": shop["customer"].pk, "date": "2026-03-05", "payment_term": "30", "customer_reference": "Tél.",
            **line_post(rows)}  # fmt: skip

    response = client.post(reverse("sales:order-create"), {**data, "delivery_address": elsewhere.pk})
    assert "Sélectionnez un choix valide." in page_text(response)  # only the customer's addresses are offered
    assert not Order.objects.exists()

    response = client.post(reverse("sales:order-create"), {**data, "delivery_address": depot.pk}, follow=True)
    order = Order.objects.get()
    assert (order.number, order.total_gross, order.delivery_address, order.quote) == ("CC-2026-0001", D("264.00"),
                                                                                      depot, None)  # fmt: skip
    page = page_text(response)
    assert "Commande CC-2026-0001 enregistrée." in page and "Plafond de crédit : 264.00 €" in page

    # Services only: invoiced without any delivery.
    response = client.post(reverse("sales:order-invoice", args=[order.pk]), {"date": "2026-03-31"})
    assert Invoice.objects.get().total_gross == D("264.00")
    response = client.post(reverse("sales:order-invoice", args=[order.pk]), {"date": "2026-03-31"})
    assert "Une facture brouillon existe déjà pour la commande CC-2026-0001" in page_text(response)
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("quantities", "date", "message"),
    [
        ({"CH_01": "-1"}, "2026-03-12", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"CH_01": "11"}, "2026-03-12", "« Chaise de bureau » : 11 à livrer, mais il n&#x27;en reste que 10."),
        ({}, "2026-03-12", "Indiquez au moins une quantité livrée."),
        ({"CH_01": "1"}, "2026-03-04", "La livraison ne peut pas précéder la commande."),
        ({"CH_01": "1"}, "2026-04-31", "Saisissez une date valide."),
        ({"CH_01": "abc"}, "2026-03-12", "Saisissez un nombre."),
    ],
)
def test_bad_deliveries_are_refused_in_french_and_nothing_is_written(shop, client_as, quantities, date, message):
    order = make_order(shop)
    data = deliver_post(order, date=date, **quantities)
    data["notes"] = "Sonner à l'arrière"
    response = client_as("commercial").post(reverse("sales:order-deliver", args=[order.pk]), data)
    assert response.status_code == 200
    page = page_text(response)
    assert message in page
    assert "Sonner à l&#x27;arrière" in page  # input kept
    assert not Delivery.objects.exists() and not order.lines.filter(delivered_quantity__gt=0).exists()


def test_decimal_comma_quantities_are_accepted(shop, client_as):
    order = make_order(shop, chairs=D("2.5"))
    client = client_as("commercial")
    page = page_text(client.get(reverse("sales:order-deliver", args=[order.pk])))
    chair = order.lines.get(reference="CH-01")
    assert f'name="q{chair.pk}" value="2,5"' in page
    client.post(reverse("sales:order-deliver", args=[order.pk]), deliver_post(order, CH_01="1,5"))
    chair.refresh_from_db()
    assert chair.delivered_quantity == D("1.5")


def test_deposit_refusals(shop, client_as):
    order = make_order(shop)
    client = client_as("commercial")
    url = reverse("sales:order-deposit", args=[order.pk])
    response = client.post(url, {"percent": "150", "date": "2026-03-05"})
    assert "Le pourcentage d&#x27;acompte est compris entre 0 et 100 (exclus)." in page_text(response)
    assert not Invoice.objects.exists()
    client.post(url, {"percent": "80", "date": "2026-03-05"})
    deposit = Invoice.objects.get()
    issuing.issue_invoice(actor=shop["actor"], invoice=deposit, render_pdf=False)
    response = client.post(url, {"percent": "30", "date": "2026-03-05"})
    assert "Les acomptes dépasseraient le montant de la commande." in page_text(response)
    assert 'value="30"' in page_text(response)
    assert Invoice.objects.count() == 1


def test_cancel_an_order_only_before_delivery(shop, client_as):
    client = client_as("commercial")
    first, second = make_order(shop), make_order(shop)
    client.post(reverse("sales:order-cancel", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == OrderStatus.CANCELLED
    services.deliver(actor=shop["actor"], order=second, date=dt.date(2026, 3, 6),
                     quantities={second.lines.first().pk: D(1)})  # fmt: skip
    response = client.post(reverse("sales:order-cancel", args=[second.pk]), follow=True)
    assert "est déjà livrée ou facturée : elle ne s&#x27;annule plus." in page_text(response)
    second.refresh_from_db()
    assert second.status == OrderStatus.PARTIAL
    response = client.post(reverse("sales:order-deliver", args=[first.pk]), deliver_post(first, CH_01="1"))
    assert "La commande CC-2026-0001 est annulée : rien à livrer." in page_text(response)


# --- The list -----------------------------------------------------------------------------------


def test_order_list_filters_sorts_totals_and_exports(shop, client_as):
    client = client_as("comptable")
    small = make_order(shop, day=dt.date(2026, 3, 1), chairs=D(1))
    large = make_order(shop, day=dt.date(2026, 3, 10), chairs=D(20))
    theirs = make_order(shop, day=dt.date(2026, 2, 1), customer=make_other(shop))
    services.deliver(actor=shop["actor"], order=large, date=dt.date(2026, 3, 11),
                     quantities={line.pk: line.quantity for line in large.lines.all()})  # fmt: skip
    url = reverse("sales:order-list")

    def numbers(params=None):
        return [o.number for o in client.get(url, params or {}).context["page"]]

    assert numbers() == [large.number, small.number, theirs.number]
    assert numbers({"status": "delivered"}) == [large.number]
    assert numbers({"to_deliver": "on"}) == [small.number, theirs.number]
    assert numbers({"q": "autre"}) == [theirs.number]
    assert numbers({"start": "2026-03-01", "end": "2026-03-05"}) == [small.number]
    assert numbers({"tri": "montant"}) == [small.number, theirs.number, large.number]
    assert numbers({"tri": "-numero"}) == [theirs.number, large.number, small.number]
    response = client.get(url, {"q": "boulangerie"})
    assert response.context["totals"]["gross"] == small.total_gross + large.total_gross
    assert "Sélection : 2 commandes" in page_text(response)

    response = client.get(url, {"q": "boulangerie", "export": "csv", "tri": "numero"})
    header, *rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert header == "Numéro;Date;Client;Réf. client;Devis;Statut;Total HT;TVA;Total TTC"
    assert rows[0] == "CC-2026-0001;01/03/2026;Boulangerie Martin;;;En cours;394,90;43,46;438,36"
    assert len(rows) == 2
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(url, {"export": "pdf"})
    assert "CC-2026-0003" in pdf_text(response.content)


def test_order_list_query_count_is_bounded(shop, client_as, django_assert_max_num_queries):
    client = client_as("commercial")
    for size in (2, 25):
        while Order.objects.count() < size:
            make_order(shop)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("sales:order-list"), {"tri": "client"}).status_code == 200


def test_order_detail_query_count_is_bounded(shop, client_as, django_assert_max_num_queries):
    client = client_as("commercial")
    order = make_order(shop)
    for day in (6, 7, 8):
        services.deliver(actor=shop["actor"], order=order, date=dt.date(2026, 3, day),
                         quantities={order.lines.first().pk: D(1)})  # fmt: skip
    with django_assert_max_num_queries(16):
        assert client.get(reverse("sales:order-detail", args=[order.pk])).status_code == 200


# --- Roles --------------------------------------------------------------------------------------


def test_the_accountant_reads_orders_but_does_not_write(shop, client_as):
    order = make_order(shop)
    delivery = services.deliver(actor=shop["actor"], order=order, date=dt.date(2026, 3, 6),
                                quantities={order.lines.first().pk: D(1)})  # fmt: skip
    client = client_as("comptable")
    for name, pk in (("order-list", None), ("order-detail", order.pk), ("delivery-detail", delivery.pk),
                     ("delivery-pdf", delivery.pk)):  # fmt: skip
        assert client.get(reverse(f"sales:{name}", args=[pk] if pk else [])).status_code == 200, name
    page = page_text(client.get(reverse("sales:order-detail", args=[order.pk])))
    assert "Préparer la facture" not in page and reverse("sales:order-deliver", args=[order.pk]) not in page
    assert client.get(reverse("sales:order-create")).status_code == 403
    posts = {"order-deliver": deliver_post(order, CH_01="1"), "order-deposit": {"percent": "30", "date": "2026-03-06"},
             "order-invoice": {"date": "2026-03-06"}, "order-cancel": {}}  # fmt: skip
    for name, data in posts.items():
        assert client.post(reverse(f"sales:{name}", args=[order.pk]), data).status_code == 403, name
    assert Delivery.objects.count() == 1 and not Invoice.objects.exists()
    assert Order.objects.get().status == OrderStatus.PARTIAL  # nothing changed


def test_delivery_list_filters_and_exports(shop, client_as):
    order = services.create_order(
        actor=shop["actor"], customer=shop["customer"], date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(4))],
    )  # fmt: skip
    line = order.lines.get()
    first = services.deliver(actor=shop["actor"], order=order, date=shop["day"], quantities={line.pk: D(1)})
    services.invoice_order(actor=shop["actor"], order=order, date=shop["day"])
    second = services.deliver(actor=shop["actor"], order=order, date=shop["day"], quantities={line.pk: D(3)})
    client = client_as("comptable")
    page = client.get(reverse("sales:delivery-list"), {"invoiced": "non"}).content.decode()
    assert first.number in page and second.number in page  # the first is on a draft invoice only
    csv = client.get(reverse("sales:delivery-list"), {"export": "csv", "q": second.number})
    content = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert second.number in content and first.number not in content
