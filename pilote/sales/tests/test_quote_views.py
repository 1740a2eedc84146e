"""Quotes in the web UI: the line editor, French refusals with the input kept, the PDF, e-mail sending,
acceptance, refusal, cancellation, conversion, duplication, the list (filters, totals, exports, bounded
queries) and what the accountant may not do."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pilote.contacts.models import Address
from pilote.core.models import AuditEvent
from pilote.sales import hooks, services
from pilote.sales.models import Order, Quote, QuoteStatus
from pilote.sales.services import LineSpec

TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def today(monkeypatch):
    """Views read the day from timezone.localdate(): fixed, so defaults and « à relancer » are deterministic."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def line_post(rows, prefix="lignes"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def row(product, quantity="10", price=None, vat="20.00", description=None, kind="goods", unit="u"):
    return {
        "product": str(product.pk),
        "description": description or product.name,
        "quantity": quantity,
        "unit": unit,
        "unit_price": price or f"{product.unit_price}".replace(".", ","),
        "discount_percent": "",
        "vat_rate": vat,
        "kind": kind,
    }


def quote_post(shop, rows=None, **fields):
    rows = rows if rows is not None else [row(shop["p"]["chair"]), row(shop["p"]["book"], vat="5.50")]
    data = {"customer": shop["customer"].pk, "date": "2026-03-02", "valid_until": "2026-04-01", "notes": ""}
    return {**data, **fields, **line_post(rows)}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def make_quote(shop, day=dt.date(2026, 3, 2), valid=None, quantity=D(10), customer=None) -> Quote:
    return services.create_quote(
        actor=shop["actor"],
        customer=customer or shop["customer"],
        date=day,
        valid_until=valid or day + dt.timedelta(30),
        lines=[LineSpec.from_product(shop["p"]["chair"], quantity), LineSpec.from_product(shop["p"]["book"], D(10))],
    )


def page_text(response) -> str:
    return response.content.decode()


# --- Create and edit ----------------------------------------------------------------------------


def test_create_form_defaults_then_save_with_the_line_editor(shop, client_as, today):
    client = client_as("commercial")
    page = page_text(client.get(reverse("sales:quote-create")))
    assert 'value="2026-03-20"' in page and 'value="2026-04-19"' in page  # today, validity + 30 days
    assert 'id="catalogue-data"' in page and "data-line-editor" in page

    response = client.post(reverse("sales:quote-create"), quote_post(shop, notes="Livraison comprise"))
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sales:quote-detail", args=[quote.pk])
    assert (quote.number, quote.status, quote.notes) == ("D-2026-0001", QuoteStatus.DRAFT, "Livraison comprise")
    # 10 × 149,90 at 20 % and 10 × 24,50 at 5,5 %: VAT per rate on the summed nets.
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (D("1744.00"), D("313.28"), D("2057.28"))
    assert quote.lines.get(reference="CH-01").account == "707"

    detail = page_text(client.get(response["Location"]))
    for text in ("Devis D-2026-0001", "Brouillon", "TVA 20\u202f% sur 1\u202f499,00\u202f€", "299,80\u202f€",
                 "TVA 5,5\u202f% sur 245,00\u202f€", "13,48\u202f€", "2\u202f057,28\u202f€", "Création"):  # fmt: skip
        assert text in detail, text
    for action in ("quote-edit", "quote-send", "quote-accept", "quote-refuse", "quote-cancel", "quote-convert"):
        assert reverse(f"sales:{action}", args=[quote.pk]) in detail, action


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "-2"}, "Ligne 1 : la quantité doit être positive."),
        ({"valid_until": "2026-03-01"}, "La date de validité ne peut pas précéder la date du devis."),
        ({"date": "2026-02-30"}, "Saisissez une date valide."),
        ({"price": "-5"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"rows_empty": True}, "Ajoutez au moins une ligne."),
    ],
)
def test_bad_input_is_answered_in_french_and_nothing_is_written(shop, client_as, change, message):
    chair = shop["p"]["chair"]
    rows = [row(chair, quantity=change.get("quantity", "4"), price=change.get("price"), description="Chaise grise")]
    fields = {k: v for k, v in change.items() if k in ("date", "valid_until")}
    data = quote_post(shop, rows=[] if change.get("rows_empty") else rows, **fields)
    response = client_as("commercial").post(reverse("sales:quote-create"), data)
    assert response.status_code == 200
    page = page_text(response)
    assert message.replace("'", "&#x27;") in page
    if not change.get("rows_empty"):
        assert 'value="Chaise grise"' in page  # the user's input is kept
    assert not Quote.objects.exists() and not AuditEvent.objects.filter(action__startswith="sales.quote").exists()


