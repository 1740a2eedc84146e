"""Payables: invoices due this week / this month / overdue, payment terms beyond C. com. L441-10 flagged, the
supplier's account and statement read from its 401 account, the to-do entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.ledger.models_bank import BankAccount
from pilote.lib.dates import local_today
from pilote.purchases import payments, services
from pilote.purchases.queries import payables
from pilote.purchases.todo import todo_items
from pilote.sales.services import LineSpec

D = Decimal
TODAY = dt.date(2026, 6, 10)  # a Wednesday


def typed(buy, number: str, date: dt.date, due: dt.date | None, amount="100", approve=True, supplier=None):
    invoice = services.create_typed_invoice(
        actor=buy["assistant"], supplier=supplier or buy["supplier"], number=number, date=date, due_date=due,
        lines=[LineSpec(description="Fournitures", quantity=D(1), unit_price=D(amount), vat_rate="20.00")],
    )  # fmt: skip
    if approve:
        services.set_line_accounts(actor=buy["accountant"], invoice=invoice,
                                   accounts={line.pk: "6064" for line in invoice.lines.all()})  # fmt: skip
        invoice = services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    return invoice


def test_the_legal_limit_is_60_days_or_45_days_end_of_month():
    from pilote.purchases.models import SupplierInvoice

    # 10 June: 60 days → 9 August; 45 days end of month → 30 June + 45 = 14 August, the later of the two.
    invoice = SupplierInvoice(date=dt.date(2026, 6, 10), due_date=dt.date(2026, 8, 14))
    invoice.legal_due_limit = dt.date(2026, 8, 14)
    assert not invoice.beyond_legal_terms
    invoice.due_date = dt.date(2026, 8, 15)
    assert invoice.beyond_legal_terms


def test_due_invoices_by_period_and_terms_beyond_the_law(buy):
    late = typed(buy, "F-LATE", dt.date(2026, 5, 1), dt.date(2026, 6, 1), "100")
    week = typed(buy, "F-WEEK", dt.date(2026, 5, 20), dt.date(2026, 6, 14), "200")  # Sunday of the week
    month = typed(buy, "F-MONTH", dt.date(2026, 5, 25), dt.date(2026, 6, 30), "300")
    later = typed(buy, "F-LATER", dt.date(2026, 6, 1), dt.date(2026, 7, 31), "400")
    beyond = typed(buy, "F-BEYOND", dt.date(2026, 4, 10), dt.date(2026, 7, 15), "500", approve=False)
    assert beyond.legal_due_limit == dt.date(2026, 6, 14)  # 45 days after 30 April (9 June at 60 days)
    assert beyond.beyond_legal_terms and not later.beyond_legal_terms

    def numbers(**data):
        return sorted(i.number for i in payables.due_invoices(data, TODAY))

    assert numbers(period="retard") == ["F-LATE"]
    assert numbers(period="semaine") == ["F-LATE", "F-WEEK"]
    assert numbers(period="mois") == ["F-LATE", "F-MONTH", "F-WEEK"]
    assert numbers(period="toutes") == ["F-BEYOND", "F-LATE", "F-LATER", "F-MONTH", "F-WEEK"]
    assert numbers(period="toutes", beyond_terms=True) == ["F-BEYOND"]
    assert numbers(period="toutes", minimum=D("250"), maximum=D("480")) == ["F-LATER", "F-MONTH"]  # TTC 360 and 480
    totals = payables.due_totals(payables.due_invoices({"period": "mois"}, TODAY), TODAY)
    assert totals == {"count": 3, "total": D("720.00"), "late": D("120.00"), "beyond": 0}
    assert [i.number for i in payables.beyond_terms_invoices()] == ["F-BEYOND"]
    assert payables.days_late(late, TODAY) == 9 and payables.days_late(week, TODAY) == 0
    assert month.payable == D("360.00")


def test_the_due_list_page_filters_exports_in_bounded_queries(buy, client_as):
    today = local_today()
    for n in range(3):
        typed(buy, f"F-{n}", today - dt.timedelta(days=20), today + dt.timedelta(days=n))
    client = client_as("comptable")
    url = reverse("purchases:due-list")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"period": "toutes"})
    assert response.status_code == 200
    for n in range(3, 8):
        typed(buy, f"F-{n}", today - dt.timedelta(days=20), today + dt.timedelta(days=n))
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"period": "toutes", "tri": "-montant"})
    assert len(more) == len(few)
    assert response.context["totals"]["count"] == 8
    beyond = typed(buy, "F-LOIN", today - dt.timedelta(days=10), today + dt.timedelta(days=120), approve=False)
    page = client.get(url, {"period": "toutes", "beyond_terms": "on"}).content.decode()
    assert "F-LOIN" in page and "F-1<" not in page and "Hors délai légal" in page
    detail = client.get(reverse("purchases:invoice-detail", args=[beyond.pk])).content.decode()
    assert "data-beyond-terms" in detail and "L441-10" in detail
    response = client.get(url, {"period": "toutes", "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "F-LOIN" in body and "Délai au-delà de la limite légale" in body and "F-7" in body
    assert client_as("auditeur").get(url).status_code == 200


def test_supplier_account_statement_from_the_books_and_pdf(buy, client_as):
    supplier = buy["supplier"]
    supplier.iban, supplier.address_line1, supplier.postal_code = "FR7630006000011234567890189", "1 rue A", "69002"
    supplier.save()
    first = typed(buy, "F-1", dt.date(2026, 3, 2), dt.date(2026, 4, 1), "100")  # 120 TTC
    typed(buy, "F-2", dt.date(2026, 3, 20), dt.date(2026, 4, 19), "250")  # 300 TTC
    today = local_today()  # a run is executed today at the earliest
    run = payments.create_run(actor=buy["accountant"], bank_account=BankAccount.objects.get(),
                              execution_date=today, invoices=[first])  # fmt: skip
    run = payments.approve_run(actor=buy["accountant"], run=run)
    payments.execute_run(actor=buy["accountant"], run=run, on=today)
    statement = payables.supplier_statement(supplier, dt.date(2026, 3, 10), today)
    assert statement.opening == D("120.00")  # F-1 before the period
    assert [(r.credit, r.debit, r.balance) for r in statement.rows] == [
        (D("300.00"), D("0"), D("420.00")),
        (D("0"), D("120.00"), D("300.00")),
    ]
    assert statement.closing == D("300.00")
    client = client_as("assistant")
    page = client.get(reverse("purchases:supplier-account", args=[supplier.pk]),
                      {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()  # fmt: skip
    assert "F-2" in page and "Relevé PDF" in page and "300,00" in page
    response = client.get(reverse("purchases:supplier-statement", args=[supplier.pk]),
                          {"start": "2026-01-01", "end": "2026-12-31"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_invoices_due_soon_are_in_the_todo_list(buy, personas):
    today = local_today()
    typed(buy, "F-SOON", today - dt.timedelta(days=30), today + dt.timedelta(days=3), "100")
    typed(buy, "F-LATE", today - dt.timedelta(days=40), today - dt.timedelta(days=2), "50")
    typed(buy, "F-NEW", today - dt.timedelta(days=5), today + dt.timedelta(days=5), "10", approve=False)
    typed(buy, "F-FAR", today - dt.timedelta(days=5), today + dt.timedelta(days=40), "10")
    items = todo_items(personas["comptable"])
    labels = sorted(item.label.replace("\u202f", " ") for item in items)
    assert labels == [
        "Bon à payer à donner : Atelier Pilote, 1 facture de 12,00 €",
        "Payer Atelier Pilote, 2 factures de 180,00 € (en retard)",
    ]
    assert min(item.due for item in items) == today - dt.timedelta(days=2)
