"""Sales budgeted per article (quantity and amount per month) and the sales variance against them split into
price, mix and volume: typed with the article picker, imported from XLSX (all or nothing), copied by a revision,
read on the variance page — on real issued invoices."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pilote.catalog.models import Product
from pilote.finance import queries, services
from pilote.finance.models import BudgetSalesLine
from pilote.lib.formats import format_eur
from pilote.sales import issuing
from pilote.sales import services as sales
from pilote.sales.services import LineSpec

D = Decimal


@pytest.fixture
def shop(structure, personas):
    from pilote.sales.tests.factories import make_shop

    return make_shop(structure, personas)


@pytest.fixture
def budget(shop, personas):
    from pilote.ledger.models import FiscalYear

    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    return services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Budget 2026")


def _invoice(shop, day, *lines):
    invoice = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=day,
                                   lines=[LineSpec.from_product(p, D(q)) for p, q in lines])  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)


def test_mon_jardin_against_its_budget_on_issued_invoices(shop, budget, personas, client_as):
    """The textbook case of `test_sales_variance` (« Mon jardin », exercices corrigés contrôle des ventes n° 4,
    https://fr.scribd.com/document/722367025/exercices-corrige-s-contro-le-des-ventes-1) typed as a budget and
    sold for real: budget 2 400 motoculteurs at 1 235 and 4 800 tondeuses at 305; sold 2 200 at 1 250 and 4 900
    at 290. Published: total −257 000, price −40 500, mix (composition) −155 000, volume −61 500."""
    moto = Product.objects.create(reference="MOTO", name="Motoculteur", unit_price=D(1250))
    mower = Product.objects.create(reference="TOND", name="Tondeuse", unit_price=D(290))
    client = client_as("comptable")
    url = reverse("finance:budget-sales", args=[budget.pk])
    for product, quantity, amount in ((moto, "2400", "2 964 000,00"), (mower, "4800", "1 464 000")):
        response = client.post(url, {"article": product.pk, "periode": "annee", "quantite": quantity,
                                     "montant": amount}, follow=True)  # fmt: skip
        assert "enregistrées" in response.content.decode()
    assert BudgetSalesLine.objects.filter(budget=budget, article=moto).count() == 12
    _invoice(shop, dt.date(2026, 3, 2), (moto, 2200), (mower, 4900))
    mix = queries.budget_sales_variance(budget, dt.date(2026, 12, 31))
    assert (mix.budget, mix.actual, mix.total) == (D("4428000.00"), D("4171000.00"), D("-257000.00"))
    assert (mix.price, mix.mix, mix.volume) == (D("-40500.00"), D("-155000.00"), D("-61500.00"))
    assert mix.budget_average_price == D("615.00")
    # at 30 June: half the year's budget (months in full), the sales of March
    half = queries.budget_sales_variance(budget, dt.date(2026, 6, 30))
    assert half.budget == D("2214000.00") and half.price + half.mix + half.volume == half.total
    page = client.get(reverse("finance:budget-variance", args=[budget.pk]), {"date": "2026-12-31"}).content.decode()
    assert "Écart sur composition des ventes" in page
    for figure in (mix.price, mix.mix, mix.volume, mix.total):
        assert format_eur(figure) in page
    export = client.get(reverse("finance:budget-variance", args=[budget.pk]),
                        {"date": "2026-12-31", "vue": "ventes", "export": "csv"})  # fmt: skip
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "MOTO — Motoculteur" in text and "33000,00" in text  # its price effect: (1 250 − 1 235) × 2 200


def test_typed_month_by_month_revised_and_refused(shop, budget, personas, client_as):
    chair, install = shop["p"]["chair"], shop["p"]["install"]
    client = client_as("direction")
    url = reverse("finance:budget-sales", args=[budget.pk])
    client.post(url, {"article": chair.pk, "periode": "annee", "quantite": "100", "montant": "15000"})
    client.post(url, {"article": chair.pk, "periode": "2", "quantite": "20", "montant": "2 900,00"})  # March
    row = queries.budget_sales(budget)[0]
    assert row.quantities[:4] == [D("8.334"), D("8.334"), D(20), D("8.334")] and row.amounts[2] == D("2900.00")
    assert row.quantity == D("111.666") and row.amount == D("15000.00") - D("1250.00") + D("2900.00")
    # an amount without quantity, a negative figure, an unknown article: refused in French, nothing written
    page = client.post(url, {"article": install.pk, "periode": "0", "quantite": "0", "montant": "50"},
                       follow=True).content.decode()  # fmt: skip
    assert "indiquez la quantité vendue en 01/2026" in page
    page = client.post(url, {"article": "99999999999999999999", "periode": "annee", "quantite": "1",
                             "montant": "1"}, follow=True).content.decode()  # fmt: skip
    assert "Choisissez un article actif du catalogue." in page
    assert (
        client.post(url, {"article": install.pk, "periode": "0", "quantite": "-1", "montant": "5"}).status_code == 302
    )
    assert not BudgetSalesLine.objects.filter(article=install).exists()
    assert client_as("auditeur").post(url, {"article": chair.pk, "periode": "annee", "quantite": "1",
                                            "montant": "1"}).status_code == 403  # fmt: skip
    # a revision copies the sales per article; the page lists them with the average price
    revision = services.create_budget(actor=personas["direction"], fiscal_year=budget.fiscal_year,
                                      name="Budget 2026 révisé", source=budget)  # fmt: skip
    assert [(r.article_id, r.quantities, r.amounts) for r in queries.budget_sales(revision)] == [
        (row.article_id, row.quantities, row.amounts)
    ]
    assert str(revision) == f"Budget 2026 révisé ({revision.fiscal_year})"
    page = client_as("auditeur").get(reverse("finance:budget-detail", args=[revision.pk])).content.decode()
    assert "CH-01 — Chaise de bureau" in page and "Budget Budget" not in page
    assert "Saisir les ventes d" not in page  # the auditeur reads


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return SimpleUploadedFile("ventes.xlsx", stream.getvalue(), content_type=kind)


def test_sales_imported_from_xlsx_all_or_nothing_and_exported_back(shop, budget, client_as):
    client = client_as("comptable")
    url = reverse("finance:budget-import", args=[budget.pk])
    header = ["Code article", "Désignation", "Mois", "Quantité", "Montant"]
    good = [header, ["CH-01", "Chaise", "03/2026", 10, 1499],
            ["CH-01", "Chaise", dt.datetime(2026, 4, 1), "5", "749,50"], ["PR-INST", "", None, 120, 6600]]  # fmt: skip
    page = client.post(url, {"fichier": _workbook(good)}, follow=True).content.decode()
    assert "Ventes par article importées : 2 article(s)." in page
    rows = {r.reference: r for r in queries.budget_sales(budget)}
    assert rows["CH-01"].quantities[2:4] == [D(10), D(5)] and rows["CH-01"].amount == D("2248.50")
    assert rows["PR-INST"].quantity == D(120) and rows["PR-INST"].amounts[0] == D("550.00")
    # unknown article, a month outside the year, a word for a quantity, a month twice: nothing changes
    for bad, message in (
        ([header, ["XX-9", "", "03/2026", 1, 1]], "Article inconnu du catalogue : XX-9."),
        ([header, ["CH-01", "", "13/2025", 1, 1]], "Ligne 2 (C2) : « 13/2025 » n'est pas un mois de l'exercice"),
        ([header, ["CH-01", "", "03/2026", "dix", 1]], "Ligne 2 (D2) : « dix » n'est pas une quantité."),
        ([header, ["CH-01", "", "03/2026", 1, 1], ["CH-01", "", "03/2026", 2, 2]], "a déjà des ventes sur ce mois"),
    ):
        page = client.post(url, {"fichier": _workbook(bad)}, follow=True).content.decode().replace("&#x27;", "'")
        assert "rien n'a changé" in page and message in page, message
    assert {r.reference: r.amount for r in queries.budget_sales(budget)} == {"CH-01": D("2248.50"), "PR-INST": D(6600)}
    # the export of the sales imports back unchanged
    export = client.get(reverse("finance:budget-detail", args=[budget.pk]), {"export": "xlsx", "vue": "ventes"})
    content = b"".join(export.streaming_content)
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "Code article"
    before = [(r.quantities, r.amounts) for r in queries.budget_sales(budget)]
    upload = SimpleUploadedFile("export.xlsx", content)
    assert "Ventes par article importées" in client.post(url, {"fichier": upload}, follow=True).content.decode()
    assert [(r.quantities, r.amounts) for r in queries.budget_sales(budget)] == before


def test_a_centre_budget_has_no_sales_per_article(shop, budget, personas):
    from pilote.core.exceptions import DomainError
    from pilote.ledger.models import AnalyticAxis, AnalyticSection

    axis = AnalyticAxis.objects.create(code="CENTRE", label="Centres")
    section = AnalyticSection.objects.create(axis=axis, code="ATL", label="Atelier", kind="main")
    centre = services.create_budget(actor=personas["comptable"], fiscal_year=budget.fiscal_year, name="Atelier",
                                    section=section)  # fmt: skip
    with pytest.raises(DomainError, match="budget de la structure"):
        services.set_budget_sales(actor=personas["comptable"], budget=centre, article=shop["p"]["chair"],
                                  quantities=[D(1)] * 12, amounts=[D(10)] * 12)  # fmt: skip