def test_edit_a_draft_refuses_a_stale_version_and_a_sent_quote(shop, client_as):
    client = client_as("commercial")
    quote = make_quote(shop)
    url = reverse("sales:quote-edit", args=[quote.pk])
    page = page_text(client.get(url))
    assert 'value="Chaise de bureau"' in page and f'name="version" value="{quote.version}"' in page

    rows = [row(shop["p"]["chair"], quantity="2")]
    response = client.post(url, quote_post(shop, rows=rows, version=quote.version))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.version == 2 and quote.total_net == D("299.80") and quote.lines.count() == 1

    # Someone else saved in between: refused, the user's input kept.
    rows = [row(shop["p"]["chair"], quantity="7", description="Chaise rouge")]
    response = client.post(url, quote_post(shop, rows=rows, version=1))
    page = page_text(response)
    assert "modifié(e) par quelqu&#x27;un d&#x27;autre" in page and 'value="Chaise rouge"' in page
    quote.refresh_from_db()
    assert quote.version == 2 and quote.total_net == D("299.80")

    services.mark_quote_sent(actor=shop["actor"], quote=quote)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("sales:quote-detail", args=[quote.pk])
    assert "Le devis D-2026-0001 est envoyé : il ne se modifie plus." in page_text(response)
    response = client.post(url, quote_post(shop, rows=rows, version=3))
    assert "Le devis D-2026-0001 est envoyé : il ne se modifie plus." in page_text(response)
    quote.refresh_from_db()
    assert quote.total_net == D("299.80")


def test_duplicate_makes_a_new_draft_from_any_quote(shop, client_as, today):
    quote = make_quote(shop)
    services.refuse_quote(actor=shop["actor"], quote=quote, on=dt.date(2026, 3, 3), reason="Trop cher")
    response = client_as("commercial").post(reverse("sales:quote-duplicate", args=[quote.pk]))
    copy = Quote.objects.exclude(pk=quote.pk).get()
    assert response["Location"] == reverse("sales:quote-edit", args=[copy.pk])
    assert (copy.number, copy.status, copy.date, copy.valid_until) == (
        "D-2026-0002",
        QuoteStatus.DRAFT,
        TODAY,
        TODAY + dt.timedelta(30),
    )
    assert copy.total_gross == quote.total_gross and copy.lines.count() == 2


# --- PDF and e-mail -----------------------------------------------------------------------------


