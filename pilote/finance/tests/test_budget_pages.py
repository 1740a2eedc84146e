"""Budgets on small books: made from last year's actuals, typed, imported from XLSX (all or nothing), revised,
compared with the actuals at a date, exported; who may do what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pilote.core.models import AuditEvent
from pilote.finance import queries, services
from pilote.finance.models import Budget, BudgetKind, BudgetLine
from pilote.finance.tests.test_pages import _post
from pilote.ledger import services as ledger
from pilote.ledger.models import Account, FiscalYear, Journal

D = Decimal


@pytest.fixture
def year(personas):
    actor = personas["comptable"]
    for code, label in {"101": "Capital", "512": "Banques", "641": "Rémunérations du personnel",
                        "706": "Prestations de services", "6061": "Fournitures non stockables"}.items():  # fmt: skip
        Account.objects.create(code=code, label=label)
    for code, label, kind in ledger.DEFAULT_JOURNALS:
        Journal.objects.create(code=code, label=label, kind=kind)
    FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    current = FiscalYear.objects.create(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    _post(actor, dt.date(2025, 1, 15), ("512", "1000", "0"), ("706", "0", "1000"))
    _post(actor, dt.date(2025, 2, 15), ("512", "2000", "0"), ("706", "0", "2000"))
    _post(actor, dt.date(2025, 2, 20), ("641", "800", "0"), ("512", "0", "800"))
    _post(actor, dt.date(2026, 1, 10), ("512", "1500", "0"), ("706", "0", "1500"))
    _post(actor, dt.date(2026, 2, 10), ("6061", "100", "0"), ("512", "0", "100"))
    return current


def test_budget_from_last_years_actuals_and_its_variances(year, personas):
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(10))
    months = queries.budget_months(budget)
    assert months["706"][:3] == [D("1100.00"), D("2200.00"), D(0)] and months["641"][1] == D("880.00")
    assert BudgetLine.objects.filter(budget=budget).count() == 3  # zero months are not stored
    day, rows, totals = queries.variance_report(budget, dt.date(2026, 2, 14))
    by_group = {r.group: r for r in rows}
    # Budget to 14 February: January in full + 14/28 of February.
    assert by_group["706"].budget == D("2200.00") and by_group["706"].actual == D(1500)
    assert by_group["706"].status == "unfavourable" and by_group["706"].percent == D("-31.8")
    assert by_group["641"].budget == D("440.00") and by_group["641"].actual == 0
    assert by_group["6"].actual == D(100)  # 6061 has no budget line: « Charges hors budget »
    assert totals.result_actual == D(1400)
    assert AuditEvent.objects.filter(action="finance.budget.created").count() == 1


def test_typed_group_revision_and_overlap_refused(year, personas, client_as):
    client = client_as("comptable")
    response = client.post(reverse("finance:budget-create"), {"exercice": year.pk, "nom": "Saisi", "methode": "vide"})
    budget = Budget.objects.get(name="Saisi")
    assert response.status_code == 302 and not budget.lines.exists()
    client.post(reverse("finance:budget-group", args=[budget.pk]), {"groupe": "706", "annuel": "12 000,00"})
    assert sum(queries.budget_months(budget)["706"]) == D(12000)
    data = {"groupe": "64", **{f"m{i}": "" for i in range(12)}, "m0": "1 000,50"}
    client.post(reverse("finance:budget-group", args=[budget.pk]), data)
    assert queries.budget_months(budget)["64"][0] == D("1000.50")
    page = client.post(reverse("finance:budget-group", args=[budget.pk]), {"groupe": "641", "m0": "5"}, follow=True)
    assert "Les groupes 64 et 641 se recouvrent" in page.content.decode()
    client.post(reverse("finance:budget-revise", args=[budget.pk]), {"nom": "Révisé"})
    revision = Budget.objects.get(name="Révisé")
    assert revision.kind == BudgetKind.REVISED and revision.source == budget
    assert queries.budget_months(revision) == queries.budget_months(budget)
    assert queries.current_budget(year) == revision


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("budget.xlsx", buffer.getvalue())


MONTHS = [f"{m:02d}/2026" for m in range(1, 13)]


def test_xlsx_export_and_import_round_trip_all_or_nothing(year, personas, client_as):
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(0))
    client = client_as("comptable")
    export = client.get(reverse("finance:budget-detail", args=[budget.pk]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Groupe de comptes", "Intitulé", "01/2026"] and rows[0][-1] == "Total"
    # The exported workbook imports back unchanged.
    url = reverse("finance:budget-import", args=[budget.pk])
    before = queries.budget_months(budget)
    response = client.post(url, {"fichier": _xlsx([row for row in rows if row[0]])}, follow=True)
    assert "Budget importé : 2 groupes" in response.content.decode()
    assert queries.budget_months(budget) == before
    # A changed workbook replaces every line; a bad one changes nothing and says why, cell by cell.
    good = [["Groupe de comptes", "Intitulé", *MONTHS], ["706", "Ventes", *[1000] * 12], ["6061", "", "12,5"]]
    client.post(url, {"fichier": _xlsx(good)})
    assert set(queries.budget_months(budget)) == {"706", "6061"}
    bad = [["Groupe de comptes", "Intitulé", *MONTHS], ["706", "", "beaucoup"], ["411", "", 5], ["607", "", 1]]
    page = client.post(url, {"fichier": _xlsx(bad)}, follow=True).content.decode()
    assert "rien n&#x27;a changé" in page and "Ligne 2 (C2)" in page and "Ligne 3 (A3)" in page
    assert set(queries.budget_months(budget)) == {"706", "6061"}
    page = client.post(url, {"fichier": SimpleUploadedFile("b.xlsx", b"not a zip")}, follow=True).content.decode()
    assert "n&#x27;est pas un classeur XLSX lisible" in page
    short = [["Groupe de comptes", "Janvier"], ["706", 1]]
    page = client.post(url, {"fichier": _xlsx(short)}, follow=True).content.decode()
    assert "12 colonnes de mois" in page


@pytest.mark.parametrize(
    ("months", "message"),
    [
        (["13/2026", *MONTHS[1:]], "C1 : « 13/2026 » au lieu de 01/2026"),
        ([*MONTHS[1:], "01/2027"], "C1 : « 02/2026 » au lieu de 01/2026"),  # a column shifted
        ([f"{m:02d}/2025" for m in range(1, 13)], "C1 : « 01/2025 » au lieu de 01/2026"),  # last year's file
        (["", *MONTHS[1:]], "C1 : « » au lieu de 01/2026"),
    ],
)
def test_import_checks_each_months_header(year, personas, client_as, months, message):
    """Amounts go to the month their column names: a workbook whose months are not the budget's, in its order,
    is refused — read by position, it put each amount in another month without a word."""
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(0))
    before = queries.budget_months(budget)
    url = reverse("finance:budget-import", args=[budget.pk])
    rows = [["Groupe de comptes", "Intitulé", *months], ["706", "Ventes", *[1000] * 12]]
    page = client_as("comptable").post(url, {"fichier": _xlsx(rows)}, follow=True).content.decode()
    assert "rien n&#x27;a changé" in page and message in page
    assert queries.budget_months(budget) == before


def test_import_accepts_dates_and_french_month_names_as_headers(year, personas, client_as):
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(0))
    url = reverse("finance:budget-import", args=[budget.pk])
    names = ["Janvier", "février 2026", "mars", "avr. 2026", "Mai", "juin", "Juillet", "août", "sept.", "octobre",
             "nov.", "décembre 2026"]  # fmt: skip
    for header in ([dt.date(2026, m, 1) for m in range(1, 13)], names):
        rows = [["Groupe de comptes", *header], ["706", *[1000] * 11, dt.datetime(2026, 1, 5)]]
        page = client_as("comptable").post(url, {"fichier": _xlsx(rows)}, follow=True).content.decode()
        assert "« 05/01/2026 » n&#x27;est pas un montant" in page  # a date typed in an amount's cell, as printed
        rows = [["Groupe de comptes", *header], ["706", *[1000] * 12]]
        page = client_as("comptable").post(url, {"fichier": _xlsx(rows)}, follow=True).content.decode()
        assert "Budget importé : 1 groupe" in page, header


def test_upload_limit(year, personas, client_as, settings):
    settings.PILOTE_UPLOAD_MAX_BYTES = {**settings.PILOTE_UPLOAD_MAX_BYTES, "budget": 100}
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial")
    page = client_as("comptable").post(
        reverse("finance:budget-import", args=[budget.pk]), {"fichier": SimpleUploadedFile("b.xlsx", b"x" * 200)},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "Le fichier dépasse la taille maximale de 100 octets pour un budget." in page


def test_pages_exports_and_roles(year, personas, client_as):
    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(10))
    client = client_as("auditeur")
    listing = client.get(reverse("finance:budget-list") + "?tri=nom").content.decode()
    assert "Initial" in listing and "3\u202f300,00\u202f€" in listing
    page = client.get(reverse("finance:budget-variance", args=[budget.pk]) + "?date=2026-02-14").content.decode()
    assert "Défavorable" in page and "<svg" in page and "2\u202f200,00\u202f€" in page
    export = client.get(reverse("finance:budget-variance", args=[budget.pk]) + "?date=2026-02-14&export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "706;Prestations de services;2200,00;1500,00;-700,00;-31,8;Défavorable" in text
    assert client.post(reverse("finance:budget-delete", args=[budget.pk])).status_code == 403
    assert client_as("commercial").get(reverse("finance:budget-list")).status_code == 403
    client_as("direction").post(reverse("finance:budget-delete", args=[budget.pk]))
    assert not Budget.objects.exists()


def test_a_date_outside_the_budgets_year_is_said_not_moved_silently(year, personas, client_as):
    """Asked at a date the budget's year does not hold, the page shows the situation at the year's first or last day
    and says so, naming the date typed; the field shows the date used. A date inside the year: no notice."""
    from pilote.finance import budgets

    budget = services.create_budget(actor=personas["comptable"], fiscal_year=year, name="Initial", percent=D(10))
    url = reverse("finance:budget-variance", args=[budget.pk])
    client = client_as("comptable")
    page = client.get(url, {"date": "2027-03-15"}).content.decode().replace("&#x27;", "'")
    assert ("Le 15/03/2027 est après l'exercice de ce budget (du 01/01/2026 au 31/12/2026) : la situation est montrée "
            "au 31/12/2026, son dernier jour.") in page  # fmt: skip
    assert "Réalisé et budget au 31/12/2026" in page and 'value="2026-12-31"' in page
    before = client.get(url, {"date": "2025-06-30"}).content.decode().replace("&#x27;", "'")
    assert "Le 30/06/2025 est avant l'exercice de ce budget" in before and "au 01/01/2026, son premier jour" in before
    inside = client.get(url, {"date": "2026-02-14"}).content.decode()
    assert "message-warning" not in inside and "Réalisé et budget au 14/02/2026" in inside
    # a centre's budget compares whole months: the month's end, said too
    assert budgets.situation_day(dt.date(2026, 2, 14), year.start_date, year.end_date, whole_months=True) == dt.date(
        2026, 2, 28
    )
    assert budgets.situation_notice(dt.date(2026, 2, 14), dt.date(2026, 2, 28), year.start_date, year.end_date) == (
        "Un budget de centre se compare par mois entiers (la comptabilité analytique est mensuelle) : la situation "
        "est montrée au 28/02/2026, fin du mois du 14/02/2026."
    )
