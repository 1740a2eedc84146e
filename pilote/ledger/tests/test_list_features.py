"""Ledger lists: each one filters, sorts (`?tri=`), exports the filtered rows (CSV/XLSX) and runs a bounded
number of queries — third parties, bank statement lines, journal, trial balance."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pilote.ledger import bank, services
from pilote.ledger.models import AuxiliaryAccount
from pilote.ledger.tests.conftest import sale


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def queries_of(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


# --- Clients et fournisseurs (third parties) ---------------------------------------------------------


@pytest.fixture
def customers(books):
    """Three customers with balances 120, 360 and 0, and the supplier."""
    second = AuxiliaryAccount.objects.create(code="C000002", label="Zèbre SARL", control_account=books["a"]["411"])
    AuxiliaryAccount.objects.create(code="C000003", label="Abeille SAS", control_account=books["a"]["411"])
    sale(books)
    books["customer"], first = second, books["customer"]
    sale(books, amount="300.00", vat="60.00")
    books["customer"] = first
    return books


def test_third_parties_sort_by_balance_and_name(client_as, customers):
    client, url = client_as("comptable"), reverse("ledger:third-parties")
    page = client.get(url, {"tri": "-solde", "type": "411"})
    assert [a.code for a in page.context["page"]] == ["C000002", "C000001", "C000003"]
    assert page.context["page"][0].debit_balance == Decimal("360.00")
    page = client.get(url, {"tri": "tiers", "type": "411"})
    assert [a.label for a in page.context["page"]] == ["Abeille SAS", "Client A", "Zèbre SARL"]
    assert 'aria-sort="ascending"' in page.content.decode()


def test_third_parties_export_the_filtered_rows(client_as, customers):
    client, url = client_as("auditeur"), reverse("ledger:third-parties")
    rows = csv_rows(client.get(url, {"type": "411", "q": "c0000", "tri": "-solde", "export": "csv"}))
    assert rows == [
        ["Compte", "Tiers", "Collectif", "Solde débiteur", "Solde créditeur"],
        ["C000002", "Zèbre SARL", "411", "360,00", "0,00"],
        ["C000001", "Client A", "411", "120,00", "0,00"],
        ["C000003", "Abeille SAS", "411", "0,00", "0,00"],
    ]
    rows = xlsx_rows(client.get(url, {"q": "fournisseur", "export": "xlsx"}))
    assert [row[0] for row in rows] == ["Compte", "F000001"]


def test_third_parties_query_count_is_bounded(client_as, customers):
    client, url = client_as("comptable"), reverse("ledger:third-parties")
    few = queries_of(client, url, {"tri": "solde"})
    for n in range(20):
        AuxiliaryAccount.objects.create(code=f"C1{n:05}", label=f"Client {n}", control_account=customers["a"]["411"])
    assert queries_of(client, url, {"tri": "solde"}) == few


# --- Bank statement lines ---------------------------------------------------------------------------


@pytest.fixture
def statement(books):
    account = bank.create_bank_account(actor=books["actor"], name="Banque", iban="FR7630004000010001234567830")
    data = (
        "Date;Libellé;Montant\n"
        "02/03/2026;Frais bancaires;-5,00\n"
        "05/03/2026;Virement Client A;120,00\n"
        "20/04/2026;Loyer avril;-800,00\n"
        "25/04/2026;Virement Zèbre;360,00\n"
    )
    from pilote.ledger import bank_statements

    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    bank.import_statement(
        actor=books["actor"], bank_account=account, data=data.encode(), filename="r.csv", csv_mapping=mapping
    )
    return account


def test_bank_lines_filter_and_sort(client_as, statement):
    client, url = client_as("comptable"), reverse("ledger:bank-detail", args=[statement.pk])
    page = client.get(url, {"etat": "toutes", "tri": "montant"})
    assert [line.amount for line in page.context["page"]] == [Decimal(x) for x in ("-800", "-5", "120", "360")]
    page = client.get(url, {"etat": "toutes", "du": "2026-04-01", "sens": "credit"})
    assert [line.label for line in page.context["page"]] == ["Virement Zèbre"]
    page = client.get(url, {"etat": "toutes", "q": "virement", "tri": "-date"})
    assert [line.label for line in page.context["page"]] == ["Virement Zèbre", "Virement Client A"]
    # The state tabs keep the filters typed.
    assert "q=virement" in page.content.decode().split('aria-label="Lignes affichées"', 1)[1].split("</nav>", 1)[0]


def test_bank_lines_export_the_filtered_rows(client_as, statement):
    client, url = client_as("auditeur"), reverse("ledger:bank-detail", args=[statement.pk])
    rows = csv_rows(client.get(url, {"etat": "toutes", "sens": "debit", "tri": "date", "export": "csv"}))
    assert rows[0][:6] == ["Date", "Date de valeur", "Libellé", "Référence", "Contrepartie", "Montant"]
    assert [(r[0], r[2], r[5], r[7]) for r in rows[1:]] == [
        ("02/03/2026", "Frais bancaires", "-5,00", "non"),
        ("20/04/2026", "Loyer avril", "-800,00", "non"),
    ]
    rows = xlsx_rows(client.get(url, {"etat": "toutes", "q": "loyer", "export": "xlsx"}))
    assert [row[2] for row in rows] == ["Libellé", "Loyer avril"]


def test_bank_lines_query_count_is_bounded(client_as, statement, books):
    client, url = client_as("comptable"), reverse("ledger:bank-detail", args=[statement.pk])
    few = queries_of(client, url, {"etat": "toutes"})
    line = statement.statement_lines.get(label="Frais bancaires")
    bank.book_statement_line(actor=books["actor"], statement_line=line, account=books["a"]["606"])  # a linked entry
    assert queries_of(client, url, {"etat": "toutes", "tri": "libelle"}) == few


# --- Journal -------------------------------------------------------------------------------------------


def test_journal_shows_the_current_month_without_typing_dates(client_as, books, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 3, 20))
    sale(books, day=dt.date(2026, 3, 15))
    sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 4, 2), label="Facture F-2")
    page = client_as("comptable").get(reverse("ledger:journal-report"))
    assert page.context["form"].cleaned_data["du"] == dt.date(2026, 3, 1)
    assert page.context["form"].cleaned_data["au"] == dt.date(2026, 3, 31)
    assert [line.date for line in page.context["page"]] == [dt.date(2026, 3, 15)] * 3  # all journals, March only
    assert page.context["totals"] == {"d": Decimal("120.00"), "c": Decimal("120.00")}


def test_journal_sorts_and_exports_in_that_order(client_as, books):
    sale(books, day=dt.date(2026, 3, 15))
    sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 3, 2), label="Facture F-2")
    client, url = client_as("auditeur"), reverse("ledger:journal-report")
    params = {"journal": books["j"]["VT"].pk, "du": "2026-03-01", "au": "2026-03-31", "tri": "-debit"}
    page = client.get(url, params)
    assert [line.debit for line in page.context["page"]][:2] == [Decimal("120.00"), Decimal("60.00")]
    rows = csv_rows(client.get(url, {**params, "export": "csv"}))
    assert rows[0][:3] == ["Journal", "N°", "Date"] and [r[7] for r in rows[1:3]] == ["120,00", "60,00"]
    assert len(rows) == 7
    rows = xlsx_rows(client.get(url, {**params, "tri": "date", "export": "xlsx"}))
    assert rows[1][2] == dt.datetime(2026, 3, 2) and len(rows) == 7


def test_journal_refuses_a_period_that_ends_before_it_starts(client_as, books):
    page = client_as("comptable").get(reverse("ledger:journal-report"), {"du": "2026-03-31", "au": "2026-03-01"})
    assert page.context["page"] is None and "précède son début" in page.content.decode()


def test_journal_query_count_is_bounded(client_as, books):
    client, url = client_as("comptable"), reverse("ledger:journal-report")
    params = {"du": "2026-01-01", "au": "2026-12-31", "tri": "compte"}
    sale(books)
    few = queries_of(client, url, params)
    for day in range(1, 11):
        sale(books, day=dt.date(2026, 5, day))
    assert queries_of(client, url, params) == few


# --- Trial balance ---------------------------------------------------------------------------------------


def test_trial_balance_sorts_and_exports_in_that_order(client_as, books):
    sale(books)
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2026, 3, 20),
        label="Règlement",
        lines=[
            services.LineInput(books["a"]["512"], debit=Decimal("1000")),
            services.LineInput(books["a"]["411"], credit=Decimal("1000"), auxiliary=books["customer"]),
        ],
        post=True,
    )
    client, url = client_as("comptable"), reverse("ledger:trial-balance")
    page = client.get(url, {"tri": "-solde_debit"})
    assert [r.code for r in page.context["rows"]][:1] == ["512"]
    page = client.get(url, {"tri": "-solde_credit"})
    assert [r.code for r in page.context["rows"]][:2] == ["411", "707"]
    assert page.context["totals"]["debit"] == Decimal("1120.00")  # totals do not depend on the order
    rows = csv_rows(client.get(url, {"tri": "-solde_credit", "export": "csv"}))
    assert [r[0] for r in rows[1:3]] == ["411", "707"]
    rows = xlsx_rows(client.get(url, {"tri": "intitule", "compte": "4", "export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["411", "44571"]  # « Clients » before « TVA collectée »


def test_trial_balance_query_count_is_bounded(client_as, books):
    client, url = client_as("comptable"), reverse("ledger:trial-balance")
    sale(books)
    few = queries_of(client, url, {"tri": "credit"})
    for day in range(1, 6):
        sale(books, day=dt.date(2026, 6, day))
    assert queries_of(client, url, {"tri": "credit"}) == few


# --- Fixed assets, chart of accounts, aged balance ------------------------------------------------------


def test_asset_register_filters_sorts_pages_and_exports(client_as, books):
    from pilote.ledger import assets
    from pilote.ledger.models import Account

    account = books["a"]["2183"]
    Account.objects.create(code="2818", label="Amortissements")
    Account.objects.create(code="6811", label="Dotations")
    items = (("INV-2", "Serveur", "3000"), ("INV-1", "Portable", "1200"), ("INV-3", "Écran", "300"))
    for reference, label, cost in items:
        assets.register_asset(
            actor=books["actor"], label=label, reference=reference, account=account,
            acquisition_date=dt.date(2026, 1, 10), cost=Decimal(cost), years=3,
        )  # fmt: skip
    client, url = client_as("comptable"), reverse("ledger:asset-list")
    page = client.get(url, {"tri": "-valeur"})
    assert [a.reference for a in page.context["page"]] == ["INV-2", "INV-1", "INV-3"]
    page = client.get(url, {"q": "port"})
    assert [a.label for a in page.context["page"]] == ["Portable"]
    assert [a.reference for a in client.get(url, {"etat": "sorties"}).context["page"]] == []
    rows = csv_rows(client.get(url, {"tri": "designation", "export": "csv"}))
    labels = [r[1] for r in rows[1:]]  # where « Écran » sorts depends on the database's collation
    assert labels.index("Portable") < labels.index("Serveur") and sorted(labels) == ["Portable", "Serveur", "Écran"]
    rows = xlsx_rows(client.get(url, {"q": "INV-3", "export": "xlsx"}))
    assert [r[0] for r in rows] == ["N° d'inventaire", "INV-3"]
    few = queries_of(client, url, {})
    assets.register_asset(
        actor=books["actor"], label="Table", reference="INV-4", account=account,
        acquisition_date=dt.date(2026, 2, 1), cost=Decimal("500"), years=5,
    )  # fmt: skip
    assert queries_of(client, url, {}) == few


def test_chart_of_accounts_sorts_and_exports(client_as, books):
    client, url = client_as("comptable"), reverse("ledger:account-list")
    page = client.get(url, {"tri": "intitule", "q": "4"})
    assert [a.code for a in page.context["page"]][:2] == ["411", "44567"]  # Clients, Crédit de TVA…
    rows = csv_rows(client.get(url, {"tri": "-compte", "q": "60", "export": "csv"}))
    assert [r[0] for r in rows[1:]] == ["607", "606"]


def test_aged_balance_sorts_by_total_and_names_each_amount_on_a_phone(client_as, customers):
    client, url = client_as("comptable"), reverse("ledger:aged-balance")
    page = client.get(url, {"au": "2026-04-29", "tri": "-total"})
    assert [r.code for r in page.context["page"]] == ["C000002", "C000001"]
    assert 'data-label="61 à 90 j"' in page.content.decode()
    rows = csv_rows(client.get(url, {"au": "2026-04-29", "tri": "tiers", "export": "csv"}))
    assert [r[0] for r in rows[1:]] == ["C000001", "C000002"]  # Client A before Zèbre SARL


def test_chart_and_aged_balance_query_counts_are_bounded(client_as, customers):
    from pilote.ledger.models import Account

    client = client_as("comptable")
    chart, aged = reverse("ledger:account-list"), reverse("ledger:aged-balance")
    client.get(aged)  # the day's first reader brings the kept aged balances to today (ledger.aging)
    few = (
        queries_of(client, chart, {"tri": "intitule"}),
        queries_of(client, aged, {"au": "2026-04-29", "tri": "-total"}),
    )
    for n in range(10):
        Account.objects.create(code=f"6230{n}", label=f"Publicité {n}")
        customer = AuxiliaryAccount.objects.create(
            code=f"C9{n:05}", label=f"Client {n}", control_account=customers["a"]["411"]
        )
        customers["customer"] = customer
        sale(customers, day=dt.date(2026, 2, 1 + n))
    more = (
        queries_of(client, chart, {"tri": "intitule"}),
        queries_of(client, aged, {"au": "2026-04-29", "tri": "-total"}),
    )
    assert more == few


def test_aged_balance_pages_its_third_parties_and_totals_them_all(client_as, customers, monkeypatch):
    from pilote.ledger.views import reports

    monkeypatch.setattr(reports, "AGED_PER_PAGE", 1)
    client, url = client_as("comptable"), reverse("ledger:aged-balance")
    first = client.get(url, {"au": "2026-04-29", "tri": "-total"})
    assert [r.code for r in first.context["page"]] == ["C000002"]
    assert first.context["grand_total"] == Decimal("480.00")  # both customers, not the page's one
    html = first.content.decode()
    assert "Page 1 sur 2" in html and "C000001" not in html
    second = client.get(url, {"au": "2026-04-29", "tri": "-total", "page": 2})
    assert [r.code for r in second.context["page"]] == ["C000001"]
    assert 'data-label="61 à 90 j"' in second.content.decode()