def test_pdf_of_the_quote(shop, client_as):
    quote = make_quote(shop)
    response = client_as("comptable").get(reverse("sales:quote-pdf", args=[quote.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="Devis-D-2026-0001.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for mention in ("D-2026-0001", "Atelier Test SARL", "912 345 675", "FR65912345675", "12 rue des Artisans",
                    "Boulangerie Martin", "732 829 320", "02/03/2026", "01/04/2026", "Chaise de bureau",
                    "1 499,00", "2 057,28", "Bon pour accord"):  # fmt: skip
        assert mention in text.replace("\u202f", " "), mention
    assert PdfReader(io.BytesIO(response.content)).pages[0].mediabox.height > 800  # A4 portrait


def test_send_by_email_attaches_the_pdf_and_marks_sent(shop, client_as):
    client = client_as("commercial")
    quote = make_quote(shop)
    url = reverse("sales:quote-send", args=[quote.pk])
    page = page_text(client.get(url))
    assert 'value="contact@boulangerie-martin.fr"' in page
    assert "Devis D-2026-0001 — Atelier Test SARL" in page and "Bonjour," in page

    data = {"to": "achats@boulangerie-martin.fr", "subject": "Devis D-2026-0001 — Atelier Test SARL", "body": "Bonjour"}
    response = client.post(url, data)
    assert response["Location"] == reverse("sales:quote-detail", args=[quote.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["achats@boulangerie-martin.fr"] and message.reply_to == ["compta@atelier-test.fr"]
    (name, content, mimetype), *_ = message.attachments
    assert (name, mimetype) == ("Devis-D-2026-0001.pdf", "application/pdf")
    assert "D-2026-0001" in pdf_text(content)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and quote.sent_at is not None
    assert "Envoi au client" in page_text(client.get(reverse("sales:quote-detail", args=[quote.pk])))
    from pilote.contacts.models import Interaction

    exchange = Interaction.objects.get(contact=shop["customer"], kind="email")  # in the customer's history
    assert "Devis D-2026-0001 envoyé" in exchange.subject and "achats@boulangerie-martin.fr" in exchange.body


def test_a_failed_email_leaves_the_quote_unsent(shop, client_as, monkeypatch):
    from pilote.core.exceptions import DomainError
    from pilote.sales import mail as sales_mail

    def refuse(**kwargs):
        raise DomainError("L'e-mail n'a pas pu être envoyé (SMTPException) : vérifiez le serveur SMTP.")

    monkeypatch.setattr(sales_mail, "send_document", refuse)
    quote = make_quote(shop)
    data = {"to": "achats@boulangerie-martin.fr", "subject": "Devis", "body": "Texte gardé"}
    response = client_as("commercial").post(reverse("sales:quote-send", args=[quote.pk]), data)
    page = page_text(response)
    assert "vérifiez le serveur SMTP" in page and "Texte gardé" in page
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and not AuditEvent.objects.filter(action="sales.quote.sent").exists()


def test_send_refuses_a_bad_address_in_french(shop, client_as):
    quote = make_quote(shop)
    data = {"to": "pas-une-adresse", "subject": "Devis", "body": "Bonjour"}
    response = client_as("commercial").post(reverse("sales:quote-send", args=[quote.pk]), data)
    assert "Saisissez une adresse de courriel valide." in page_text(response) and not mail.outbox


# --- Decisions ----------------------------------------------------------------------------------


def test_accept_refuse_and_cancel(shop, client_as):
    client = client_as("commercial")
    first, second, third = make_quote(shop), make_quote(shop), make_quote(shop)
    response = client.post(reverse("sales:quote-accept", args=[first.pk]), {"date": "2026-03-01", "note": "M. Martin"})
    assert "L&#x27;acceptation ne peut pas précéder la date du devis." in page_text(response)
    assert 'value="M. Martin"' in page_text(response)
    response = client.post(reverse("sales:quote-accept", args=[first.pk]), {"date": "2026-03-04", "note": "M. Martin"})
    first.refresh_from_db()
    assert response.status_code == 302
    assert (first.status, first.decided_on, first.acceptance_note) == ("accepted", dt.date(2026, 3, 4), "M. Martin")
    detail = page_text(client.get(reverse("sales:quote-detail", args=[first.pk])))
    assert "Accord du client" in detail and "M. Martin" in detail

    response = client.post(reverse("sales:quote-refuse", args=[second.pk]), {"date": "2026-03-04", "reason": ""})
    assert "Ce champ est obligatoire." in page_text(response)
    client.post(reverse("sales:quote-refuse", args=[second.pk]), {"date": "2026-03-04", "reason": "Trop cher"})
    second.refresh_from_db()
    assert (second.status, second.refusal_reason) == ("refused", "Trop cher")

    client.post(reverse("sales:quote-cancel", args=[third.pk]))
    third.refresh_from_db()
    assert third.status == QuoteStatus.CANCELLED
    response = client.post(reverse("sales:quote-accept", args=[third.pk]), {"date": "2026-03-04"})
    assert "Le devis D-2026-0003 est annulé : action impossible." in page_text(response)
    third.refresh_from_db()
    assert third.status == QuoteStatus.CANCELLED


def test_convert_in_one_click_with_address_and_warnings(shop, client_as, today, monkeypatch):
    monkeypatch.setattr(hooks, "order_warnings", [lambda customer, amount: f"Encours dépassé pour {amount} €"])
    client = client_as("commercial")
    quote = make_quote(shop)
    customer = shop["customer"]
    depot = Address.objects.create(contact=customer, label="Dépôt", line1="5 rue du Four", postal_code="38100",
                                   city="Grenoble", is_default_delivery=True)  # fmt: skip
    other = Address.objects.create(contact=make_other(shop), line1="1 rue B", postal_code="69001", city="Lyon")
    detail = page_text(client.get(reverse("sales:quote-detail", args=[quote.pk])))
    assert "Encours dépassé pour 2057.28 €" in detail  # before converting
    assert f'<option value="{depot.pk}" selected>' in detail and f'value="{other.pk}"' not in detail

    data = {"date": "2026-03-20", "customer_reference": "BC-778", "delivery_address": depot.pk, "payment_term": "60"}
    response = client.post(reverse("sales:quote-convert", args=[quote.pk]), data, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == reverse("sales:order-detail", args=[order.pk])
    page = page_text(response)
    assert "Commande CC-2026-0001 créée à partir du devis D-2026-0001." in page
    assert "Encours dépassé pour 2057.28 €" in page  # after converting too
    assert (order.customer_reference, order.delivery_address, order.payment_term) == ("BC-778", depot, "60")
    assert order.total_gross == quote.total_gross and order.lines.count() == 2
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    response = client.post(reverse("sales:quote-convert", args=[quote.pk]), data)
    assert "Le devis D-2026-0001 a déjà été transformé en commande." in page_text(response)
    data["delivery_address"] = other.pk
    response = client.post(reverse("sales:quote-convert", args=[quote.pk]), data)
    assert "Sélectionnez un choix valide." in page_text(response)
    assert Order.objects.count() == 1


def make_other(shop):
    from pilote.contacts.models import Contact

    return Contact.objects.create(name="Autre client", is_customer=True)


def test_convert_refuses_a_date_before_the_quote(shop, client_as):
    quote = make_quote(shop)
    data = {"date": "2026-03-01", "payment_term": "30", "customer_reference": "BC-1"}
    response = client_as("commercial").post(reverse("sales:quote-convert", args=[quote.pk]), data)
    assert "La commande ne peut pas précéder le devis." in page_text(response)
    assert 'value="BC-1"' in page_text(response)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and not Order.objects.exists()  # the acceptance is rolled back too


# --- The list -----------------------------------------------------------------------------------


@pytest.fixture
def several(shop, today):
    """Five quotes: a draft, one sent and due within the week, one sent long ago (to expire), one accepted,
    and one for another customer."""
    other = make_other(shop)
    draft = make_quote(shop, day=dt.date(2026, 3, 1), quantity=D(1))
    soon = make_quote(shop, day=dt.date(2026, 2, 25), valid=dt.date(2026, 3, 25), quantity=D(2))
    old = make_quote(shop, day=dt.date(2026, 1, 10), valid=dt.date(2026, 2, 10), quantity=D(3))
    accepted = make_quote(shop, day=dt.date(2026, 3, 5), quantity=D(4))
    theirs = make_quote(shop, day=dt.date(2026, 3, 6), quantity=D(5), customer=other)
    for quote in (soon, old, accepted):
        services.mark_quote_sent(actor=shop["actor"], quote=quote)
    services.accept_quote(actor=shop["actor"], quote=accepted, on=dt.date(2026, 3, 6))
    return {"draft": draft, "soon": soon, "old": old, "accepted": accepted, "theirs": theirs}


def numbers(response) -> list[str]:
    return [q.number for q in response.context["page"]]


def test_list_filters_sort_totals_and_expires_quotes(several, client_as):
    client = client_as("comptable")
    url = reverse("sales:quote-list")
    response = client.get(url)
    assert numbers(response) == ["D-2026-0005", "D-2026-0004", "D-2026-0001", "D-2026-0002", "D-2026-0003"]
    old = Quote.objects.get(pk=several["old"].pk)
    assert old.status == QuoteStatus.EXPIRED  # sent, validity over: shown as expired
    assert AuditEvent.objects.filter(action="sales.quote.expired", object_id=str(old.pk)).count() == 1
    client.get(url)
    assert AuditEvent.objects.filter(action="sales.quote.expired").count() == 1
    assert "Expiration" in page_text(client.get(reverse("sales:quote-detail", args=[old.pk])))

    assert numbers(client.get(url, {"follow_up": "on"})) == ["D-2026-0002"]
    assert numbers(client.get(url, {"status": "expired"})) == ["D-2026-0003"]
    assert numbers(client.get(url, {"q": "autre"})) == ["D-2026-0005"]
    assert numbers(client.get(url, {"start": "2026-03-01", "end": "2026-03-05"})) == ["D-2026-0004", "D-2026-0001"]
    assert numbers(client.get(url, {"tri": "montant"}))[:2] == ["D-2026-0001", "D-2026-0002"]
    assert numbers(client.get(url, {"tri": "-validite"}))[0] == "D-2026-0005"
    assert numbers(client.get(url, {"tri": "client"}))[0] == "D-2026-0005"  # « Autre client » first
    response = client.get(url, {"q": "boulangerie", "status": "draft"})
    assert (
        response.context["totals"]["count"] == 1 and response.context["totals"]["gross"] == several["draft"].total_gross
    )
    assert "Sélection : 1 devis" in page_text(response)
    response = client.get(url, {"start": "2026-02-31"})
    assert "Saisissez une date valide." in page_text(response)


def test_list_exports_the_filtered_rows_in_french_formats(several, client_as):
    from openpyxl import load_workbook

    client = client_as("comptable")
    url = reverse("sales:quote-list")
    response = client.get(url, {"q": "boulangerie", "export": "csv", "tri": "numero"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert header == "Numéro;Date;Client;SIREN client;Statut;Valable jusqu'au;Total HT;TVA;Total TTC"
    assert [r.split(";")[0] for r in rows] == ["D-2026-0001", "D-2026-0002", "D-2026-0003", "D-2026-0004"]
    assert rows[0].split(";")[1:] == [
        "01/03/2026", "Boulangerie Martin", "732829320", "Brouillon", "31/03/2026", "394,90", "43,46", "438,36",
    ]  # fmt: skip

    response = client.get(url, {"status": "accepted", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.values)
    assert (
        len(values) == 2 and values[1][0] == "D-2026-0004" and D(str(values[1][8])) == several["accepted"].total_gross
    )

    response = client.get(url, {"export": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert "D-2026-0005" in pdf_text(response.content)


def test_list_query_count_does_not_grow_with_the_data(shop, client_as, today):
    client = client_as("commercial")
    url = reverse("sales:quote-list")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"tri": "client"}).status_code == 200
        return len(context)

    make_quote(shop)
    small = count_queries()
    for _ in range(30):
        make_quote(shop)
    assert count_queries() == small <= 9


def test_list_query_count_is_bounded(shop, client_as, today, django_assert_max_num_queries):
    client = client_as("commercial")
    for size in (2, 25):
        while Quote.objects.count() < size:
            make_quote(shop)
        with django_assert_max_num_queries(9):
            client.get(reverse("sales:quote-list"))


# --- Roles --------------------------------------------------------------------------------------


def test_the_accountant_reads_but_does_not_write(shop, client_as):
    quote = make_quote(shop)
    client = client_as("comptable")
    assert client.get(reverse("sales:quote-list")).status_code == 200
    detail = page_text(client.get(reverse("sales:quote-detail", args=[quote.pk])))
    assert "Créer la commande" not in detail and reverse("sales:quote-edit", args=[quote.pk]) not in detail
    assert client.post(reverse("sales:quote-create"), quote_post(shop)).status_code == 403
    assert client.get(reverse("sales:quote-edit", args=[quote.pk])).status_code == 403
    for name in ("quote-accept", "quote-refuse", "quote-cancel", "quote-convert", "quote-duplicate", "quote-send"):
        assert client.post(reverse(f"sales:{name}", args=[quote.pk]), {"date": "2026-03-04"}).status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and Quote.objects.count() == 1 and not mail.outbox


def test_quote_created_from_an_opportunity_wins_it_when_accepted(shop, client_as):
    from pilote.pipeline import services as pipeline
    from pilote.pipeline.stages import Stage
    from pilote.sales.models import Quote

    opportunity = pipeline.create_opportunity(actor=shop["actor"], contact=shop["customer"], title="Parc copieurs")
    client = client_as("commercial")
    url = reverse("sales:quote-create") + f"?client={shop['customer'].pk}&opportunite={opportunity.pk}"
    assert f'<option value="{opportunity.pk}" selected>' in client.get(url).content.decode()
    client.post(url, {
        "customer": shop["customer"].pk, "date": "2026-03-02", "valid_until": "2026-04-01",
        "opportunity": opportunity.pk, **line_post([row(shop["p"]["chair"])]),
    })  # fmt: skip
    quote = Quote.objects.get()
    assert quote.opportunity == opportunity
    assert "Parc copieurs" in client.get(reverse("sales:quote-detail", args=[quote.pk])).content.decode()
    client.post(reverse("sales:quote-accept", args=[quote.pk]), {"date": "2026-03-05", "note": "Signé"})
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON


@pytest.mark.parametrize("action", ["quote-accept", "quote-convert"])
def test_accepting_below_the_opportunity_weighted_amount_wins_it_at_the_quote_amount(shop, client_as, action):
    """Issue 8 point 2: an opportunity of 10 000 € at 50 % (5 000 € weighted) and a quote of a few hundred
    euros; accepting or converting the quote crashed on pipeline_opportunity_weighted_range."""
    from pilote.pipeline import services as pipeline
    from pilote.pipeline.stages import Stage

    opportunity = pipeline.create_opportunity(
        actor=shop["actor"], contact=shop["customer"], title="Parc copieurs", amount=D("10000"), probability=50
    )
    assert opportunity.weighted_amount == D("5000.00")
    quote = services.create_quote(
        actor=shop["actor"], customer=shop["customer"], date=dt.date(2026, 3, 2), valid_until=dt.date(2026, 4, 1),
        lines=[LineSpec.from_product(shop["p"]["install"], D(10))], opportunity=opportunity,
    )  # fmt: skip
    data = {"date": "2026-03-05", "payment_term": "30"}
    response = client_as("commercial").post(reverse(f"sales:{action}", args=[quote.pk]), data)
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON
    assert opportunity.amount == opportunity.weighted_amount == quote.total_net == D("550.00")
