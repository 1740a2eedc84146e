"""Pages: bounded query counts at two data sizes, the run sent in batches with progress, levels, holds,
credit limit, menu and to-do entries per role."""

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pilote.contacts.models import Contact
from pilote.core.registry import todos_for
from pilote.receivables import queries, services
from pilote.receivables.models import CreditLimit, DunningHold, DunningLetter, DunningLevel
from pilote.receivables.views import dunning as views
from pilote.sales.models import Invoice, Payment, PaymentAllocation

PAGES = ["receivables:run", "receivables:history", "receivables:aged", "receivables:analysis", "receivables:levels"]


def _bulk(books, count: int, start: int = 0, customer=None):
    """`count` customers (or `count` times `customer`), each with two issued invoices (one late), a partial
    payment and a letter."""
    today = timezone.localdate()
    level = DunningLevel.objects.get(rank=1)
    customers = (
        [customer] * count
        if customer
        else Contact.objects.bulk_create(
            Contact(name=f"Client {start + i:04d}", is_customer=True, email=f"c{start + i}@example.fr")
            for i in range(count)
        )
    )
    invoices = Invoice.objects.bulk_create(
        Invoice(
            customer=c,
            date=today - dt.timedelta(days=days + 30),
            due_date=today - dt.timedelta(days=days),
            status="issued",
            number=f"F-T-{start + i:04d}-{days}",
            issued_at=timezone.now(),
            total_net=D("100"),
            total_vat=D("20"),
            total_gross=D("120"),
        )
        for i, c in enumerate(customers)
        for days in (40, -5)
    )
    for invoice in invoices[::2]:
        payment = Payment.objects.create(
            customer_id=invoice.customer_id, date=invoice.due_date, amount=D("20"), bank_account=books["bank"]
        )
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=D("20"))
        Invoice.objects.filter(pk=invoice.pk).update(amount_paid=D("20"))
        letter = DunningLetter.objects.create(customer_id=invoice.customer_id, level=level, rank=1, title="R",
                                              date=today - dt.timedelta(days=30), channel="email", subject="s",
                                              body="b", total_due=D("100"), total=D("100"))  # fmt: skip
        letter.lines.create(invoice=invoice, rank=1, invoice_number=invoice.number, invoice_date=invoice.date,
                            due_date=invoice.due_date, total_gross=D("120"), amount_due=D("100"),
                            days_late=10)  # fmt: skip
    return customers


@pytest.mark.parametrize("name", PAGES)
def test_list_pages_run_a_bounded_number_of_queries(name, books, client_as, django_assert_max_num_queries):
    client = client_as("direction")
    _bulk(books, 3)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse(name)).status_code == 200
    _bulk(books, 30, start=100)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(reverse(name)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_customer_page_is_bounded(books, client_as, django_assert_max_num_queries):
    client = client_as("comptable")
    (customer,) = _bulk(books, 1)
    # 26: the statement's sums (it reads only the lines it shows) and the old invoices' doubtful debts included.
    with django_assert_max_num_queries(26) as small:
        client.get(reverse("receivables:customer", args=[customer.pk]))
    _bulk(books, 5, start=10, customer=customer)  # more invoices and letters for the same customer
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("receivables:customer", args=[customer.pk]))
    assert page.context["invoices"] and len(page.context["letters"]) == 6


def test_customer_page_shows_a_page_of_open_invoices_and_the_latest_statement_lines(books, client_as, monkeypatch):
    """A customer with thousands of invoices: the page renders a page of them and the statement's latest lines
    (the PDF keeps every line), the running balance still counting the lines not shown."""
    from pilote.receivables.views import accounts

    monkeypatch.setattr(accounts, "OPEN_INVOICES_PER_PAGE", 3)
    monkeypatch.setattr(accounts, "STATEMENT_LINES_SHOWN", 4)
    (customer,) = _bulk(books, 1)
    _bulk(books, 3, start=10, customer=customer)  # 8 invoices (4 of them overdue) and 4 payments
    client = client_as("comptable")
    page = client.get(reverse("receivables:customer", args=[customer.pk]))
    invoices = page.context["invoices"]
    assert len(invoices.object_list) == 3 and invoices.paginator.count == 8
    statement = page.context["statement"]
    whole = queries.statement(customer, statement.start, statement.end)  # the PDF's: every line
    assert len(whole.rows) == 12 and statement.rows == whole.rows[-4:] and statement.hidden == 8
    assert (statement.total_debit, statement.total_credit, statement.closing) == (
        whole.total_debit, whole.total_credit, whole.closing)  # fmt: skip
    text = html.unescape(page.content.decode())
    assert "8 lignes plus anciennes : voir le relevé en PDF" in text and "Page 1 sur 3" in text
    assert statement.closing == D("8") * D("120") - D("4") * D("20")
    last = client.get(reverse("receivables:customer", args=[customer.pk]), {"page": 3})
    assert len(last.context["invoices"].object_list) == 2


def test_run_sends_in_batches_with_progress(books, client_as, monkeypatch):
    monkeypatch.setattr(views, "BATCH", 2)
    monkeypatch.setattr("pilote.receivables.documents.letter_pdf", lambda letter, lines=None: b"%PDF-1.4 test")
    client = client_as("commercial")
    customers = _bulk(books, 3)
    DunningLetter.objects.all().delete()  # no history: level 1 is due for each late invoice (J+40)
    page = client.get(reverse("receivables:run"))
    assert [p.customer for p in page.context["proposals"]] == customers
    first = client.post(reverse("receivables:send"), {"client": [c.pk for c in customers]}, HTTP_HX_REQUEST="true")
    assert first.context["remaining"] == [customers[2].pk] and first.context["done"] == 2
    assert 'hx-trigger="load' in first.content.decode() and "<progress" in first.content.decode()
    rest = client.post(reverse("receivables:send"), {"client": [customers[2].pk], "total": 3, "sent": 2},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert rest.context["remaining"] == [] and rest.context["sent"] == 3 and "Terminé" in rest.content.decode()
    assert DunningLetter.objects.count() == 3 and len(mail.outbox) == 3
    again = client.post(reverse("receivables:send"), {"client": [customers[0].pk]})
    assert "Aucune relance n'est due" in html.unescape(again.content.decode())


def test_levels_hold_and_credit_limit_through_the_pages(books, client_as, issue):
    client = client_as("comptable")
    level = DunningLevel.objects.get(rank=2)
    form = {"rank": 2, "title": "Seconde relance", "days_after_due": 20, "channel": "email", "is_active": "on",
            "email_subject": "Relance", "email_body": "Bonjour {client} {__import__}", "letter_body": "x",
            "version": level.version}  # fmt: skip
    refused = client.post(reverse("receivables:level-edit", args=[level.pk]), form)
    assert "champ(s) inconnu(s) {__import__}" in refused.content.decode()
    form["email_body"] = "Bonjour {client}"
    assert client.post(reverse("receivables:level-edit", args=[level.pk]), form).status_code == 302
    assert DunningLevel.objects.get(rank=2).days_after_due == 20

    invoice = issue(books["martin"], dt.date(2026, 1, 5), "100")
    client.post(reverse("receivables:hold", args=[invoice.pk]), {"reason": "Litige"})
    assert DunningHold.objects.get(invoice=invoice).reason == "Litige"
    client.post(reverse("receivables:release", args=[invoice.pk]))
    assert not DunningHold.objects.exists()

    url = reverse("receivables:credit-limit", args=[books["martin"].pk])
    assert client.post(url, {"amount": "5000"}).status_code == 302
    assert CreditLimit.objects.get(customer=books["martin"]).amount == D("5000.00")
    stale = client.post(url, {"amount": "10", "version": 99})
    assert "modifié(e) par quelqu'un d'autre" in html.unescape(stale.content.decode())


def test_menu_and_todo_per_role(books, client_as, personas, issue):
    issue(books["martin"], dt.date(2026, 1, 5), "100")  # long overdue whatever today is (2026 or later)
    commercial = client_as("commercial").get(reverse("core:home")).content.decode()
    assert "Relances" in commercial and "Encours clients" in commercial and "Analyse clients" in commercial
    auditor = client_as("auditeur").get(reverse("core:home")).content.decode()
    assert "Analyse clients" in auditor and "Relances</a>" not in auditor
    items = [item for item in todos_for(personas["comptable"]) if item.kind == "Relance"]
    assert len(items) == 1 and items[0].label.startswith("Relance amiable à envoyer : Boulangerie Martin")
    assert items[0].due == dt.date(2026, 2, 4) + dt.timedelta(days=7)
    assert not [item for item in todos_for(personas["auditeur"]) if item.kind == "Relance"]
    services.hold_invoice(actor=personas["comptable"], invoice=Invoice.objects.get(), reason="Échéancier accordé")
    assert not [item for item in todos_for(personas["comptable"]) if item.kind == "Relance"]


def test_the_home_to_do_works_out_dunning_a_batch_of_customers_at_a_time(books, personas, monkeypatch):
    """The to-do shows the first customers due in name order, as the dunning run does, without working out every
    overdue invoice of the books: a batch of customers at a time until enough are found."""
    from pilote.receivables import dunning, todo

    customers = _bulk(books, 5)
    DunningLetter.objects.all().delete()  # level 1 due for each late invoice
    monkeypatch.setattr(todo, "BATCH", 2)
    monkeypatch.setattr(todo, "LIMIT", 3)
    asked = []
    real = dunning.proposals
    monkeypatch.setattr(dunning, "proposals", lambda on, ids=None, **kw: asked.append(list(ids)) or real(on, ids, **kw))
    items = [item for item in todos_for(personas["comptable"]) if item.kind == "Relance"]
    assert [item.label.split(" : ")[1].split(" (")[0] for item in items] == [c.name for c in customers[:3]]
    assert asked == [[customers[0].pk, customers[1].pk], [customers[2].pk, customers[3].pk]]  # not the fifth
    assert [p.customer for p in real(timezone.localdate())][:3] == customers[:3]


def test_run_sends_only_to_the_customers_ticked_on_the_page(books, client_as, monkeypatch):
    """A bulk action acts on what the page shows and the user selected, never on every customer due."""
    monkeypatch.setattr("pilote.receivables.documents.letter_pdf", lambda letter, lines=None: b"%PDF-1.4 test")
    customers = _bulk(books, 3)
    DunningLetter.objects.all().delete()
    client_as("commercial").post(reverse("receivables:send"), {"client": [customers[1].pk]})
    assert list(DunningLetter.objects.values_list("customer_id", flat=True)) == [customers[1].pk]
